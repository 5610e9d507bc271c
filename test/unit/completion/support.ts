// Test helpers for the inline pipeline: documents from text, a scripted ChatClient, a fake clock.
import type { ChatClient, ChatRequest, CompletionResult, CompletionStream } from '../../../src/core/client/types';
import type { Timers } from '../../../src/core/completion/debounce';
import type { CompletionInput, DocumentView } from '../../../src/core/completion/types';

/** A document whose text is `prefix + suffix`, with the cursor between them. */
export function inputAt(prefix: string, suffix: string, options: { eol?: '\n' | '\r\n'; uri?: string; languageId?: string; explicit?: boolean } = {}): CompletionInput {
  const eol = options.eol ?? (prefix.includes('\r\n') || suffix.includes('\r\n') ? '\r\n' : '\n');
  const lines = (prefix + suffix).split(eol);
  const before = prefix.split(eol);
  return {
    document: documentOf(lines, eol, options.uri ?? 'file:///project/sample.ts', options.languageId ?? 'typescript'),
    cursor: { line: before.length - 1, character: before[before.length - 1].length },
    explicit: options.explicit ?? true,
  };
}

export function documentOf(lines: string[], eol: '\n' | '\r\n' = '\n', uri = 'file:///project/sample.ts', languageId = 'typescript'): DocumentView & { reads: number } {
  const doc = {
    uri,
    path: uri.replace(/^.*\//, ''),
    languageId,
    version: 1,
    lineCount: lines.length,
    eol,
    reads: 0,
    lineAt(i: number) {
      doc.reads++;
      return lines[i];
    },
  };
  return doc;
}

export interface ScriptedClient extends ChatClient {
  requests: ChatRequest[];
  aborted: number;
  /** Characters the consumer read before it stopped. */
  delivered: number;
  /** Streams the consumer stopped reading before their end (early stop). */
  stoppedEarly: number;
  warms: number;
}

/** A ChatClient whose answer is `answer(request)`, streamed in small chunks, honouring aborts. */
export function scriptedClient(answer: (request: ChatRequest) => string | Error, options: { chunk?: number; delayMs?: number; firstDelayMs?: number } = {}): ScriptedClient {
  const client: ScriptedClient = {
    requests: [],
    aborted: 0,
    delivered: 0,
    stoppedEarly: 0,
    warms: 0,
    stream(request, requestOptions = {}): CompletionStream {
      client.requests.push(request);
      const reply = answer(request);
      const chunk = options.chunk ?? 3;
      let settle!: (r: CompletionResult) => void;
      let fail!: (e: unknown) => void;
      const result = new Promise<CompletionResult>((res, rej) => ((settle = res), (fail = rej)));
      result.catch(() => undefined);
      const signal = requestOptions.signal;
      signal?.addEventListener('abort', () => client.aborted++, { once: true });
      async function* iterate(): AsyncGenerator<string> {
        if (reply instanceof Error) {
          fail(reply);
          throw reply;
        }
        const chars = Array.from(reply);
        let text = '';
        try {
          for (let i = 0; i < chars.length; i += chunk) {
            const delay = i === 0 && options.firstDelayMs !== undefined ? options.firstDelayMs : options.delayMs;
            if (delay) await new Promise((r) => setTimeout(r, delay));
            if (signal?.aborted) {
              const { KestrelError } = await import('../../../src/core/client/errors');
              const error = new KestrelError('aborted', 'cancelled');
              fail(error);
              throw error;
            }
            const piece = chars.slice(i, i + chunk).join('');
            text += piece;
            client.delivered += piece.length;
            yield piece;
          }
          settle({ text, finishReason: 'stop', timing: { firstByteMs: 0, totalMs: 0 } });
        } finally {
          // The consumer stopped reading (or read it all): the result settles either way.
          if (!signal?.aborted) {
            if (text.length < reply.length) client.stoppedEarly++;
            settle({ text, finishReason: text.length < reply.length ? 'aborted' : 'stop', timing: { firstByteMs: 0, totalMs: 0 } });
          }
        }
      }
      const iterator = iterate();
      return { result, [Symbol.asyncIterator]: () => iterator };
    },
    async complete() {
      throw new Error('not used');
    },
    async listModels() {
      return [];
    },
    async warm() {
      client.warms++;
    },
  };
  return client;
}

/** A clock and timers that move only when told: tests of waiting never sleep. */
export class FakeClock implements Timers {
  private time = 0;
  private nextId = 1;
  private queue: { at: number; id: number; fn: () => void }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.time + Math.max(0, ms), id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((e) => e.id !== handle);
  }

  get pendingTimers(): number {
    return this.queue.length;
  }

  /** Moves time on by `ms`, firing due timers in order and letting promises run in between. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settleMicrotasks();
      const due = this.queue.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.queue = this.queue.filter((e) => e !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = until;
    await settleMicrotasks();
  }
}

/** Lets pending promise chains (and the scripted client's stream) run to their next real wait. */
export async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

// Test helpers for the inline pipeline: documents from text, and a scripted ChatClient.
import type { ChatClient, ChatRequest, CompletionResult, CompletionStream } from '../../../src/core/client/types';
import type { CompletionInput, DocumentView } from '../../../src/core/completion/types';

/** A document whose text is `prefix + suffix`, with the cursor between them. */
export function inputAt(prefix: string, suffix: string, options: { eol?: '\n' | '\r\n'; uri?: string; languageId?: string; explicit?: boolean } = {}): CompletionInput {
  const eol = options.eol ?? (prefix.includes('\r\n') || suffix.includes('\r\n') ? '\r\n' : '\n');
  const lines = (prefix + suffix).split(eol);
  const before = prefix.split(eol);
  return {
    document: documentOf(lines, eol, options.uri ?? 'file:///work/sample.ts', options.languageId ?? 'typescript'),
    cursor: { line: before.length - 1, character: before[before.length - 1].length },
    explicit: options.explicit ?? true,
  };
}

export function documentOf(lines: string[], eol: '\n' | '\r\n' = '\n', uri = 'file:///work/sample.ts', languageId = 'typescript'): DocumentView & { reads: number } {
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
}

/** A ChatClient whose answer is `answer(request)`, streamed in small chunks, honouring aborts. */
export function scriptedClient(answer: (request: ChatRequest) => string | Error, options: { chunk?: number; delayMs?: number } = {}): ScriptedClient {
  const client: ScriptedClient = {
    requests: [],
    aborted: 0,
    delivered: 0,
    stream(request, requestOptions = {}): CompletionStream {
      client.requests.push(request);
      const reply = answer(request);
      const chunk = options.chunk ?? 3;
      let stopped = false;
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
            if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
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
            stopped = true;
            settle({ text, finishReason: text.length < reply.length ? 'aborted' : 'stop', timing: { firstByteMs: 0, totalMs: 0 } });
          }
        }
      }
      const iterator = iterate();
      void stopped;
      return { result, [Symbol.asyncIterator]: () => iterator };
    },
    async complete() {
      throw new Error('not used');
    },
    async listModels() {
      return [];
    },
    async warm() {},
  };
  return client;
}

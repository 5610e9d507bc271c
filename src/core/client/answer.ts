// Reading a chat answer's body: Server-Sent Events or a plain JSON answer, with the idle timeout
// restarted on each chunk (on the injected clock), a cap on the bytes read, and a cut-off for a
// server that ignores max_tokens. What arrived stays readable when reading fails part-way.
import type { Dispatcher } from 'undici';
import type { Clock, Deadlines } from '../clock';
import { KestrelError, classifyStatus, looksLikeHtml, redact, streamError } from './errors';
import { SseDecoder, interpretChunk, type StreamEvent } from './sse';
import { ToolCallAccumulator } from './toolCalls';
import { header, parseJson, readText } from './transport';
import type { FinishReason, Usage } from './types';

const ERROR_BODY_LIMIT = 64 * 1024;

export interface AnswerOptions {
  host: string;
  /** Kept out of every message (a server may echo it). */
  apiKey?: string;
  model: string;
  clock: Clock;
  /** The request's timers: reading clears `first` at the first byte and restarts `idle` on each chunk. */
  deadlines: Deadlines;
  idleMs: number;
  maxBytes: number;
  /** The request's max_tokens, if any: a server that streams far more is cut off. */
  maxTokens?: number;
  /** Ends the request with `error` (closing its connection). */
  abort(error: KestrelError): void;
  onDelta(text: string): void;
  /** Told of each error the provider reported inside the answer. */
  onStreamError?(error: KestrelError): void;
}

/** What arrived of one answer; filled in while the body is read. */
export class BodyReader {
  text = '';
  finishReason: FinishReason = 'unknown';
  /** The tool calls of this turn, pieced together from their deltas. */
  readonly toolCalls = new ToolCallAccumulator();
  usage: Usage | undefined;
  /** The model the provider says served the answer. */
  servedModel: string | undefined;
  /** Clock time of the first byte of the body. */
  firstByteAt: number | undefined;
  bytes = 0;
  /** The server sent more than max_tokens allows: reading stopped, the rest is left unread. */
  overran = false;
  private deltas = 0;
  private failure: KestrelError | undefined;
  private readonly maxDeltas: number;

  constructor(private readonly options: AnswerOptions) {
    // Each text delta carries at least one token, and the margin allows for proxies that re-chunk the stream.
    this.maxDeltas = options.maxTokens !== undefined && options.maxTokens > 0 ? options.maxTokens * 2 + 16 : Infinity;
  }

  /** Reads the body of a 2xx answer to its end (or to the cut-off); throws a KestrelError on a fault. */
  async read(response: Dispatcher.ResponseData, stream: boolean): Promise<void> {
    const { host, model } = this.options;
    const contentType = header(response.headers, 'content-type') ?? '';
    if (/text\/html/i.test(contentType)) {
      const page = await readText(response.body, ERROR_BODY_LIMIT);
      throw classifyStatus({ status: response.statusCode, body: undefined, text: looksLikeHtml(page) ? page : `<html>${page}`, host, model });
    }
    if (stream && !/json/i.test(contentType)) {
      const decoder = new SseDecoder((event) => this.handle(event));
      let sniffed = false;
      for await (const chunk of response.body) {
        this.seen(chunk);
        if (!sniffed) {
          sniffed = true;
          if (looksLikeHtml(new TextDecoder().decode(chunk.subarray(0, 64)))) {
            throw classifyStatus({ status: response.statusCode, body: undefined, text: '<html>', host, model });
          }
        }
        decoder.feed(chunk);
        if (this.failure) throw this.failure;
        if (this.overran) break;
      }
      if (!this.overran) decoder.end();
    } else {
      // A plain JSON answer (non-streaming call, or a server that ignored `stream: true`).
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) {
        this.seen(chunk);
        chunks.push(chunk);
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const json = parseJson(raw);
      if (json === undefined) {
        throw looksLikeHtml(raw)
          ? classifyStatus({ status: response.statusCode, body: undefined, text: raw, host, model })
          : new KestrelError('malformed', `${host} sent an answer Kestrel could not read.`, { providerMessage: raw.slice(0, 200) });
      }
      for (const event of interpretChunk(json)) this.handle(event);
    }
    if (this.failure) throw this.failure;
  }

  private seen(chunk: Uint8Array): void {
    const { clock, deadlines, host, idleMs, maxBytes, abort } = this.options;
    if (this.firstByteAt === undefined) {
      this.firstByteAt = clock.now();
      deadlines.clear('first');
    }
    deadlines.set('idle', idleMs, () => abort(new KestrelError('timeout', `${host} stopped sending for ${seconds(idleMs)} part-way through the answer.`)));
    this.bytes += chunk.byteLength;
    if (this.bytes > maxBytes) abort(new KestrelError('too-large', `The answer from ${host} was larger than ${megabytes(maxBytes)} and was cut off; Kestrel stopped reading it.`));
  }

  private handle(event: StreamEvent): void {
    if (this.failure) return;
    switch (event.type) {
      case 'delta':
        if (this.overran) break;
        this.text += event.text;
        this.options.onDelta(event.text);
        if (++this.deltas >= this.maxDeltas) {
          this.overran = true;
          this.finishReason = 'length';
        }
        break;
      case 'toolCall':
        if (this.overran) break;
        this.toolCalls.add(event.call);
        // Argument pieces count against the cut-off too: a server streaming one call forever is stopped.
        if (++this.deltas >= this.maxDeltas) {
          this.overran = true;
          this.finishReason = 'length';
        }
        break;
      case 'finish':
        this.finishReason = event.reason;
        break;
      case 'usage':
        this.usage = event.usage;
        break;
      case 'model':
        this.servedModel = event.model;
        break;
      case 'error':
        this.failure = streamError(event.payload, this.options.host, this.options.apiKey, this.options.model);
        this.options.onStreamError?.(this.failure);
        break;
      case 'malformed':
        this.failure = new KestrelError('malformed', `${this.options.host} sent data Kestrel could not read part-way through the answer.`, { providerMessage: redact(event.data, this.options.apiKey) });
        break;
    }
  }
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms / 1000)} s`;
}

function megabytes(bytes: number): string {
  return bytes >= 1048576 ? `${Number((bytes / 1048576).toFixed(1))} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

// The chat-completions client on undici: one keep-alive pool per base URL, streaming and plain
// calls, an AbortSignal that really closes the connection, a first-byte and an idle timeout, safe
// retries, and a log entry per request that never carries the key.
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { KestrelError, classifyNetworkError, classifyStatus, looksLikeHtml, redact, streamError } from './errors';
import { parseModels } from './models';
import type { ProxyChoice } from './proxy';
import { MAX_RETRY_WAIT_MS, parseRetryAfter, realClock, retryDelay, type Clock } from './retry';
import { SseDecoder, interpretChunk, type StreamEvent } from './sse';
import type { ChatClient, ChatRequest, CompletionResult, CompletionStream, FinishReason, ModelInfo, RequestOptions, Usage } from './types';

export interface RequestLogEntry {
  method: string;
  /** Base URL and path only: never a key. */
  url: string;
  model?: string;
  status?: number;
  firstByteMs?: number;
  totalMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  usage?: Usage;
  /** Characters of the request's messages; set once the request went out (chat completions). */
  promptChars?: number;
  /** Characters of answer text received, a stream stopped or cut off part-way included. */
  completionChars?: number;
  retries?: number;
  errorKind?: string;
  /** Bytes of the answer body read (a too-large answer stops at the cap). */
  bytes?: number;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  proxy?: ProxyChoice;
  /** No byte of the answer within this time: give up (ms). */
  firstByteTimeoutMs?: number;
  /** No new chunk within this time once streaming: give up (ms). */
  idleTimeoutMs?: number;
  /** A hard cap on one request, for a stream that never ends (ms). */
  wallClockMs?: number;
  maxRetries?: number;
  /** A larger answer is cut off with a `too-large` error. */
  maxResponseBytes?: number;
  clock?: Clock;
  random?: () => number;
  /** Injected transport (tests); by default an undici Agent or ProxyAgent owned by this client. */
  dispatcher?: Dispatcher;
  onLog?: (entry: RequestLogEntry) => void;
}

export type Client = ChatClient & { dispose(): Promise<void> };

const DEFAULTS = { firstByteTimeoutMs: 20_000, idleTimeoutMs: 15_000, wallClockMs: 180_000, maxRetries: 2, maxResponseBytes: 8 * 1024 * 1024 };
const ERROR_BODY_LIMIT = 64 * 1024;
/** A connection used within this time is still open: warming it again would be wasted. */
const WARM_FOR_MS = 15_000;

/** At most 4 stop sequences, none blank (API-WIRE.md: Anthropic rejects blank ones). */
export function cleanStops(stop: readonly string[] | undefined): string[] {
  return [...new Set((stop ?? []).filter((s) => typeof s === 'string' && s.trim() !== ''))].slice(0, 4);
}

export function requestBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const stop = cleanStops(request.stop);
  return {
    model: request.model,
    messages: request.messages,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(stop.length ? { stop } : {}),
    ...request.extra,
  };
}

export function createChatClient(options: ClientOptions): Client {
  const base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const host = base.host;
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const proxyUrl = options.proxy?.proxyUrl;
  // `http.proxyStrictSSL: false` relaxes only connections a proxy carries (src/core/client/proxy.ts).
  const rejectUnauthorized = proxyUrl ? (options.proxy?.rejectUnauthorized ?? true) : true;
  const ownDispatcher = options.dispatcher
    ? undefined
    : proxyUrl
      ? new ProxyAgent({ uri: proxyUrl, requestTls: { rejectUnauthorized }, proxyTls: { rejectUnauthorized }, keepAliveTimeout: 60_000 })
      : new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, connections: 8 });
  const proxyHost = proxyUrl ? hostOf(proxyUrl) : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? ownDispatcher!;
  let lastUsed = -Infinity;
  let warming: Promise<void> | undefined;
  /** The provider asked (Retry-After) for no request before this time (clock ms). */
  let blockedUntil = -Infinity;

  const headers = (accept: string): Record<string, string> => ({
    'content-type': 'application/json',
    accept,
    'user-agent': 'Kestrel (VS Code extension)',
    ...options.headers,
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  });
  const log = (entry: RequestLogEntry) => {
    try {
      options.onLog?.(entry);
    } catch {
      // A logger's failure never breaks a request.
    }
  };

  /**
   * Sends one request, with retries before the first byte. Resolves with a 2xx response whose
   * body is still unread; every error status is turned into a KestrelError here.
   */
  async function send(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    accept: string,
    signal: AbortSignal,
    maxRetries: number,
    model: string | undefined,
    entry: RequestLogEntry,
    /** Told when an attempt starts ('send') and when a wait before one starts ('wait'). */
    onPhase: (phase: 'send' | 'wait') => void = () => {},
  ): Promise<{ response: Dispatcher.ResponseData; sentAt: number }> {
    const cancelled = () => (signal.reason instanceof KestrelError ? signal.reason : new KestrelError('aborted', 'The request was cancelled.'));
    for (let attempt = 0; ; attempt++) {
      // No request reaches a provider that asked us to wait: wait with it when the caller allows
      // retries and the wait is short, otherwise fail at once without contacting it.
      const blockedFor = blockedUntil - clock.now();
      if (blockedFor > 0) {
        if (maxRetries > 0 && blockedFor <= MAX_RETRY_WAIT_MS) {
          onPhase('wait');
          await clock.sleep(blockedFor, signal).catch(() => {
            throw cancelled();
          });
        } else {
          throw new KestrelError('rate-limited', `${host} asked Kestrel to wait before the next request; try again in ${Math.ceil(blockedFor / 1000)} s.`, { status: 429, retryAfterMs: blockedFor, model });
        }
      }
      onPhase('send');
      const sentAt = clock.now();
      let failure: KestrelError;
      try {
        const response = await dispatcher.request({ origin, path: basePath + path, method, headers: headers(accept), body, signal, headersTimeout: 0, bodyTimeout: 0 });
        lastUsed = clock.now();
        entry.status = response.statusCode;
        if (response.statusCode < 300) return { response, sentAt };
        const text = await readText(response.body, ERROR_BODY_LIMIT);
        if (response.statusCode < 400 && !looksLikeHtml(text)) {
          // undici follows no redirects; an API never redirects a POST, a captive portal or a wrong base URL does.
          const to = header(response.headers, 'location');
          throw new KestrelError('network', `${host} redirected the request${to ? ` to ${redirectTarget(to)}` : ''} (HTTP ${response.statusCode}): a captive portal or proxy may be in the way, or "kestrel.baseUrl" is wrong.`, { status: response.statusCode, model });
        }
        failure = classifyStatus({
          status: response.statusCode,
          body: parseJson(text),
          text,
          host,
          model,
          key: options.apiKey,
          retryAfterMs: parseRetryAfter(header(response.headers, 'retry-after')) ?? parseRetryAfter(header(response.headers, 'x-ratelimit-reset-after')),
        });
        if (failure.retryAfterMs !== undefined) blockedUntil = Math.max(blockedUntil, clock.now() + failure.retryAfterMs);
      } catch (error) {
        if (signal.aborted) throw cancelled();
        failure = error instanceof KestrelError ? error : classifyNetworkError(error, host, proxyHost);
      }
      const delay = attempt < maxRetries ? retryDelay(failure, attempt + 1, random) : undefined;
      if (delay === undefined) throw failure;
      entry.retries = attempt + 1;
      onPhase('wait');
      await clock.sleep(delay, signal).catch(() => {
        throw cancelled();
      });
    }
  }

  /** Runs one chat request; `onDelta` sees the text as it streams. */
  async function run(request: ChatRequest, requestOptions: RequestOptions, stream: boolean, onDelta: (text: string) => void, stopSignal?: AbortSignal): Promise<CompletionResult> {
    const controller = new AbortController();
    const abortWith = (error: KestrelError) => {
      if (!controller.signal.aborted) controller.abort(error);
    };
    const onUserAbort = () => abortWith(new KestrelError('aborted', 'The request was cancelled.'));
    if (requestOptions.signal?.aborted) onUserAbort();
    requestOptions.signal?.addEventListener('abort', onUserAbort, { once: true });
    const onStop = () => abortWith(new KestrelError('aborted', 'Stopped by the caller.'));
    stopSignal?.addEventListener('abort', onStop, { once: true });

    const firstByteMs = requestOptions.firstByteTimeoutMs ?? settings.firstByteTimeoutMs;
    const idleMs = requestOptions.idleTimeoutMs ?? settings.idleTimeoutMs;
    const timers = new Timers();
    // Restarted on each attempt, so a wait before a retry never counts against the first byte.
    const startFirstByteTimer = () => timers.set('first', firstByteMs, () => abortWith(new KestrelError('timeout', `${host} sent nothing for ${seconds(firstByteMs)}. Try again, or check the network.`)));
    timers.set('wall', settings.wallClockMs, () => abortWith(new KestrelError('timeout', `The answer from ${host} took longer than ${seconds(settings.wallClockMs)} and was cut off.`)));
    // A server that ignores max_tokens is cut off here: each text delta carries at least one token,
    // and the margin allows for proxies that re-chunk the stream.
    const maxDeltas = request.maxTokens !== undefined && request.maxTokens > 0 ? request.maxTokens * 2 + 16 : Infinity;
    let deltas = 0;
    let overran = false;

    const entry: RequestLogEntry = { method: 'POST', url: `${origin}${basePath}/chat/completions`, model: request.model };
    const started = clock.now();
    let text = '';
    let finishReason: FinishReason = 'unknown';
    let usage: Usage | undefined;
    let servedModel: string | undefined;
    let firstByteAt: number | undefined;
    let finished = false;
    try {
      const { response, sentAt } = await send(
        'POST',
        '/chat/completions',
        JSON.stringify(requestBody(request, stream)),
        stream ? 'text/event-stream' : 'application/json',
        controller.signal,
        requestOptions.maxRetries ?? settings.maxRetries,
        request.model,
        entry,
        (phase) => {
          if (phase === 'wait') return timers.clear('first');
          entry.promptChars ??= request.messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
          startFirstByteTimer();
        },
      );
      const contentType = header(response.headers, 'content-type') ?? '';
      let bytes = 0;
      let failure: KestrelError | undefined;
      const seen = (chunk: Uint8Array) => {
        if (firstByteAt === undefined) {
          firstByteAt = clock.now();
          entry.firstByteMs = firstByteAt - sentAt;
          timers.clear('first');
        }
        timers.set('idle', idleMs, () => abortWith(new KestrelError('timeout', `${host} stopped sending for ${seconds(idleMs)} part-way through the answer.`)));
        bytes += chunk.byteLength;
        entry.bytes = bytes;
        if (bytes > settings.maxResponseBytes) abortWith(new KestrelError('too-large', `The answer from ${host} was larger than ${megabytes(settings.maxResponseBytes)} and was cut off; Kestrel stopped reading it.`));
      };
      const handle = (event: StreamEvent) => {
        if (failure) return;
        switch (event.type) {
          case 'delta':
            if (overran) break;
            text += event.text;
            onDelta(event.text);
            if (++deltas >= maxDeltas) {
              overran = true;
              finishReason = 'length';
            }
            break;
          case 'finish':
            finishReason = event.reason;
            break;
          case 'usage':
            usage = event.usage;
            break;
          case 'model':
            servedModel = event.model;
            break;
          case 'error':
            failure = streamError(event.payload, host, options.apiKey, request.model);
            break;
          case 'malformed':
            failure = new KestrelError('malformed', `${host} sent data Kestrel could not read part-way through the answer.`, { providerMessage: redact(event.data, options.apiKey) });
            break;
        }
      };

      if (/text\/html/i.test(contentType)) {
        const page = await readText(response.body, ERROR_BODY_LIMIT);
        throw classifyStatus({ status: response.statusCode, body: undefined, text: looksLikeHtml(page) ? page : `<html>${page}`, host, model: request.model });
      }
      if (stream && !/json/i.test(contentType)) {
        const decoder = new SseDecoder(handle);
        let sniffed = false;
        for await (const chunk of response.body) {
          seen(chunk);
          if (!sniffed) {
            sniffed = true;
            if (looksLikeHtml(new TextDecoder().decode(chunk.subarray(0, 64)))) {
              throw classifyStatus({ status: response.statusCode, body: undefined, text: '<html>', host, model: request.model });
            }
          }
          decoder.feed(chunk);
          if (failure) throw failure;
          if (overran) break;
        }
        if (!overran) decoder.end();
      } else {
        // A plain JSON answer (non-streaming call, or a server that ignored `stream: true`).
        const chunks: Uint8Array[] = [];
        for await (const chunk of response.body) {
          seen(chunk);
          chunks.push(chunk);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const json = parseJson(raw);
        if (json === undefined) {
          throw looksLikeHtml(raw)
            ? classifyStatus({ status: response.statusCode, body: undefined, text: raw, host, model: request.model })
            : new KestrelError('malformed', `${host} sent an answer Kestrel could not read.`, { providerMessage: raw.slice(0, 200) });
        }
        for (const event of interpretChunk(json)) handle(event);
      }
      if (failure) throw failure;
      // An overrun body is left unread: the finally block closes its connection.
      finished = !overran;
      const totalMs = clock.now() - sentAt;
      entry.totalMs = totalMs;
      return { text, finishReason, usage, model: servedModel, timing: { firstByteMs: entry.firstByteMs ?? totalMs, totalMs } };
    } catch (error) {
      const reason = controller.signal.reason;
      let failure = controller.signal.aborted && reason instanceof KestrelError ? reason : error instanceof KestrelError ? error : classifyNetworkError(error, host, proxyHost);
      if (failure.kind === 'network' && firstByteAt !== undefined && !(error instanceof KestrelError)) {
        const code = (error as { code?: string })?.code;
        failure = new KestrelError('network', `${host} closed the connection part-way through the answer${code ? ` (${code})` : ''}. Try again.`, { model: request.model, cause: error });
      }
      if (failure.kind === 'aborted' && stopSignal?.aborted) {
        // The caller stopped reading on purpose (e.g. the first line was enough): what arrived is the answer.
        entry.totalMs = clock.now() - started;
        return { text, finishReason: 'aborted', usage, model: servedModel, timing: { firstByteMs: entry.firstByteMs ?? entry.totalMs, totalMs: entry.totalMs } };
      }
      entry.errorKind = failure.kind;
      entry.totalMs = clock.now() - started;
      throw failure;
    } finally {
      timers.clearAll();
      requestOptions.signal?.removeEventListener('abort', onUserAbort);
      stopSignal?.removeEventListener('abort', onStop);
      // An unfinished body is destroyed so the connection closes; a finished one stays pooled.
      if (!finished && !controller.signal.aborted) controller.abort(new KestrelError('aborted', 'Finished.'));
      lastUsed = clock.now();
      // What arrived counts even when no usage chunk did (a stopped or broken stream): the ledger estimates from it.
      entry.completionChars = text.length;
      if (usage) {
        entry.usage = usage;
        entry.promptTokens = usage.promptTokens;
        entry.completionTokens = usage.completionTokens;
        entry.costUsd = usage.costUsd;
      }
      log(entry);
    }
  }

  return {
    stream(request, requestOptions = {}): CompletionStream {
      const queue = new AsyncQueue<string>();
      const stop = new AbortController();
      const result = run(request, requestOptions, true, (delta) => queue.push(delta), stop.signal);
      result.then(
        () => queue.close(),
        (error) => queue.fail(error),
      );
      return {
        result,
        [Symbol.asyncIterator]: () => queue.iterator(() => stop.abort()),
      };
    },

    complete(request, requestOptions = {}) {
      return run(request, requestOptions, false, () => {});
    },

    async listModels(listOptions = {}): Promise<ModelInfo[]> {
      const controller = new AbortController();
      const onAbort = () => controller.abort(new KestrelError('aborted', 'The request was cancelled.'));
      listOptions.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => controller.abort(new KestrelError('timeout', `${host} did not list its models within 20 s.`)), 20_000);
      const entry: RequestLogEntry = { method: 'GET', url: `${origin}${basePath}/models` };
      const started = clock.now();
      try {
        const { response } = await send('GET', '/models', undefined, 'application/json', controller.signal, 1, undefined, entry);
        const raw = await readText(response.body, 32 * 1024 * 1024);
        const json = parseJson(raw);
        if (json === undefined) throw new KestrelError('malformed', looksLikeHtml(raw) ? `${host} answered with a web page: a proxy or captive portal answered instead of the provider.` : `${host} sent a model list Kestrel could not read.`);
        return parseModels(json);
      } catch (error) {
        const failure = controller.signal.reason instanceof KestrelError ? controller.signal.reason : error instanceof KestrelError ? error : classifyNetworkError(error, host, proxyHost);
        entry.errorKind = failure.kind;
        throw failure;
      } finally {
        clearTimeout(timer);
        listOptions.signal?.removeEventListener('abort', onAbort);
        entry.totalMs = clock.now() - started;
        log(entry);
      }
    },

    warm(): Promise<void> {
      if (clock.now() - lastUsed < WARM_FOR_MS) return Promise.resolve();
      warming ??= (async () => {
        try {
          // A small GET to the base URL opens (and keeps) the TLS connection; its status does not
          // matter. (Not HEAD: some servers close the connection after answering one.)
          const response = await dispatcher.request({ origin, path: basePath || '/', method: 'GET', headers: { 'user-agent': 'Kestrel (VS Code extension)' }, headersTimeout: 10_000, bodyTimeout: 10_000 });
          await response.body.dump();
          lastUsed = clock.now();
        } catch {
          // Warming is an optimisation; the real request reports any problem.
        } finally {
          warming = undefined;
        }
      })();
      return warming;
    },

    async dispose() {
      await ownDispatcher?.close().catch(() => ownDispatcher.destroy());
    },
  };
}

/** host:port of a proxy URL, never its user or password. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the proxy';
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms / 1000)} s`;
}

function megabytes(bytes: number): string {
  return bytes >= 1048576 ? `${Number((bytes / 1048576).toFixed(1))} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Where a redirect points, without its query (which may carry tokens). */
function redirectTarget(location: string): string {
  try {
    const url = new URL(location);
    return url.origin + url.pathname;
  } catch {
    return location.split('?')[0].slice(0, 200);
  }
}

function definedOnly(options: ClientOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (bytes > limit) {
      body.destroy();
      break;
    }
  }
  return text + decoder.decode();
}

/** Named timers that are always cleared, so no request leaves one behind. */
class Timers {
  private readonly handles = new Map<string, ReturnType<typeof setTimeout>>();
  set(name: string, ms: number, fire: () => void): void {
    this.clear(name);
    if (ms > 0 && Number.isFinite(ms)) this.handles.set(name, setTimeout(fire, ms));
  }
  clear(name: string): void {
    clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }
  clearAll(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }
}

/** A single-consumer queue between the network loop and `for await`. */
class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private closed = false;
  private error: unknown;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }
  close(): void {
    this.closed = true;
    this.wake();
  }
  fail(error: unknown): void {
    this.error = error;
    this.closed = true;
    this.wake();
  }
  private wake(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }

  iterator(onReturn: () => void): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.items.length) return { value: this.items.shift() as T, done: false };
          if (this.error !== undefined) {
            const error = this.error;
            this.error = undefined;
            // A caller that stopped reading on purpose is not told about the abort it caused.
            if (!(error instanceof KestrelError && error.kind === 'aborted' && this.stopped)) throw error;
          }
          if (this.closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.waiting = resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.stopped = true;
        onReturn();
        return { value: undefined, done: true };
      },
    };
  }
  private stopped = false;
}

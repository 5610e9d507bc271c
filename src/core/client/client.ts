// The chat-completions client: streaming and plain calls, an AbortSignal that really closes the
// connection, a first-byte, an idle and a wall-clock timeout on the injected clock, safe retries,
// and a log entry per request that never carries the key. The pieces: the transport with its
// retries and pauses (transport.ts), reading an answer's body (answer.ts), the queue a stream's
// reader pulls from (queue.ts).
import { Deadlines, realClock, type Clock } from '../clock';
import { BodyReader, seconds } from './answer';
import { KestrelError, looksLikeHtml } from './errors';
import { parseModels } from './models';
import type { ProxyChoice } from './proxy';
import { AsyncQueue } from './queue';
import { createRateLimits, type RateLimits } from './rateLimits';
import { Transport, parseJson, readText } from './transport';
import type { Dispatcher } from 'undici';
import type { ChatClient, ChatMessage, ChatRequest, CompletionResult, CompletionStream, ModelInfo, RequestOptions, Usage } from './types';

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
  /** Of the prompt tokens, read from and written to the provider's prompt cache. */
  cachedTokens?: number;
  cacheWriteTokens?: number;
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
  /** Time, waits and timers; the real ones by default. */
  clock?: Clock;
  random?: () => number;
  /** Injected transport (tests); by default an undici Agent or ProxyAgent owned by this client. */
  dispatcher?: Dispatcher;
  /**
   * The pauses providers asked for, per origin. The extension passes one shared by every client it
   * builds, so a rebuilt client keeps them; by default this client keeps its own.
   */
  rateLimits?: RateLimits;
  onLog?: (entry: RequestLogEntry) => void;
}

export type Client = ChatClient & { dispose(): Promise<void> };

const DEFAULTS = { firstByteTimeoutMs: 20_000, idleTimeoutMs: 15_000, wallClockMs: 180_000, maxRetries: 2, maxResponseBytes: 8 * 1024 * 1024 };
/** Listing models may take this long in all. */
const LIST_MODELS_MS = 20_000;

/** At most 4 stop sequences, none blank (Anthropic rejects blank ones). */
export function cleanStops(stop: readonly string[] | undefined): string[] {
  return [...new Set((stop ?? []).filter((s) => typeof s === 'string' && s.trim() !== ''))].slice(0, 4);
}

export function requestBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const stop = cleanStops(request.stop);
  const tools = request.tools?.length ? request.tools : undefined;
  return {
    model: request.model,
    messages: withBreakpoint(request.messages.map(wireMessage), request.cacheAfter),
    stream,
    ...(tools ? { tools: tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })), tool_choice: request.toolChoice ?? 'auto' } : {}),
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(stop.length ? { stop } : {}),
    ...request.extra,
  };
}

/**
 * A message as the wire has it: an assistant turn that called tools carries `tool_calls` (and
 * `content: null` when it said nothing), a tool result its `tool_call_id`; the rest is role and text.
 */
function wireMessage(m: ChatMessage): WireMessage {
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.content };
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return { role: 'assistant', content: m.content === '' ? null : m.content, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) };
  }
  return { role: m.role, content: m.content };
}

type WireMessage = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };

/** The messages with an ephemeral `cache_control` breakpoint on the whole content of message `at`. */
function withBreakpoint(messages: WireMessage[], at: number | undefined): unknown[] {
  if (at === undefined || !Number.isInteger(at) || at < 0 || at >= messages.length) return messages;
  return messages.map((m, i) => (i === at && typeof m.content === 'string' ? { ...m, content: [{ type: 'text', text: m.content, cache_control: { type: 'ephemeral' } }] } : m));
}

export function createChatClient(options: ClientOptions): Client {
  const clock = options.clock ?? realClock;
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const rateLimits = options.rateLimits ?? createRateLimits(clock);
  const transport = new Transport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    headers: options.headers,
    proxy: options.proxy,
    dispatcher: options.dispatcher,
    clock,
    random: options.random ?? Math.random,
    rateLimits,
  });
  const { host, origin, basePath } = transport;
  const log = (entry: RequestLogEntry) => {
    try {
      options.onLog?.(entry);
    } catch {
      // A logger's failure never breaks a request.
    }
  };

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
    const deadlines = new Deadlines(clock);
    deadlines.set('wall', settings.wallClockMs, () => abortWith(new KestrelError('timeout', `The answer from ${host} took longer than ${seconds(settings.wallClockMs)} and was cut off.`)));
    const answer = new BodyReader({
      host,
      apiKey: options.apiKey,
      model: request.model,
      clock,
      deadlines,
      idleMs: requestOptions.idleTimeoutMs ?? settings.idleTimeoutMs,
      maxBytes: settings.maxResponseBytes,
      maxTokens: request.maxTokens,
      abort: abortWith,
      onDelta,
      // A rate limit reported inside a 200 stream asks for a pause like a 429 status does.
      onStreamError: (failure) => rateLimits.note(origin, failure),
    });

    const entry: RequestLogEntry = { method: 'POST', url: `${origin}${basePath}/chat/completions`, model: request.model };
    const started = clock.now();
    let sentAt = started;
    let finished = false;
    try {
      const sent = await transport.send(
        {
          method: 'POST',
          path: '/chat/completions',
          body: JSON.stringify(requestBody(request, stream)),
          accept: stream ? 'text/event-stream' : 'application/json',
          maxRetries: requestOptions.maxRetries ?? settings.maxRetries,
          model: request.model,
        },
        controller.signal,
        entry,
        (phase) => {
          // Restarted on each attempt, so a wait before a retry never counts against the first byte.
          if (phase === 'wait') return deadlines.clear('first');
          entry.promptChars ??= request.messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
          deadlines.set('first', firstByteMs, () => abortWith(new KestrelError('timeout', `${host} sent nothing for ${seconds(firstByteMs)}. Try again, or check the network.`)));
        },
      );
      sentAt = sent.sentAt;
      await answer.read(sent.response, stream);
      // An overrun body is left unread: the finally block closes its connection.
      finished = !answer.overran;
      const totalMs = clock.now() - sentAt;
      entry.totalMs = totalMs;
      const toolCalls = answer.toolCalls.calls();
      return { text: answer.text, finishReason: answer.finishReason, ...(toolCalls.length ? { toolCalls } : {}), usage: answer.usage, model: answer.servedModel, timing: { firstByteMs: firstByteOf(answer, sentAt) ?? totalMs, totalMs } };
    } catch (error) {
      const reason = controller.signal.reason;
      let failure = controller.signal.aborted && reason instanceof KestrelError ? reason : error instanceof KestrelError ? error : transport.networkError(error);
      if (failure.kind === 'network' && answer.firstByteAt !== undefined && !(error instanceof KestrelError)) {
        const code = (error as { code?: string })?.code;
        failure = new KestrelError('network', `${host} closed the connection part-way through the answer${code ? ` (${code})` : ''}. Try again.`, { model: request.model, cause: error });
      }
      entry.totalMs = clock.now() - started;
      if (failure.kind === 'aborted' && stopSignal?.aborted) {
        // The caller stopped reading on purpose (e.g. the first line was enough): what arrived is the answer.
        const firstByte = firstByteOf(answer, sentAt) ?? entry.totalMs;
        return { text: answer.text, finishReason: 'aborted', usage: answer.usage, model: answer.servedModel, timing: { firstByteMs: firstByte, totalMs: entry.totalMs } };
      }
      entry.errorKind = failure.kind;
      throw failure;
    } finally {
      deadlines.clearAll();
      requestOptions.signal?.removeEventListener('abort', onUserAbort);
      stopSignal?.removeEventListener('abort', onStop);
      // An unfinished body is destroyed so the connection closes; a finished one stays pooled.
      if (!finished && !controller.signal.aborted) controller.abort(new KestrelError('aborted', 'Finished.'));
      transport.touch();
      entry.firstByteMs = firstByteOf(answer, sentAt);
      if (answer.bytes > 0) entry.bytes = answer.bytes;
      // What arrived counts even when no usage chunk did (a stopped or broken stream): the ledger estimates from it.
      entry.completionChars = answer.text.length;
      if (answer.usage) {
        entry.usage = answer.usage;
        entry.promptTokens = answer.usage.promptTokens;
        entry.completionTokens = answer.usage.completionTokens;
        if (answer.usage.cachedTokens) entry.cachedTokens = answer.usage.cachedTokens;
        if (answer.usage.cacheWriteTokens) entry.cacheWriteTokens = answer.usage.cacheWriteTokens;
        entry.costUsd = answer.usage.costUsd;
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
      const deadlines = new Deadlines(clock);
      deadlines.set('wall', LIST_MODELS_MS, () => controller.abort(new KestrelError('timeout', `${host} did not list its models within ${seconds(LIST_MODELS_MS)}.`)));
      const entry: RequestLogEntry = { method: 'GET', url: `${origin}${basePath}/models` };
      const started = clock.now();
      try {
        const { response } = await transport.send({ method: 'GET', path: '/models', accept: 'application/json', maxRetries: 1 }, controller.signal, entry);
        const raw = await readText(response.body, 32 * 1024 * 1024);
        const json = parseJson(raw);
        if (json === undefined) throw new KestrelError('malformed', looksLikeHtml(raw) ? `${host} answered with a web page: a proxy or captive portal answered instead of the provider.` : `${host} sent a model list Kestrel could not read.`);
        return parseModels(json);
      } catch (error) {
        const failure = controller.signal.reason instanceof KestrelError ? controller.signal.reason : error instanceof KestrelError ? error : transport.networkError(error);
        entry.errorKind = failure.kind;
        throw failure;
      } finally {
        deadlines.clearAll();
        listOptions.signal?.removeEventListener('abort', onAbort);
        entry.totalMs = clock.now() - started;
        log(entry);
      }
    },

    warm: () => transport.warm(),

    dispose: () => transport.dispose(),
  };
}

/** Milliseconds from sending to the first byte of the answer, once one arrived. */
function firstByteOf(answer: BodyReader, sentAt: number): number | undefined {
  return answer.firstByteAt === undefined ? undefined : answer.firstByteAt - sentAt;
}

function definedOnly(options: ClientOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

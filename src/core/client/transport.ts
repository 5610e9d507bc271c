// The way to one provider on undici: one keep-alive pool per base URL (through a proxy when one is
// chosen), requests with safe retries before the first byte, and no request at all while the
// provider asked for a pause (src/core/client/rateLimits.ts). Every error status becomes a
// KestrelError here; a 2xx answer is handed back with its body unread.
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Clock } from '../clock';
import type { RequestLogEntry } from './client';
import { KestrelError, classifyNetworkError, classifyStatus, looksLikeHtml } from './errors';
import type { ProxyChoice } from './proxy';
import { refusal, type RateLimits } from './rateLimits';
import { MAX_RETRY_WAIT_MS, parseRetryAfter, retryDelay } from './retry';

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  proxy?: ProxyChoice;
  /** Injected transport (tests); by default an undici Agent or ProxyAgent owned here. */
  dispatcher?: Dispatcher;
  clock: Clock;
  random: () => number;
  rateLimits: RateLimits;
}

export interface Outgoing {
  method: 'GET' | 'POST';
  /** Below the base URL's path, e.g. `/chat/completions`. */
  path: string;
  body?: string;
  accept: string;
  /** Retries on 429/5xx/network before the first byte; 0 also means: never wait out a pause. */
  maxRetries: number;
  model?: string;
}

/** Told when an attempt starts ('send') and when a wait before one starts ('wait'). */
export type PhaseListener = (phase: 'send' | 'wait') => void;

const USER_AGENT = 'Kestrel (VS Code extension)';
const ERROR_BODY_LIMIT = 64 * 1024;
/** A connection used within this time is still open: warming it again would be wasted. */
const WARM_FOR_MS = 15_000;

export class Transport {
  readonly origin: string;
  readonly basePath: string;
  readonly host: string;
  readonly proxyHost: string | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly owned: Dispatcher | undefined;
  private readonly clock: Clock;
  private lastUsed = -Infinity;
  private warming: Promise<void> | undefined;

  constructor(private readonly options: TransportOptions) {
    const base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.host = base.host;
    this.clock = options.clock;
    const proxyUrl = options.proxy?.proxyUrl;
    this.proxyHost = proxyUrl ? hostOf(proxyUrl) : undefined;
    // `http.proxyStrictSSL: false` relaxes only connections a proxy carries (src/core/client/proxy.ts).
    const rejectUnauthorized = proxyUrl ? (options.proxy?.rejectUnauthorized ?? true) : true;
    this.owned = options.dispatcher
      ? undefined
      : proxyUrl
        ? new ProxyAgent({ uri: proxyUrl, requestTls: { rejectUnauthorized }, proxyTls: { rejectUnauthorized }, keepAliveTimeout: 60_000 })
        : new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, connections: 8 });
    this.dispatcher = options.dispatcher ?? this.owned!;
  }

  /** A network-level failure, named after this provider (and the proxy in the way, if any). */
  networkError(error: unknown): KestrelError {
    return classifyNetworkError(error, this.host, this.proxyHost);
  }

  /** The connection was in use just now. */
  touch(): void {
    this.lastUsed = this.clock.now();
  }

  /**
   * Sends one request, with retries before the first byte. Resolves with a 2xx response whose
   * body is still unread; every error status is turned into a KestrelError here.
   */
  async send(out: Outgoing, signal: AbortSignal, entry: RequestLogEntry, onPhase: PhaseListener = () => {}): Promise<{ response: Dispatcher.ResponseData; sentAt: number }> {
    const { clock, rateLimits } = this.options;
    const cancelled = () => (signal.reason instanceof KestrelError ? signal.reason : new KestrelError('aborted', 'The request was cancelled.'));
    const wait = (ms: number) => {
      onPhase('wait');
      return clock.sleep(ms, signal).catch(() => {
        throw cancelled();
      });
    };
    for (let attempt = 0; ; attempt++) {
      // No request reaches a provider that asked for a pause: wait with it when the caller allows
      // retries and the pause is short, otherwise fail at once without contacting it.
      const pause = rateLimits.blockedFor(this.origin);
      if (pause) {
        if (out.maxRetries > 0 && pause.remainingMs <= MAX_RETRY_WAIT_MS) await wait(pause.remainingMs);
        else throw refusal(this.host, pause, out.model);
      }
      onPhase('send');
      const sentAt = clock.now();
      let failure: KestrelError;
      try {
        const response = await this.dispatcher.request({ origin: this.origin, path: this.basePath + out.path, method: out.method, headers: this.headers(out.accept), body: out.body, signal, headersTimeout: 0, bodyTimeout: 0 });
        this.touch();
        entry.status = response.statusCode;
        if (response.statusCode < 300) return { response, sentAt };
        failure = await this.failureOf(response, out.model);
        rateLimits.note(this.origin, failure);
      } catch (error) {
        if (signal.aborted) throw cancelled();
        failure = error instanceof KestrelError ? error : this.networkError(error);
      }
      const delay = attempt < out.maxRetries ? retryDelay(failure, attempt + 1, this.options.random) : undefined;
      if (delay === undefined) throw failure;
      // A retry waits for whichever is longer: its back-off or the pause the provider asked for.
      const paused = rateLimits.blockedFor(this.origin)?.remainingMs ?? 0;
      if (paused > MAX_RETRY_WAIT_MS) throw failure;
      entry.retries = attempt + 1;
      await wait(Math.max(delay, paused));
    }
  }

  /** Opens (or keeps) a pooled connection, unless one was used lately or the provider asked for a pause. */
  warm(): Promise<void> {
    if (this.clock.now() - this.lastUsed < WARM_FOR_MS || this.options.rateLimits.blockedFor(this.origin)) return Promise.resolve();
    this.warming ??= (async () => {
      try {
        // A small GET to the base URL opens (and keeps) the TLS connection; its status does not
        // matter. (Not HEAD: some servers close the connection after answering one.)
        const response = await this.dispatcher.request({ origin: this.origin, path: this.basePath || '/', method: 'GET', headers: { 'user-agent': USER_AGENT }, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await response.body.dump();
        this.touch();
      } catch {
        // Warming is an optimisation; the real request reports any problem.
      } finally {
        this.warming = undefined;
      }
    })();
    return this.warming;
  }

  async dispose(): Promise<void> {
    const owned = this.owned;
    await owned?.close().catch(() => owned.destroy());
  }

  private headers(accept: string): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept,
      'user-agent': USER_AGENT,
      ...this.options.headers,
      ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
    };
  }

  /** The KestrelError for an answer with a 3xx, 4xx or 5xx status. */
  private async failureOf(response: Dispatcher.ResponseData, model: string | undefined): Promise<KestrelError> {
    const text = await readText(response.body, ERROR_BODY_LIMIT);
    if (response.statusCode < 400 && !looksLikeHtml(text)) {
      // undici follows no redirects; an API never redirects a POST, a captive portal or a wrong base URL does.
      const to = header(response.headers, 'location');
      return new KestrelError('network', `${this.host} redirected the request${to ? ` to ${redirectTarget(to)}` : ''} (HTTP ${response.statusCode}): a captive portal or proxy may be in the way, or "kestrel.baseUrl" is wrong.`, { status: response.statusCode, model });
    }
    return classifyStatus({
      status: response.statusCode,
      body: parseJson(text),
      text,
      host: this.host,
      model,
      key: this.options.apiKey,
      retryAfterMs: parseRetryAfter(header(response.headers, 'retry-after')) ?? parseRetryAfter(header(response.headers, 'x-ratelimit-reset-after')),
    });
  }
}

/** host:port of a proxy URL, never its user or password. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the proxy';
  }
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

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A body as text, reading at most about `limit` bytes (the rest is left unread and the body closed). */
export async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
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

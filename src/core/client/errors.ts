// One error type for everything that can go wrong talking to a provider, with a sentence the user
// can act on. Messages pass through `redact` so a key echoed back by a server never reaches a
// notification or a log.

export type ErrorKind =
  | 'auth'
  | 'credits'
  | 'moderation'
  | 'model-not-found'
  | 'rate-limited'
  | 'overloaded'
  | 'server'
  | 'bad-request'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'aborted'
  | 'tls'
  | 'too-large'
  | 'proxy'
  | 'no-base-url';

export interface KestrelErrorDetails {
  status?: number;
  retryAfterMs?: number;
  providerMessage?: string;
  model?: string;
  cause?: unknown;
}

export class KestrelError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly providerMessage?: string;
  readonly model?: string;

  constructor(
    readonly kind: ErrorKind,
    readonly userMessage: string,
    details: KestrelErrorDetails = {},
  ) {
    super(userMessage);
    this.name = 'KestrelError';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.providerMessage = details.providerMessage;
    this.model = details.model;
  }
}

const SECRET_PATTERNS = [/\bsk-[A-Za-z0-9_-]{8,}/g, /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi];

/** Removes the key (and anything shaped like one) from text that came from a server. */
export function redact(text: string, key?: string): string {
  let out = text;
  if (key && key.length >= 4) out = out.split(key).join('[key]');
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[key]');
  return out;
}

/** The provider's own words from any of the three error envelopes (docs/providers.md), or undefined. */
export function providerMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const inner = b.error;
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    const meta = e.metadata as Record<string, unknown> | undefined;
    const reasons = Array.isArray(meta?.reasons) ? ` (${(meta.reasons as unknown[]).join(', ')})` : '';
    const raw = typeof meta?.raw === 'string' ? `: ${meta.raw}` : '';
    if (typeof e.message === 'string') return e.message + reasons + (raw && !e.message.includes(String(meta?.raw)) ? raw : '');
  }
  if (typeof inner === 'string') return inner;
  if (typeof b.message === 'string') return b.message;
  if (Array.isArray(b.message)) return b.message.join('; ');
  return undefined;
}

function clip(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** The most of the provider's words read: a message shows 300 characters of them at most. */
const HEARD = 2048;

/**
 * The start of the provider's words, cut before any pattern reads them (an error body can be
 * megabytes long, and the extension host waits while it is read). Where the cut goes through the
 * key or a word that may be part of one, that goes whole: no piece of it is left that `redact`
 * would not know.
 */
function heard(said: string, key?: string): string {
  if (said.length <= HEARD) return said;
  let end = HEARD;
  if (key && key.length >= 4) {
    const at = said.indexOf(key, HEARD - key.length + 1);
    if (at >= 0 && at < end) end = at;
  }
  while (end > 0 && /[\w.~+/=-]/.test(said[end - 1]) && /[\w.~+/=-]/.test(said[end])) end--;
  return said.slice(0, end);
}

/**
 * The provider says it has no such model: `model`, then later on the same line what became of it
 * (what `/model.*(not found|…)/` finds, without trying every `model` against the rest of the line).
 */
function saysNoSuchModel(text: string): boolean {
  if (/no endpoints found|invalid model/i.test(text)) return true;
  for (const line of text.split(/[\n\r\u2028\u2029]/)) {
    const at = line.search(/model/i);
    if (at >= 0 && /not found|does not exist|not supported|no longer|deprecated|retired/i.test(line.slice(at + 5))) return true;
  }
  return false;
}

export interface StatusContext {
  status: number;
  body: unknown;
  /** The raw body text, for HTML pages and unparsable answers. */
  text: string;
  retryAfterMs?: number;
  host: string;
  model?: string;
  key?: string;
}

/** Turns an HTTP error answer into a KestrelError with a message for the user. */
export function classifyStatus(ctx: StatusContext): KestrelError {
  const whole = providerMessageOf(ctx.body);
  const said = whole === undefined ? undefined : heard(whole, ctx.key);
  const providerMessage = said ? clip(redact(said, ctx.key)) : undefined;
  // The provider's words end a sentence, so the advice after them reads as its own.
  const because = providerMessage ? `: ${providerMessage}${/[.!?…]$/.test(providerMessage) ? '' : '.'}` : '.';
  const details: KestrelErrorDetails = { status: ctx.status, providerMessage, retryAfterMs: ctx.retryAfterMs, model: ctx.model };
  const model = ctx.model ? `"${ctx.model}"` : 'the model';
  const statusCode = typeof (ctx.body as { statusCode?: unknown })?.statusCode === 'string' ? Number((ctx.body as { statusCode: string }).statusCode) : undefined;
  const status = ctx.status || statusCode || 0;

  // A web page saying "not found" is a wrong address, not a retired model: the API answers in JSON.
  if (looksLikeHtml(ctx.text) && status === 404) {
    return new KestrelError('no-base-url', `${ctx.host} answered with a "not found" web page (HTTP 404): check "kestrel.baseUrl" (it usually ends in /v1).`, details);
  }
  if (looksLikeHtml(ctx.text) && status !== 401) {
    return new KestrelError('malformed', `${ctx.host} answered with a web page instead of the provider's answer (HTTP ${status}): a proxy or captive portal answered instead of the provider.`, details);
  }
  switch (true) {
    case status === 401:
      return new KestrelError('auth', `${ctx.host} rejected the API key (401)${because} Set a new one with "Kestrel: Set API Key".`, details);
    case status === 402:
      return new KestrelError('credits', `${ctx.host} says the account is out of credits (402)${because} Add credits at the provider, or switch provider.`, details);
    case status === 403 && /credit|balance|quota|billing|payment/i.test(said ?? ''):
      return new KestrelError('credits', `${ctx.host} says the account is out of credits (403)${because}`, details);
    case status === 403:
      return new KestrelError('moderation', `${ctx.host} refused the request (403)${because}`, details);
    case status === 404 || saysNoSuchModel(said ?? ''):
      return new KestrelError('model-not-found', `${ctx.host} does not offer ${model} (it may be retired)${because} Pick another with "Kestrel: Select Model".`, details);
    case status === 408:
      return new KestrelError('timeout', `${ctx.host} timed out generating the answer (408). Try again.`, details);
    case status === 429: {
      const wait = ctx.retryAfterMs !== undefined ? ` It asks to wait ${Math.ceil(ctx.retryAfterMs / 1000)} s.` : '';
      return new KestrelError('rate-limited', `${ctx.host} is rate limiting requests (429).${wait}`, details);
    }
    case status === 529 || status === 503:
      return new KestrelError('overloaded', `${ctx.host} is overloaded (${status})${because} Try again shortly.`, details);
    case status >= 500:
      return new KestrelError('server', `${ctx.host} had a server error (${status})${because}`, details);
    case status === 413:
      return new KestrelError('too-large', `${ctx.host} says the request is too large (413). Send less code.`, details);
    default:
      return new KestrelError('bad-request', `${ctx.host} rejected the request (${status})${because}`, details);
  }
}

/** An error reported inside a 200 stream (`{"error": {...}}` chunk or `event: error`). */
export function streamError(payload: unknown, host: string, key?: string, model?: string): KestrelError {
  const said = heard(providerMessageOf(payload) ?? (typeof payload === 'string' ? payload : 'unknown error'), key);
  const code = (payload as { error?: { code?: unknown } })?.error?.code;
  const status = typeof code === 'number' ? code : Number(code);
  const message = clip(redact(said, key));
  if (Number.isFinite(status) && status >= 400) {
    const classified = classifyStatus({ status, body: payload, text: '', host, model, key });
    return new KestrelError(classified.kind, `${classified.userMessage} (The answer stopped part-way.)`, { status, providerMessage: message, model });
  }
  return new KestrelError('server', `${host} reported an error part-way through the answer: ${message}`, { providerMessage: message, model });
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(text);
}

/** A 400 from a model that refuses an assistant prefill (Claude 4.6+); the caller retries without it. */
export function isPrefillRejection(error: unknown): boolean {
  if (!(error instanceof KestrelError) || error.status !== 400) return false;
  return /prefill|final assistant content|assistant message.*(last|final)|continue_final_message/i.test(error.providerMessage ?? error.userMessage);
}

/**
 * Network-level failures (no HTTP answer) mapped to a kind and a sentence naming the host. A proxy
 * that refuses the tunnel reaches the transport as an abort; it is a fault the user must see.
 */
export function classifyNetworkError(error: unknown, host: string, proxyHost?: string): KestrelError {
  const e = error as { code?: string; cause?: { code?: string; message?: string }; message?: string; name?: string };
  const code = e?.code ?? e?.cause?.code ?? '';
  const message = typeof e?.message === 'string' ? e.message : describe(error);
  const tunnel = /^Proxy response \((\d{3})\) !== 200/.exec(message);
  if (tunnel) return proxyRefusal(Number(tunnel[1]), host, proxyHost ?? 'the proxy', error);
  if (e?.name === 'AbortError' || code === 'ABORT_ERR') return new KestrelError('aborted', 'The request was cancelled.');
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code + ' ' + message)) {
    return new KestrelError('tls', `The TLS certificate of ${host} was not trusted (${code || clip(message, 200)}). If a company proxy intercepts TLS, set "http.proxy" to it and trust its certificate, or set "http.proxyStrictSSL": false for it.`, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new KestrelError('network', `Could not find ${host} (DNS lookup failed). Check the network or "kestrel.baseUrl".`, { cause: error });
  if (code === 'ECONNREFUSED') return new KestrelError('network', `${host} refused the connection. Is the server running?`, { cause: error });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new KestrelError('timeout', `Connecting to ${host} timed out.`, { cause: error });
  return new KestrelError('network', `The connection to ${host} failed (${code || clip(message, 200)}).`, { cause: error });
}

/** The proxy answered the tunnel request (CONNECT) with `status` instead of 200. */
function proxyRefusal(status: number, host: string, proxy: string, cause: unknown): KestrelError {
  const details = { status, cause };
  if (status === 407) {
    return new KestrelError('proxy', `The proxy ${proxy} asks for a login (407) before it connects to ${host}. Put the user and password in "http.proxy" (http://user:password@${proxy}), or ask your network administrator.`, details);
  }
  if (status === 403) {
    return new KestrelError('proxy', `The proxy ${proxy} refused to connect to ${host} (403): it may block this provider. Ask your network administrator, or list ${host} in NO_PROXY if it is reachable directly.`, details);
  }
  if (status >= 500) {
    return new KestrelError('network', `The proxy ${proxy} could not reach ${host} (${status}). Check the network, or try again shortly.`, details);
  }
  return new KestrelError('proxy', `The proxy ${proxy} refused to connect to ${host} (${status}). Check "http.proxy".`, details);
}

/** Any thrown value as text, even one with no usable toString. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unknown error';
  }
}

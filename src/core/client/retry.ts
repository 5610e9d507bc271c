// When and how long to wait before trying a request again. Only what cannot have been billed or
// half-shown is retried: 429, 5xx/529 and network failures before the first byte; never 400–404.
import { KestrelError } from './errors';

/** Longest wait Kestrel accepts before a retry; a longer Retry-After fails at once with its figure. */
export const MAX_RETRY_WAIT_MS = 20_000;
const BASE_DELAY_MS = 500;

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `nowMs` (wall clock). */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function isRetryable(error: KestrelError): boolean {
  // A redirect (3xx, reported as `network`) will redirect again.
  if (error.status !== undefined && error.status < 400) return false;
  return ['rate-limited', 'overloaded', 'server', 'network'].includes(error.kind) && error.status !== 501;
}

/**
 * The wait before retry number `attempt` (1-based): the server's Retry-After when it gave one,
 * else exponential back-off: half the step's ceiling plus a random share of the other half.
 * Undefined means do not retry.
 */
export function retryDelay(error: KestrelError, attempt: number, random: () => number): number | undefined {
  if (!isRetryable(error)) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs <= MAX_RETRY_WAIT_MS ? error.retryAfterMs : undefined;
  const ceiling = Math.min(MAX_RETRY_WAIT_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

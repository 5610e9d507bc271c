// The pauses providers ask for, per origin (scheme://host:port). A failure with Retry-After asks for
// that long; a 429 without one gets a pause of Kestrel's own. Until a pause ends nothing goes to
// that origin: the extension shares one RateLimits between every client it builds, so a client
// rebuilt after a settings or key change still knows. A pause keeps the failure's own kind and
// status (a 503 stays `overloaded`), so the user reads one message for one state.
import type { Clock } from '../clock';
import { KestrelError, type ErrorKind } from './errors';

/** How long to leave a provider alone after a 429 that did not say (ms). */
export const DEFAULT_RATE_PAUSE_MS = 5_000;

export interface Pause {
  /** Milliseconds until the origin may be asked again (> 0). */
  remainingMs: number;
  /** What the failure that asked for the pause was. */
  kind: ErrorKind;
  status?: number;
}

export interface RateLimits {
  /** The pause still running for `origin`, if any. */
  blockedFor(origin: string): Pause | undefined;
  /** Records the pause a failed request asked for (none for most failures). */
  note(origin: string, failure: KestrelError): void;
}

/** How long a failure asks Kestrel to leave its origin alone, if at all (ms). */
export function pauseAskedBy(failure: KestrelError): number | undefined {
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs > 0 ? failure.retryAfterMs : undefined;
  return failure.status === 429 ? DEFAULT_RATE_PAUSE_MS : undefined;
}

export function createRateLimits(clock: Clock): RateLimits {
  const pauses = new Map<string, { until: number; kind: ErrorKind; status?: number }>();
  return {
    blockedFor(origin) {
      const pause = pauses.get(origin);
      if (!pause) return undefined;
      const remainingMs = pause.until - clock.now();
      if (remainingMs <= 0) {
        pauses.delete(origin);
        return undefined;
      }
      return { remainingMs, kind: pause.kind, status: pause.status };
    },
    note(origin, failure) {
      const ms = pauseAskedBy(failure);
      if (ms === undefined) return;
      const until = clock.now() + ms;
      // A shorter pause asked for later never cuts a longer one short.
      if (until > (pauses.get(origin)?.until ?? -Infinity)) pauses.set(origin, { until, kind: failure.kind, status: failure.status });
    },
  };
}

/**
 * The error for a request Kestrel does not send because `host` asked for a pause: the same kind
 * and status as the failure that asked, and how long is left.
 */
export function refusal(host: string, pause: Pause, model?: string): KestrelError {
  const why = pause.status !== undefined ? ` (HTTP ${pause.status})` : '';
  return new KestrelError(pause.kind, `${host} asked Kestrel to wait before the next request${why}; try again in ${Math.ceil(pause.remainingMs / 1000)} s.`, {
    status: pause.status,
    retryAfterMs: pause.remainingMs,
    model,
  });
}

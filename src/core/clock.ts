// The one clock of the core: what time it is, a wait that a signal can cut short, and timers.
// Everything that waits or times out (the debounce, the client's retries, Retry-After pauses, the
// first-byte, idle and wall-clock limits) reads it, so tests inject a fake one and nothing sleeps.

export interface Clock {
  /** Milliseconds on a monotonic scale (not a date). */
  now(): number;
  /** Resolves after `ms`, or rejects with the abort reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms`; the handle goes to `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Named timers on a clock that are always cleared together, so no request leaves one behind. */
export class Deadlines {
  private readonly handles = new Map<string, unknown>();

  constructor(private readonly clock: Clock) {}

  /** (Re)starts `name`; a zero, negative or infinite `ms` means no limit. */
  set(name: string, ms: number, fire: () => void): void {
    this.clear(name);
    if (ms > 0 && Number.isFinite(ms)) {
      this.handles.set(
        name,
        this.clock.setTimeout(() => {
          this.handles.delete(name);
          fire();
        }, ms),
      );
    }
  }

  clear(name: string): void {
    if (!this.handles.has(name)) return;
    this.clock.clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }

  clearAll(): void {
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }
}

// Waits for a pause in typing. Every wait settles: a newer call supersedes it ('superseded'), a
// cancelled one ends at once ('cancelled'); none is left hanging.

export type DebounceOutcome = 'ready' | 'superseded' | 'cancelled';

/** The clock and timers the pipeline uses; tests inject fake ones so nothing sleeps. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Debouncer {
  private pending: { settle: (outcome: DebounceOutcome) => void; timer: unknown } | undefined;

  constructor(private readonly timers: Timers = realTimers) {}

  wait(ms: number, signal?: AbortSignal): Promise<DebounceOutcome> {
    this.pending?.settle('superseded');
    return new Promise<DebounceOutcome>((resolve) => {
      let done = false;
      const settle = (outcome: DebounceOutcome) => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(entry.timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.pending === entry) this.pending = undefined;
        resolve(outcome);
      };
      const onAbort = () => settle('cancelled');
      const entry = { settle, timer: undefined as unknown };
      this.pending = entry;
      if (signal?.aborted) return settle('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ms <= 0) return settle('ready');
      entry.timer = this.timers.setTimeout(() => settle('ready'), ms);
    });
  }

  dispose(): void {
    this.pending?.settle('cancelled');
  }
}

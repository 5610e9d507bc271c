// Waits for a pause in typing. Every wait settles: a newer call supersedes it ('superseded'), a
// cancelled one ends at once ('cancelled'); none is left hanging.
import { realClock, type Clock } from '../clock';

export type DebounceOutcome = 'ready' | 'superseded' | 'cancelled';

/** The part of the core's clock (src/core/clock.ts) the pipeline uses; tests inject a fake one so nothing sleeps. */
export type Timers = Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;

export const realTimers: Timers = realClock;

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

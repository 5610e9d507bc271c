// A clock for the client's tests that never really waits: a sleep returns at once and moves time on
// (recorded in `sleeps`), and timers fire only when time is moved past them, by a sleep or by
// `advance`. The client's timeouts are tested by moving this clock, not by sleeping.
import type { Clock } from '../../../src/core/clock';

export interface FakeClock extends Clock {
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[];
  /** Moves time on by `ms`, firing the timers that come due in order. */
  advance(ms: number): void;
  /** Timers set and not yet fired or cleared. */
  readonly pending: number;
}

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  let timers: { id: number; at: number; fn: () => void }[] = [];
  const sleeps: number[] = [];
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = Math.max(now, due.at);
      due.fn();
    }
    now = until;
  };
  return {
    sleeps,
    get pending() {
      return timers.length;
    },
    now: () => now,
    advance,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      advance(ms);
    },
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((t) => t.id !== handle);
    },
  };
}

// A request in flight for one cursor, which later calls may ride. While the user types the start of
// its answer, the request is kept and serves them (the answer minus what they typed); it is aborted
// only when what they typed disagrees with what it has streamed, when nobody has waited for it for a
// short grace (VS Code cancels a call at the next key and asks again a moment later), or when a newer
// call needs a request of its own.
import type { Timers } from './debounce';
import type { Processed } from './postprocess';

/** Where a suggestion was asked for: what it was made against. */
export interface Anchor {
  uri: string;
  line: number;
  /** The cursor line before the cursor. */
  linePrefix: string;
  /** The rest of that line. */
  lineSuffix: string;
  /** The lines above, which must not have changed. */
  above: string;
  /**
   * The line after the cursor line (undefined at the end of the document): typing through a
   * suggestion leaves it where it was, below the cursor; accepting a multi-line one does not.
   */
  below?: string;
}

/**
 * What the user typed since `anchor` was taken, when the cursor at `now` only extends it: the same
 * line and lines above, the line's start kept, and the rest of the line unchanged (or, when the
 * suggestion replaces `replaceLength` closers after the cursor, those closers still there).
 */
export function typedSince(anchor: Anchor, now: Anchor, replaceLength = 0): string | undefined {
  if (anchor.uri !== now.uri || anchor.line !== now.line || anchor.above !== now.above || !now.linePrefix.startsWith(anchor.linePrefix)) return undefined;
  return suffixKept(anchor, now, replaceLength) ? now.linePrefix.slice(anchor.linePrefix.length) : undefined;
}

/**
 * Whether what followed the cursor at `anchor` still follows it `now`: the whole rest of the line,
 * or, when the suggestion replaces `replaceLength` closers after the cursor, those closers.
 */
export function suffixKept(anchor: Pick<Anchor, 'lineSuffix'>, now: Pick<Anchor, 'lineSuffix'>, replaceLength = 0): boolean {
  return replaceLength > 0 ? now.lineSuffix.startsWith(anchor.lineSuffix.slice(0, replaceLength)) : now.lineSuffix === anchor.lineSuffix;
}

export type Agreement = 'agrees' | 'unknown' | 'disagrees';

/** Answers longer than this are not previewed while they stream: riders wait for the end. */
const PREVIEW_LIMIT = 4096;

export class Flight {
  readonly controller = new AbortController();
  /** The answer when it is read: a suggestion, nothing (undefined), or 'failed' (an error, reported once by its owner). */
  private outcome: { value: Processed | undefined | 'failed' } | undefined;
  private raw = '';
  private readonly listeners = new Set<() => void>();
  private waiting = 0;
  private graceTimer: unknown;
  readonly settled: Promise<void>;
  private resolveSettled!: () => void;
  /** When its request was sent and its answer read (engine clock), for the benches' split. */
  requestAt: number | undefined;
  answeredAt: number | undefined;
  /** What the suggestion would be from what has streamed so far (set when the request is built). */
  preview: (raw: string) => string | undefined = () => undefined;

  constructor(
    readonly anchor: Anchor,
    readonly kind: 'call' | 'prefetch',
    private readonly timers: Timers,
    private readonly graceMs: number,
  ) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  get done(): boolean {
    return this.outcome !== undefined;
  }

  get result(): Processed | undefined | 'failed' {
    return this.outcome?.value;
  }

  /** More of the answer was read. */
  stream(raw: string): void {
    this.raw = raw;
    for (const listener of this.listeners) listener();
  }

  settle(value: Processed | undefined | 'failed'): void {
    if (this.outcome) return;
    this.outcome = { value };
    this.answeredAt = this.timers.now();
    this.timers.clearTimeout(this.graceTimer);
    this.resolveSettled();
    for (const listener of this.listeners) listener();
  }

  abort(): void {
    this.timers.clearTimeout(this.graceTimer);
    this.controller.abort();
  }

  /**
   * Whether its answer starts with `typed`: known once the answer is read, or once what has
   * streamed is at least as long as `typed`; 'unknown' while what streamed agrees so far.
   */
  agreement(typed: string): Agreement {
    if (this.outcome) {
      const text = this.outcome.value === 'failed' ? undefined : this.outcome.value?.text;
      return text !== undefined && text.length > typed.length && text.startsWith(typed) ? 'agrees' : 'disagrees';
    }
    if (this.raw.length > PREVIEW_LIMIT) return 'unknown';
    const shown = this.preview(this.raw) ?? '';
    if (shown === '') return 'unknown';
    if (shown.startsWith(typed)) return 'agrees';
    return typed.startsWith(shown) ? 'unknown' : 'disagrees';
  }

  /** Whether anything has streamed yet. */
  get streaming(): boolean {
    return this.raw.length > 0;
  }

  /**
   * Waits, for a caller who typed `typed`, until the answer is read or shows it disagrees, or until
   * `signal` aborts. While anyone waits, the grace clock is stopped.
   */
  ride(typed: string, signal: AbortSignal): Promise<void> {
    this.waiting++;
    this.timers.clearTimeout(this.graceTimer);
    return new Promise<void>((resolve) => {
      const stop = () => {
        this.listeners.delete(check);
        signal.removeEventListener('abort', stop);
        this.leave();
        resolve();
      };
      const check = () => {
        if (this.outcome || this.agreement(typed) === 'disagrees') stop();
      };
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      this.listeners.add(check);
      check();
    });
  }

  /** Starts the grace clock for a flight nobody waits for yet (a prefetch, or one whose owner left). */
  hold(): void {
    if (this.waiting === 0 && !this.outcome) this.startGrace();
  }

  private leave(): void {
    this.waiting--;
    if (this.waiting === 0 && !this.outcome) this.startGrace();
  }

  private startGrace(): void {
    this.timers.clearTimeout(this.graceTimer);
    this.graceTimer = this.timers.setTimeout(() => {
      if (this.waiting === 0 && !this.outcome) this.controller.abort();
    }, this.graceMs);
  }
}

// How long to wait for a pause, from how the user types. After a pause, a key that is not part of a
// word (Enter, a space, an opening bracket) is often followed by waiting for the suggestion, so the
// wait is short; a letter after a pause starts a word the user will go on typing. While the user
// types on, the wait is just over their own gap between keys, so a burst sends one request at its
// end whether they type fast or slowly. `kestrel.inline.debounceMs` is the base all of them scale.

export interface RhythmTuning {
  /** A gap at least this long (ms) is a pause: the next key starts a new burst. */
  pauseMs: number;
  /** The wait after a pause, as a share of the base. */
  afterPause: number;
  /** While typing: this many times the typical gap between keys… */
  gapFactor: number;
  /** …kept between these shares of the base. */
  minShare: number;
  maxShare: number;
}

/** Chosen with bench/typing-session.ts (the rows per debounce rule). */
export const DEFAULT_RHYTHM: RhythmTuning = { pauseMs: 600, afterPause: 0.35, gapFactor: 1.5, minShare: 0.67, maxShare: 2 };

/** Weight of the newest gap in the typical gap (an exponential moving average). */
const SMOOTHING = 0.3;

export class TypingRhythm {
  private last: number | undefined;
  private typical: number | undefined;
  private gap = Infinity;

  constructor(private readonly tuning: RhythmTuning = DEFAULT_RHYTHM) {}

  /** Records a keystroke (a call from the editor) at `now` ms. */
  keystroke(now: number): void {
    this.gap = this.last === undefined ? Infinity : Math.max(0, now - this.last);
    this.last = now;
    if (this.gap < this.tuning.pauseMs) this.typical = this.typical === undefined ? this.gap : SMOOTHING * this.gap + (1 - SMOOTHING) * this.typical;
  }

  /** Milliseconds since the keystroke before the latest one (Infinity for the first). */
  get idleBefore(): number {
    return this.gap;
  }

  /** How long to wait before asking, for a base of `baseMs`; `inWord`: the key typed a word character. */
  delay(baseMs: number, inWord = false): number {
    if (baseMs <= 0) return 0;
    const t = this.tuning;
    if (this.gap >= t.pauseMs || this.typical === undefined) return Math.round(inWord ? baseMs : baseMs * t.afterPause);
    const wanted = this.typical * t.gapFactor;
    return Math.round(Math.min(baseMs * t.maxShare, Math.max(baseMs * t.minShare, wanted)));
  }
}

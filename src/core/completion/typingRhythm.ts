// How long to wait before asking, from how the user types. VS Code calls the provider only once the
// keys have paused for 50 ms, so a fast burst is already waited out. Whether a key starts a burst is
// read from those calls, and the keys the editor tells must agree (read from the keys alone, as the
// extension host receives them in batches, it saw hesitations that were not there; read from the
// calls alone, a fast burst's rare mid-burst call looked like a pause: bench/real-vscode.ts and
// bench/typing-session.ts). When the next key
// is due is read from the keys the editor tells as they happen (the calls of a fast burst are too
// few to say), and the time VS Code waited after the key counts: the wait is what is left of the
// predicted pause.
//
// - A key that starts a burst (after a pause, a hesitation longer than the user's usual gaps, or a
//   statement end) asks at once: the user may be waiting for the suggestion, and if they type on, the
//   request is ridden (their keys agree with its answer) or aborted. VS Code's own wait keeps a fast
//   burst from calling at all.
// - End of a statement (Enter, `;`, `{`, `}` at the end of the line): the next key is unlikely soon,
//   ask at once.
// - While the user types on: the next key is expected within their usual gap plus three times its
//   usual spread (as TCP predicts a round trip); once that has passed, they have paused. A burst sends one
//   request at its end whether they type fast or slowly, evenly or not.
// `kestrel.inline.debounceMs` is the base that caps the wait (at `maxShare` times it); 0 turns the
// waiting off.

export interface RhythmTuning {
  /** A gap at least this long (ms) is a pause whatever the user's rhythm. */
  pauseMs: number;
  /** The predicted pause is the usual gap plus this many times its usual spread… */
  spreads: number;
  /** …and at most this share of the base. */
  maxShare: number;
}

/** Chosen with bench/typing-session.ts (requests per burst) and bench/real-vscode.ts (overhead). */
export const DEFAULT_RHYTHM: RhythmTuning = { pauseMs: 600, spreads: 3, maxShare: 2 };

/** Weight of the newest gap in the usual gap and spread (exponential moving averages). */
const SMOOTHING = 0.25;

/** What the key just typed says about the next one. */
export type KeyKind = 'word' | 'boundary' | 'statement-end';

/** The kind of the key that left the cursor after `linePrefix` (an empty or blank prefix: Enter). */
export function keyKind(linePrefix: string): KeyKind {
  if (/^\s*$/.test(linePrefix) || /[;{}]\s*$/.test(linePrefix)) return 'statement-end';
  return /[\p{L}\p{N}_$]$/u.test(linePrefix) ? 'word' : 'boundary';
}

/** The gaps between events (keys or calls): their usual length and spread, learnt within bursts. */
class Gaps {
  private last: number | undefined;
  usual: number | undefined;
  private spread = 0;
  gap = Infinity;

  constructor(private readonly tuning: RhythmTuning) {}

  /** Records an event at `now`; true when the gap before it was a pause or a hesitation. */
  add(now: number): boolean {
    this.gap = this.last === undefined ? Infinity : Math.max(0, now - this.last);
    this.last = now;
    const hesitated = this.gap >= this.tuning.pauseMs || (this.usual !== undefined && this.gap > this.expectedWithin());
    // Only gaps within a burst teach the rhythm; a hesitation would stretch it.
    if (hesitated) return true;
    if (this.usual === undefined) {
      // The first gap seeds the spread at half of it, as TCP seeds its round-trip variance.
      this.usual = this.gap;
      this.spread = this.gap / 2;
    } else {
      this.spread = SMOOTHING * Math.abs(this.gap - this.usual) + (1 - SMOOTHING) * this.spread;
      this.usual = SMOOTHING * this.gap + (1 - SMOOTHING) * this.usual;
    }
    return false;
  }

  /** Within how long of an event the next one is expected while the user types on. */
  expectedWithin(): number {
    return (this.usual ?? 0) + this.tuning.spreads * this.spread;
  }
}

/**
 * Whether a change that inserted `text` was a key that ends a statement: `;`, `{` or `}` (with the
 * pair VS Code auto-closes), or Enter (its indentation, or the two lines of Enter between brackets).
 */
export function endsStatement(text: string): boolean {
  return /^(?:[;{}]|\{\}|(?:\r?\n[ \t]*){1,2})$/.test(text);
}

export class TypingRhythm {
  /** VS Code's calls: whether a key starts a burst. */
  private readonly calls: Gaps;
  /** The keys the editor told, when it tells them: when the next key is due. */
  private readonly keys: Gaps;
  /** Whether the latest call's key starts a burst (after a pause or a hesitation, or after a statement end). */
  private burstStart = true;
  private afterStatementEnd = false;
  /** The key the editor told since the last call, if any, and whether it came after a hesitation. */
  private told: number | undefined;
  private toldAfterHesitation = true;
  /** Whether the latest key told ended a statement (Enter, `;`, `{`, `}`). */
  private toldEndedStatement = false;

  constructor(tuning: RhythmTuning = DEFAULT_RHYTHM) {
    this.calls = new Gaps(tuning);
    this.keys = new Gaps(tuning);
    this.maxShare = tuning.maxShare;
  }

  private readonly maxShare: number;

  /**
   * Records a key VS Code passed on (a call for a suggestion) at `now` ms. It starts a burst after a
   * statement end, or when the calls say the user paused and the keys, if told, agree: a fast
   * burst's keys can leave VS Code 50 ms of quiet mid-burst, and its call is not a pause.
   */
  keystroke(now: number): void {
    const hesitated = this.calls.add(now);
    const keysAgree = this.told === undefined || this.toldAfterHesitation;
    this.burstStart = (hesitated && keysAgree) || this.afterStatementEnd;
    this.afterStatementEnd = false;
  }

  /**
   * The editor tells a change to the document, at `now` ms, as it happens; `endsStatement`: it was
   * Enter, `;`, `{` or `}`. The key after one starts a burst even when VS Code made no call for it.
   */
  keyTold(now: number, endsStatement = false): void {
    const hesitated = this.keys.add(now);
    this.toldAfterHesitation = hesitated || this.toldEndedStatement;
    if (this.toldEndedStatement) this.afterStatementEnd = true;
    this.toldEndedStatement = endsStatement;
    this.told = now;
  }

  /**
   * Records a call for a suggestion at `now`, after a key of `kind`, and returns when its key
   * happened: the one told since the last call, or, when none was (a caller that tells no keys),
   * the call itself. The key after a statement end starts a burst.
   */
  call(now: number, kind: KeyKind = 'boundary'): number {
    this.keystroke(now);
    const keyAt = this.told ?? now;
    this.told = undefined;
    this.afterStatementEnd = kind === 'statement-end';
    return keyAt;
  }

  /** Milliseconds between the latest call and the one before it (Infinity for the first). */
  get idleBefore(): number {
    return this.calls.gap;
  }

  /**
   * How long to wait before asking, for a base of `baseMs`, after a key of `kind`, `sinceKey` ms
   * after that key (the time the editor already waited counts against the predicted pause). The
   * pause is predicted from the keys when the editor tells them (VS Code passes on only some of a
   * fast burst's keys), else from the calls.
   */
  delay(baseMs: number, kind: KeyKind = 'boundary', sinceKey = 0): number {
    if (baseMs <= 0 || kind === 'statement-end' || this.burstStart) return 0;
    const expected = (this.keys.usual !== undefined ? this.keys : this.calls).expectedWithin();
    return Math.max(0, Math.round(Math.min(baseMs * this.maxShare, expected) - sinceKey));
  }
}

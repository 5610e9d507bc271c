// What became of each suggestion shown: accepted whole (Tab), in part (by line or by word), typed
// out exactly as shown, or dismissed. VS Code's stable API says only when an item is accepted whole
// (its `command` runs), so the rest is read from the document's changes at the ghost's position:
//
// - a change that inserts what the ghost shows next, at the ghost, moves the ghost on. One key's
//   worth (one character, Enter with its indentation, a bracket with the closer the editor added) is
//   typing; more than that in one change is VS Code's Accept Word or Accept Line, told apart by
//   whether it ends at the end of one of the suggestion's lines;
// - the suggestion is done when nothing of it is left, settled when the accept command confirms it
//   (Tab) or `CONFIRM_MS` passes without (the last word or line accepted, or typed out);
// - any other change, or another suggestion shown instead of its rest, settles it: dismissed, or
//   accepted by line or word when part of it was.
//
// The answer for the rest of a suggestion already shown (typing-through, the hot streak) is the
// same suggestion, not a new one. The figures go to Show Usage (src/vscode/usage.ts); see
// docs/ghost-text-rules.md.
import { escapeMarkdown } from '../inertText';

export type Outcome = 'full' | 'line' | 'word' | 'typed' | 'dismissed';

export interface ShownSuggestion {
  id: string;
  uri: string;
  /** Where the ghost starts: the cursor when it was returned. */
  line: number;
  character: number;
  text: string;
  /** The other suggestions shown with it, that VS Code cycles through (Alt+] / Alt+[). */
  others?: string[];
  /** Characters after the cursor on its line that accepting replaces (closers the editor added). */
  replaces: number;
  languageId: string;
  model: string;
}

/** One document change, as VS Code reports it: the replaced range's start and length, and the text. */
export interface Change {
  line: number;
  character: number;
  rangeLength: number;
  text: string;
}

export interface Settled {
  languageId: string;
  model: string;
  outcome: Outcome;
}

/** How long a suggestion done by its last insertion waits for the accept command (Tab) to confirm it. */
export const CONFIRM_MS = 1000;

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '"': '"', "'": "'", '`': '`' };

interface Watched extends ShownSuggestion {
  /** What the ghost can still show: the rest of each suggestion the changes so far agree with. */
  rests: string[];
  partial: 'line' | 'word' | undefined;
  /** When nothing was left of it; `undefined` while some is. */
  doneAt: number | undefined;
}

export class AcceptanceWatch {
  /** VS Code shows one ghost at a time: the one suggestion watched. */
  private current: Watched | undefined;

  constructor(
    private readonly onShown: (s: ShownSuggestion) => void,
    private readonly onSettled: (s: Settled) => void,
  ) {}

  /**
   * An item was returned to VS Code. The rest of the suggestion being watched (the same text at the
   * ghost's present position) is not a new one; anything else settles the old and starts a new one.
   */
  shown(s: ShownSuggestion, now: number): void {
    this.flush(now);
    const c = this.current;
    if (c && c.doneAt === undefined && c.uri === s.uri && c.line === s.line && c.character === s.character && c.rests.includes(s.text)) {
      c.id = s.id;
      c.rests = [s.text, ...(s.others ?? [])];
      // What accepting replaces now: a closer the editor added since (typing a bracket) is covered.
      c.replaces = s.replaces;
      return;
    }
    this.settle();
    this.current = { ...s, rests: [s.text, ...(s.others ?? [])], partial: undefined, doneAt: undefined };
    this.onShown(s);
  }

  /** The item's command ran: VS Code accepted it whole. */
  accepted(id: string): void {
    const c = this.current;
    if (!c || c.id !== id) return;
    this.current = undefined;
    this.onSettled({ languageId: c.languageId, model: c.model, outcome: 'full' });
  }

  /** Whether a suggestion in `uri` is watched: changes elsewhere need not be told (every keystroke comes here). */
  watches(uri: string): boolean {
    return this.current?.uri === uri;
  }

  /** A document changed. Only changes to the watched suggestion's document matter. */
  changed(uri: string, changes: readonly Change[], now: number): void {
    this.flush(now);
    const c = this.current;
    if (!c || c.uri !== uri || !changes.length) return;
    if (c.doneAt !== undefined || changes.length !== 1 || !this.advance(c, changes[0])) this.settle();
    else if (c.rests.includes('')) c.doneAt = now;
  }

  /** Settles a suggestion whose accept command did not come within `CONFIRM_MS` of its being done. */
  flush(now: number): void {
    const c = this.current;
    if (c?.doneAt !== undefined && now - c.doneAt >= CONFIRM_MS) this.settle();
  }

  /** Stops watching (its document, `uri` when given, closed, or the extension stops): settled as it stands. */
  settle(uri?: string): void {
    const c = this.current;
    if (!c || (uri !== undefined && c.uri !== uri)) return;
    this.current = undefined;
    const outcome: Outcome = c.partial ?? (c.doneAt !== undefined ? 'typed' : 'dismissed');
    this.onSettled({ languageId: c.languageId, model: c.model, outcome });
  }

  /**
   * Moves the ghost on when `change` inserts what one of the suggestions shows next, at the ghost;
   * false otherwise. The suggestions that disagree with it are dropped.
   */
  private advance(c: Watched, change: Change): boolean {
    if (change.line !== c.line || change.character !== c.character) return false;
    const t = change.text;
    if (!t) return false;
    const agree = c.rests.filter((rest) => taking(rest, change, c.replaces) !== undefined);
    if (!agree.length) return false;
    const taken = taking(agree[0], change, c.replaces)!;
    if (!isOneKey(t)) c.partial = c.partial === 'line' || endsALine(agree[0], taken) ? 'line' : 'word';
    c.rests = agree.filter((rest) => taking(rest, change, c.replaces) === taken).map((rest) => rest.slice(taken.length));
    const lines = taken.split('\n');
    if (lines.length > 1) {
      c.line += lines.length - 1;
      c.character = lines[lines.length - 1].length;
      c.replaces = 0;
    } else {
      c.character += taken.length;
    }
    return true;
  }
}

/** What of `rest` the change takes, if it inserts what `rest` shows next. */
function taking(rest: string, change: Change, replaces: number): string | undefined {
  const t = change.text;
  // Replacing the closers after the cursor is what accepting the item does (its range covers
  // them); typing never replaces text.
  if (change.rangeLength > 0 && !(change.rangeLength <= replaces && t === rest)) return undefined;
  if (rest.startsWith(t)) return t;
  if (t.length === 2 && t[0] === rest[0] && CLOSERS[t[0]] === t[1]) return t[0]; // the editor closed a bracket
  return undefined;
}

/** What one key puts in: a character, Enter with the indentation the editor adds, a bracket and its closer. */
function isOneKey(text: string): boolean {
  if (text.length === 1) return true;
  if (/^\r?\n[ \t]*$/.test(text)) return true;
  return text.length === 2 && CLOSERS[text[0]] === text[1];
}

/**
 * Whether `taken`, the start of `rest`, ends at the end of one of its lines; its own line break and
 * the next line's indentation, if it took them, do not count (Accept Line may take them).
 */
function endsALine(rest: string, taken: string): boolean {
  const n = taken.replace(/\r?\n[ \t]*$/, '').length;
  if (n === 0) return false;
  return n >= rest.length || rest[n] === '\n' || rest[n] === '\r';
}

// ---------------------------------------------------------------------------------------------
// The figures kept: per day, language and model, bounded like the usage ledger.

export interface AcceptanceCounts {
  shown: number;
  full: number;
  line: number;
  word: number;
  typed: number;
  dismissed: number;
}

/** day (YYYY-MM-DD) -> language -> model -> counts */
export type AcceptanceData = Record<string, Record<string, Record<string, AcceptanceCounts>>>;

const DAYS_KEPT = 90;
const ROWS_PER_DAY = 100;
const FIELDS: (keyof AcceptanceCounts)[] = ['shown', 'full', 'line', 'word', 'typed', 'dismissed'];
const zero = (): AcceptanceCounts => ({ shown: 0, full: 0, line: 0, word: 0, typed: 0, dismissed: 0 });
/** Language ids and model ids are outside text: `__proto__` must be a key like any other. */
const table = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export class AcceptanceLedger {
  private readonly data: AcceptanceData;

  constructor(stored?: unknown) {
    this.data = sanitize(stored);
  }

  count(day: string, languageId: string, model: string, field: keyof AcceptanceCounts): void {
    const languages = (this.data[day] ??= table());
    const rows = Object.values(languages).reduce((n, models) => n + Object.keys(models).length, 0);
    if (!(languages[languageId] && model in languages[languageId]) && rows >= ROWS_PER_DAY) {
      languageId = '(other)';
      model = '(other)';
    }
    const counts = ((languages[languageId] ??= table())[model] ??= zero());
    counts[field] += 1;
    const days = Object.keys(this.data).sort();
    for (const old of days.slice(0, Math.max(0, days.length - DAYS_KEPT))) delete this.data[old];
  }

  /** Totals per language and model over the days kept, most shown first. */
  totals(): { languageId: string; model: string; counts: AcceptanceCounts }[] {
    const sums = new Map<string, { languageId: string; model: string; counts: AcceptanceCounts }>();
    for (const languages of Object.values(this.data)) {
      for (const [languageId, models] of Object.entries(languages)) {
        for (const [model, counts] of Object.entries(models)) {
          const key = JSON.stringify([languageId, model]);
          const row = sums.get(key) ?? { languageId, model, counts: zero() };
          for (const f of FIELDS) row.counts[f] += counts[f];
          sums.set(key, row);
        }
      }
    }
    return [...sums.values()].sort((a, b) => b.counts.shown - a.counts.shown || (a.languageId + a.model < b.languageId + b.model ? -1 : 1));
  }

  toJSON(): AcceptanceData {
    return this.data;
  }
}

function sanitize(stored: unknown): AcceptanceData {
  const out: AcceptanceData = {};
  if (!stored || typeof stored !== 'object') return out;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);
  for (const [day, languages] of Object.entries(stored as Record<string, unknown>)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !languages || typeof languages !== 'object') continue;
    for (const [languageId, models] of Object.entries(languages as Record<string, unknown>)) {
      if (!models || typeof models !== 'object') continue;
      for (const [model, counts] of Object.entries(models as Record<string, unknown>)) {
        if (!counts || typeof counts !== 'object') continue;
        const c = counts as Record<string, unknown>;
        const row = zero();
        for (const f of FIELDS) row[f] = n(c[f]);
        ((out[day] ??= table())[languageId] ??= table())[model] = row;
      }
    }
  }
  return out;
}

/** The share of settled suggestions accepted whole or in part, as "42%"; "–" before any settled. */
export function acceptedShare(c: AcceptanceCounts): string {
  const settled = c.full + c.line + c.word + c.typed + c.dismissed;
  if (!settled) return '–';
  return `${Math.round((100 * (c.full + c.line + c.word)) / settled)}%`;
}

/** The Show Usage section: a row per language and model, the outcomes of the suggestions shown. */
export function acceptanceMarkdown(ledger: AcceptanceLedger): string {
  const rows = ledger.totals();
  const lines = ['## Suggestions', ''];
  if (!rows.length) return [...lines, 'No suggestions shown yet.', ''].join('\n');
  lines.push(
    '| language | model | shown | accepted (Tab) | by line | by word | typed as shown | dismissed | accepted |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { languageId, model, counts: c } of rows) {
    lines.push(`| ${escapeMarkdown(languageId)} | ${escapeMarkdown(model)} | ${c.shown} | ${c.full} | ${c.line} | ${c.word} | ${c.typed} | ${c.dismissed} | ${acceptedShare(c)} |`);
  }
  lines.push(
    '',
    'A suggestion is counted once however many keys it stays through. "By line" and "by word" are suggestions accepted in part with Accept Line or Accept Word; "typed as shown" were typed out exactly; "accepted" is the share of settled suggestions accepted whole or in part. The last suggestion may still be showing, so the outcomes can sum to one less than "shown".',
    '',
  );
  return lines.join('\n');
}

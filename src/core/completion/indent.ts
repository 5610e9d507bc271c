// Stage 2 of post-processing, indentation: the suggestion written in the file's own unit (tabs, or
// N spaces), and the detection of that unit from the lines around the cursor.

import { isClause } from './lexical';

/**
 * Converts the answer's leading indentation to the file's unit: tabs to the unit, and groups of spaces
 * to tabs in a tab-indented file. `fromLine` 1 leaves the first line alone (it continues the cursor
 * line). `cursorTabs`: how many tabs indent the cursor line, which tells how wide the answer's levels
 * are (its lines start at the cursor's level or one deeper). An empty unit (the file shows none)
 * leaves the answer as it is.
 */
export function reindent(text: string, unit: string, fromLine = 1, cursorTabs = 0, inText: boolean[] = []): string {
  if (unit === '' || (fromLine > 0 && !text.includes('\n'))) return text;
  const lines = text.split('\n');
  // Lines inside a string that spans lines keep their whitespace: it is the string's.
  const code = (i: number) => i >= fromLine && !inText[i];
  if (unit === '\t') {
    const spaces = spaceLevel(lines.filter((_, i) => code(i)), cursorTabs);
    return lines.map((l, i) => (code(i) ? l.replace(/^( +)/, (m) => '\t'.repeat(Math.floor(m.length / spaces)) + ' '.repeat(m.length % spaces)) : l)).join('\n');
  }
  return lines.map((l, i) => (code(i) ? l.replace(/^\t+/, (m) => unit.repeat(m.length)) : l)).join('\n');
}

/**
 * The width of one level of the answer's spaces in a tab-indented file: the width that puts its least
 * indented line at the cursor's level (or one deeper); without a level to go by, `guessSpaceUnit`.
 */
function spaceLevel(lines: string[], cursorTabs: number): number {
  const widths = lines.map((l) => /^ +(?=\S)/.exec(l)?.[0].length ?? 0).filter((w) => w > 0);
  if (cursorTabs > 0 && widths.length > 0) {
    const least = smallest(widths);
    for (const level of [cursorTabs, cursorTabs + 1]) {
      for (const width of [4, 2, 8]) if (least === level * width) return width;
    }
  }
  return guessSpaceUnit(lines);
}

/** The width of one level in space-indented lines: 4 when every indentation is a multiple of 4, else 2. */
export function guessSpaceUnit(lines: string[]): number {
  const widths = lines.map((l) => /^ +/.exec(l)?.[0].length ?? 0).filter((w) => w > 0);
  if (!widths.length) return 4;
  return widths.every((w) => w % 4 === 0) ? 4 : 2;
}

/**
 * The indentation unit a file uses, from its indented lines around the cursor (a blank line's own
 * whitespace counts too); '' when no line is indented.
 */
export function detectIndentUnit(lines: string[]): string {
  let tabs = 0;
  const widths: number[] = [];
  for (const line of lines) {
    const lead = /^[ \t]+/.exec(line)?.[0];
    if (!lead) continue;
    if (lead.startsWith('\t')) tabs++;
    else widths.push(lead.length);
  }
  if (tabs > widths.length) return '\t';
  if (!widths.length) return '';
  const least = smallest(widths);
  return ' '.repeat(least >= 4 && widths.every((w) => w % 4 === 0) ? 4 : least === 1 ? 1 : 2);
}

/**
 * An answer for a blank line, written in its own frame rather than the file's: from a shallower
 * column than the cursor's, relative to its first line, or in levels of another width (2 spaces in
 * a file of 4, or 4 in a file of 2). Its lines are moved so the first lands at the cursor and each
 * level is the file's. `unit` is the file's (spaces only). An answer that fits, or whose frame
 * cannot be told, is left alone: then its columns are taken as written.
 */
export function rebase(text: string, linePrefix: string, unit: string, inText: boolean[] = []): string {
  if (!/^ +$/.test(unit) || !text.includes('\n') || /\t/.test(text)) return text;
  const lines = text.split('\n');
  const cursor = linePrefix.length;
  const width = (l: string) => /^ */.exec(l)![0].length;
  const later = lines.slice(1).filter((l, i) => l.trim() !== '' && !inText[i + 1]);
  if (later.length === 0) return text;
  const frame = firstLineColumn(lines[0], lines[1], later, cursor, width);
  if (frame === undefined) return text;
  const origin = frame.column;
  const deltas = later.map((l) => width(l) - origin);
  const step = deltas.reduce((g, d) => gcd(g, Math.abs(d)), 0);
  // Levels of 2 in a file of 4, or of 4 in a file of 2 (a step of 8 is a continuation line's).
  const scale = [2, 4].includes(step) && step !== unit.length && deltas.every((d) => d % step === 0) ? unit.length / step : 1;
  // Columns that agree with the file's, a block the model says is deeper than the blank line, or a
  // first column only guessed from the lines after it: taken as written, unless the widths differ.
  if (scale === 1 && (origin >= cursor || frame.guessed)) return text;
  return lines
    .map((l, i) => {
      if (i === 0) return l.trimStart();
      if (l.trim() === '' || inText[i]) return l;
      const column = cursor + (width(l) - origin) * scale;
      return column < 0 ? l : ' '.repeat(column) + l.trimStart();
    })
    .join('\n');
}

/**
 * The column the model meant for the answer's first line: its own indentation; or, written from
 * column 0, the column it comes back to later (a sibling statement, or a closer after a deeper
 * line), or 0 when its block's body sits above the cursor (written relative to the first line).
 */
function firstLineColumn(first: string, next: string, later: string[], cursor: number, width: (l: string) => number): { column: number; guessed: boolean } | undefined {
  if (width(first) > 0) return { column: width(first), guessed: false };
  if (cursor === 0) return undefined;
  const opens = /(?:[{([:]|=>)\s*$/.test(first);
  if (opens && width(later[0]) > 0 && width(later[0]) <= cursor) return { column: 0, guessed: false };
  // The next line, right below and not closing anything, is a statement beside the first.
  if (!opens && later[0] === next && width(next) > 0 && width(next) < cursor && !/^\s*[)\]}]/.test(next) && !isClauseLine(next)) return { column: width(next), guessed: false };
  const widths = later.map(width);
  const least = smallest(widths);
  // A line at the least column after a deeper one (the deepest so far is carried along, not looked
  // for again before each line), or a closer or clause there.
  let deepest = -1;
  const comesBack = later.some((l, i) => {
    const back = widths[i] === least && (deepest > least || /^\s*[)\]}]/.test(l) || isClauseLine(l));
    deepest = Math.max(deepest, widths[i]);
    return back;
  });
  if (least > 0 && (!opens || comesBack)) return { column: least, guessed: true };
  return undefined;
}

/**
 * A clause that continues the statement at its own level: Python's and a switch's, or an `else`.
 * (The spaces around an optional `}` are one run when it is absent: tried in every split, a long
 * run of spaces would cost its square.)
 */
const isClauseLine = (l: string) => isClause(l) || /^\s*(?:\}\s*)?else\b/.test(l);

/** The least of `values` (not `Math.min(...values)`: an answer of 200,000 lines is too many arguments). */
function smallest(values: number[]): number {
  let least = Infinity;
  for (const v of values) if (v < least) least = v;
  return least;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

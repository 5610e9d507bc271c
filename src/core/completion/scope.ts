// Stages 3 and 4 of post-processing: the join at the start, the scope (one line, or the cursor's
// block), what already follows the cursor, and degenerate repetition. Each rule says where the
// suggestion ends; the streaming early stop asks the same rules whether that end has been read yet
// (docs/ghost-text-rules.md).
import { bracketBalance, columns, hasMarkup, isCloserLine, lineStart, reopens, scanLine, tagBalance, type LexState, type Syntax } from './lexical';

/** At most this many lines in a multi-line suggestion. */
export const MAX_LINES = 16;

export interface ScopeView {
  linePrefix: string;
  lineSuffix: string;
  /** The non-blank lines after the cursor line, nearest first (a few are enough). */
  nextLines: string[];
  multiline: boolean;
  syntax: Syntax;
  languageId: string;
  cursorState: LexState;
  /** Brackets opened on the cursor line and closed after the cursor (auto-closed pairs). */
  pairedOnLine: number;
}

export interface Scoped {
  text: string;
  /** The end of the suggestion has been read: nothing after it can change it. */
  complete: boolean;
}

/**
 * The join at the start: on a blank line the cursor stands after its indentation already (the answer's
 * indentation up to the cursor's column goes, deeper indentation stays); after a space or tab the
 * answer's own leading spaces go (`return ` + ` this;`).
 */
export function joinStart(text: string, linePrefix: string): string {
  if (/^[ \t]*\n/.test(text)) return text;
  if (linePrefix.trim() === '') return dropCursorIndent(text, linePrefix);
  if (/[ \t]$/.test(linePrefix)) return text.replace(/^[ \t]+/, '');
  return text;
}

/** On a blank line the cursor already stands after its indentation: drop that much from the answer. */
export function dropCursorIndent(text: string, linePrefix: string): string {
  const lead = /^[ \t]*/.exec(text)![0];
  if (!lead) return text;
  if (lead.startsWith(linePrefix)) return text.slice(linePrefix.length);
  return text.slice(lead.length);
}

/** One line, or the cursor's block, cut where the file already goes on; and where repetition starts. */
export function scope(text: string, view: ScopeView, final: boolean): Scoped {
  const shaped = view.multiline ? block(text, view, final) : singleLine(text, view, final);
  const reached = untilSuffix(shaped.text, view, final);
  const repeated = cutRepetition(reached.text, final);
  return { text: repeated.text, complete: shaped.complete || reached.complete || repeated.complete };
}

/**
 * One line. An answer that starts on the next line stays on the next line after a complete cursor
 * line (`password: pass` + `\n  db: main`), and joins an open one (`x = ` + `\n42`).
 */
export function singleLine(text: string, view: ScopeView, final: boolean): Scoped {
  const lead = /^[ \t]*\n/.exec(text);
  const body = lead ? text.slice(lead[0].length) : text;
  const nl = body.indexOf('\n');
  const line = nl >= 0 ? body.slice(0, nl) : body;
  const complete = nl >= 0;
  if (!lead) return { text: line, complete };
  if (!final && !complete) return { text: `\n${line}`, complete };
  if (view.linePrefix.trim() !== '' && isOpenLine(view)) {
    // A block's body cannot be joined onto the line that opens it: a single line cannot show it.
    if (/\{\s*$/.test(view.linePrefix)) return { text: '', complete };
    const sep = /[\s([{.]$/.test(view.linePrefix) ? '' : ' ';
    return { text: sep + line.trimStart(), complete };
  }
  return { text: `\n${line}`, complete };
}

/**
 * Whether the cursor line still needs its next part on the same line: it ends in an operator, an
 * opening bracket, a comma inside brackets, `.`, or a keyword that takes an operand.
 */
export function isOpenLine(view: Pick<ScopeView, 'linePrefix' | 'syntax' | 'cursorState' | 'languageId'>): boolean {
  const t = view.linePrefix.trimEnd();
  if (view.cursorState.kind !== 'code') return false;
  if (/(?:=>|->)$/.test(t)) return true;
  // Complete endings that look like operators: `i++`, Python's `...` stub, `as const`.
  if (/(?:[\w)\]](?:\+\+|--)|\bas const)$/.test(t)) return false;
  if (/\.\.\.$/.test(t)) return /[([{,=]\s*\.\.\.$/.test(t);
  // A comma inside brackets opened on the line, or in a CSS declaration, waits for the next item.
  if (/,$/.test(t)) return bracketBalance([t], { kind: 'code' }, view.syntax).balance > 0 || (/^(?:css|scss|less)$/.test(view.languageId) && t.includes(':'));
  if (/:$/.test(t)) return !['python', 'yaml'].includes(view.languageId);
  // `*` is a wildcard after `import`, `select`, a comma or an opening bracket; elsewhere it multiplies.
  if (/\*$/.test(t)) return !/(?:^|\bimport\s+|\bselect\s+|[,(]\s*)\*$/i.test(t);
  if (/>$/.test(t)) return /(?:\s|[=>-])>$/.test(t);
  // `!`, `?` and `|` right after a name end it (`user!`, Ruby's `shipped?`, `|order|`); after a space,
  // or doubled, they are operators waiting for their operand.
  if (/[!?|]$/.test(t)) return /(?:[\s([,=][!?|]|\|\||\?\?)$/.test(t);
  if (/[=+\-/%&^~([{.<]$/.test(t)) return true;
  // `return ` with a space typed after it waits for its value; a bare `return` may be complete.
  if (/\b(?:return|yield)$/.test(t)) return /\s$/.test(view.linePrefix);
  return /\b(?:await|new|typeof|instanceof|throw|in|of|case|delete|void|and|or|not|is|if|elif|while|for|from|import|as|extends|implements|let|const|var)$/i.test(t);
}

/**
 * The cursor's block: it ends before the first line indented less than the block (a line that closes
 * the block is kept as the last line, one that opens again lets it go on), or after MAX_LINES lines.
 */
export function block(text: string, view: ScopeView, final: boolean): Scoped {
  const lines = text.split('\n');
  const usable = final ? lines.length : lines.length - 1;
  const blankCursor = view.linePrefix.trim() === '';
  let minCol: number;
  let first: number;
  if (blankCursor) {
    // Where the suggestion's first line lands: the cursor's column, plus any indentation the answer kept.
    minCol = columns(view.linePrefix) + columns(lines[0]);
    first = 1;
  } else {
    const indent = columns(view.linePrefix);
    // A comment ending in `:` opens no block.
    const opens = view.cursorState.kind === 'code' && /[{([:]$|=>$/.test(view.linePrefix.trimEnd());
    minCol = opens ? indent + 1 : indent;
    first = 1;
  }
  // Lines inside a string or comment that spans lines (a template literal's text) are not code: their
  // indentation says nothing about the block.
  let state = scanLine(lines[0], view.cursorState, view.syntax, undefined, !blankCursor);
  for (let i = first; i < usable; i++) {
    if (i >= MAX_LINES) return { text: lines.slice(0, MAX_LINES).join('\n'), complete: true };
    const line = lines[i];
    const startsIn = lineStart(state);
    state = scanLine(line, startsIn, view.syntax);
    if (startsIn.kind !== 'code' || line.trim() === '' || columns(line) >= minCol) continue;
    if (reopens(line)) continue;
    // A closer ends the block, unless the file's own block goes on after the cursor (its next line
    // is still inside): the file closes it later, so the suggestion must not.
    const fileGoesOn = view.nextLines.length > 0 && columns(view.nextLines[0]) >= minCol;
    const cut = isCloserLine(line) && !fileGoesOn ? i + 1 : i;
    return { text: lines.slice(0, cut).join('\n'), complete: true };
  }
  if (usable >= MAX_LINES) return { text: lines.slice(0, MAX_LINES).join('\n'), complete: true };
  return { text, complete: false };
}

/**
 * A line compared with the file's: a trailing `;` or `,` does not count, nor does indentation where
 * it is only layout (it does in Python or YAML).
 */
function normal(line: string, syntax: Syntax, column = columns(line)): string {
  const text = line.trim().replace(/[;,]$/, '');
  return syntax.indentSignificant ? `${column}:${text}` : text;
}

const CLOSING = /^\s*[)\]}]+[;,]?\s*$/;

/**
 * Where the suggestion reaches what already follows the cursor: a line equal to the file's next
 * line, or a closing line when the file's next line starts with that closer (`}` above `} else {`),
 * at a point where the suggestion has nothing of its own still open (an `if` it wrote keeps its `}`).
 */
export function untilSuffix(text: string, view: ScopeView, final: boolean): Scoped {
  const next = view.nextLines[0];
  if (next === undefined) return { text, complete: false };
  const target = normal(next, view.syntax);
  const lines = text.split('\n');
  const usable = final ? lines.length : lines.length - 1;
  const blankCursor = view.linePrefix.trim() === '';
  // A bracket the cursor line opened and the rest of the line closes is the suggestion's to close.
  let balance = view.pairedOnLine;
  const markup = hasMarkup(view.languageId);
  let state = view.cursorState;
  for (let i = 0; i < usable; i++) {
    const line = lines[i];
    if ((i > 0 || blankCursor) && line.trim() !== '' && balance <= 0) {
      const closer = CLOSING.test(line) ? line.trim().replace(/[;,]$/, '') : '';
      // On a blank cursor line the first line lands at the cursor's column.
      const column = i === 0 ? columns(view.linePrefix) + columns(line) : columns(line);
      if (normal(line, view.syntax, column) === target || (closer !== '' && next.trim().startsWith(closer))) {
        return { text: lines.slice(0, i).join('\n'), complete: true };
      }
    }
    state = scanLine(
      line,
      state,
      view.syntax,
      (ch) => {
        if ('([{'.includes(ch)) balance++;
        else if (')]}'.includes(ch)) balance--;
      },
      i === 0 && !blankCursor,
    );
    if (markup) balance += tagBalance(line);
  }
  return { text, complete: false };
}

/**
 * Degenerate repetition: the same line (or block of up to four lines, indentation aside) three times
 * in a row to the end of the answer, or six times anywhere, keeps one copy (three placeholders
 * followed by more code are real code); a line in which one fragment with a letter repeats six times
 * back to back is dropped with all after it. Only complete lines count, except that a degenerate line
 * is caught while it grows.
 */
export function cutRepetition(text: string, final: boolean): Scoped {
  const lines = text.split('\n');
  const usable = final ? lines.length : lines.length - 1;
  const same = lines.map((l) => l.trim());
  for (let i = 0; i < usable; i++) {
    if (isDegenerate(lines[i])) return { text: lines.slice(0, i).join('\n'), complete: true };
    for (let p = 1; p <= 4 && i + 3 * p <= usable; p++) {
      const unit = same.slice(i, i + p).join('\n');
      if (!/[\p{L}\p{N}]/u.test(unit)) continue;
      let copies = 1;
      while (i + (copies + 1) * p <= usable && same.slice(i + copies * p, i + (copies + 1) * p).join('\n') === unit) copies++;
      // Three copies that run to the end of the answer, or six anywhere: the model is looping.
      const toTheEnd = final && i + copies * p === usable;
      if (copies >= 6 || (copies >= 3 && toTheEnd)) return { text: lines.slice(0, i + p).join('\n'), complete: true };
    }
  }
  if (!final && lines.length > 0 && isDegenerate(lines[lines.length - 1].slice(-240))) {
    return { text: lines.slice(0, lines.length - 1).join('\n'), complete: true };
  }
  return { text, complete: false };
}

/** One fragment of 2 to 40 characters, with a letter in it, six or more times back to back. */
export function isDegenerate(line: string): boolean {
  const n = line.length;
  for (let p = 2; p <= 40 && p * 6 <= n; p++) {
    let run = 0;
    for (let j = 0; j + p < n; j++) {
      if (line[j] === line[j + p]) {
        run++;
        // Later shifts of the same run are rotations of this fragment: one look is enough. A run of
        // one character (`xxxxxxxxxxxx`, a placeholder) is not a loop.
        if (run !== 5 * p) continue;
        const fragment = line.slice(j + 1 - run, j + 1 - run + p);
        if (/\p{L}/u.test(fragment) && !/^(.)\1*$/su.test(fragment)) return true;
      } else run = 0;
    }
  }
  return false;
}

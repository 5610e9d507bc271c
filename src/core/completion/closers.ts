// Stage 6 of post-processing, the replace range: when the rest of the cursor line is only closers
// (auto-closed brackets and quotes), which of them does the suggestion write itself? The brackets,
// tags and strings the line opened before the cursor, followed through the suggestion, decide: a
// closer after the cursor that still has something to close is needed and stays, the others are
// the suggestion's own and are replaced (docs/ghost-text-rules.md).
import { autoClosed, CODE, scanLine, type LexState, type Syntax } from './lexical';

/**
 * Rest of the line made only of closers, maybe ending in one of `;:,{` (the Copilot rule). Each run of
 * spaces belongs to one place in the pattern: three optional runs side by side would be tried in every
 * split of a long run of spaces (cubic in it).
 */
export const CLOSERS_ONLY = /^\s*(?:[)>}\]"'`]+\s*)?(?:[:{;,]\s*)?$/;

export interface ClosersView {
  linePrefix: string;
  lineSuffix: string;
  /** The lexical state the cursor line starts in (inside a block comment or a long string, maybe). */
  lineState: LexState;
  syntax: Syntax;
}

const MATCH: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/** How many characters after the cursor, on its line, the suggestion replaces. */
export function replaceLength(text: string, view: ClosersView): number {
  const rest = view.lineSuffix;
  if (rest.trim() === '' || !CLOSERS_ONLY.test(rest)) return 0;
  const open = stillOpen(view.linePrefix + text, view);
  const { stack } = open;
  let { state, quoteOpen } = open;
  // Closers after the cursor beyond the cursor line's own pairs close brackets of earlier lines
  // (`expect(` above): they stay, unless the suggestion itself closed such a bracket.
  const paired = autoClosed(view.linePrefix, rest.replace(/["'`]/g, ''), view.lineState, view.syntax);
  const atCursor = stillOpen(view.linePrefix, view);
  let outerClosedBySuggestion = open.unmatched - atCursor.unmatched;
  // Inside a string at the cursor (an interpolation hole), the rest's closers are not counted so.
  const countsOuter = atCursor.state.kind === 'code' && atCursor.quoteOpen === '';
  let bracket = 0;
  let needed = '';
  let closers = '';
  let i = 0;
  while (i < rest.length) {
    const c = rest[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (state.kind === 'string') {
      // The string the suggestion leaves open goes on after the cursor, to its closing quote: all of
      // that (an interpolation's `}` too) is the file's and stays.
      const close = rest.indexOf(state.close, i);
      if (close < 0) return 0;
      needed += rest.slice(i, close + state.close.length).replace(/\s+/g, '');
      closers += rest.slice(i, close + state.close.length).replace(/\s+/g, '');
      i = close + state.close.length;
      state = CODE;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      if (quoteOpen === c) {
        needed += c;
        quoteOpen = '';
      }
      closers += c;
      i++;
      continue;
    }
    if (!')]}>'.includes(c)) break;
    const outer = countsOuter && c !== '>' && bracket >= paired;
    if (c !== '>') bracket++;
    if (stack.length && stack[stack.length - 1] === MATCH[c]) {
      stack.pop();
      needed += c;
    } else if (outer && !(stack.length && c !== '>')) {
      if (outerClosedBySuggestion > 0) outerClosedBySuggestion--;
      else needed += c;
    }
    closers += c;
    i++;
  }
  if (!closers.endsWith(needed)) return 0;
  if (needed === '') {
    // Every closer is the suggestion's own: so is punctuation after them that it also ends with.
    const tail = rest.slice(i).trim();
    return tail !== '' && text.trimEnd().endsWith(tail) ? rest.length : i === 0 ? 0 : rest.slice(0, i).trimEnd().length;
  }
  return afterNonBlank(rest, closers.length - needed.length);
}

/**
 * What the cursor line opened (before the cursor) and the suggestion left open: brackets and `<` of
 * tags and type arguments (innermost last), the string the text ends in, and for languages whose
 * quotes the lexer does not follow (HTML, YAML) a double or single quote left open.
 */
function stillOpen(line: string, view: ClosersView): { stack: string[]; state: LexState; quoteOpen: string; unmatched: number } {
  const stack: string[] = [];
  let unmatched = 0;
  // Quotes the lexer does not take for strings (HTML's, YAML's, a Rust character literal being typed).
  const untracked = (ch: string) => (ch === '"' || ch === "'") && !view.syntax.quotes.includes(ch) && !view.syntax.longStrings.includes(ch);
  let quoteOpen = '';
  let state = view.lineState;
  const lines = line.split('\n');
  lines.forEach((text, n) => {
    let previous = '';
    state = scanLine(text, state, view.syntax, (ch, at) => {
      if (untracked(ch) && (quoteOpen === '' || quoteOpen === ch)) quoteOpen = quoteOpen === ch ? '' : ch;
      else if (quoteOpen !== '') {
        // Inside a quoted attribute: no brackets.
      } else if ('([{'.includes(ch)) stack.push(ch);
      else if (')]}'.includes(ch)) {
        if (stack[stack.length - 1] === MATCH[ch]) stack.pop();
        else if (stack.length === 0) unmatched++;
      } else if (ch === '<' && /[A-Za-z]/.test(text[at + 1] ?? '')) stack.push('<');
      else if (ch === '>' && stack[stack.length - 1] === '<' && !/[=-]/.test(previous)) stack.pop();
      previous = ch;
    });
    if (n < lines.length - 1) quoteOpen = '';
  });
  return { stack, state, quoteOpen, unmatched };
}

/** The index in `text` just after its `n`-th non-blank character (0 for none). */
function afterNonBlank(text: string, n: number): number {
  if (n === 0) return 0;
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ' ' && text[i] !== '\t' && ++seen === n) return i + 1;
  }
  return text.length;
}

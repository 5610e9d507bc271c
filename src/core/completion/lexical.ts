// Just enough lexing to read code line by line: where comments and strings are, how brackets
// balance, how deep a line is indented. One pass over the text, never a parser: every function here
// is linear in what it reads, because what it reads is a model's answer or a file from outside.

/** How a language writes comments and strings. */
export interface Syntax {
  lineComments: string[];
  blockComments: [open: string, close: string][];
  /** Quotes that open a string ending on the same line. */
  quotes: string[];
  /** Delimiters of strings that may span lines (`"""`, a template literal). */
  longStrings: string[];
  /** Openers of strings without escapes, which may span lines, and their closing quote (C#'s `@"`). */
  verbatimStrings: [open: string, close: string][];
  /** A line comment starts only at the line's start or after a space (`#` in YAML, a URL's `//` in SCSS). */
  commentAfterSpace: boolean;
  /** `'x'` is a character literal, and a lone `'` a lifetime (Rust). */
  charLiterals?: boolean;
  /** `/…/` after an operator or bracket is a regular expression (JavaScript, TypeScript). */
  regexLiterals?: boolean;
  /** Text is the default between tags or as a value (HTML, YAML, Markdown): a sentence there is content. */
  textual: boolean;
  /** Indentation is part of the meaning (Python, YAML), not only layout. */
  indentSignificant: boolean;
}

const C_LIKE: Syntax = { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"', "'"], longStrings: [], verbatimStrings: [], commentAfterSpace: false, textual: false, indentSignificant: false };
const BY_LANGUAGE: Record<string, Partial<Syntax>> = {
  javascript: { longStrings: ['`'], regexLiterals: true },
  typescript: { longStrings: ['`'], regexLiterals: true },
  javascriptreact: { longStrings: ['`'], regexLiterals: true },
  typescriptreact: { longStrings: ['`'], regexLiterals: true },
  vue: { longStrings: ['`'] },
  go: { longStrings: ['`'] },
  // Java's text blocks; C#'s raw and verbatim strings.
  java: { longStrings: ['"""'] },
  csharp: { verbatimStrings: [['"""', '"""'], ['$@"', '"'], ['@$"', '"'], ['@"', '"']] },
  php: { lineComments: ['//', '#'] },
  cpp: { verbatimStrings: [['R"(', ')"']] },
  // A quote in Rust is also a lifetime (`&'a str`): only double quotes are strings.
  // Rust's strings may span lines; a quote is also a lifetime (`&'a str`), so only `'x'` is a literal.
  rust: { quotes: [], longStrings: ['"'], verbatimStrings: [['r#"', '"#'], ['r"', '"']], charLiterals: true },
  python: { lineComments: ['#'], blockComments: [], longStrings: ['"""', "'''"], indentSignificant: true },
  shellscript: { lineComments: ['#'], blockComments: [], commentAfterSpace: true },
  ruby: { lineComments: ['#'], blockComments: [] },
  perl: { lineComments: ['#'], blockComments: [] },
  r: { lineComments: ['#'], blockComments: [] },
  toml: { lineComments: ['#'], blockComments: [] },
  dockerfile: { lineComments: ['#'], blockComments: [] },
  makefile: { lineComments: ['#'], blockComments: [] },
  powershell: { lineComments: ['#'], blockComments: [['<#', '#>']] },
  yaml: { lineComments: ['#'], blockComments: [], quotes: [], commentAfterSpace: true, textual: true, indentSignificant: true },
  sql: { lineComments: ['--'], quotes: ["'"] },
  lua: { lineComments: ['--'], blockComments: [['--[[', ']]']] },
  haskell: { lineComments: ['--'], blockComments: [['{-', '-}']] },
  css: { lineComments: [] },
  scss: { commentAfterSpace: true },
  less: { commentAfterSpace: true },
  json: { lineComments: [], blockComments: [], quotes: ['"'] },
  jsonc: { quotes: ['"'] },
  html: { lineComments: [], blockComments: [['<!--', '-->']], quotes: [], textual: true },
  xml: { lineComments: [], blockComments: [['<!--', '-->']], quotes: [], textual: true },
  markdown: { lineComments: [], blockComments: [['<!--', '-->']], quotes: [], textual: true },
  plaintext: { lineComments: [], blockComments: [], quotes: [], textual: true },
};

export function syntaxOf(languageId: string | undefined): Syntax {
  return { ...C_LIKE, ...(languageId ? BY_LANGUAGE[languageId] : undefined) };
}

/** Where a line starts or ends: in code, inside a block comment, or inside a string. */
export type LexState = { kind: 'code' } | { kind: 'comment'; close: string } | { kind: 'string'; close: string; long: boolean; verbatim?: boolean } | { kind: 'line-comment' };

export const CODE: LexState = { kind: 'code' };

/** The state a new line starts in: a line comment or a one-line string ended with the line before. */
export function lineStart(state: LexState): LexState {
  return state.kind === 'line-comment' || (state.kind === 'string' && !state.long) ? CODE : state;
}

/**
 * Reads one line from `state` (the state a line starts in, or with `continues` the state in the
 * middle of a line, as at the cursor) and returns the state at its end. `onCode` sees each character
 * that is code, with its index.
 */
export function scanLine(line: string, state: LexState, syntax: Syntax, onCode?: (ch: string, index: number) => void, continues = false): LexState {
  let s: LexState = continues ? state : lineStart(state);
  let i = 0;
  // The last code character that is not a space: a `/` after an operator or bracket starts a regex.
  let previous = '';
  // A `/` before this one started no regex (nothing closed it on the line): see `regexAt`.
  let unclosed = false;
  const starts = openerStarts(syntax);
  while (i < line.length) {
    if (s.kind === 'comment' || s.kind === 'string') {
      if (s.kind === 'string' && !s.verbatim && line[i] === '\\') {
        i += 2;
        continue;
      }
      if (line.startsWith(s.close, i)) {
        i += s.close.length;
        s = CODE;
        previous = 'x';
        continue;
      }
      i++;
      continue;
    }
    if (s.kind === 'line-comment') return s;
    let literal = syntax.charLiterals && line[i] === "'" ? charLiteralAt(line, i) : 0;
    if (syntax.regexLiterals && line[i] === '/' && line[i + 1] !== '/' && line[i + 1] !== '*' && /^$|[(,=:[!&|?{};+\-*%<>~^]$/.test(previous)) {
      literal = regexAt(line, i, unclosed);
      unclosed ||= literal === 0;
    }
    if (literal) {
      i += literal;
      previous = 'x';
      continue;
    }
    const open = starts.includes(line[i]) ? opening(line, i, syntax, i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t') : undefined;
    if (open) {
      s = open.state;
      i += open.length;
      continue;
    }
    onCode?.(line[i], i);
    if (line[i] !== ' ' && line[i] !== '\t') previous = line[i];
    i++;
  }
  return s;
}

/** The length of a character literal at `i` (`'a'`, `'\n'`, `'"'`), or 0. */
function charLiteralAt(line: string, i: number): number {
  return /^'(?:[^'\\]|\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.))'/.exec(line.slice(i, i + 12))?.[0].length ?? 0;
}

/**
 * The length of a regular expression literal at `i` (to its closing `/` on the line), or 0.
 * `unclosed`: an earlier `/` on the line read to the line's end without closing. This one reads the
 * same characters from `i + 1`, and from its first `[` or `]` on in the same state as that one did,
 * so it cannot close after it either: it stops there, and no line is read once per `/` in it.
 */
function regexAt(line: string, i: number, unclosed: boolean): number {
  let inClass = false;
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === '[' || c === ']') {
      if (unclosed) return 0;
      inClass = c === '[';
    } else if (c === '/' && !inClass) return j + 1 - i;
  }
  return 0;
}

const STARTS = new WeakMap<Syntax, string>();

/** The first characters of the syntax's comment and string openers: any other character opens nothing. */
function openerStarts(syntax: Syntax): string {
  let starts = STARTS.get(syntax);
  if (starts === undefined) {
    starts = [...syntax.blockComments.map(([o]) => o), ...syntax.lineComments, ...syntax.verbatimStrings.map(([o]) => o), ...syntax.longStrings, ...syntax.quotes].map((o) => o[0]).join('');
    STARTS.set(syntax, starts);
  }
  return starts;
}

function opening(line: string, i: number, syntax: Syntax, afterSpace: boolean): { state: LexState; length: number } | undefined {
  for (const [o, c] of syntax.blockComments) if (line.startsWith(o, i)) return { state: { kind: 'comment', close: c }, length: o.length };
  if (afterSpace || !syntax.commentAfterSpace) for (const c of syntax.lineComments) if (line.startsWith(c, i)) return { state: { kind: 'line-comment' }, length: c.length };
  for (const [o, c] of syntax.verbatimStrings) if (line.startsWith(o, i)) return { state: { kind: 'string', close: c, long: true, verbatim: true }, length: o.length };
  for (const q of syntax.longStrings) if (line.startsWith(q, i)) return { state: { kind: 'string', close: q, long: true }, length: q.length };
  for (const q of syntax.quotes) if (line[i] === q) return { state: { kind: 'string', close: q, long: false }, length: 1 };
  return undefined;
}

/**
 * For each line, whether it starts inside a string or comment that spans lines (its text is not
 * code), read from `state`; `continues`: the first line goes on from the middle of a line.
 */
export function linesInText(lines: string[], state: LexState, syntax: Syntax, continues: boolean): boolean[] {
  let s = state;
  return lines.map((line, i) => {
    const startsIn = i === 0 && continues ? s : lineStart(s);
    s = scanLine(line, startsIn, syntax, undefined, i === 0 && continues);
    return i > 0 && startsIn.kind !== 'code';
  });
}

export const OPENERS = '([{';
export const CLOSERS = ')]}';
const MATCH: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Brackets opened minus brackets closed in code (not in strings or comments), line by line. */
export function bracketBalance(lines: string[], state: LexState, syntax: Syntax): { balance: number; state: LexState } {
  let balance = 0;
  let s = state;
  for (const line of lines) {
    s = scanLine(line, s, syntax, (ch) => {
      if (OPENERS.includes(ch)) balance++;
      else if (CLOSERS.includes(ch)) balance--;
    });
  }
  return { balance, state: s };
}

/**
 * The brackets still open at the end of `lines`, innermost last. A closer with nothing to close is
 * counted in `unmatched` (it closes something before the text, or nothing).
 */
export function openBrackets(lines: string[], state: LexState, syntax: Syntax, stack: string[] = [], continues = false): { stack: string[]; unmatched: string[]; state: LexState } {
  const unmatched: string[] = [];
  let s = state;
  lines.forEach((line, i) => {
    s = scanLine(
      line,
      s,
      syntax,
      (ch) => {
        if (OPENERS.includes(ch)) stack.push(ch);
        else if (CLOSERS.includes(ch)) {
          if (stack.length && stack[stack.length - 1] === MATCH[ch]) stack.pop();
          else unmatched.push(ch);
        }
      },
      continues && i === 0,
    );
  });
  return { stack, unmatched, state: s };
}

/** Indentation width in columns (a tab to the next multiple of `tabSize`). */
export function columns(line: string, tabSize = 4): number {
  let n = 0;
  for (const ch of line) {
    if (ch === '\t') n += tabSize - (n % tabSize);
    else if (ch === ' ') n++;
    else break;
  }
  return n;
}

/** A line that closes a block: `}`, `)`, `]`, `});`, a closing tag, `end`. */
export function isCloserLine(line: string): boolean {
  return /^\s*(?:[)\]}]|<\/|end\b)/.test(line);
}

/** A closing line that opens the next part of the same statement: `} else {`, `}, {`, Python's `else:`. */
export function reopens(line: string): boolean {
  const t = line.trim();
  // A brace alone on its line (Allman style) opens the body of the line above.
  if (t === '{') return true;
  return isClause(line) || (isCloserLine(line) && /[{([]$|=>$/.test(t) && !/^<\//.test(t));
}

/** Elements that never have a closing tag. */
const VOID = /^(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr|!doctype)$/i;

/** Tags opened minus tags closed on a line of markup (`<div>` +1, `</div>` -1, `<br>` and `<x/>` 0). */
export function tagBalance(line: string): number {
  let balance = 0;
  // Not a comparison or a type argument: an opening tag follows a space, a bracket or the line's start.
  // The lookahead (a `>` before the next `<`) is what any match needs anyway: it fails a `<` that
  // starts no tag in one look, where the name's backtracking would read to the next `<` once per
  // letter (`<a.b.c.d…`).
  for (const m of line.matchAll(/(?:(?<![\w$)\]])<|<(?=\/))(?=[^<>]*>)(\/?)([A-Za-z][\w.:-]*|!doctype)\b[^<>]*?(\/?)>/gi)) {
    if (m[3] === '/' || VOID.test(m[2])) continue;
    balance += m[1] === '/' ? -1 : 1;
  }
  return balance;
}

/** Languages where tags nest like brackets. */
export function hasMarkup(languageId: string): boolean {
  return /^(?:html|xml|vue|svelte|typescriptreact|javascriptreact|php|xhtml|astro)$/.test(languageId);
}

/** A Python-style clause that continues a compound statement at the statement's own level. */
export function isClause(line: string): boolean {
  // Python's clauses; the cases of a switch, which Go writes at the switch's own level. Read as
  // `/^\s*(?:else|elif\b.*|except\b.*|finally|case\b.*|default)\s*:\s*$/` would, without its
  // backtracking (quadratic in the spaces of `case      …x`): the keyword, the colon at the end,
  // and between them nothing (`else`) or text on one line (`case x`).
  const t = line.trim();
  if (!t.endsWith(':')) return false;
  const keyword = /^(?:else|elif\b|except\b|finally|case\b|default)/.exec(t)?.[0];
  if (keyword === undefined) return false;
  const between = t.slice(keyword.length, -1);
  if (keyword === 'else' || keyword === 'finally' || keyword === 'default') return between.trim() === '';
  return !/[\n\r\u2028\u2029]/.test(between.trimEnd());
}

/**
 * How many brackets the cursor line opened before the cursor are closed by the rest of the line
 * (VS Code's auto-closed pairs): `foo({` + `})` gives 2.
 */
export function autoClosed(linePrefix: string, lineSuffix: string, lineState: LexState, syntax: Syntax): number {
  const open = openBrackets([linePrefix], lineState, syntax).stack;
  let paired = 0;
  for (const ch of lineSuffix) {
    if (ch === ' ' || ch === '\t') continue;
    if (!CLOSERS.includes(ch) || open.length === 0 || open[open.length - 1] !== MATCH[ch]) break;
    open.pop();
    paired++;
  }
  return paired;
}

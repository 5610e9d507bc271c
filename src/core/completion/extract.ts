// Stage 1 of post-processing, answer extraction: from what the model sent, the code it meant for the
// hole. A chat model asked for bare code still wraps it in tags, fences and sentences, repeats the
// line it was given, or starts with junk; each function here takes one of those away and nothing else.
// The rules are in docs/ghost-text-rules.md.
import { columns, lineStart, scanLine, type LexState, type Syntax } from './lexical';
import { CLOSE, HOLE, OPEN } from './prompt';

export interface Prefill {
  /** The prefill's code (the cursor line, or the line before and the blank cursor line, trimmed at the end). */
  text: string;
  /** What it stands for: the same with its trailing whitespace. */
  tail: string;
}

/** What the extraction knows about the place of the hole. */
export interface HoleView {
  /** The cursor line before the cursor. */
  linePrefix: string;
  /** The non-blank lines before the cursor line, nearest last (a few are enough). */
  linesBefore: string[];
  syntax: Syntax;
  /** The lexical state at the cursor (inside a comment or string, sentences are content). */
  cursorState: LexState;
  /** Text is content where the cursor is (HTML between tags, a YAML value): `textIsContent`. */
  textual: boolean;
  /** Tags nest in this code (JSX): text after an opening tag is content. */
  markup: boolean;
  /** The cursor is inside `(` or `[` (an expression going on over lines: `+ tax` is an operator there). */
  inExpression: boolean;
}

const OPEN_TAGS = [OPEN, '<completion>', '<COMPLETION>'];
const CLOSE_TAGS = [CLOSE, '</completion>', '</COMPLETION>'];

/**
 * Prompt tags: an opening tag drops what came before it, a closing tag ends the answer (`closed`), a
 * hole marker is removed. After a prefill, the answer continues the prefill (unless the model opened
 * the tag again and started over).
 */
export function stripTags(raw: string, prefill?: Prefill): { text: string; closed: boolean; opened: boolean } {
  let text = raw;
  let opened = false;
  for (const tag of OPEN_TAGS) {
    const at = text.indexOf(tag);
    if (at >= 0) {
      text = text.slice(at + tag.length);
      opened = true;
      break;
    }
  }
  let closed = false;
  for (const tag of CLOSE_TAGS) {
    const at = text.indexOf(tag);
    if (at >= 0) {
      text = text.slice(0, at);
      closed = true;
    }
  }
  // The prompt's own structure echoed back: the hole marker, the file and snippet wrappers.
  text = text.split(HOLE).join('').replace(/<\/?(?:file|snippet|hole)(?: [^<>\n]*)?>/g, '');
  if (prefill && !opened) text = continuationAfterPrefill(prefill, text);
  return { text, closed, opened };
}

/**
 * Turns the model's continuation of a prefill back into the text after the cursor: the prefill
 * dropped the cursor line's trailing whitespace, which the model usually writes again.
 */
export function continuationAfterPrefill(prefill: Prefill, continuation: string): string {
  const whole = prefill.text + continuation;
  if (whole.startsWith(prefill.tail)) return whole.slice(prefill.tail.length);
  // The model did not write the whitespace again exactly: the cursor already stands after it.
  return continuation.replace(/^[ \t]*(\n[ \t]*)?/, '');
}

/** Zero-width characters and a byte-order mark at the start of the answer or of a line. */
export function stripInvisible(text: string): string {
  return text.replace(/^[\u200b\u200c\u200d\u2060\ufeff]+/gm, '');
}

/** A fence line: its marks, and an info string (a language, maybe a title or a file name). */
const FENCE = /^([ \t]*)(`{3,}|~{3,})([^`\n]*)$/;

/**
 * A markdown fence: the inside of the first fenced block is the answer. A fence line is an opener
 * when it names a language or only prose stands before it; otherwise it closes code written before
 * it, and the answer ends there (`closed`). `proseOf` tells which lines are prose.
 */
export function extractFenced(text: string, proseOf: (lines: string[]) => boolean[]): { text: string; closed: boolean } {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => FENCE.test(l));
  if (first < 0) return { text, closed: false };
  const [, indent, marks, rawInfo] = FENCE.exec(lines[first])!;
  const info = rawInfo.trim();
  const before = lines.slice(0, first);
  const prose = proseOf(before);
  const opener = info !== '' || before.every((l, i) => l.trim() === '' || prose[i]);
  if (!opener) return { text: before.join('\n'), closed: true };
  // A fence indented (inside a list item) indents its code as much: that is not the code's own.
  const outdent = (l: string) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
  const rest = lines.slice(first + 1).map(outdent);
  const end = rest.findIndex((l) => {
    const m = FENCE.exec(l);
    return m !== null && m[3].trim() === '' && m[2][0] === marks[0] && m[2].length >= marks.length;
  });
  return end < 0 ? { text: rest.join('\n'), closed: false } : { text: rest.slice(0, end).join('\n'), closed: true };
}

/** A label before the answer (`Completion:`, `**Answer:**`), on its own line or before the code. */
const LABEL = /^[ \t]*(?:\*\*)?(?:Completion|Answer|Solution|Suggestion|Suggested completion|Completed code)(?:\*\*)?:(?:\*\*)?(?:[ \t]*\n|[ \t]+|$)/;

export function stripLabel(text: string): string {
  return text.replace(LABEL, '');
}

/**
 * Code the model escaped as if for a web page (`a &lt; b`, `&amp;self`), in a language that is no
 * markup and with no bracket of its own: unescaped.
 */
export function unescapeEntities(text: string, markup: boolean): string {
  if (markup || !/&(?:lt|gt|amp|quot|#39);/.test(text) || /[<>]/.test(text)) return text;
  return text.replace(/&(lt|gt|amp|quot|#39);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" })[e] ?? _);
}

/** Line numbers the model copied from the prompt's view of the file (`12: return x;`), on every line. */
export function stripLineNumbers(text: string): string {
  // One line: only a number set apart by the file's indentation (`3:     return x`), not `3: 'three'`.
  if (!text.trim().includes('\n')) return text.replace(/^(\s*)\d{1,6}:[ \t]{2,}(?=\S)/, '$1');
  const lines = text.split('\n');
  const numbered = lines.filter((l) => l.trim() !== '').map((l) => /^\s*(\d{1,6})(?::|\s*\|)\s?/.exec(l));
  if (numbered.length < 2 || numbered.some((m) => m === null)) return text;
  const numbers = numbered.map((m) => Number(m![1]));
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) return text;
  return lines.map((l) => l.replace(/^\s*\d{1,6}(?::|\s*\|)\s?/, '')).join('\n');
}

/** The model talking about its answer rather than giving it: never code, never content. */
const META = /^(?:here(?:'s| is| are)\b|sure[,!.]|certainly[,!.]|of course[,!.]|(?:the|this) (?:completion|completed code|code above|missing code|fill)\b|this (?:completes|fills|finishes)\b|i(?:'ll| will|'ve| have|'d| would| cannot| can't| don't| do not|'m| am)\b|to complete (?:the|this)\b|let me (?:know|explain|show|add|fix|complete|update|write|help)\b|hope this\b)/i;

/** How a remark introduces or closes the answer itself: it names it, and points at it. */
const NAMES_THE_ANSWER = /\b(?:the|this|that|following|my) (?:completion|completed code|code|snippet|fill|hole|answer|implementation)\b/i;
const POINTS_AT_IT = /(?::$|\b(?:above|below|you asked|requested|fills? (?:in )?the|completes? the)\b)/i;

/**
 * A chat model's remark about its answer (`Here's the completion:`, `This completes the code above.`).
 * `inText`: where sentences are content (a comment, a docstring, a heading), a remark must name the
 * answer and point at it (`The completion callback runs once.` is a comment's text).
 */
export function isMetaProse(line: string, inText = false): boolean {
  const t = line.trim();
  if (!(t.length > 0 && META.test(t) && / /.test(t) && !/[;{}=]/.test(t) && !/^(?:\/\/|#|--|\/\*|\*)/.test(t))) return false;
  return !inText || (NAMES_THE_ANSWER.test(t) && POINTS_AT_IT.test(t));
}

/** An English sentence: a capitalised word, more words, final punctuation, no code punctuation. */
export function isSentence(line: string): boolean {
  const t = line.trim();
  // Words may name code (`validate()`, a backticked name) but no word is an assignment or a block,
  // and code followed by a comment (`Suspended, // Sign-in is blocked.`) is code.
  if (/\s(?:\/\/|#|--)\s/.test(t)) return false;
  if (/^[A-Z][a-z]+(?: [a-z]+){1,2}:$/.test(t)) return true; // `Key points:`
  // Inline code in a sentence may hold anything (`(item) => item.id`).
  const words = t.replace(/`[^`]*`/g, 'code');
  return /^[A-Z][^\s{}=<>[\]]*(?: [^\s{}=<>[\]]+){2,}$/.test(words) && /[a-z]{2}/.test(t) && /[.:!?]$/.test(t) && !/;$/.test(t);
}

/** A bullet of an explanation (`- \`app.listen\` starts the server`): no statement starts like that. */
export function isBulletProse(line: string): boolean {
  if (/^\s*(?:\*\*[^*]+\*\*|#{1,6} \S)/.test(line)) return true; // `**Note:** …`, `### Explanation`
  return /^\s*(?:[-•]|\d{1,2}\.)\s+[A-Za-z`*]\S*(?: \S+){2,}$/.test(line) && /[a-z]{2}/.test(line) && !/[{};=]\s*$/.test(line);
}

/**
 * Which lines of the answer are prose to drop: remarks anywhere; sentences only where code is
 * expected (not inside a comment, string or docstring, and not in a language where text is the
 * default). Walks the answer with the lexical state from the cursor.
 */
export function proseLines(lines: string[], hole: HoleView): boolean[] {
  const out: boolean[] = [];
  let state = hole.cursorState;
  const continuesCursorLine = hole.linePrefix.trim() !== '';
  const markup = hole.markup && inMarkupText(hole);
  for (let i = 0; i < lines.length; i++) {
    // The first line continues the cursor line; later lines start with the state the one before left.
    const continues = i === 0 && continuesCursorLine;
    const startsIn = continues ? state : lineStart(state);
    const content = hole.textual || startsIn.kind !== 'code' || markup;
    // A line of the language's own comments is never prose (`### Section` in Python).
    const comment = hole.syntax.lineComments.some((c) => lines[i].trimStart().startsWith(c));
    out.push(isMetaProse(lines[i], content) || (!content && !comment && (isSentence(lines[i]) || (!hole.syntax.textual && isBulletProse(lines[i])))));
    state = scanLine(lines[i], startsIn, hole.syntax, undefined, continues);
  }
  return out;
}

const OPENING_TAG = /<[A-Za-z][\w.-]*(?:\s[^<>]*)?>/;

/** HTML elements whose children are elements only: text there is not content. */
const ELEMENTS_ONLY = /^(?:html|head|ul|ol|dl|table|thead|tbody|tfoot|tr|colgroup|select|optgroup|datalist|menu)$/i;

/**
 * Whether a sentence at the cursor is content in a language where text is the default: in HTML,
 * unless the innermost open element takes only elements (`<head>`, `<ul>`); in YAML, as a value
 * (`key: `, `- `) or inside a block scalar, not where a key belongs; in Markdown and plain text always.
 */
export function textIsContent(languageId: string, syntax: Syntax, prefix: string, linePrefix: string): boolean {
  if (!syntax.textual) return false;
  if (languageId === 'yaml') {
    if (/:\s|^\s*-\s/.test(linePrefix)) return true;
    const column = linePrefix.length - linePrefix.trimStart().length;
    const lines = prefix.split('\n');
    for (let i = lines.length - 2; i >= 0; i--) {
      const line = lines[i];
      if (line.trim() === '' || line.length - line.trimStart().length >= column) continue;
      return /[|>][-+]?\d*\s*$/.test(line);
    }
    return false;
  }
  if (languageId === 'html' || languageId === 'xml') {
    // Script and style elements hold code.
    const open: string[] = [];
    // The lookahead, which any match needs anyway, fails a `<` that starts no tag in one look.
    for (const m of prefix.slice(-4000).matchAll(/<(?=[^<>]*>)(\/?)([A-Za-z][\w.:-]*)\b[^<>]*?(\/?)>/g)) {
      if (m[3] === '/' || /^(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/i.test(m[2])) continue;
      if (m[1] !== '/') open.push(m[2]);
      else if (open.length && open[open.length - 1].toLowerCase() === m[2].toLowerCase()) open.pop();
    }
    return !ELEMENTS_ONLY.test(open[open.length - 1] ?? '') && !/^(?:script|style)$/i.test(open[open.length - 1] ?? '');
  }
  return true;
}

/**
 * A line of markup children: tags, `{expressions}` and text, nothing that is a statement. (Leading
 * spaces are text too: a `\s*` before the text would split a run of them in every way.)
 */
const CHILDREN = /^(?:<[^<>]*>|\{[^{}]*\}|[^<>{}=;()])*$/;
const ANY_TAG = /<\/?[A-Za-z][^<>]*>/;

/**
 * Text between tags is content in JSX too: after an opening tag on the cursor line (`<p>Hello `), after
 * inline elements in a line of children (`Welcome back, <b>{name}</b>. `), or on a blank line right
 * after a line that ends with an opening tag or is a line of text children.
 */
function inMarkupText(hole: HoleView): boolean {
  const opened = (text: string) => new RegExp(`${OPENING_TAG.source}[^<>{}]*$`).test(text) && !/\/>[^<>{}]*$/.test(text) && !/<(?:script|style)\b[^<>]*>[^<>{}]*$/i.test(text);
  const children = (text: string) => CHILDREN.test(text) && !/^\s*(?:\/\/|\/?\*)/.test(text);
  if (hole.linePrefix.trim() !== '') return opened(hole.linePrefix) || (children(hole.linePrefix) && ANY_TAG.test(hole.linePrefix) && !/>\s*$/.test(hole.linePrefix));
  const previous = hole.linesBefore[hole.linesBefore.length - 1]?.trimEnd();
  if (previous === undefined) return false;
  return opened(previous) || (children(previous) && (ANY_TAG.test(previous) || /[.!?,]$/.test(previous)));
}

/**
 * An answer wrapped in inline code backticks (`` `self._cache[key]` ``), in a language where a
 * backtick is no string: the backticks go.
 */
export function stripInlineCode(text: string, syntax: Syntax): string {
  if (syntax.longStrings.includes('`') || syntax.quotes.includes('`')) return text;
  const m = /^([ \t]*)`([^`\n]+)`([ \t]*(?:\n[ \t]*)*)$/.exec(text);
  return m ? m[1] + m[2] + m[3] : text;
}

/**
 * Prose before the code, and (`final`: the answer is all there) prose after it. Prose between code
 * lines stays: JSX text or a docstring can look like it.
 */
export function stripProse(text: string, hole: HoleView, final: boolean): string {
  const all = text.split('\n');
  // Prose first (after blank lines, maybe): it goes, with the blank lines that set it apart. What
  // follows then stands at the cursor, so it is judged again from there (in a comment, a sentence
  // after the remark is the comment's text). A line is judged by the lines before it only, so each
  // look reads up to the first line that is not blank, not the rest of the answer.
  let start = 0;
  for (;;) {
    let first = start;
    while (first < all.length && all[first].trim() === '') first++;
    if (first === all.length || !proseLines(all.slice(start, first + 1), hole)[first - start]) break;
    let next = first + 1;
    while (next < all.length && all[next].trim() === '') next++;
    start = next;
  }
  const lines = all.slice(start);
  let end = lines.length;
  if (final) {
    const prose = proseLines(lines, hole);
    // The run of prose at the end (with the blank lines in it, and a one-word heading such as
    // `Usage:` above it); only a run that holds prose is cut: trailing blank lines are the join's.
    let i = lines.length;
    let sawProse = false;
    for (; i > 0; i--) {
      const line = lines[i - 1].trim();
      if (line === '') continue;
      if (prose[i - 1]) sawProse = true;
      else if (!(sawProse && /^(?:\*\*)?[A-Z][a-z]+:(?:\*\*)?$/.test(line))) break;
    }
    if (sawProse) end = i;
  }
  return lines.slice(0, end).join('\n');
}

/**
 * While the answer streams, whether its lines so far may be the model writing out the file again
 * from some line on (`dropEchoedPrefix` can only tell once the echo reaches the cursor line).
 */
export function mayBeEchoing(text: string, hole: HoleView): boolean {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const before = hole.linesBefore.map((l) => l.trim());
  if (lines.length === 0 || lines.length > before.length) return false;
  for (let j = 0; j + lines.length <= before.length; j++) {
    if (lines.every((l, i) => l === before[j + i])) return true;
  }
  return false;
}

/**
 * A diff-style answer: `+` before every line, or before the first statement on a blank line. A `+`
 * that is an operator (`x = a ` + `+ b`, `++i`, `+=`) stays.
 */
export function stripDiffMarkers(text: string, linePrefix: string, inExpression = false): string {
  // Inside brackets, `+ tax` (one space, then the operand) continues an expression over lines.
  if (inExpression && /^[ \t]*\+ \S/.test(text)) return text;
  const all = text.split('\n');
  let headers = 0;
  while (all.length - headers > 1 && /^@@ .* @@/.test(all[headers])) headers++;
  const lines = headers > 0 ? all.slice(headers) : all;
  const code = lines.filter((l) => l.trim() !== '');
  const marked = (l: string) => /^\+(?![+=])/.test(l);
  if (code.length >= 2 && code.every(marked)) return lines.map((l) => (marked(l) ? l.slice(1) : l)).join('\n');
  // No statement starts with a binary `+`: on a blank line it is a diff marker (`++i` and `+=` aside).
  if (linePrefix.trim() === '' && /^[ \t]*\+(?![+=])/.test(lines[0])) lines[0] = lines[0].replace('+', '');
  return lines.join('\n');
}

/**
 * The model wrote out again what stands before the cursor: the cursor line so far (at least three
 * characters of it), or whole lines before it followed by the cursor line. Only what comes after
 * the cursor is kept.
 */
export function dropEchoedPrefix(text: string, hole: HoleView): string {
  if (/^[ \t]*\n/.test(text)) return text;
  const typed = hole.linePrefix.trimStart();
  const lines = text.split('\n');
  // Whole lines before the cursor line (blank lines aside), then the cursor line so far: the model
  // wrote out the function header, or the file from some line on.
  const before = hole.linesBefore.map((l) => l.trim());
  for (let k = Math.min(lines.length - 1, 80); k >= 1; k--) {
    const echoed = lines
      .slice(0, k)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (echoed.length === 0 || echoed.length > before.length || lines[k - 1].trim() === '') continue;
    if (echoed.join('\n') !== before.slice(before.length - echoed.length).join('\n') || echoed.join('').replace(/[\s)\]};,]/g, '').length < 6) continue;
    const next = lines[k].replace(/^[ \t]+/, '');
    if (typed === '') return lines.slice(k).join('\n');
    if (next.startsWith(typed)) return [next.slice(typed.length), ...lines.slice(k + 1)].join('\n');
  }
  // Three typed characters or more; or a list or comment marker and its space (`- `, `* `, `# `).
  // The header of the cursor's block (the nearest line above it that is less indented) written again
  // above the body, the lines between left out.
  if (typed === '' && lines.length > 1) {
    const header = lines[0].trim();
    const cursorColumn = columns(hole.linePrefix);
    let at = -1;
    for (let i = hole.linesBefore.length - 1; i >= 0 && at < 0; i--) if (columns(hole.linesBefore[i]) < cursorColumn) at = i;
    if (at >= 0 && before[at] === header && /(?:[{:(]|=>)$/.test(header) && header.replace(/[\s)\]};,]/g, '').length >= 6) {
      let k = 1;
      while (k < lines.length && at + k < before.length && lines[k].trim() === before[at + k]) k++;
      return lines.slice(k).join('\n');
    }
  }
  // The word being typed written out whole (`calculateSub` + `calculateSubtotal(items)`).
  // Only a run's first character may start the word: tried from every character of a run, the
  // pattern would read to the run's end each time.
  const word = /(?<![\p{L}\p{N}_$])[\p{L}\p{N}_$]{2,}$/u.exec(hole.linePrefix)?.[0];
  if (word && text.startsWith(word) && /^[\p{L}\p{N}_$]/u.test(text.slice(word.length))) return text.slice(word.length);
  // Three typed characters or more; or a list or comment marker and its space (`- `, `* `, `# `).
  if (typed.length < 3 && !/^[-*+#>]\s$/.test(typed)) return text;
  const trimmed = text.replace(/^[ \t]+/, '');
  return trimmed.startsWith(typed) ? trimmed.slice(typed.length) : text;
}

/**
 * Blank lines at the start: junk on a blank cursor line (the code belongs on it); after a written
 * line one newline says "on the next line" and more are junk.
 */
export function dropLeadingBlankLines(text: string, linePrefix: string): string {
  if (linePrefix.trim() === '') return text.replace(/^(?:[ \t]*\n)+/, '');
  return text.replace(/^(?:[ \t]*\n){2,}/, '\n');
}

// Post-processing: the model's answer made exactly what belongs at the cursor, as one sequence of
// stages (docs/ghost-text-rules.md has the rules, test/fixtures/inline/ cases for each):
//   1. extraction   tags and the prefill continuation, invisible characters, a label, fences, line
//                   numbers and HTML escapes, prose, inline-code backticks, diff markers, what the
//                   answer echoes of the text before the cursor, leading blank lines (extract.ts)
//   2. indentation  the file's unit, and an answer written in its own frame (indent.ts)
//   3. join         whitespace where the answer meets the cursor line (scope.ts, and `joinEnd` here)
//   4. scope        one line or the cursor's block, cut where the file already goes on, and where
//                   the answer starts repeating itself (scope.ts)
//   5. de-duplication against the rest of the cursor line (here)
//   6. replace range  closers after the cursor the suggestion writes itself (closers.ts)
//   7. line endings
// The streaming early stop asks stages 1 to 4 whether the end has been read (`AnswerReader.end`),
// and the final pass runs all of them on what was read (`AnswerReader.finish`): one copy of each rule.
import { CLOSERS_ONLY, replaceLength, type ClosersView } from './closers';
import { dropEchoedPrefix, dropLeadingBlankLines, extractFenced, mayBeEchoing, proseLines, stripInlineCode, stripLabel, stripLineNumbers, unescapeEntities, stripDiffMarkers, stripInvisible, stripProse, stripTags, textIsContent, type HoleView, type Prefill } from './extract';
import { rebase, reindent } from './indent';
import { autoClosed, CODE, hasMarkup, linesInText, openBrackets, syntaxOf } from './lexical';
import { isDegenerate, joinStart, scope, type ScopeView } from './scope';

export { detectIndentUnit, reindent } from './indent';

export interface PostprocessContext {
  /** The cursor line before and after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Text after the cursor (rest of the line and the following lines). */
  suffix: string;
  /** Text before the cursor: whole lines, then the cursor line so far. The cursor line alone if absent. */
  prefix?: string;
  /** The file's indentation unit: a tab, or N spaces. */
  indentUnit: string;
  eol: '\n' | '\r\n';
  multiline: boolean;
  /** The VS Code language id (comment and string syntax, where text is content). */
  languageId?: string;
  /** The assistant prefill the answer continues, when one was sent. */
  prefill?: Prefill;
  /** The answer stopped at its token limit: its last line is cut mid-way. */
  truncated?: boolean;
}

/**
 * The most of an answer a suggestion is made from: far more than any token limit lets a model
 * write (at most 16 lines are shown), so it only cuts a server that ignores the limit. A longer
 * answer is read as if it had stopped there, at its token limit.
 */
export const MAX_ANSWER_CHARS = 32 * 1024;

export interface Processed {
  text: string;
  /** Characters after the cursor on its line that the suggestion replaces. */
  replaceLength: number;
}

export function postprocess(raw: string, ctx: PostprocessContext): Processed | undefined {
  return new AnswerReader(ctx).finish(raw);
}

/** Reads one answer for one cursor: `complete` while it streams, `finish` on what was read. */
export class AnswerReader {
  private readonly hole: HoleView;
  private readonly scopeView: ScopeView;
  private readonly closersView: ClosersView;

  constructor(private readonly ctx: PostprocessContext) {
    const prefix = ctx.prefix ?? ctx.linePrefix;
    const syntax = syntaxOf(ctx.languageId);
    // A window of lines before the cursor is enough to know whether it stands in a comment or string.
    const window = prefix.length > 6000 ? prefix.slice(prefix.indexOf('\n', prefix.length - 6000) + 1) : prefix;
    const before = window.split('\n');
    const cursorLine = before.pop() ?? '';
    // One pass over the window: the state the cursor line starts in, then the state at the cursor
    // and the brackets still open there.
    const { stack, state: lineState } = openBrackets(before, CODE, syntax);
    const cursorState = openBrackets([cursorLine], lineState, syntax, stack).state;
    const linesBefore = before.filter((l) => l.trim() !== '').slice(-80);
    const nextLines = ctx.suffix
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .slice(1, 40)
      .filter((l) => l.trim() !== '')
      .slice(0, 4);
    const languageId = ctx.languageId ?? '';
    this.hole = {
      linePrefix: ctx.linePrefix,
      linesBefore,
      syntax,
      cursorState,
      textual: textIsContent(languageId, syntax, window, ctx.linePrefix),
      markup: hasMarkup(languageId) && !syntax.textual,
      inExpression: /[([]$/.test(stack.join('')),
    };
    // Brackets the cursor line opened whose closers follow the cursor (auto-closed pairs): the
    // suggestion's closers for them meet the rest of the line, not the lines below.
    const pairedOnLine = autoClosed(ctx.linePrefix, ctx.lineSuffix, lineState, syntax);
    this.scopeView = { linePrefix: ctx.linePrefix, lineSuffix: ctx.lineSuffix, nextLines, multiline: ctx.multiline, syntax, languageId, cursorState, pairedOnLine };
    this.closersView = { linePrefix: ctx.linePrefix, lineSuffix: ctx.lineSuffix, lineState, syntax };
  }

  /**
   * While the answer streams: where the text that holds the whole suggestion ends, once it has been
   * read (the stream can stop there), or -1. Only complete lines decide, except that a closing tag
   * or a line growing into a repetition ends it at once, and nothing after `MAX_ANSWER_CHARS` counts.
   */
  end(raw: string): number {
    if (raw.length >= MAX_ANSWER_CHARS) return MAX_ANSWER_CHARS;
    if (stripTags(raw).closed || isDegenerate(raw.slice(raw.lastIndexOf('\n') + 1).slice(-240))) return raw.length;
    const lines = raw.lastIndexOf('\n') + 1;
    return lines > 0 && this.shape(raw.slice(0, lines), false).complete ? lines : -1;
  }

  /**
   * The suggestion from the whole answer read, or undefined when it adds nothing right. `truncated`:
   * the answer stopped at its token limit, so its last line is cut mid-way.
   */
  finish(answer: string, truncated = this.ctx.truncated ?? false): Processed | undefined {
    const { lineSuffix } = this.ctx;
    const cut = answer.length >= MAX_ANSWER_CHARS;
    const raw = cut ? answer.slice(0, MAX_ANSWER_CHARS) : answer;
    if (cut) truncated = true;
    // A last line that grew into a repetition (the stream was stopped there) goes.
    const tail = raw.lastIndexOf('\n') + 1;
    const looping = isDegenerate(raw.slice(tail).slice(-240));
    let text = this.shape(looping ? raw.slice(0, tail) : raw, true, truncated).text;
    text = joinEnd(text, lineSuffix);
    text = joinEnd(trimLineOverlap(text, lineSuffix), lineSuffix);
    if (text.trim() === '') return undefined;
    let replaced = replaceLength(text, this.closersView);
    if (addsNothing(text, lineSuffix, replaced)) return undefined;
    if (text.startsWith('\n')) {
      // On the next line: whitespace after the cursor goes; other text would be carried to its end.
      if (lineSuffix.trim() === '') replaced = lineSuffix.length;
      else if (!CLOSERS_ONLY.test(lineSuffix)) return undefined;
      // A body written on lines of its own between `{` and the `}` already there: the `}` goes on a
      // line of its own too, at the cursor line's indentation (`{\n  return 1;\n}`, not `return 1;}`).
      else if (/^\s*[)\]}]/.test(lineSuffix.slice(replaced)) && !text.endsWith('\n')) text += `\n${/^[ \t]*/.exec(this.ctx.linePrefix)![0]}`;
    }
    if (this.ctx.eol === '\r\n') text = text.replace(/\n/g, '\r\n');
    return { text, replaceLength: replaced };
  }

  /** Stages 1 to 4; with `final` false the last line may still grow and decides nothing yet. */
  private shape(raw: string, final: boolean, truncated = false): { text: string; complete: boolean } {
    const { linePrefix } = this.ctx;
    const tagged = stripTags(raw.replace(/\r\n?/g, '\n'), this.ctx.prefill);
    // A tag on a line of its own (`<fill>\nName`) in the middle of a word, text after the cursor: its
    // newline is layout, not a next line.
    const midWord = /[\p{L}\p{N}_$]$/u.test(linePrefix) && this.ctx.lineSuffix.trim() !== '';
    const untagged = tagged.opened && midWord ? tagged.text.replace(/^[ \t]*\n/, '') : tagged.text;
    // In a line comment, a fence closed by a comment line's fence (`/// \`\`\``) is the comment's own
    // (a doc comment's example): content, not a wrapper.
    const commentFence =
      this.hole.cursorState.kind === 'line-comment' &&
      /^[ \t]*(?:```|~~~)/.test(untagged) &&
      untagged.split('\n').slice(1).some((l) => this.hole.syntax.lineComments.some((c) => l.trimStart().startsWith(c) && /^(?:```|~~~)/.test(l.trimStart().slice(c.length).trimStart())));
    const labelled = stripLabel(stripInvisible(untagged));
    const fenced = commentFence ? { text: labelled, closed: false } : extractFenced(labelled, (lines) => proseLines(lines, this.hole));
    const closed = tagged.closed || fenced.closed;
    // A closing tag or fence ends the answer: what stands before it is all there is.
    const whole = final || closed;
    let text = stripLineNumbers(unescapeEntities(fenced.text, this.hole.markup || this.hole.syntax.textual));
    text = stripInlineCode(stripProse(text, this.hole, whole), this.hole.syntax);
    text = stripDiffMarkers(text, linePrefix, this.hole.inExpression);
    text = dropEchoedPrefix(text, this.hole);
    text = dropLeadingBlankLines(text, linePrefix);
    const inText = linesInText(text.split('\n'), this.hole.cursorState, this.hole.syntax, linePrefix.trim() !== '');
    text = reindent(text, this.ctx.indentUnit, linePrefix.trim() === '' ? 0 : 1, /^\t*/.exec(linePrefix)![0].length, inText);
    if (linePrefix.trim() === '') text = rebase(text, linePrefix, this.ctx.indentUnit, inText);
    text = joinStart(text, linePrefix);
    if (final && truncated && !closed) text = text.includes('\n') ? text.slice(0, text.lastIndexOf('\n')) : '';
    const scoped = scope(text, this.scopeView, whole);
    // An echo of the file that has not reached the cursor yet decides nothing.
    const echoing = !whole && mayBeEchoing(text.slice(0, text.lastIndexOf('\n') + 1), this.hole);
    return { text: scoped.text, complete: closed || (scoped.complete && !echoing) };
  }
}

/**
 * The join at the end: the answer's trailing spaces stay when the text after the cursor needs them
 * (`await ` before `fetch(url)`, or a `}` after a padded `{ `), and go before a closer or
 * punctuation and at the end of a line.
 */
export function joinEnd(text: string, lineSuffix: string): string {
  // `trimEnd`, not `/\s+$/`: tried from every space of a long run before a letter, that reads to
  // the letter each time.
  const trimmed = text.trimEnd();
  const trailing = text.slice(trimmed.length);
  const next = lineSuffix[0];
  if (trailing === '' || trailing.includes('\n') || next === undefined || /\s/.test(next)) return trimmed;
  // Braces padded on both sides (`{ return n * 2; }`): the space before `}` matches the one after `{`.
  if (next === '}' && /^[ \t]/.test(text)) return text;
  return /[)\]}>,;:.]/.test(next) ? trimmed : text;
}

/**
 * The end of the suggestion that repeats the start of the rest of the line (`total + tax;` before
 * ` + tax;`): dropped when the overlap is the whole rest or at least 3 characters.
 */
export function trimLineOverlap(text: string, lineSuffix: string): string {
  const rest = lineSuffix.trim();
  if (!rest || CLOSERS_ONLY.test(lineSuffix)) return text;
  for (let k = Math.min(rest.length, text.length); k > 0; k--) {
    if (text.endsWith(rest.slice(0, k)) && (k >= 3 || k === rest.length)) return text.slice(0, text.length - k);
  }
  return text;
}

/** The suggestion leaves the file as it was: it only repeats what follows the cursor. */
export function addsNothing(text: string, lineSuffix: string, replaceLength: number): boolean {
  if (text === lineSuffix.slice(0, replaceLength)) return true;
  return replaceLength === 0 && lineSuffix.trim() !== '' && lineSuffix.startsWith(text);
}

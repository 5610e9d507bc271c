// Makes the model's answer exactly what belongs in the hole: no fences, prose or prompt tags; no
// repetition of the text before or after the cursor; closing brackets replaced rather than doubled;
// the file's indentation and line endings; never blank, never what is already there.
import { CLOSE, HOLE, OPEN } from './prompt';

export interface PostprocessContext {
  /** The cursor line before and after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Text after the cursor (rest of the line and the following lines). */
  suffix: string;
  /** The file's indentation unit: a tab, or N spaces. */
  indentUnit: string;
  eol: '\n' | '\r\n';
  multiline: boolean;
}

export interface Processed {
  text: string;
  /** Characters after the cursor on its line that the suggestion replaces. */
  replaceLength: number;
}

/** Rest of the line made only of closers, maybe ending in one of `;:,{` (the Copilot rule). */
const CLOSERS_ONLY = /^\s*[)>}\]"'`]*\s*[:{;,]?\s*$/;

export function postprocess(raw: string, ctx: PostprocessContext): Processed | undefined {
  let text = raw.replace(/\r\n?/g, '\n');
  text = stripTags(text);
  text = stripFences(text);
  text = stripProse(text);
  text = dropRepeatedLinePrefix(text, ctx.linePrefix);
  if (!ctx.multiline) text = singleLine(text, ctx.linePrefix);
  text = text.replace(/\s+$/, '');
  if (ctx.linePrefix.trim() === '' && !text.startsWith('\n')) text = dropCursorIndent(text, ctx.linePrefix);
  text = trimSuffixOverlap(text, ctx.suffix);
  if (text.trim() === '') return undefined;

  let replaceLength = 0;
  const rest = ctx.lineSuffix;
  if (rest.trim() !== '' && CLOSERS_ONLY.test(rest)) {
    if (closesAll(text.slice(text.lastIndexOf('\n') + 1), rest.trim())) {
      // The suggestion writes the closers itself: replace them rather than show them twice.
      replaceLength = rest.length;
    } else {
      // It stops short of them: drop any part of them it did write at its end.
      const closers = rest.trim();
      for (let k = Math.min(closers.length, text.length); k > 0; k--) {
        if (text.endsWith(closers.slice(0, k))) {
          text = text.slice(0, text.length - k);
          break;
        }
      }
      if (text.trim() === '') return undefined;
    }
  }
  if (replaceLength === 0 && rest.trim() !== '' && rest.startsWith(text)) return undefined; // Nothing new.

  text = reindent(text, ctx.indentUnit);
  if (ctx.eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return { text, replaceLength };
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/** Whether `line` closes every bracket and quote in `closers` (its own opens cancelled out). */
export function closesAll(line: string, closers: string): boolean {
  const brackets = new Set(closers.replace(/[\s:;,{]/g, ''));
  // Only punctuation such as `;` after the cursor: replaced when the suggestion ends with it.
  if (brackets.size === 0) return line.trimEnd().endsWith(closers);
  for (const c of brackets) {
    const needed = [...closers].filter((x) => x === c).length;
    const open = PAIRS[c];
    const closes = open ? [...line].filter((x) => x === c).length - [...line].filter((x) => x === open).length : [...line].filter((x) => x === c).length % 2;
    if (closes < needed) return false;
  }
  return true;
}

/**
 * One line. An answer that starts on a new line stays on a new line after a complete statement
 * (`foo();|` → a next line) and joins the cursor line after an open one (`x = |` → `42`).
 */
export function singleLine(text: string, linePrefix: string): string {
  const lead = /^\s*\n/.exec(text);
  if (!lead) return text.split('\n')[0];
  const rest = text.slice(lead[0].length).split('\n')[0];
  if (linePrefix.trim() !== '' && /[;{}:]\s*$/.test(linePrefix)) return `\n${rest}`;
  return rest.replace(/^[ \t]+/, linePrefix.trim() === '' ? '' : ' ').replace(/^ /, linePrefix.endsWith(' ') || linePrefix === '' ? '' : ' ');
}

/** On a blank line the cursor already stands after its indentation: drop that much from the answer. */
export function dropCursorIndent(text: string, linePrefix: string): string {
  const lead = /^[ \t]*/.exec(text)?.[0] ?? '';
  if (!lead) return text;
  if (lead.startsWith(linePrefix)) return text.slice(linePrefix.length);
  return text.slice(lead.length);
}

export function stripTags(text: string): string {
  let out = text;
  const open = out.indexOf(OPEN);
  if (open >= 0) out = out.slice(open + OPEN.length);
  const close = out.indexOf(CLOSE);
  if (close >= 0) out = out.slice(0, close);
  // Other tag-like leftovers of the prompt (a hole marker, the file wrapper, a COMPLETION tag).
  return out
    .split(HOLE)
    .join('')
    .replace(/<\/?(?:file|fill|completion|code|hole|snippet)[^>]*>/gi, '');
}

/** The inside of the first fenced block when the answer is wrapped in one. */
export function stripFences(text: string): string {
  const fence = /(^|\n)[ \t]*(```|~~~)[^\n]*\n([\s\S]*?)(\n[ \t]*\2[ \t]*(?=\n|$)|$)/.exec(text);
  if (!fence) return text.replace(/^```[^\n]*$/gm, '');
  return fence[3];
}

const PROSE_START = /^(here(?:'s| is| are)|sure|certainly|the (?:completion|code|missing)|this (?:code|completion|will)|i (?:will|would|have)|to complete|you can|note:|explanation)/i;

/** A sentence of explanation before or after the code. */
export function stripProse(text: string): string {
  const lines = text.split('\n');
  while (lines.length && isProse(lines[0])) lines.shift();
  // Trailing prose after a blank line.
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '' && lines.slice(i + 1).some((x) => x.trim()) && lines.slice(i + 1).filter((x) => x.trim()).every(isProse));
  if (blank > 0) lines.length = blank;
  return lines.join('\n');
}

export function isProse(line: string): boolean {
  const t = line.trim();
  if (!t) return false;
  if (PROSE_START.test(t) && /[a-z]{3,} [a-z]{2,}/i.test(t) && !/[;{}=]\s*$/.test(t)) return true;
  // A sentence: a capitalised word, a few more words, final punctuation, no code punctuation.
  return /^[A-Z][a-z]+(?: [\w',-]+){2,}[.:!]$/.test(t) && !/[;{}=()<>[\]]/.test(t);
}

/** The model wrote out the whole cursor line again: keep only what comes after the cursor. */
export function dropRepeatedLinePrefix(text: string, linePrefix: string): string {
  const typed = linePrefix.trimStart();
  if (typed.length < 3) return text;
  const trimmed = text.replace(/^[ \t]+/, '');
  if (trimmed.startsWith(typed)) return trimmed.slice(typed.length);
  return text;
}

/**
 * Drops the end of the suggestion that repeats what already follows the cursor: on the same line
 * (`foo(a, b)` before an existing `)`), and whole following lines (a closing `}` already there).
 */
export function trimSuffixOverlap(text: string, suffix: string): string {
  const after = suffix.replace(/\r\n?/g, '\n');
  // Whole lines: the suggestion's last lines equal the next non-empty lines after the cursor.
  const lines = text.split('\n');
  const next = after.split('\n').slice(1).filter((l) => l.trim() !== '');
  const restOfLine = after.split('\n')[0];
  if (lines.length > 1 && restOfLine.trim() === '') {
    for (let k = Math.min(lines.length - 1, next.length); k > 0; k--) {
      const tail = lines.slice(lines.length - k).map((l) => l.trim());
      if (tail.join('\n') === next.slice(0, k).map((l) => l.trim()).join('\n') && tail.join('').length > 0) {
        return lines.slice(0, lines.length - k).join('\n');
      }
    }
  }
  // Same line: the longest end of the (last line of the) suggestion that starts the rest of the line.
  const rest = restOfLine.trim();
  if (rest && !CLOSERS_ONLY.test(restOfLine)) {
    for (let k = Math.min(rest.length, text.length); k > 0; k--) {
      if (text.endsWith(rest.slice(0, k)) && (k >= 3 || k === rest.length)) return text.slice(0, text.length - k).replace(/[ \t]+$/, '');
    }
  }
  return text;
}

/** Converts the suggestion's leading indentation to the file's unit (tabs or N spaces). */
export function reindent(text: string, unit: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  if (unit === '\t') {
    const spaces = guessSpaceUnit(lines.slice(1));
    return lines.map((l, i) => (i === 0 ? l : l.replace(/^( +)/, (m) => '\t'.repeat(Math.floor(m.length / spaces)) + ' '.repeat(m.length % spaces)))).join('\n');
  }
  return lines.map((l, i) => (i === 0 ? l : l.replace(/^\t+/, (m) => unit.repeat(m.length)))).join('\n');
}

function guessSpaceUnit(lines: string[]): number {
  const widths = lines.map((l) => /^ +/.exec(l)?.[0].length ?? 0).filter((w) => w > 0);
  if (!widths.length) return 4;
  return widths.every((w) => w % 4 === 0) ? 4 : 2;
}

/** The indentation unit a file uses, from its first indented lines around the cursor. */
export function detectIndentUnit(lines: string[]): string {
  let tabs = 0;
  const widths: number[] = [];
  for (const line of lines) {
    const lead = /^[ \t]+(?=\S)/.exec(line)?.[0];
    if (!lead) continue;
    if (lead.startsWith('\t')) tabs++;
    else widths.push(lead.length);
  }
  if (tabs > widths.length) return '\t';
  if (!widths.length) return '  ';
  const smallest = Math.min(...widths);
  return ' '.repeat(smallest >= 4 && widths.every((w) => w % 4 === 0) ? 4 : smallest === 1 ? 1 : 2);
}

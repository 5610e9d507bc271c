// The code around the cursor within a token budget: more before the cursor than after, read line
// by line outward from the cursor so the cost depends on the budget, never on the file's size.
import { MAX_LINE_LENGTH } from './prefilter';
import type { CompletionInput } from './types';

export interface ContextBudget {
  /** Characters of code before the cursor (about 4 characters a token). */
  prefixChars: number;
  suffixChars: number;
}

/** Measured defaults (bench/inline-pipeline.ts): ~1,500 tokens, a quarter of it after the cursor. */
export const DEFAULT_BUDGET: ContextBudget = { prefixChars: 4500, suffixChars: 1500 };

export interface CursorContext {
  /** Text before the cursor, from whole lines plus the cursor line up to the cursor. */
  prefix: string;
  /** Text after the cursor to the end of the budget. */
  suffix: string;
  /** The cursor line before and after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** True when the prefix window starts at the top of the file. */
  prefixComplete: boolean;
}

export function gatherContext(input: CompletionInput, budget: ContextBudget = DEFAULT_BUDGET): CursorContext {
  const { document, cursor } = input;
  const line = document.lineAt(cursor.line);
  const linePrefix = line.slice(0, cursor.character);
  const lineSuffix = line.slice(cursor.character);

  const before: string[] = [];
  let used = linePrefix.length;
  let first = cursor.line;
  for (let i = cursor.line - 1; i >= 0; i--) {
    const text = clipLine(document.lineAt(i));
    if (used + text.length + 1 > budget.prefixChars) break;
    before.push(text);
    used += text.length + 1;
    first = i;
  }
  before.reverse();

  const after: string[] = [];
  used = lineSuffix.length;
  for (let i = cursor.line + 1; i < document.lineCount; i++) {
    const text = clipLine(document.lineAt(i));
    if (used + text.length + 1 > budget.suffixChars) break;
    after.push(text);
    used += text.length + 1;
  }

  const prefix = before.length ? `${before.join('\n')}\n${linePrefix}` : linePrefix;
  const suffix = after.length ? `${lineSuffix}\n${after.join('\n')}` : lineSuffix;
  return { prefix, suffix, linePrefix, lineSuffix, prefixComplete: first === 0 && before.length === cursor.line };
}

function clipLine(text: string): string {
  return text.length > MAX_LINE_LENGTH ? text.slice(0, MAX_LINE_LENGTH) : text;
}

// Decides, before any work, whether a suggestion makes sense here at all.
import type { CompletionInput } from './types';

/** Longer lines are minified or generated: no suggestion inside or after them. */
export const MAX_LINE_LENGTH = 1000;

export type SkipReason = 'long-line' | 'binary' | 'mid-word' | 'empty-document';

export function prefilter(input: CompletionInput): SkipReason | undefined {
  const { document, cursor } = input;
  if (document.lineCount === 0) return 'empty-document';
  const line = document.lineAt(cursor.line);
  if (line.length > MAX_LINE_LENGTH) return 'long-line';
  if (looksBinary(line) || looksBinary(document.lineAt(Math.max(0, cursor.line - 1)))) return 'binary';
  // Typing inside a word (identifier characters right after the cursor) is editing, not writing.
  if (!input.explicit && /^[\p{L}\p{N}_$]/u.test(line.slice(cursor.character))) return 'mid-word';
  return undefined;
}

/** NUL bytes or a high share of control characters: not text a model should continue. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  if (text.length < 16) return false;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 0xfffd) control++;
  }
  return control / text.length > 0.1;
}

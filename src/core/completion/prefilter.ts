// Decides, before any work, whether a suggestion makes sense here at all.
import type { CompletionInput } from './types';

/** Longer lines are minified or generated: no suggestion inside or after them. */
export const MAX_LINE_LENGTH = 1000;

export type SkipReason = 'long-line' | 'binary' | 'mid-word' | 'empty-document' | 'inside-character' | 'outside-document';

export function prefilter(input: CompletionInput): SkipReason | undefined {
  const { document, cursor } = input;
  if (document.lineCount === 0) return 'empty-document';
  if (cursor.line < 0 || cursor.line >= document.lineCount) return 'outside-document';
  const line = document.lineAt(cursor.line);
  if (line.length > MAX_LINE_LENGTH) return 'long-line';
  // Nothing written yet: an automatic request would send an empty file (asking still works).
  if (!input.explicit && document.lineCount === 1 && line.trim() === '') return 'empty-document';
  // Between the two halves of a surrogate pair: any insertion would break the character.
  if (isHighSurrogate(line.charCodeAt(cursor.character - 1)) && isLowSurrogate(line.charCodeAt(cursor.character))) return 'inside-character';
  // The line above clipped as the prompt would clip it (a 2 MB line above is not scanned per keystroke).
  if (looksBinary(line) || looksBinary(document.lineAt(Math.max(0, cursor.line - 1)).slice(0, MAX_LINE_LENGTH))) return 'binary';
  // Typing inside a word (identifier characters right after the cursor) is editing, not writing.
  if (!input.explicit && /^[\p{L}\p{N}_$]/u.test(line.slice(cursor.character))) return 'mid-word';
  return undefined;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * NUL bytes or a high share of control characters (line breaks and tabs aside): not text a model
 * should continue. Works on one line or on a window of several.
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  if (text.length < 16) return false;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return control / text.length > 0.1;
}

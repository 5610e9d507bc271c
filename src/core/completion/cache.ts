// An LRU cache of suggestions keyed by the text around the cursor, and typing-through: while the
// user types the start of a suggestion already shown, the rest of it is the answer (no request).
import { suffixKept, typedSince, type Anchor } from './flight';
import type { DocumentView, Suggestion } from './types';

export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The cache key: the code right before and after the cursor, and the model. */
export function cacheKey(prefix: string, suffix: string, model: string): string {
  return `${model}\u0000${prefix.slice(-1500)}\u0000${suffix.slice(0, 300)}`;
}

export interface Shown extends Anchor {
  suggestion: Suggestion;
}

/** The lines above `line` of a document, as an anchor keeps them. */
export type LinesAbove = (line: number) => string;

/**
 * Remembers the last suggestions per document and answers while the user types them: on the same
 * line (typing-through), and across lines (the hot streak: after the first line of a multi-line
 * suggestion is typed or accepted and Enter pressed, the next line shows at once).
 */
export class TypingThrough {
  private readonly recent: Shown[] = [];

  remember(shown: Shown): void {
    const i = this.recent.findIndex((s) => s.uri === shown.uri && s.line === shown.line && s.linePrefix === shown.linePrefix);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push(shown);
    if (this.recent.length > 8) this.recent.shift();
  }

  /**
   * The rest of a remembered suggestion when the user has typed its start since it was made.
   * `document` and `aboveOf` are needed only across lines: the lines between the suggestion's line
   * and the cursor are read from it.
   */
  lookup(now: Anchor, document?: Pick<DocumentView, 'lineAt' | 'eol'>, aboveOf?: LinesAbove): Suggestion | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const s = this.recent[i];
      if (s.uri !== now.uri) continue;
      const text = s.suggestion.text;
      // What the suggestion replaced (closers after the cursor) must still follow the cursor, which
      // has moved on by what was typed; with nothing replaced, the rest of the line is unchanged.
      const replaceLength = s.suggestion.replaceEnd - s.linePrefix.length;
      // The line that followed the suggestion's line must still follow the cursor's: when it does
      // not, the suggestion's lines are already in the file below (it was accepted), and showing
      // them again would write them twice.
      if (s.below !== now.below) continue;
      let typed: string | undefined;
      let source: Suggestion['source'] = 'typing-through';
      if (now.line === s.line) typed = typedSince(s, now, replaceLength);
      else if (document && aboveOf && now.line > s.line) {
        typed = typedAcrossLines(s, now, replaceLength, document, aboveOf, text);
        source = 'hot-streak';
      }
      if (!typed || !text.startsWith(typed) || text.length === typed.length) continue;
      return { text: text.slice(typed.length), replaceEnd: now.linePrefix.length + Math.max(0, replaceLength), source };
    }
    return undefined;
  }

  forget(uri: string): void {
    for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i].uri === uri) this.recent.splice(i, 1);
  }
}

/**
 * What was typed from a suggestion's anchor to a cursor on a later line, when the suggestion has at
 * least that many lines, the lines above its own are unchanged, its own line still starts as it did,
 * and the rest of its line follows the cursor now.
 */
function typedAcrossLines(s: Shown, now: Anchor, replaceLength: number, document: Pick<DocumentView, 'lineAt' | 'eol'>, aboveOf: LinesAbove, text: string): string | undefined {
  let lines = 0;
  for (let at = text.indexOf(document.eol); at >= 0 && lines < now.line - s.line; at = text.indexOf(document.eol, at + 1)) lines++;
  if (lines < now.line - s.line) return undefined;
  if (!suffixKept(s, now, replaceLength) || aboveOf(s.line) !== s.above) return undefined;
  const first = document.lineAt(s.line);
  if (!first.startsWith(s.linePrefix)) return undefined;
  const typed = [first.slice(s.linePrefix.length)];
  for (let line = s.line + 1; line < now.line; line++) typed.push(document.lineAt(line));
  typed.push(now.linePrefix);
  return typed.join(document.eol);
}

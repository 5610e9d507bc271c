// An LRU cache of suggestions keyed by the text around the cursor, and typing-through: while the
// user types the start of a suggestion already shown, the rest of it is the answer (no request).
import type { Suggestion } from './types';

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

export interface Shown {
  uri: string;
  line: number;
  /** The cursor line before the cursor when the suggestion was made. */
  linePrefix: string;
  /** The rest of that line, which the suggestion was made against. */
  lineSuffix: string;
  /** The lines above, which must not have changed. */
  above: string;
  suggestion: Suggestion;
}

/** Remembers the last suggestions per document and answers while the user types them. */
export class TypingThrough {
  private readonly recent: Shown[] = [];

  remember(shown: Shown): void {
    const i = this.recent.findIndex((s) => s.uri === shown.uri && s.line === shown.line && s.linePrefix === shown.linePrefix);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push(shown);
    if (this.recent.length > 8) this.recent.shift();
  }

  /** The rest of a remembered suggestion when the user has typed its start since it was made. */
  lookup(uri: string, line: number, linePrefix: string, lineSuffix: string, above: string): Suggestion | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const s = this.recent[i];
      if (s.uri !== uri || s.line !== line || s.above !== above || !linePrefix.startsWith(s.linePrefix)) continue;
      const typed = linePrefix.slice(s.linePrefix.length);
      const text = s.suggestion.text;
      if (!typed || !text.startsWith(typed) || text.length === typed.length) continue;
      // What the suggestion replaced (closers after the cursor) must still follow the cursor, which
      // has moved right by what was typed; with nothing replaced, the rest of the line is unchanged.
      const replaceLength = s.suggestion.replaceEnd - s.linePrefix.length;
      if (replaceLength > 0 ? !lineSuffix.startsWith(s.lineSuffix.slice(0, replaceLength)) : lineSuffix !== s.lineSuffix) continue;
      return { text: text.slice(typed.length), replaceEnd: linePrefix.length + Math.max(0, replaceLength), source: 'typing-through' };
    }
    return undefined;
  }

  forget(uri: string): void {
    for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i].uri === uri) this.recent.splice(i, 1);
  }
}

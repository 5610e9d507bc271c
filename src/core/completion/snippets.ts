// Other code that resembles the code around the cursor: windows of other open files and recently
// edited regions, scored by Jaccard similarity over identifier tokens, de-duplicated, best first.
import type { DocumentView, Snippet } from './types';

const WINDOW_LINES = 20;
const MIN_SCORE = 0.15;
/** Lines scanned per neighbour document, so a huge open file costs no more than a small one. */
const MAX_LINES_SCANNED = 2000;

export function tokenSet(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]{2,}/g) ?? []);
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface SnippetSource {
  path: string;
  text: string;
  /** Its identifier tokens, when already known. */
  tokens?: Set<string>;
}

/** Windows of a neighbour document, stepping half a window at a time. */
export function windowsOf(document: DocumentView): SnippetSource[] {
  const out: SnippetSource[] = [];
  const lines = Math.min(document.lineCount, MAX_LINES_SCANNED);
  for (let start = 0; start < lines; start += WINDOW_LINES / 2) {
    const chunk: string[] = [];
    for (let i = start; i < Math.min(lines, start + WINDOW_LINES); i++) chunk.push(document.lineAt(i).slice(0, 300));
    const text = chunk.join('\n');
    if (text.trim()) out.push({ path: document.path, text, tokens: tokenSet(text) });
    if (start + WINDOW_LINES >= lines) break;
  }
  return out;
}

/** The best snippets for `around` (the code near the cursor), within `budgetChars`. */
export function selectSnippets(around: string, sources: SnippetSource[], budgetChars: number): Snippet[] {
  const target = tokenSet(around);
  const scored = sources
    .map((s) => ({ path: s.path, text: s.text, score: jaccard(target, s.tokens ?? tokenSet(s.text)) }))
    .filter((s) => s.score >= MIN_SCORE && !around.includes(s.text.trim()))
    .sort((a, b) => b.score - a.score);
  const chosen: Snippet[] = [];
  const seen = new Set<string>();
  let used = 0;
  for (const s of scored) {
    const key = s.text.trim();
    if (seen.has(key) || [...seen].some((k) => k.includes(key) || key.includes(k))) continue;
    if (used + s.text.length > budgetChars) continue;
    seen.add(key);
    chosen.push(s);
    used += s.text.length;
  }
  return chosen;
}

/**
 * The windows of other open documents, kept per document version: they do not change while the user
 * types elsewhere, so each keystroke scores them without reading or tokenising them again.
 */
export class NeighbourWindows {
  private readonly byDocument = new Map<string, { version: number; windows: SnippetSource[] }>();

  constructor(private readonly capacity = 8) {}

  of(document: DocumentView): SnippetSource[] {
    const known = this.byDocument.get(document.uri);
    if (known && known.version === document.version) return known.windows;
    const windows = windowsOf(document);
    this.byDocument.delete(document.uri);
    this.byDocument.set(document.uri, { version: document.version, windows });
    while (this.byDocument.size > this.capacity) this.byDocument.delete(this.byDocument.keys().next().value as string);
    return windows;
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }
}

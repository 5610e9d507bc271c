// Plain data the inline pipeline works on. The VS Code adapter builds these from the editor; the
// core never holds editor objects, and reads only the lines it needs (a 10 MB file stays cheap).

export interface DocumentView {
  uri: string;
  /** Workspace-relative path when there is one, for the prompt. */
  path: string;
  languageId: string;
  version: number;
  lineCount: number;
  lineAt(line: number): string;
  eol: '\n' | '\r\n';
}

export interface Cursor {
  line: number;
  character: number;
}

export interface Snippet {
  path: string;
  text: string;
  score: number;
}

export interface CompletionInput {
  document: DocumentView;
  cursor: Cursor;
  /** Other open editors' documents (already filtered for exclusions by the adapter). */
  neighbours?: DocumentView[];
  /** True when the user asked for a suggestion (Trigger Suggestion), not while typing. */
  explicit?: boolean;
}

/** What the ghost text shows: `text` replaces the document from the cursor to `replaceEnd` on the same line. */
export interface Suggestion {
  text: string;
  /** Character on the cursor's line where the replaced range ends (>= cursor.character). */
  replaceEnd: number;
  /**
   * Where it came from, for counters and tests: its own request, a request in flight it rode, a
   * prefetched answer, the cache, the rest of a suggestion typed through on its line or across lines.
   */
  source: 'network' | 'in-flight' | 'prefetch' | 'cache' | 'typing-through' | 'hot-streak';
}

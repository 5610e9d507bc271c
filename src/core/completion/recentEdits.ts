// A ring of recently edited regions: what the user just wrote elsewhere is often what comes next.
//
// What the user types anywhere passes through here, so the ring keeps only what may be sent: an
// edit in a language with automatic suggestions off (plain text and markdown by default, where a
// password or a private note is typed) never enters it, and at the moment the regions are read
// for a request, those of a file now excluded, or of a language now turned off, are dropped.
import type { SnippetSource } from './snippets';

export interface Edit {
  uri: string;
  path: string;
  /** The region around the edit as it reads after the edit. */
  text: string;
  line: number;
  /** The document's language when it was edited (without one, only the file is judged). */
  languageId?: string;
}

/** What may be kept and sent, asked when an edit is recorded and again when the regions are read. */
export interface EditPolicy {
  /** Whether automatic suggestions are on for this language (`kestrel.inline.languages`). */
  language(languageId: string): boolean;
  /** Whether the file may be sent now (not excluded). */
  file(uri: string): boolean;
}

const ALLOW_ALL: EditPolicy = { language: () => true, file: () => true };
const allowed = (policy: EditPolicy, e: Edit) => (e.languageId === undefined || policy.language(e.languageId)) && policy.file(e.uri);

export class RecentEdits {
  private readonly ring: Edit[] = [];

  constructor(
    private readonly capacity = 16,
    private policy: EditPolicy = ALLOW_ALL,
  ) {}

  setPolicy(policy: EditPolicy): void {
    this.policy = policy;
  }

  /** Keeps the edit, unless its language or file may not be sent; says whether it was kept. */
  record(edit: Edit): boolean {
    if (!allowed(this.policy, edit)) return false;
    // An edit next to the previous one in the same file replaces it: one region, not twenty keystrokes.
    const i = this.ring.findIndex((e) => e.uri === edit.uri && Math.abs(e.line - edit.line) <= 5);
    if (i >= 0) this.ring.splice(i, 1);
    this.ring.push(edit);
    if (this.ring.length > this.capacity) this.ring.shift();
    return true;
  }

  /** Regions outside the cursor's own neighbourhood that may be sent now, newest first. */
  sources(excludeUri?: string, excludeLine?: number): SnippetSource[] {
    // Judged now, not when recorded: an exclusion added since (or a language turned off) applies.
    for (let i = this.ring.length - 1; i >= 0; i--) {
      if (!allowed(this.policy, this.ring[i])) this.ring.splice(i, 1);
    }
    return this.ring
      .filter((e) => !(e.uri === excludeUri && excludeLine !== undefined && Math.abs(e.line - excludeLine) <= 30))
      .reverse()
      .map((e) => ({ path: e.path, text: e.text }));
  }

  forget(uri: string): void {
    for (let i = this.ring.length - 1; i >= 0; i--) if (this.ring[i].uri === uri) this.ring.splice(i, 1);
  }

  get size(): number {
    return this.ring.length;
  }
}

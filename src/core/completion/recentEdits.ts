// A ring of recently edited regions: what the user just wrote elsewhere is often what comes next.
import type { SnippetSource } from './snippets';

export interface Edit {
  uri: string;
  path: string;
  /** The region around the edit as it reads after the edit. */
  text: string;
  line: number;
}

export class RecentEdits {
  private readonly ring: Edit[] = [];

  constructor(private readonly capacity = 16) {}

  record(edit: Edit): void {
    // An edit next to the previous one in the same file replaces it: one region, not twenty keystrokes.
    const i = this.ring.findIndex((e) => e.uri === edit.uri && Math.abs(e.line - edit.line) <= 5);
    if (i >= 0) this.ring.splice(i, 1);
    this.ring.push(edit);
    if (this.ring.length > this.capacity) this.ring.shift();
  }

  /** Regions outside the cursor's own neighbourhood, newest first. */
  sources(excludeUri?: string, excludeLine?: number): SnippetSource[] {
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

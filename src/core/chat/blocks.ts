// Where a streaming markdown answer can be cut so the part before the cut never renders differently
// once more text arrives: at a blank line outside a code fence, when the next block cannot belong
// to the one before (not a list continuation, not indented, not a table row).
//
// The answer is outside text and grows by a few characters a frame: it is read line by line, once.
// Each blank line is decided by the line before its run of blank lines and the line after it, both
// carried along, never looked for again (looking for them from every blank line made 10,000 blank
// lines cost a second a frame).

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Whether a block that starts with `next` belongs to the one that ended with `prev`. */
function continues(next: string, prev: string | undefined): boolean {
  return /^(\s|[-*+]\s|\d+[.)]\s|>|\|)/.test(next) || (prev !== undefined && /^(\s*([-*+]|\d+[.)])\s|>)/.test(prev) && /^\s/.test(next));
}

/**
 * The stable prefix of an answer that arrives in pieces: `append` each piece as it comes, and
 * `length` is what `stablePrefixLength` of all of it would be. Each line is read once, when its
 * line break arrives; the last line may still be growing, and is only looked at as the line after a
 * run of blank lines.
 */
export class StableBlocks {
  /** The line still growing (its line break has not arrived). */
  private growing = '';
  /** Characters in the whole lines read, and how many lines. */
  private read = 0;
  private index = 0;
  /** The code fence open after the lines read, if one is. */
  private fence: string | undefined;
  /** The last line read that is not blank. */
  private prev: string | undefined;
  /**
   * The blank lines read (outside a fence, the first line aside) since the last line that is not
   * blank: the line before them, and where the last and the one before it end.
   */
  private run: { prev: string | undefined; lastEnd: number; beforeLastEnd?: number } | undefined;
  private stable = 0;

  append(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = this.growing + text.slice(start, nl);
      this.growing = '';
      this.read += line.length + 1;
      this.take(line, this.read);
      this.index++;
      start = nl + 1;
    }
    this.growing += text.slice(start);
  }

  /** The length of the prefix of the text appended that is complete and will not change (0 when none is). */
  get length(): number {
    // The growing line after a run of two blank lines or more: the run can be cut before its last
    // blank line (the one right above may still turn out to start something else).
    const run = this.run;
    if (run?.beforeLastEnd !== undefined && this.growing.trim() !== '' && !continues(this.growing, run.prev)) return run.beforeLastEnd;
    return this.stable;
  }

  private take(line: string, end: number): void {
    const blank = line.trim() === '';
    if (!blank && this.run) {
      // The line after the run decides it: every blank line in it is a cut, the last one the latest.
      if (!continues(line, this.run.prev)) this.stable = this.run.lastEnd;
      this.run = undefined;
    }
    if (!blank) this.prev = line;
    const marker = FENCE.exec(line)?.[1];
    if (this.fence) {
      if (marker && marker[0] === this.fence[0] && marker.length >= this.fence.length && line.trim() === marker) this.fence = undefined;
      return;
    }
    if (marker) {
      this.fence = marker;
      return;
    }
    if (!blank || this.index === 0) return;
    this.run = this.run ? { prev: this.run.prev, lastEnd: end, beforeLastEnd: this.run.lastEnd } : { prev: this.prev, lastEnd: end };
  }
}

/** The length of the prefix of `source` that is complete and will not change (0 when none is). */
export function stablePrefixLength(source: string): number {
  const blocks = new StableBlocks();
  blocks.append(source);
  return blocks.length;
}

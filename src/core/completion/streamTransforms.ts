// Early stop: the stream of model text ends as soon as what will be shown is complete, so the rest
// is never generated (closing the connection stops generation and billing, API-WIRE.md).
// Each rule looks at the text so far and says where it ends, or -1 to read on.

export type StopRule = (text: string) => number;

/** Reads deltas until `rule` finds the end; the generator's return closes the upstream stream. */
export async function* takeUntil(deltas: AsyncIterable<string>, rule: StopRule): AsyncGenerator<string, void> {
  let text = '';
  for await (const delta of deltas) {
    const before = text.length;
    text += delta;
    const end = rule(text);
    if (end >= 0) {
      if (end > before) yield text.slice(before, end);
      return;
    }
    yield delta;
  }
}

/** Single line: ends at the first newline that follows code (leading newlines are kept). */
export const firstLine: StopRule = (text) => {
  const code = text.search(/\S/);
  if (code < 0) return -1;
  return text.indexOf('\n', code);
};

/**
 * A block: ends before the first complete line indented less than `baseIndent` columns (a line of
 * closing brackets at that level is kept: it closes the block), or after `maxLines` lines.
 */
export function blockEnd(baseIndent: number, maxLines = 16): StopRule {
  return (text) => {
    let start = 0;
    let lines = 0;
    let sawCode = false;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) return -1;
      const line = text.slice(start, nl);
      lines++;
      if (line.trim()) {
        const indent = columns(line);
        if (sawCode && indent < baseIndent) return /^[)\]}]/.test(line.trim()) ? nl : start > 0 ? start - 1 : start;
        sawCode = true;
      }
      if (lines >= maxLines) return nl;
      start = nl + 1;
    }
  };
}

/** Ends at a prompt tag the model echoes (`</fill>`), whatever the stop sequences did. */
export function marker(tag: string): StopRule {
  return (text) => text.indexOf(tag);
}

export function anyOf(...rules: StopRule[]): StopRule {
  return (text) => {
    const ends = rules.map((r) => r(text)).filter((e) => e >= 0);
    return ends.length ? Math.min(...ends) : -1;
  };
}

export function columns(line: string, tabSize = 4): number {
  let n = 0;
  for (const ch of line) {
    if (ch === '\t') n += tabSize - (n % tabSize);
    else if (ch === ' ') n++;
    else break;
  }
  return n;
}

// Where a streaming markdown answer can be cut so the part before the cut never renders differently
// once more text arrives: at a blank line outside a code fence, when the next block cannot belong
// to the one before (not a list continuation, not indented, not a table row).

/** The length of the prefix of `source` that is complete and will not change (0 when none is). */
export function stablePrefixLength(source: string): number {
  let fence: string | undefined;
  let stable = 0;
  let offset = 0;
  const lines = source.split('\n');
  // The last line may still be growing: only whole lines count.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    const start = offset;
    offset += line.length + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (line.trim() !== '' || i === 0) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const prev = lines.slice(0, i).reverse().find((l) => l.trim() !== '');
    if (next === undefined || i + 1 >= lines.length - 1) continue; // The next block has not started.
    const continues = /^(\s|[-*+]\s|\d+[.)]\s|>|\|)/.test(next) || (prev !== undefined && /^(\s*([-*+]|\d+[.)])\s|>)/.test(prev) && /^\s/.test(next));
    if (continues) continue;
    stable = start + line.length + 1;
  }
  return stable;
}

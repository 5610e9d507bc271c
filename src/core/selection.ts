// Which lines a selection means. A selection dragged to the start of the next line (a triple click,
// Shift+Down) ends at column 0 of a line it does not really include: that line is left out, by the
// actions and by the chat's attachments alike.

export interface Spot {
  line: number;
  character: number;
}

/** The last line a selection from `start` to `end` covers (0-based). */
export function lastSelectedLine(start: Spot, end: Spot): number {
  return end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
}

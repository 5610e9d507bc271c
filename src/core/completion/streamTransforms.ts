// Early stop: the stream of model text ends as soon as what will be shown is complete, so the rest
// is never generated (closing the connection stops generation and billing at the provider).
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

// The inline pipeline without the network: prefilter + context + snippets from three other open
// editors + prompt + post-process, per keystroke, on a 200-line, a 10,000-line and a 10 MB file. The
// work must not grow with the file.
import { gatherContext } from '../src/core/completion/context';
import { detectIndentUnit, postprocess } from '../src/core/completion/postprocess';
import { prefilter } from '../src/core/completion/prefilter';
import { buildPrompt, CLOSE, OPEN } from '../src/core/completion/prompt';
import { NeighbourWindows, selectSnippets } from '../src/core/completion/snippets';
import type { CompletionInput, DocumentView } from '../src/core/completion/types';
import { percentile, table } from './stats';

function tsFile(lines: number, minBytes = 0): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (let i = 0; out.length < lines || bytes < minBytes; i++) {
    const group = [`export function compute${i}(items: Item[], factor: number): number {`, `  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);`, `  return total * factor + ${i};`, '}', ''];
    for (const line of group) bytes += line.length + 1;
    out.push(...group);
  }
  return minBytes ? out : out.slice(0, lines);
}

function view(lines: string[]): DocumentView {
  return { uri: 'file:///bench.ts', path: 'src/bench.ts', languageId: 'typescript', version: 1, lineCount: lines.length, eol: '\n', lineAt: (i) => lines[i] };
}

function once(input: CompletionInput, neighbours: DocumentView[], windows: NeighbourWindows): number {
  const started = performance.now();
  if (prefilter(input)) return performance.now() - started;
  const context = gatherContext(input);
  const snippets = selectSnippets(context.prefix.slice(-600) + context.suffix.slice(0, 200), neighbours.flatMap((n) => windows.of(n)), 1500);
  buildPrompt(context, { path: input.document.path, languageId: 'typescript', snippets, prefill: true, maxTokens: 128, model: 'm' });
  const unit = detectIndentUnit([...context.prefix.split('\n').slice(-60), ...context.suffix.split('\n').slice(1, 40)]);
  postprocess(`${OPEN}items.length * factor;${CLOSE}`, { linePrefix: context.linePrefix, lineSuffix: context.lineSuffix, prefix: context.prefix, suffix: context.suffix, indentUnit: unit, eol: '\n', multiline: false, languageId: 'typescript' });
  return performance.now() - started;
}

export async function run(): Promise<string> {
  // Three other open editors, as the adapter passes them (their windows are kept per version).
  const neighbours = [400, 2000, 2000].map((n, i) => ({ ...view(tsFile(n)), uri: `file:///neighbour${i}.ts` }));
  const windows = new NeighbourWindows();
  const sizes: [string, string[]][] = [
    ['200 lines', tsFile(200)],
    ['10,000 lines', tsFile(10_000)],
    ['10 MB', tsFile(0, 10 * 1024 * 1024)],
  ];
  const rows: string[][] = [];
  for (const [label, lines] of sizes) {
    const doc = view(lines);
    const samples: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = Math.floor((lines.length * (i + 1)) / 2001);
      const cursor = { line, character: Math.min(lines[line].length, 10) };
      const t = once({ document: doc, cursor, explicit: true }, neighbours, windows);
      if (i >= 200) samples.push(t); // warm-up excluded
    }
    const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
    rows.push([label, `${(bytes / 1048576).toFixed(2)} MB, ${lines.length.toLocaleString('en-US')} lines`, String(samples.length), percentile(samples, 50).toFixed(3), percentile(samples, 99).toFixed(3)]);
  }
  return [table(['file', 'size', 'keystrokes', 'p50 ms', 'p99 ms'], rows), '', 'Target: p99 under 2 ms on 10,000 lines, flat with file size.'].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

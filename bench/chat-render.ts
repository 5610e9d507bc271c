// Rendering a streamed 2,000-line answer in the chat page (jsdom): the time to render each chunk
// (append + the per-frame flush), p50 and p99, against re-rendering the whole answer per chunk
// (the naive baseline), and the size of the page's production bundle.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { createMarkdown, StreamingMarkdown } from '../src/webview/render';
import { percentile, table } from './stats';

function longAnswer(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(`## Step ${i}`, '', `Here we change **part ${i}** of the code, using \`helper${i}()\` as before:`, '', `- first, read the input ${i}`, `- then, validate it`, '', '```ts');
    for (let j = 0; j < 12; j++) out.push(`  const value${j} = compute(${i}, ${j}); // keep the ${j}th result`);
    out.push('```', '', '| field | type |', '|---|---|', `| id${i} | number |`, '');
  }
  return out.slice(0, lines).join('\n');
}

function chunks(text: string): string[] {
  // About four characters a token, three tokens per chunk as the host batches them.
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 12) out.push(text.slice(i, i + 12));
  return out;
}

export async function run(): Promise<string> {
  const answer = longAnswer(2000);
  const parts = chunks(answer);
  const dom = new JSDOM('<div id="a"></div><div id="b"></div>');
  const markdown = createMarkdown(dom.window as unknown as Window);
  const doc = dom.window.document;

  const incremental: number[] = [];
  const view = new StreamingMarkdown(doc.getElementById('a') as unknown as HTMLElement, markdown);
  for (const part of parts) {
    const t = performance.now();
    view.append(part);
    view.flush();
    incremental.push(performance.now() - t);
  }
  view.finish();

  // Baseline: the whole answer re-rendered per chunk, measured on the first 300 chunks only (it grows quadratically).
  const naive: number[] = [];
  const b = doc.getElementById('b')!;
  let source = '';
  for (const part of parts.slice(0, 300)) {
    const t = performance.now();
    source += part;
    b.innerHTML = markdown.html(source);
    naive.push(performance.now() - t);
  }
  const naiveFull: number[] = [];
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    b.innerHTML = markdown.html(answer);
    naiveFull.push(performance.now() - t);
  }

  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'ignore' });
  const webviewKb = statSync(join(root, 'dist', 'webview.js')).size / 1024;
  const extensionKb = statSync(join(root, 'dist', 'extension.js')).size / 1024;
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'ignore' });

  return [
    `A ${answer.split('\n').length}-line answer (${Math.round(answer.length / 1024)} KB: headings, lists, tables, 12-line code blocks) streamed in ${parts.length} chunks of 12 characters.`,
    '',
    table(
      ['rendering', 'chunks', 'p50 ms per chunk', 'p99 ms per chunk', 'max ms'],
      [
        ['Kestrel: frozen blocks + re-rendered tail', String(incremental.length), percentile(incremental, 50).toFixed(3), percentile(incremental, 99).toFixed(3), Math.max(...incremental).toFixed(1)],
        ['baseline: whole answer per chunk (first 300 chunks)', String(naive.length), percentile(naive, 50).toFixed(3), percentile(naive, 99).toFixed(3), Math.max(...naive).toFixed(1)],
        ['baseline: whole answer once it is 2,000 lines', String(naiveFull.length), percentile(naiveFull, 50).toFixed(1), percentile(naiveFull, 99).toFixed(1), Math.max(...naiveFull).toFixed(1)],
      ],
    ),
    '',
    `Target: p99 under 16 ms per chunk (one frame). Production bundles: chat page \`dist/webview.js\` ${webviewKb.toFixed(0)} KB, extension \`dist/extension.js\` ${extensionKb.toFixed(0)} KB.`,
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

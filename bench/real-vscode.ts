// Ghost text in a real VS Code (code-server + headless Chromium) with the packaged extension, against
// the fake server set up as in ANCHORS.md (300 ms to the first token, then small chunks 15 ms apart).
// For each debounce value: from the last keystroke of a burst to the visible ghost text, p50 and p90,
// split into the debounce, the server's time, and Kestrel's own work (the rest), plus the requests
// that 40 fast keystrokes send.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeServer, type LoggedRequest } from '../test/support/fake-server';
import { REPO, ensureInstalled, installVsix, launchBrowser, makeRunFolder, startCodeServer } from '../test/support/real-vscode';
import { percentile, table } from './stats';

const DEBOUNCES = [50, 100, 150, 200];
const TRIALS = 8;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

export async function run(): Promise<string> {
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  execSync('npm run --silent package', { cwd: REPO, stdio: 'ignore' });
  const install = ensureInstalled();
  // The fake model answers every request with a short rest-of-line in four chunks.
  const server = await startFakeServer({ flavour: 'openai', respond: () => ({ chunks: ['<fill>', 'done', 'Here', '();</fill>'], firstByteDelayMs: 300, tokensPerSecond: 66 }) });
  const settingsFor = (debounceMs: number) => ({ 'kestrel.provider': 'custom', 'kestrel.baseUrl': server.url, 'kestrel.model': 'claude-haiku-4-6', 'kestrel.inline.debounceMs': debounceMs, 'editor.quickSuggestions': { other: false, comments: false, strings: false } });
  const run = makeRunFolder('bench', settingsFor(DEBOUNCES[0]));
  installVsix(install, run, join(REPO, `kestrel-${version}.vsix`));
  const code = await startCodeServer(install, run, { env: { KESTREL_API_KEY: 'bench-key' } });
  const context = await launchBrowser(install, run);
  const rows: string[][] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    writeFileSync(join(run.workspace, 'bench.ts'), '');
    await page.goto(`${code.url}/?folder=${encodeURIComponent(run.workspace)}`);
    await page.locator('.statusbar-item', { hasText: 'Kestrel' }).first().waitFor({ timeout: 90_000 });
    await page.keyboard.press('Control+P');
    await page.keyboard.type('bench.ts', { delay: 10 });
    await page.waitForTimeout(400);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().click();
    const ghost = page.locator('.monaco-editor [class*="ghost-text"]').first();
    const completions = () => server.requests.filter((r) => r.path.endsWith('/chat/completions'));
    // A first request teaches Kestrel that this model takes no prefill; not measured.
    await page.keyboard.type('const warm = ', { delay: 30 });
    await ghost.waitFor({ timeout: 15_000 }).catch(() => undefined);

    for (const debounceMs of DEBOUNCES) {
      writeFileSync(join(run.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(run.userDataDir, 'User', 'settings.json'), 'utf8')), ...settingsFor(debounceMs) }, null, 2));
      await page.waitForTimeout(1500);
      const total: number[] = [];
      const serverMs: number[] = [];
      const own: number[] = [];
      const perBurst: number[] = [];
      for (let t = 0; t < TRIALS; t++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        const text = `const ${WORDS[t % WORDS.length]}${t} = compute${WORDS[(t + 3) % WORDS.length]}Value${debounceMs}`.slice(0, 40).padEnd(40, 'x');
        const before = completions().length;
        await page.keyboard.type(text, { delay: 40 });
        const lastKey = Date.now();
        try {
          await ghost.waitFor({ timeout: 10_000 });
        } catch {
          continue;
        }
        const shown = Date.now();
        const sent = completions().slice(before);
        perBurst.push(sent.length);
        const answered = sent.filter((r: LoggedRequest) => r.completed).at(-1);
        const serverTime = answered?.finishedAt && answered.receivedAt ? answered.finishedAt - answered.receivedAt : NaN;
        total.push(shown - lastKey);
        serverMs.push(serverTime);
        own.push(shown - lastKey - debounceMs - serverTime);
        await page.waitForTimeout(300);
      }
      rows.push([
        String(debounceMs),
        `${percentile(total, 50).toFixed(0)} / ${percentile(total, 90).toFixed(0)}`,
        String(debounceMs),
        percentile(serverMs, 50).toFixed(0),
        `${percentile(own, 50).toFixed(0)} / ${percentile(own, 90).toFixed(0)}`,
        `${percentile(perBurst, 50)} (max ${Math.max(...perBurst)})`,
        `${total.length}/${TRIALS}`,
      ]);
    }
  } finally {
    await context.close().catch(() => undefined);
    await code.stop();
    await server.close();
  }
  return [
    `Real VS Code ${'(code-server 4.139.1, headless Chromium)'}; fake server: 300 ms to the first token, then 4 chunks at 66 tokens/s. ${TRIALS} bursts of 40 keystrokes 40 ms apart per row.`,
    '',
    table(['debounce ms', 'last key → ghost text p50 / p90 ms', 'debounce ms', 'server ms p50', "Kestrel's own work p50 / p90 ms", 'requests per 40 keys', 'ghost shown'], rows),
    '',
    "Kestrel's own work = last key to visible ghost text − debounce − the fake server's time from request to last byte; it includes VS Code's own rendering and the browser driver's round trip.",
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

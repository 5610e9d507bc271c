// Ghost text in a real VS Code (code-server + headless Chromium) with the packaged extension (its
// production build with test hooks, so each call's timeline can be read from the log), against a fake
// server that answers like a fast hosted model: 300 ms to the first token, then four small chunks
// about 15 ms apart. Two sessions, each with Kestrel's zero-wait levers on and off:
// - the anchors' session: a 310-line TypeScript file; at the end of a line, Enter, 40 ms, one letter,
//   then wait for the ghost text;
// - the burst: 40 keystrokes 40 ms apart on a new line, then wait.
// For each: ghost text shown x/y, overhead over the server's own time (last key → visible ghost text
// minus request → last byte at the server) p50/p90, requests during/after the keys, the requests the
// user's typing-through of the shown ghost sent, and where the overhead goes.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CallTrace } from '../src/core/completion/pipeline';
import { CLOSE, OPEN } from '../src/core/completion/prompt';
import { startFakeServer, type FakeServer, type LoggedRequest } from '../test/support/fake-server';
import { buildPackages } from '../test/support/packages';
import { ensureInstalled, filesUnder, installVsix, launchBrowser, makeRunFolder, startCodeServer } from '../test/support/real-vscode';
import { percentile, table } from './stats';

const FIRST_TOKEN_MS = 300;
const ANCHOR_TRIALS = 10;
const BURST_TRIALS = 8;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** A call's timeline as the extension logs it (test hooks on), on the wall clock. */
type Trace = CallTrace;

interface Trial {
  shown: boolean;
  /** Last key → visible ghost text. */
  total?: number;
  /** The server's own time for the request that was shown: received → last byte. */
  server?: number;
  during: number;
  after: number;
  typingThrough?: number;
  split?: { trigger: number; wait: number; work: number; toServer: number; afterServer: number; toScreen: number };
}

/** A 310-line TypeScript file of small functions. */
function anchorsFile(): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < 306; i++) lines.push(`export function step${i}(items: number[]): number {`, `  const total = items.reduce((sum, x) => sum + x * ${i}, 0);`, `  return total;`, `}`, '');
  return lines.slice(0, 310).join('\n');
}

function tracesIn(userDataDir: string): Trace[] {
  const out: Trace[] = [];
  for (const file of filesUnder(userDataDir).filter((f) => /Kestrel\.log$/.test(f))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const at = line.indexOf('inline trace ');
      if (at >= 0) out.push(JSON.parse(line.slice(at + 'inline trace '.length)) as Trace);
    }
  }
  return out.sort((a, b) => a.returnedAt - b.returnedAt);
}

async function session(levers: 'on' | 'off', server: FakeServer, vsix: string): Promise<{ anchors: Trial[]; burst: Trial[] }> {
  const install = ensureInstalled();
  const run = makeRunFolder('bench', {
    'kestrel.provider': 'custom',
    'kestrel.baseUrl': server.url,
    'kestrel.model': 'claude-haiku-4-6',
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
  });
  installVsix(install, run, vsix);
  writeFileSync(join(run.workspace, 'anchors.ts'), anchorsFile());
  writeFileSync(join(run.workspace, 'burst.ts'), '');
  const code = await startCodeServer(install, run, { env: { KESTREL_API_KEY: 'bench-key', KESTREL_TEST_HOOKS: '1', KESTREL_TEST_LEVERS: levers } });
  const context = await launchBrowser(install, run);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${code.url}/?folder=${encodeURIComponent(run.workspace)}`);
    await page.locator('.statusbar-item', { hasText: 'Kestrel' }).first().waitFor({ timeout: 90_000 });
    await instrument(page);
    const anchors = await anchorsSession(page, server, run.userDataDir);
    const burst = await burstSession(page, server, run.userDataDir);
    return { anchors, burst };
  } finally {
    await context.close().catch(() => undefined);
    await code.stop();
  }
}

/** Timestamps taken in the page (the same clock as the fake server's): each keydown, and the moment ghost text first appears. */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { kestrelBench: { keys: number[]; ghost: number } };
    w.kestrelBench = { keys: [], ghost: 0 };
    document.addEventListener('keydown', () => w.kestrelBench.keys.push(Date.now()), true);
    new MutationObserver(() => {
      if (!w.kestrelBench.ghost && document.querySelector('.monaco-editor [class*="ghost-text"]')) w.kestrelBench.ghost = Date.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const resetMarks = (page: Page) => page.evaluate(() => Object.assign((window as unknown as { kestrelBench: object }).kestrelBench, { keys: [], ghost: 0 }));
const marks = (page: Page) => page.evaluate(() => (window as unknown as { kestrelBench: { keys: number[]; ghost: number } }).kestrelBench);

async function open(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForTimeout(300);
  await page.keyboard.type(file, { delay: 10 });
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
  await page.locator('.monaco-editor .view-lines').first().click();
}

/** Reads a trial's figures once the ghost text showed (or not), from the page's marks, the server's log and the extension's traces. */
async function measure(page: Page, server: FakeServer, userDataDir: string, before: number, shown: boolean): Promise<Trial> {
  const m = await marks(page);
  const lastKey = Math.max(...m.keys);
  const sent = server.completions.slice(before);
  const trial: Trial = { shown, during: sent.filter((r) => r.receivedAt <= lastKey).length, after: sent.filter((r) => r.receivedAt > lastKey).length };
  if (!shown || !m.ghost) return trial;
  const answered = sent.filter((r: LoggedRequest) => r.completed && r.finishedAt !== undefined && r.finishedAt <= m.ghost).at(-1);
  trial.total = m.ghost - lastKey;
  if (answered?.finishedAt) trial.server = answered.finishedAt - answered.receivedAt;
  await page.waitForTimeout(300); // the log is written a moment later
  const trace = tracesIn(userDataDir).filter((t) => t.source !== 'none' && t.returnedAt <= m.ghost + 5 && t.calledAt >= lastKey - 5).at(-1);
  if (trace && answered?.finishedAt && trace.requestAt) {
    trial.split = {
      trigger: trace.calledAt - lastKey,
      wait: trace.debounceMs,
      work: trace.workMs,
      toServer: answered.receivedAt - trace.requestAt,
      afterServer: trace.returnedAt - answered.finishedAt,
      toScreen: m.ghost - trace.returnedAt,
    };
  }
  return trial;
}

/** Types the first characters of the ghost text shown and counts the requests that sends. */
async function typeThrough(page: Page, server: FakeServer, trial: Trial): Promise<void> {
  const before = server.completions.length;
  await page.keyboard.type('do', { delay: 60 });
  await page.waitForTimeout(400);
  trial.typingThrough = server.completions.length - before;
}

async function anchorsSession(page: Page, server: FakeServer, userDataDir: string): Promise<Trial[]> {
  await open(page, 'anchors.ts');
  const ghost = page.locator('.monaco-editor [class*="ghost-text"]').first();
  const trials: Trial[] = [];
  // A first request teaches Kestrel that this model takes no prefill; not measured.
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('w', { delay: 40 });
  await ghost.waitFor({ timeout: 15_000 }).catch(() => undefined);
  await page.keyboard.press('Escape');
  for (let t = 0; t < ANCHOR_TRIALS; t++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+G');
    await page.waitForTimeout(200);
    await page.keyboard.type(String(20 + t * 25));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.waitForTimeout(1200);
    const before = server.completions.length;
    await resetMarks(page);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(40);
    await page.keyboard.type(WORDS[t % WORDS.length][0]);
    const shown = await ghost.waitFor({ timeout: 5000 }).then(() => true, () => false);
    await page.waitForTimeout(50);
    const trial = await measure(page, server, userDataDir, before, shown);
    if (shown) await typeThrough(page, server, trial);
    trials.push(trial);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+Z');
  }
  return trials;
}

async function burstSession(page: Page, server: FakeServer, userDataDir: string): Promise<Trial[]> {
  await open(page, 'burst.ts');
  const ghost = page.locator('.monaco-editor [class*="ghost-text"]').first();
  const trials: Trial[] = [];
  for (let t = 0; t < BURST_TRIALS; t++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // The new line's own request (Enter asks at once) settles before the burst.
    await page.waitForTimeout(1200);
    await page.keyboard.press('Escape');
    const text = `const ${WORDS[t % WORDS.length]}${t} = compute${WORDS[(t + 3) % WORDS.length]}Value`.slice(0, 40).padEnd(40, 'x');
    const before = server.completions.length;
    await resetMarks(page);
    await page.keyboard.type(text, { delay: 40 });
    const shown = await ghost.waitFor({ timeout: 5000 }).then(() => true, () => false);
    await page.waitForTimeout(50);
    const trial = await measure(page, server, userDataDir, before, shown);
    if (shown) await typeThrough(page, server, trial);
    trials.push(trial);
  }
  return trials;
}

function row(label: string, trials: Trial[]): string[] {
  const shown = trials.filter((t) => t.total !== undefined && t.server !== undefined);
  const overhead = shown.map((t) => t.total! - t.server!);
  const p = (xs: number[], q: number) => (xs.length ? percentile(xs, q).toFixed(0) : '–');
  const splits = trials.flatMap((t) => (t.split ? [t.split] : []));
  const part = (k: keyof NonNullable<Trial['split']>) => p(splits.map((s) => s[k]), 50);
  const requests = trials.map((t) => t.during + t.after);
  return [
    label,
    `${trials.filter((t) => t.shown).length}/${trials.length}`,
    `${p(overhead, 50)} / ${p(overhead, 90)}`,
    `${p(shown.map((t) => t.total!), 50)}`,
    `${p(trials.map((t) => t.during), 50)} / ${p(trials.map((t) => t.after), 50)} (max ${Math.max(...requests)})`,
    p(trials.flatMap((t) => (t.typingThrough === undefined ? [] : [t.typingThrough])), 50),
    `${part('trigger')} · ${part('wait')} · ${part('work')} · ${part('toServer')} · ${part('afterServer')} · ${part('toScreen')}`,
  ];
}

export async function run(): Promise<string> {
  // The fake model answers every request with a short rest-of-line in four chunks.
  const server = await startFakeServer({ flavour: 'openai', respond: () => ({ chunks: [OPEN, 'done', 'Here', `();${CLOSE}`], firstByteDelayMs: FIRST_TOKEN_MS, tokensPerSecond: 66 }) });
  const rows: string[][] = [];
  const vsix = buildPackages().withTestHooks();
  // KESTREL_BENCH_BASELINE: another build of Kestrel (a .vsix, say the commit before a change) measured in the same run.
  const configs: { name: string; vsix: string; levers: 'on' | 'off' }[] = [
    { name: 'Kestrel', vsix, levers: 'on' },
    { name: 'Kestrel, levers off', vsix, levers: 'off' },
    ...(process.env.KESTREL_BENCH_BASELINE ? [{ name: `baseline (${basename(process.env.KESTREL_BENCH_BASELINE)})`, vsix: process.env.KESTREL_BENCH_BASELINE, levers: 'on' as const }] : []),
  ];
  try {
    for (const config of configs) {
      const { anchors, burst } = await session(config.levers, server, config.vsix);
      rows.push(row(`${config.name}: anchors' session`, anchors), row(`${config.name}: burst of 40 keys`, burst));
    }
  } finally {
    await server.close();
  }
  return [
    `Real VS Code (code-server, headless Chromium), Kestrel's production build; fake server: ${FIRST_TOKEN_MS} ms to the first token, then 4 chunks at 66 tokens/s. Anchors' session: ${ANCHOR_TRIALS} trials of Enter, 40 ms, one letter in a 310-line TypeScript file. Burst: ${BURST_TRIALS} trials of 40 keystrokes 40 ms apart. "Levers off": no riding of the request in flight, no hot streak, no prefetch, and no keys told to the engine (the rhythm and the key's time from VS Code's calls alone).`,
    '',
    table(
      ['session', 'ghost shown', 'overhead p50 / p90 ms (last key → ghost, minus the server\'s own time)', 'last key → ghost p50 ms', 'requests during / after the keys p50', 'requests while typing 2 characters of the ghost p50', 'split p50 ms: VS Code\'s trigger · Kestrel\'s wait · Kestrel\'s work · request → server · last byte → provider returns · provider returns → ghost on screen'],
      rows,
    ),
    '',
    'The server\'s own time here is about 360 ms (300 ms to the first token, then the chunks). Measured the same way (the README\'s Measured section): llama.vscode ~404 ms, Twinny ~460 ms, Continue ~613 ms of overhead over the first token.',
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

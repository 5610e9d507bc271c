// A scripted typing session against the fake server at realistic latency (first token after 600 ms,
// 60 tokens/s): requests sent and aborted, tokens, suggestions shown, cache and typing-through hits;
// the same session with cache and reuse off; and a row per debounce value for 40 fast keystrokes.
import { createChatClient } from '../src/core/client/client';
import { InlineEngine, type EngineSettings } from '../src/core/completion/pipeline';
import { CLOSE, OPEN, parseInlinePrompt } from '../src/core/completion/prompt';
import type { CompletionInput, DocumentView } from '../src/core/completion/types';
import { DEFAULT_RHYTHM } from '../src/core/completion/typingRhythm';
import { startFakeServer, type FakeServer } from '../test/support/fake-server';
import { percentile, table } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the user types, line by line; the fake model suggests the rest of the line. */
const BURST_LINE = 'const subtotal = items.filter((item) => item.quantity > 0).length;';
const SCRIPT = [
  'const total = items.reduce((sum, item) => sum + item.price, 0);',
  'const count = items.length;',
  'const average = count === 0 ? 0 : total / count;',
  'console.log(`average: ${average.toFixed(2)}`);',
  'return { total, count, average };',
];

interface Keystroke {
  line: number;
  text: string;
  /** Pause before this key (ms). */
  gap: number;
}

/** Human speed: ~110 ms between keys with jitter, a 900 ms pause after each word boundary every few words. */
function keystrokes(seed = 7): Keystroke[] {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const keys: Keystroke[] = [];
  SCRIPT.forEach((line, index) => {
    for (let i = 1; i <= line.length; i++) {
      const pause = line[i - 1] === ' ' && rand() < 0.35;
      keys.push({ line: index, text: line.slice(0, i), gap: pause ? 700 + rand() * 600 : 70 + rand() * 80 });
    }
  });
  return keys;
}

function documentFor(lines: string[]): DocumentView {
  return { uri: 'file:///session.ts', path: 'session.ts', languageId: 'typescript', version: 1, lineCount: lines.length, eol: '\n', lineAt: (i) => lines[i] };
}

interface SessionResult {
  keys: number;
  requests: number;
  aborted: number;
  promptTokens: number;
  completionTokens: number;
  shown: number;
  cacheHits: number;
  typingThrough: number;
  latencies: number[];
}

async function session(server: FakeServer, keys: Keystroke[], settings: EngineSettings): Promise<SessionResult> {
  server.reset();
  const client = createChatClient({ baseUrl: server.url, apiKey: 'bench' });
  const engine = new InlineEngine(async () => ({ client, model: 'fake-model', prefill: 'no' }), () => settings);
  const latencies: number[] = [];
  let current: AbortController | undefined;
  const pendings: Promise<void>[] = [];
  for (const key of keys) {
    await sleep(key.gap);
    current?.abort(); // VS Code cancels the previous call on each keystroke.
    const controller = new AbortController();
    current = controller;
    const lines = [...SCRIPT.slice(0, key.line), key.text, ''];
    const input: CompletionInput = { document: documentFor(lines), cursor: { line: key.line, character: key.text.length } };
    const started = performance.now();
    pendings.push(
      engine.suggest(input, controller.signal).then((s) => {
        if (s && !controller.signal.aborted && s.source === 'network') latencies.push(performance.now() - started);
      }),
    );
  }
  await Promise.all(pendings);
  await sleep(50);
  await client.dispose();
  return {
    keys: keys.length,
    requests: server.completions.length,
    aborted: server.requests.filter((r) => r.aborted).length,
    promptTokens: Math.round(engine.counters.promptChars / 4),
    completionTokens: Math.round(engine.counters.completionChars / 4),
    shown: engine.counters.shown,
    cacheHits: engine.counters.cacheHits,
    typingThrough: engine.counters.typingThroughHits,
    latencies,
  };
}

/** 40 keys of BURST_LINE with gaps from `minGap` to `maxGap` ms, after a 1.5 s pause. */
function burst(minGap: number, maxGap: number, seed: number): Keystroke[] {
  const keys: Keystroke[] = [];
  for (let i = 1; i <= 40; i++) keys.push({ line: 0, text: BURST_LINE.slice(0, i), gap: i === 1 ? 1500 : minGap + ((i * 37 + seed * 11) % (maxGap - minGap + 1)) });
  return keys;
}

/** One key after a pause, then waiting: a space, a dot, an opening bracket. */
function singleKeys(): Keystroke[] {
  return ['const ', 'const subtotal = ', 'const subtotal = items.', 'const subtotal = items.filter('].map((text) => ({ line: 0, text, gap: 1500 }));
}

interface Rule {
  label: string;
  settings: Partial<EngineSettings>;
}

const RULES: Rule[] = [
  ...[0, 50, 100, 150, 200, 300].map((ms) => ({ label: `fixed ${ms}`, settings: { debounceMs: ms, adaptiveDebounce: false } })),
  ...[100, 150, 200].map((ms) => ({ label: `adaptive, base ${ms}`, settings: { debounceMs: ms, adaptiveDebounce: true } })),
  { label: 'adaptive, base 150, no short wait after a pause', settings: { debounceMs: 150, adaptiveDebounce: true, rhythm: { ...DEFAULT_RHYTHM, afterPause: 1 } } },
];

export async function run(): Promise<string> {
  // The fake model knows the script: it suggests the rest of the line being typed.
  const server = await startFakeServer({
    flavour: 'openrouter',
    models: [{ id: 'fake-model' }],
    latency: { firstTokenMs: 600, tokensPerSecond: 60 },
    respond: (request) => {
      const before = parseInlinePrompt(request.body.messages)?.prefix ?? '';
      const typed = before.slice(before.lastIndexOf('\n') + 1);
      const target = [...SCRIPT, BURST_LINE].find((l) => l.startsWith(typed) && l !== typed);
      return { text: `${OPEN}${target ? target.slice(typed.length) : ''}${CLOSE}` };
    },
  });
  const keys = keystrokes();
  const base: EngineSettings = { debounceMs: 150, maxTokens: 128, multiline: 'never' };
  const withAll = await session(server, keys, base);
  const without = await session(server, keys, { ...base, cache: false, typingThrough: false });
  const row = (label: string, r: SessionResult) => [label, String(r.keys), String(r.requests), String(r.aborted), String(r.promptTokens), String(r.completionTokens), String(r.shown), String(r.cacheHits), String(r.typingThrough), percentile(r.latencies, 50).toFixed(0)];
  const sessionTable = table(
    ['session', 'keystrokes', 'requests', 'aborted', 'prompt tokens sent (≈ chars/4)', 'completion tokens read', 'suggestions shown', 'cache hits', 'typing-through hits', 'p50 ms keystroke → suggestion from the network'],
    [row('Kestrel (cache + typing-through)', withAll), row('cache and reuse off', without)],
  );

  // Per debounce rule: bursts of 40 keys, fast (60–100 ms apart) and slower (130–200 ms), and single
  // keys after a pause. Cache and reuse off, so every row asks the server.
  const rows: string[][] = [];
  for (const rule of RULES) {
    const settings = { ...base, ...rule.settings, cache: false, typingThrough: false };
    const fast = [await session(server, burst(60, 100, 1), settings), await session(server, burst(60, 100, 2), settings)];
    const slow = [await session(server, burst(130, 200, 1), settings), await session(server, burst(130, 200, 2), settings)];
    const single = await session(server, singleKeys(), settings);
    const perBurst = (runs: SessionResult[]) => (runs.reduce((n, r) => n + r.requests, 0) / runs.length).toFixed(1);
    const lastKey = (runs: SessionResult[]) => percentile(runs.flatMap((r) => r.latencies), 50).toFixed(0);
    rows.push([rule.label, perBurst(fast), lastKey(fast), perBurst(slow), lastKey(slow), percentile(single.latencies, 50).toFixed(0)]);
  }
  await server.close();
  const burstTable = table(['debounce rule (ms)', 'requests per 40 fast keys', 'last fast key → suggestion ms', 'requests per 40 slower keys', 'last slower key → suggestion ms', 'a space, dot or bracket after a pause → suggestion ms'], rows);
  return [
    `Scripted session: ${keys.length} keystrokes at human speed with pauses; fake server: first token 600 ms, 60 tokens/s; debounce adaptive with base 150 ms.`,
    '',
    sessionTable,
    '',
    'Bursts of 40 keys after a pause, fast (60–100 ms apart) and slower (130–200 ms apart), two of each, and single keys after a pause; cache and reuse off, so every row asks the server. The server alone takes about 600 ms plus the streamed line.',
    '',
    burstTable,
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

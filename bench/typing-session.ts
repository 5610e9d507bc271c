// A scripted typing session against the fake server at realistic latency (first token after 600 ms,
// 60 tokens/s), with VS Code's own behaviour simulated: it calls the provider once the keys have
// paused for 50 ms (measured in bench/real-vscode.ts) and cancels the call before at each new key.
// The user types a function line by line at human speed, accepts a suggestion with Tab when it shows
// the rest of what they meant, and presses Enter for the next line. Printed, with each zero-wait
// lever on and off: suggestions shown, how many needed no network wait (cache, typing-through, hot
// streak, a prefetch already read), requests and tokens; then requests per 40 fast keys.
import { createChatClient } from '../src/core/client/client';
import { InlineEngine, type EngineSettings } from '../src/core/completion/pipeline';
import { CLOSE, OPEN, parseInlinePrompt } from '../src/core/completion/prompt';
import type { CompletionInput, DocumentView, Suggestion } from '../src/core/completion/types';
import { startFakeServer, type FakeServer } from '../test/support/fake-server';
import { percentile, table } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VS Code waits this long after the last key before it calls the provider. */
const VSCODE_TRIGGER_MS = 50;

/** What the user writes; the fake model knows it and continues from wherever the cursor is. */
const SCRIPT = [
  'export function summarize(items: Item[]): Summary {',
  '  const total = items.reduce((sum, item) => sum + item.price, 0);',
  '  const count = items.length;',
  '  const average = count === 0 ? 0 : total / count;',
  '  if (count > 100) {',
  '    console.warn(`large order: ${count} items`);',
  '    log.flush();',
  '  }',
  '  console.log(`average: ${average.toFixed(2)}`);',
  '  return { total, count, average };',
  '}',
].join('\n');
const BURST_LINE = 'const subtotal = items.filter((item) => item.quantity > 0).length;';

function documentFor(text: string): DocumentView {
  const lines = text.split('\n');
  return { uri: 'file:///session.ts', path: 'session.ts', languageId: 'typescript', version: 1, lineCount: lines.length, eol: '\n', lineAt: (i) => lines[i] };
}

/** The cursor at the end of `text` (the document is the script so far). */
function inputFor(text: string): CompletionInput {
  const lines = text.split('\n');
  return { document: documentFor(text), cursor: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

interface SessionResult {
  sources: Map<string, number>;
  ready: number;
  keys: number;
  accepted: number;
  requests: number;
  aborted: number;
  promptTokens: number;
  completionTokens: number;
  counters: InlineEngine['counters'];
  /** Keystroke → suggestion, for those that waited for the network. */
  latencies: number[];
}

/**
 * Drives the engine as VS Code would. `typed` is what the user types, key by key; when the shown
 * suggestion is the start of what is left to type (and at least 4 characters), half the time they
 * read it for 300 ms and press Tab.
 */
class Editor {
  text = '';
  shown: Suggestion | undefined;
  private pending: { timer: ReturnType<typeof setTimeout> | undefined; controller: AbortController } | undefined;
  readonly calls: Promise<void>[] = [];
  latencies: number[] = [];
  /** Suggestions shown, by where they came from, and those shown right when VS Code asked (no network wait). */
  readonly sources = new Map<string, number>();
  ready = 0;

  constructor(private readonly engine: InlineEngine) {}

  /** A key: the document changes, the call in progress is cancelled, a new one is due after VS Code's wait. */
  key(text: string): void {
    this.text = text;
    this.shown = undefined;
    this.engine.keystroke('file:///session.ts');
    this.pending?.controller.abort();
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    const controller = new AbortController();
    const pressed = performance.now();
    const timer = setTimeout(() => {
      current.timer = undefined;
      const called = performance.now();
      this.calls.push(
        this.engine.suggest(inputFor(text), controller.signal).then((s) => {
          if (!s || controller.signal.aborted) return;
          this.shown = s;
          if (performance.now() - called < 10) this.ready++;
          this.sources.set(s.source, (this.sources.get(s.source) ?? 0) + 1);
          if (s.source === 'network' || s.source === 'in-flight') this.latencies.push(performance.now() - pressed);
        }),
      );
    }, VSCODE_TRIGGER_MS);
    const current = { timer: timer as ReturnType<typeof setTimeout> | undefined, controller };
    this.pending = current;
  }

  /** Tab: the shown suggestion goes into the document (its range on the cursor line replaced). */
  accept(): void {
    const s = this.shown!;
    const lastLine = this.text.slice(this.text.lastIndexOf('\n') + 1);
    this.key(this.text + s.text + lastLine.slice(s.replaceEnd));
    this.engine.prefetch(inputFor(this.text)).catch(() => undefined);
  }
}

async function session(server: FakeServer, settings: EngineSettings, seed = 7): Promise<SessionResult> {
  server.reset();
  const client = createChatClient({ baseUrl: server.url, apiKey: 'bench' });
  const engine = new InlineEngine(async () => ({ client, model: 'fake-model', prefill: 'no' }), () => settings);
  const editor = new Editor(engine);
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  let keys = 0;
  let accepted = 0;
  while (editor.text.length < SCRIPT.length) {
    const left = SCRIPT.slice(editor.text.length);
    // Enter brings the next line's indentation with it (VS Code's auto-indent).
    const next = left[0] === '\n' ? '\n' + /^\n([ \t]*)/.exec(left)![1] : left[0];
    const previous = editor.text.at(-1) ?? '';
    const pause = next.startsWith('\n') ? 500 + rand() * 400 : previous === ' ' && rand() < 0.3 ? 700 + rand() * 500 : 70 + rand() * 80;
    await sleep(pause);
    // The ghost text shows the rest of what they meant (4 characters or more): half the time they
    // read it and press Tab, otherwise they type on through it.
    const shown = editor.shown;
    if (shown && shown.text.length >= 4 && left.startsWith(shown.text) && rand() < 0.5) {
      await sleep(300);
      editor.accept();
      accepted++;
      continue;
    }
    editor.key(editor.text + next);
    keys++;
  }
  await sleep(VSCODE_TRIGGER_MS + 50);
  await Promise.all(editor.calls);
  await sleep(50);
  await client.dispose();
  engine.dispose();
  return {
    sources: editor.sources,
    ready: editor.ready,
    keys,
    accepted,
    requests: server.completions.length,
    aborted: server.requests.filter((r) => r.aborted).length,
    promptTokens: Math.round(engine.counters.promptChars / 4),
    completionTokens: Math.round(engine.counters.completionChars / 4),
    counters: engine.counters,
    latencies: editor.latencies,
  };
}

/** 40 keys of BURST_LINE with gaps from `minGap` to `maxGap` ms, after a pause; returns the requests sent. */
async function burst(server: FakeServer, settings: EngineSettings, minGap: number, maxGap: number, seed: number): Promise<number> {
  server.reset();
  const client = createChatClient({ baseUrl: server.url, apiKey: 'bench' });
  const engine = new InlineEngine(async () => ({ client, model: 'fake-model', prefill: 'no' }), () => settings);
  const editor = new Editor(engine);
  for (let i = 1; i <= 40; i++) {
    await sleep(i === 1 ? 1500 : minGap + ((i * 37 + seed * 11) % (maxGap - minGap + 1)));
    editor.key(BURST_LINE.slice(0, i));
  }
  await sleep(VSCODE_TRIGGER_MS + 400);
  await Promise.all(editor.calls);
  await client.dispose();
  engine.dispose();
  return server.completions.length;
}

const LEVERS: { label: string; settings: Partial<EngineSettings> }[] = [
  { label: 'all levers on', settings: {} },
  { label: 'riding the request in flight off', settings: { ride: false } },
  { label: 'hot streak off', settings: { hotStreak: false } },
  { label: 'prefetch after accept off', settings: { prefetch: false } },
  { label: 'cache and typing-through off', settings: { cache: false, typingThrough: false } },
  { label: 'all off', settings: { ride: false, hotStreak: false, prefetch: false, cache: false, typingThrough: false } },
];

export async function run(): Promise<string> {
  const server = await startFakeServer({
    flavour: 'openrouter',
    models: [{ id: 'fake-model' }],
    latency: { firstTokenMs: 600, tokensPerSecond: 60 },
    respond: (request) => {
      const before = parseInlinePrompt(request.body.messages)?.prefix ?? '';
      const burstTyped = before.slice(before.lastIndexOf('\n') + 1);
      // Up to four lines of what follows the cursor, as a model that guessed right would write.
      const rest = SCRIPT.startsWith(before) ? SCRIPT.slice(before.length) : BURST_LINE.startsWith(burstTyped) ? BURST_LINE.slice(burstTyped.length) : '';
      return { text: `${OPEN}${rest.split('\n').slice(0, 4).join('\n')}${CLOSE}` };
    },
  });
  const base: EngineSettings = { debounceMs: 150, maxTokens: 128, multiline: 'auto' };
  const sessionRows: string[][] = [];
  const burstRows: string[][] = [];
  for (const lever of LEVERS) {
    const settings = { ...base, ...lever.settings };
    const r = await session(server, settings);
    const from = (source: string) => r.sources.get(source) ?? 0;
    const shown = [...r.sources.values()].reduce((a, b) => a + b, 0);
    const ready = r.ready;
    sessionRows.push([
      lever.label,
      String(r.keys),
      String(r.accepted),
      String(shown),
      `${ready} (${shown ? Math.round((100 * ready) / shown) : 0}%)`,
      `${from('cache')} / ${from('typing-through')} / ${from('hot-streak')} / ${from('prefetch')}`,
      `${from('in-flight')} / ${from('network')}`,
      `${r.requests} (${r.aborted} aborted)`,
      String(r.promptTokens),
      String(r.completionTokens),
      r.latencies.length ? percentile(r.latencies, 50).toFixed(0) : '–',
    ]);
    const fast = [await burst(server, settings, 60, 100, 1), await burst(server, settings, 60, 100, 2)];
    const faster = [await burst(server, settings, 35, 50, 1), await burst(server, settings, 35, 50, 2)];
    const slow = [await burst(server, settings, 130, 200, 1), await burst(server, settings, 130, 200, 2)];
    const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
    burstRows.push([lever.label, mean(faster), mean(fast), mean(slow)]);
  }
  await server.close();
  return [
    `Scripted session: a ${SCRIPT.split('\n').length}-line function typed at human speed (70–150 ms between keys, pauses after some words and before each new line), Tab when the ghost text shows the rest of what the user meant; VS Code simulated (its ${VSCODE_TRIGGER_MS} ms wait before calling, a cancel per key); fake server: first token 600 ms, 60 tokens/s; default settings (debounce base 150 ms, multi-line auto).`,
    '',
    table(
      ['levers', 'keystrokes', 'accepted with Tab', 'suggestions shown', 'shown with no network wait', 'shown from: cache / typing-through / hot streak / prefetch', 'shown after waiting: riding a request in flight / its own request', 'requests', 'prompt tokens (≈ chars/4)', 'completion tokens read', 'p50 ms key → suggestion that waited for the network'],
      sessionRows,
    ),
    '',
    'Requests per burst of 40 keys on one line after a pause (two bursts each), VS Code simulated as above:',
    '',
    table(['levers', 'keys 35–50 ms apart', 'keys 60–100 ms apart', 'keys 130–200 ms apart'], burstRows),
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

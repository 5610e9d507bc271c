// Load: 1,000 keystrokes typed at 20 ms intervals across three editors side by side, against a fake
// provider with a realistic delay. From the fake server's request log: at most one request in flight
// per document at any moment (each request's arrival against the end of the one before it: answered
// or its connection closed). From the extension host's log: no unhandled promise rejection. The
// extension host's heap before and after (after a full GC) is printed with the request figures as a
// table for the README; the only bound on it is a loose one (under twice the baseline plus 50 MB).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check, CheckContext } from './run';

// The memory probe is a test hook (`kestrel._test.memory`): the shipped .vsix has none, so this check
// installs the same production build with its hooks kept, which registers them only when VS Code
// starts with this variable.
export const testHooks = true;
export const env = { KESTREL_TEST_HOOKS: '1' };

const FILES = ['scratch/load-a.ts', 'scratch/load-b.ts', 'scratch/load-c.ts'];
const KEYSTROKES = 1000;
const KEY_INTERVAL_MS = 20;
/** How late the server may read a closed connection's end after the next request arrived (see the sweep below). */
const CLOSE_READ_LATE_MS = 30;
const MEMORY_KEYS = { before: 'Control+Shift+Alt+J', after: 'Control+Shift+Alt+K' };

/** When each request ended, as the server saw it: its answer finished or its connection closed. */
const endedAt = new Map<LoggedRequest, number>();

function watchEnd(request: LoggedRequest): void {
  // The server sets `aborted` when the client closes the connection: note when that happens.
  if (request.aborted) return void endedAt.set(request, Date.now());
  let aborted = false;
  Object.defineProperty(request, 'aborted', {
    get: () => aborted,
    set: (value: boolean) => {
      if (value && !aborted) endedAt.set(request, Date.now());
      aborted = value;
    },
    enumerable: true,
  });
}

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 300, tokensPerSecond: 80 },
  respond: (request): FakeReply => {
    watchEnd(request);
    return { text: '<fill>items.length;</fill>' };
  },
};

// Word suggestions off so Enter only ever breaks the line.
export const settings = {
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
};

const completions = (ctx: CheckContext) => ctx.server.completions;
const documentOf = (r: LoggedRequest) => /File: (\S+) \(/.exec(String(r.body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? ''))?.[1] ?? '?';

interface Memory {
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  collected: boolean;
}

function logFiles(ctx: CheckContext, name: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (name.test(entry.name)) out.push(path);
    }
  };
  const logs = join(ctx.run.userDataDir, 'logs');
  if (existsSync(logs)) walk(logs);
  return out;
}

/** Runs the memory hook through its keybinding and reads the figures it writes to Kestrel's log. */
async function memory(ctx: CheckContext, label: 'before' | 'after'): Promise<Memory> {
  const pattern = new RegExp(`test hook memory ${label}: (\\{.*\\})`);
  const read = () => {
    for (const file of logFiles(ctx, /^Kestrel\.log$/)) {
      const hit = pattern.exec(readFileSync(file, 'utf8'));
      if (hit) return JSON.parse(hit[1]) as Memory;
    }
    return undefined;
  };
  for (let attempt = 0; attempt < 10; attempt++) {
    await ctx.press(MEMORY_KEYS[label]);
    for (let i = 0; i < 20; i++) {
      await ctx.page.waitForTimeout(150);
      const found = read();
      if (found) return found;
    }
  }
  throw new Error(`The memory hook did not answer (${label}); is KESTREL_TEST_HOOKS reaching the extension host?`);
}

async function quickOpen(ctx: CheckContext, relativePath: string): Promise<void> {
  await ctx.press('Control+P');
  await ctx.page.locator('.quick-input-widget input').waitFor();
  await ctx.page.keyboard.type(relativePath, { delay: 10 });
  // Enter only once the file is the focused row (before the search answers, a recent file is).
  await ctx.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: relativePath.replace(/^.*\//, '') }).waitFor({ timeout: 10_000 });
  await ctx.press('Enter');
  await ctx.page.locator(`.tab[aria-label^="${relativePath.replace(/^.*\//, '')}"]`).first().waitFor({ timeout: 15_000 });
}

/**
 * Keystrokes sent at a fixed interval, each one a real key event (DevTools protocol `keyDown` with
 * its text, then `keyUp`), without waiting for the page to handle the one before: a person's keys
 * keep coming however busy the editor is. `type` resolves once the page has handled them all.
 */
async function keyboard(ctx: CheckContext): Promise<{ type(text: string): Promise<void>; intervals: number[]; lagMs: number[] }> {
  const cdp = await ctx.page.context().newCDPSession(ctx.page);
  const intervals: number[] = [];
  const lagMs: number[] = [];
  let last: number | undefined;
  return {
    intervals,
    lagMs,
    async type(text) {
      const pending: Promise<unknown>[] = [];
      let next = performance.now();
      for (const ch of text) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const now = performance.now();
        if (last !== undefined) intervals.push(now - last);
        last = now;
        next = Math.max(next + KEY_INTERVAL_MS, now);
        const key = ch === '\n' ? { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' } : { key: ch, text: ch, unmodifiedText: ch };
        const sent = performance.now();
        pending.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key }).then(() => lagMs.push(performance.now() - sent)));
        pending.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, ...('code' in key ? { code: key.code, windowsVirtualKeyCode: key.windowsVirtualKeyCode } : {}) }));
      }
      await Promise.all(pending);
      last = undefined;
    },
  };
}

/** What a person types in one go: a few statements, a pause to think after some lines. */
function lines(editor: number): string[] {
  return Array.from({ length: 40 }, (_, i) => `const v${editor}x${i} = compute(items, ${i}) + offset;\n`);
}

/**
 * Entries of an extension host log (an entry is a timestamped line and the stack lines under it)
 * that are an unhandled rejection, or an error whose text or stack points into Kestrel's bundle.
 */
function problemEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries.filter((e) => /rejected promise|unhandled ?rejection/i.test(e) || (/^\S+ \S+ \[error\]/.test(e) && /kestrel-labs\.kestrel|dist\/extension\.js/.test(e))).map((e) => e.slice(0, 400));
}

/** Unhandled rejections the extension host reports to the page's console. */
const consoleProblems: string[] = [];
let before: Memory | undefined;
let typed = 0;

export const checks: Check[] = [
  {
    name: 'three editors side by side, and the extension host heap before typing',
    async run(ctx) {
      ctx.page.on('console', (message) => {
        if (/rejected promise not handled|unhandled ?rejection/i.test(message.text())) consoleProblems.push(`console: ${message.text().slice(0, 300)}`);
      });
      for (const file of FILES) ctx.writeWorkspaceFile(file, '// scratch file for the load check\n');
      writeFileSync(
        join(ctx.run.userDataDir, 'User', 'keybindings.json'),
        JSON.stringify([
          { key: 'ctrl+shift+alt+j', command: 'kestrel._test.memory', args: { gc: true, label: 'before' } },
          { key: 'ctrl+shift+alt+k', command: 'kestrel._test.memory', args: { gc: true, label: 'after' } },
        ]),
      );
      // A fresh window reads the keybindings file for sure.
      await ctx.reload();
      await ctx.page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
      await quickOpen(ctx, FILES[0]);
      await ctx.press('Control+\\');
      await quickOpen(ctx, FILES[1]);
      await ctx.press('Control+\\');
      await quickOpen(ctx, FILES[2]);
      assert.equal(await ctx.page.locator('.editor-group-container').count(), 3, 'three editor groups');
      for (let group = 1; group <= 3; group++) {
        await ctx.press(`Control+${group}`);
        await ctx.press('Control+End');
      }
      // The baseline once the editors are open and the language features they start have settled.
      await ctx.page.waitForTimeout(3000);
      before = await memory(ctx, 'before');
    },
  },
  {
    name: '1,000 keystrokes at 20 ms across the three editors: at most one request in flight per document',
    async run(ctx) {
      const sentBefore = completions(ctx).length;
      const cursor = [0, 0, 0];
      const expected = FILES.map(() => '// scratch file for the load check\n');
      let editor = 0;
      const keys = await keyboard(ctx);
      const started = Date.now();
      while (typed < KEYSTROKES) {
        await ctx.press(`Control+${editor + 1}`);
        // Which file that group shows decides what is expected where.
        const label = (await ctx.page.locator('.editor-group-container.active .tab.active').first().getAttribute('aria-label')) ?? '';
        const file = FILES.findIndex((f) => label.startsWith(f.replace(/^.*\//, '')));
        assert.ok(file >= 0, `group ${editor + 1} shows one of the three files (${label})`);
        await ctx.press('Control+End');
        // Three lines, then the next editor; a short pause (120-720 ms) after each line, as people do.
        for (let n = 0; n < 3 && typed < KEYSTROKES; n++) {
          const line = lines(file)[cursor[file]++ % 40].slice(0, KEYSTROKES - typed);
          await keys.type(line);
          expected[file] += line;
          typed += line.length;
          await ctx.page.waitForTimeout(120 + ((typed * 37) % 600));
        }
        editor = (editor + 1) % 3;
      }
      const typingMs = Date.now() - started;
      // Every keystroke arrived, in order, in the editor it was typed into.
      await ctx.press('Escape');
      await ctx.page.waitForTimeout(300);
      await ctx.runCommand('File: Save All');
      for (let i = 0; i < 30 && FILES.some((file, n) => ctx.readWorkspaceFile(file) !== expected[n]); i++) await ctx.page.waitForTimeout(200);
      FILES.forEach((file, i) => assert.equal(ctx.readWorkspaceFile(file), expected[i], `${file} holds exactly what was typed`));
      // Let the last requests end, then read the log.
      await ctx.page.waitForTimeout(3000);
      const sent = completions(ctx).slice(sentBefore);
      assert.ok(sent.every((r) => r.completed || r.aborted), 'every request ended');
      await ctx.screenshot('after-typing');

      const perDocument = new Map<string, LoggedRequest[]>();
      for (const r of sent) perDocument.set(documentOf(r), [...(perDocument.get(documentOf(r)) ?? []), r]);
      let maxInFlight = 0;
      const overlaps: string[] = [];
      for (const [doc, requests] of perDocument) {
        // Sweep: +1 at arrival, -1 at end; the running sum is the number in flight.
        // A closed connection is noticed by the server when its event loop reads the close, which on a
        // busy machine can come after the next connection's request though the client closed first:
        // an aborted request counts as ended up to CLOSE_READ_LATE_MS before the server noticed.
        const endOf = (r: LoggedRequest) => r.finishedAt ?? (endedAt.has(r) ? endedAt.get(r)! - CLOSE_READ_LATE_MS : Infinity);
        const events = requests.flatMap((r) => [
          { at: r.receivedAt, delta: 1, r },
          { at: endOf(r), delta: -1, r },
        ]);
        events.sort((a, b) => a.at - b.at || a.delta - b.delta);
        const open = new Set<LoggedRequest>();
        for (const e of events) {
          if (e.delta > 0) open.add(e.r);
          else open.delete(e.r);
          maxInFlight = Math.max(maxInFlight, open.size);
          if (open.size > 1) {
            // Which request was still open, and how it ended, say whether the client or the server's reading is late.
            const others = [...open].filter((r) => r !== e.r).map((r) => `one from ${r.receivedAt - started} ms, ${r.aborted ? 'aborted' : r.completed ? 'answered' : 'open'} ${endOf(r) === Infinity ? 'never' : `at ${endOf(r) - started} ms`}`);
            overlaps.push(`${doc} at ${e.at - started} ms (${others.join('; ')})`);
          }
        }
      }
      const sorted = [...keys.intervals].sort((a, b) => a - b);
      const lags = [...keys.lagMs].sort((a, b) => a - b);
      const figures = {
        keystrokes: typed,
        interval: `${(sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(1)} ms mean, ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms p95`,
        handled: `${lags[Math.floor(lags.length / 2)].toFixed(0)} ms median, ${lags[Math.floor(lags.length * 0.95)].toFixed(0)} ms p95`,
        typingSeconds: (typingMs / 1000).toFixed(1),
        requests: sent.length,
        answered: sent.filter((r) => !r.aborted).length,
        aborted: sent.filter((r) => r.aborted).length,
        documents: [...perDocument.keys()].sort().join(', '),
        perDocument: [...perDocument.entries()].map(([d, rs]) => `${d.replace(/^.*\//, '')} ${rs.length}`).join(', '),
        maxInFlight,
      };
      (globalThis as { kestrelLoad?: typeof figures }).kestrelLoad = figures;
      assert.deepEqual([...perDocument.keys()].sort(), FILES, 'requests came from the three documents');
      assert.equal(overlaps.length, 0, `more than one request in flight for a document: ${overlaps.slice(0, 5).join('; ')}`);
      assert.ok(maxInFlight <= 1);
    },
  },
  {
    name: 'no unhandled promise rejection in the extension host log; heap after a GC reported',
    async run(ctx) {
      await ctx.page.waitForTimeout(2000);
      const after = await memory(ctx, 'after');
      const hostLogs = logFiles(ctx, /exthost.*\.log$/i);
      assert.ok(hostLogs.length > 0, 'found the extension host log');
      const problems = [...hostLogs.flatMap((file) => problemEntries(readFileSync(file, 'utf8'))), ...consoleProblems];
      const load = (globalThis as { kestrelLoad?: Record<string, unknown> }).kestrelLoad ?? {};
      const b = before!;
      const rows: [string, string][] = [
        ['keystrokes (20 ms apart, 3 editors)', String(load.keystrokes ?? typed)],
        ['interval between keystrokes sent', String(load.interval ?? '?')],
        ['keystroke handled by the page after', String(load.handled ?? '?')],
        ['typing time (with pauses after lines)', `${load.typingSeconds ?? '?'} s`],
        ['requests sent', String(load.requests ?? '?')],
        ['answered', String(load.answered ?? '?')],
        ['aborted (connection closed)', String(load.aborted ?? '?')],
        ['requests per document', String(load.perDocument ?? '?')],
        ['max in flight per document', String(load.maxInFlight ?? '?')],
        ['extension host heap used before', `${b.heapUsedMb} MB`],
        ['extension host heap used after', `${after.heapUsedMb} MB`],
        ['extension host RSS before / after', `${b.rssMb} MB / ${after.rssMb} MB`],
        ['full GC before measuring', b.collected && after.collected ? 'yes' : 'no (gc not available)'],
        ['unhandled rejections or Kestrel errors (host log, console)', String(problems.length)],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      console.log(`\n    Load figures\n    ${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n    ')}\n`);
      assert.deepEqual(problems, [], 'no unhandled promise rejection or Kestrel error in the extension host log or the console');
      assert.ok(after.heapUsedMb < 2 * b.heapUsedMb + 50, `heap ${b.heapUsedMb} MB before, ${after.heapUsedMb} MB after`);
    },
  },
];

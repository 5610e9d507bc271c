// The ghost-text rules (docs/ghost-text-rules.md) end to end: for model answers that break the
// asked-for format, the file on disk after Tab and Ctrl+S is exactly what a careful programmer would
// have typed. One check per failure class the unit corpus replays (test/support/fidelity.ts), here in
// a real editor, where VS Code's own auto-closing, indentation and replace ranges take part too.
import * as assert from 'node:assert/strict';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check, CheckContext } from './run';

const OPEN = '<fill>';
const HOLE = '{{HOLE}}';

function userText(request: LoggedRequest): string {
  return String(request.body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '');
}

/** The document's workspace path and language as the prompt names them (`File: a.py (python)`). */
function promptFile(request: LoggedRequest): { path: string; languageId: string } | undefined {
  const match = /^File: (.+) \(([^()]+)\)$/m.exec(userText(request));
  return match ? { path: match[1], languageId: match[2] } : undefined;
}

/** The cursor line up to the cursor. */
function cursorLine(request: LoggedRequest): string {
  const user = userText(request);
  const before = user.slice(0, user.indexOf(HOLE));
  return before.slice(before.lastIndexOf('\n') + 1);
}

/** The code after `<fill>` in the assistant prefill, when the request carries one. */
function prefillOf(request: LoggedRequest): string | undefined {
  const messages = request.body?.messages ?? [];
  const last = messages[messages.length - 1];
  return last?.role === 'assistant' && String(last.content).startsWith(OPEN) ? String(last.content).slice(OPEN.length) : undefined;
}

/**
 * What a model writes for `answer` in reply to `request`. Prefilled (the cursor line, or the line
 * before a blank one, without trailing whitespace), it continues that turn: first the whitespace
 * the prefill dropped, then the code; as the corpus's `prefill` style does (test/support/fidelity.ts).
 */
function continuing(request: LoggedRequest, answer: string): string {
  const prefill = prefillOf(request);
  if (prefill === undefined) return answer;
  const user = userText(request);
  const before = user.slice(user.indexOf('<file>\n') + '<file>\n'.length, user.indexOf(HOLE));
  const code = before.trimEnd();
  if (!code.endsWith(prefill)) throw new Error(`the prefill ${JSON.stringify(prefill)} is not the code before the cursor`);
  return before.slice(code.length) + answer;
}

/** Class 2: the code that finishes `const doubled = `. */
const DOUBLED = 'values.map((v) => v * 2);';

/** One scripted situation: the file, the cursor line that gets an answer, and what the model says. */
interface Case {
  path: string;
  languageId: string;
  /** The cursor line (up to the cursor) of the request that gets `answer`; others get nothing. */
  line: string;
  /** The answer as the model writes it at the cursor (`continuing` turns it into a prefill's continuation). */
  answer: string;
  /** A chat-style answer that ignores the prefilled turn and starts afresh. */
  ignoresPrefill?: boolean;
}

const CASES: Record<'prose' | 'prefill' | 'block' | 'nextLine' | 'closers', Case> = {
  // A chat model that ignores the format (and its prefilled turn): a sentence, then a fence.
  prose: { path: 'scratch/add.ts', languageId: 'typescript', line: '  ', answer: 'Here is the completion you asked for:\n\n```ts\nreturn a + b;\n```', ignoresPrefill: true },
  // A model continuing its prefilled turn (the cursor line without its trailing space): it writes the
  // space again, the code, then closes a fence it imagines and explains itself.
  prefill: { path: 'scratch/doubled.ts', languageId: 'typescript', line: 'const doubled = ', answer: `${DOUBLED}\n\`\`\`\n\nThis completes the code above.` },
  // A block that must end: the answer runs on past the body into the next top-level statement.
  block: { path: 'scratch/total.py', languageId: 'python', line: '    ', answer: 'for item in items:\n        result += item\n    return result\n\nprint(total([3]))' },
  // A finished line, and an answer that starts on the next one.
  nextLine: { path: 'config.yaml', languageId: 'yaml', line: '  password: pass', answer: '\n  db: main' },
  // VS Code auto-closed the `)`; the answer writes it itself, and goes on for several lines.
  closers: { path: 'scratch/hello.ts', languageId: 'typescript', line: 'function hello(', answer: 'name: string) {\n  console.log(name);\n}' },
};

const caseFor = (request: LoggedRequest): Case | undefined => {
  const file = promptFile(request);
  return Object.values(CASES).find((c) => c.path === file?.path && c.line === cursorLine(request));
};

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 300, tokensPerSecond: 60 },
  // Any other request (a keystroke on the way to the trigger) gets an empty answer: no ghost text.
  respond: (request): FakeReply => {
    const c = caseFor(request);
    return { text: !c ? '' : c.ignoresPrefill ? c.answer : continuing(request, c.answer) };
  },
};

// A model id that accepts an assistant prefill (unlike inline.check.ts's claude-haiku-4-6), so the
// prefill check sees the request shape a real prefilled model gets. Word suggestions are off so Tab
// accepts the ghost text and nothing else. Auto save is off (VS Code for the Web saves after a
// delay by default), so what is on disk is what Ctrl+S wrote, and the tab's dirty mark means unsaved.
export const settings = {
  'kestrel.model': 'qwen2.5-coder:7b',
  'files.autoSave': 'off',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statusText = async (ctx: CheckContext, id: string) => (await ctx.page.locator(`[id="${id}"]`).first().innerText().catch(() => '')).trim();

/** The active editor shows the file in `languageLabel` mode (the status bar's language picker). */
async function expectLanguage(ctx: CheckContext, languageLabel: string): Promise<void> {
  await until(`language mode ${languageLabel}`, async () => ((await statusText(ctx, 'status.editor.mode')) === languageLabel ? true : undefined)).catch(async () => {
    assert.fail(`the status bar shows language ${JSON.stringify(await statusText(ctx, 'status.editor.mode'))}, not ${languageLabel}`);
  });
}

/** The cursor is where the check put it (`Ln 2, Col 3`), so the trigger asks at the right place. */
async function expectCursor(ctx: CheckContext, line: number, column: number): Promise<void> {
  const wanted = `Ln ${line}, Col ${column}`;
  await until(wanted, async () => ((await statusText(ctx, 'status.editor.selection')) === wanted ? true : undefined), 5_000).catch(async () => {
    assert.fail(`the cursor is at ${JSON.stringify(await statusText(ctx, 'status.editor.selection'))}, not ${wanted}`);
  });
}

const activeTab = (ctx: CheckContext) => ctx.page.locator('.tabs-container .tab.active').first();
const isDirty = async (ctx: CheckContext) => /\bdirty\b/.test((await activeTab(ctx).getAttribute('class')) ?? '');

/**
 * Waits for the ghost text, screenshots it, accepts it with Tab, saves, and compares the file on disk
 * with `expected`. The request that answered is returned for further checks.
 */
async function acceptAndCompare(ctx: CheckContext, c: Case, expected: string, shot: string): Promise<LoggedRequest> {
  // Not waitForGhost: a suggestion that starts with a line break draws an empty inline part first.
  await until('ghost text', async () => ((await ctx.ghostText()).trim() ? true : undefined), 15_000);
  await ctx.page.waitForTimeout(300);
  await ctx.screenshot(shot);
  // For the failure message only: inline part and extra lines, in DOM order.
  const ghost = await ctx.ghostText();
  // Kestrel closes the stream once the part it shows is complete, so this request may count as aborted.
  const answered = ctx.server.completions.filter((r) => caseFor(r) === c).pop();
  assert.ok(answered, 'the ghost text comes from the scripted answer');
  // The language VS Code gave the file is the one Kestrel told the model.
  assert.equal(promptFile(answered)?.languageId, c.languageId);

  const cursorBefore = await statusText(ctx, 'status.editor.selection');
  await ctx.press('Tab');
  await until('the ghost text to be accepted', async () => ((await ctx.ghostText()).trim() === '' ? true : undefined), 3_000);
  // Accepting moves the cursor to the end of the inserted text (a dismissed ghost would not).
  await until('the cursor to move past the accepted text', async () => ((await statusText(ctx, 'status.editor.selection')) !== cursorBefore ? true : undefined), 3_000);
  assert.ok(await isDirty(ctx), 'the document has unsaved changes before Ctrl+S');
  await ctx.press('Control+S');
  await until('the save', async () => (!(await isDirty(ctx)) ? true : undefined), 5_000);
  const onDisk = ctx.readWorkspaceFile(c.path);
  const said = c.ignoresPrefill ? c.answer : continuing(answered, c.answer);
  const report = [`got:      ${JSON.stringify(onDisk)}`, `expected: ${JSON.stringify(expected)}`, `ghost:    ${JSON.stringify(ghost)}`, `prefill:  ${JSON.stringify(prefillOf(answered))}`, `answer:   ${JSON.stringify(said)}`];
  assert.equal(onDisk, expected, `the file after Tab + save\n  ${report.join('\n  ')}`);
  return answered;
}

/** Writes and opens `text`, puts the cursor at the end of line `line` (1-based), and asks for a suggestion. */
async function askAtEndOfLine(ctx: CheckContext, path: string, text: string, language: string, line: number, column: number): Promise<void> {
  ctx.writeWorkspaceFile(path, text);
  await ctx.openFile(path);
  await expectLanguage(ctx, language);
  await ctx.press('Control+Home');
  for (let i = 1; i < line; i++) await ctx.press('ArrowDown');
  await ctx.press('End');
  await expectCursor(ctx, line, column);
  // Nothing was typed, so ask explicitly, as a person would from the palette.
  await ctx.runCommand('Kestrel: Trigger Suggestion');
}

export const checks: Check[] = [
  {
    name: 'prose and a fence around the answer: only the code lands, on the blank line in the body',
    async run(ctx) {
      const c = CASES.prose;
      await askAtEndOfLine(ctx, c.path, 'export function add(a: number, b: number): number {\n  \n}\n', 'TypeScript', 2, 3);
      await acceptAndCompare(ctx, c, 'export function add(a: number, b: number): number {\n  return a + b;\n}\n', 'prose-fenced');
    },
  },
  {
    name: 'a prefilled answer that closes a fence and adds a sentence: only the rest of the line lands',
    async run(ctx) {
      const c = CASES.prefill;
      ctx.writeWorkspaceFile(c.path, 'const values = [1, 2, 3];\n');
      await ctx.openFile(c.path);
      await ctx.press('Control+End');
      await ctx.type(c.line);
      const answered = await acceptAndCompare(ctx, c, `const values = [1, 2, 3];\nconst doubled = ${DOUBLED}`, 'prefill-fence-sentence');
      // The request that answered was prefilled: the cursor line without its trailing whitespace.
      assert.equal(prefillOf(answered), c.line.trimEnd(), 'the answered request carried the prefill');
    },
  },
  {
    name: 'a block answer that runs past the body stops where the body ends (Python)',
    async run(ctx) {
      const c = CASES.block;
      const after = '\n\nprint(total([1, 2]))\n';
      await askAtEndOfLine(ctx, c.path, `def total(items):\n    result = 0\n    ${after}`, 'Python', 3, 5);
      await acceptAndCompare(ctx, c, `def total(items):\n    result = 0\n    for item in items:\n        result += item\n    return result${after}`, 'block-end');
    },
  },
  {
    name: 'a next-line answer on a finished YAML line lands on a new line, not joined to the value',
    async run(ctx) {
      const c = CASES.nextLine;
      ctx.writeWorkspaceFile(c.path, 'database:\n  user: admin\n  password: pa');
      await ctx.openFile(c.path);
      await expectLanguage(ctx, 'YAML');
      await ctx.press('Control+End');
      // Finishing the value is what asks for the suggestion.
      await ctx.type('ss');
      await acceptAndCompare(ctx, c, 'database:\n  user: admin\n  password: pass\n  db: main', 'next-line');
    },
  },
  {
    name: 'the auto-closed bracket is written once by a multi-line answer that closes it itself',
    async run(ctx) {
      const c = CASES.closers;
      ctx.writeWorkspaceFile(c.path, '');
      await ctx.openFile(c.path);
      await ctx.type(c.line);
      // VS Code closed the bracket: the suggestion must replace it, not leave it after the `}`.
      assert.match((await ctx.page.locator('.monaco-editor .view-line').first().innerText()).replace(/\u00a0/g, ' '), /^function hello\(\)$/);
      await acceptAndCompare(ctx, c, 'function hello(name: string) {\n  console.log(name);\n}', 'closers');
    },
  },
];

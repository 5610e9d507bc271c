// The scripted tool-using model (test/support/toolModel.ts) through the real tool loop
// (src/core/chat/toolLoop.ts) and client, against the fake server: it searches, reads around the hit,
// and answers citing the lines it read; without tools it says it could not look. The executor here
// (test/support/memoryTools.ts) reads sample-workspace/ with plain fs, in the result shapes of
// src/vscode/chatTools.ts.
import * as assert from 'node:assert/strict';
import { createChatClient, type Client } from '../../../src/core/client/client';
import type { ChatRequest } from '../../../src/core/client/types';
import { runToolLoop, ToolSupport, type ToolLoopResult } from '../../../src/core/chat/toolLoop';
import { TOOL_SPECS, type ParsedCall } from '../../../src/core/chat/tools';
import { startFakeServer, type FakeServer, type Flavour } from '../../support/fake-server';
import { memoryTools, sampleWorkspace as workspace } from '../../support/memoryTools';
import { toolModel } from '../../support/toolModel';

const MODEL: Record<Flavour, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-3-5-haiku-20241022', openai: 'qwen2.5-coder:7b' };

/** The sample workspace with only its files that call nothing of cart.ts outside the tests. */
function noCallers(overrides: Record<string, string | null> = {}): Map<string, string> {
  const files = workspace();
  for (const [p, text] of files) if (p.startsWith('src/') && p !== 'src/cart.ts' && /applyDiscount\(/.test(text)) files.delete(p);
  for (const [p, text] of Object.entries(overrides)) {
    if (text === null) files.delete(p);
    else files.set(p, text);
  }
  return files;
}

/** The lines that call `name` (not its definition or an import), as `path:line` and the line trimmed. */
function callersOf(files: Map<string, string>, name: string): { at: string; text: string }[] {
  const out: { at: string; text: string }[] = [];
  for (const p of [...files.keys()].sort()) {
    files
      .get(p)!
      .split('\n')
      .forEach((l, i) => {
        if (l.includes(`${name}(`) && !/\bfunction\s/.test(l) && !/^\s*import\b/.test(l)) out.push({ at: `${p}:${i + 1}`, text: l.trim() });
      });
  }
  return out;
}

describe('scripted tool model on the sample workspace', function () {
  this.timeout(15000);
  let server: FakeServer;
  let client: Client;
  const start = async (flavour: Flavour, model = toolModel()) => {
    server = await startFakeServer({ flavour, respond: model, ...(flavour === 'openai' ? { localTools: 'split' as const } : {}) });
    client = createChatClient({ baseUrl: server.url, apiKey: 'sk-test', maxRetries: 0 });
  };
  afterEach(async () => {
    await client?.dispose();
    await server?.close();
  });

  const ask = async (question: string, options: { flavour?: Flavour; maxSteps?: number; files?: Map<string, string>; ran?: ParsedCall[] } = {}): Promise<ToolLoopResult & { streamed: string }> => {
    const flavour = options.flavour ?? server.flavour;
    const request: ChatRequest = { model: MODEL[flavour], messages: [{ role: 'system', content: 'You are Kestrel, a coding assistant in VS Code.' }, { role: 'user', content: question }], maxTokens: 4096, temperature: 0.3 };
    let streamed = '';
    const result = await runToolLoop({ client, request, tools: TOOL_SPECS, executor: memoryTools(options.files ?? workspace(), options.ran), maxSteps: options.maxSteps ?? 6, provider: flavour, support: new ToolSupport(), signal: new AbortController().signal, onDelta: (d) => (streamed += d) });
    return { ...result, streamed };
  };

  for (const flavour of ['openrouter', 'aimlapi', 'anthropic', 'openai'] as Flavour[]) {
    it(`${flavour}: "Where is \`applyDiscount\` called?" on the sample workspace takes 3 steps (search, read, answer); the answer cites what the tools returned`, async () => {
      await start(flavour);
      const files = workspace();
      const callers = callersOf(files, 'applyDiscount');
      const ran: ParsedCall[] = [];
      const result = await ask('Where is `applyDiscount` called?', { flavour, ran, files });
      assert.equal(result.steps, 3);
      assert.equal(server.completions.length, 3);
      assert.deepEqual(server.completions.map((r) => r.body.tool_choice), ['auto', 'auto', 'auto']);
      assert.deepEqual(ran[0], { tool: 'search_text', query: 'applyDiscount' });
      assert.equal(ran[1].tool, 'read_file');
      assert.equal(result.finishReason, 'stop');
      const answer = result.text;
      assert.match(answer, /^I'll search the workspace for `applyDiscount`\./);
      assert.match(answer, /src\/cart\.ts:11/);
      assert.ok(answer.includes('export function applyDiscount(total: number, percent: number): number {'), answer);
      if (callers.length) {
        // Every caller the search found is cited with its line, and the first one's file was read around it.
        for (const c of callers) assert.ok(answer.includes(`\`${c.at}\` — \`${c.text}\``), `${c.at} not cited:\n${answer}`);
        assert.equal((ran[1] as { path: string }).path, callers[0].at.split(':')[0]);
      } else {
        assert.match(answer, /`tests\/cart\.test\.ts` has no match for `applyDiscount`/);
      }
      assert.ok(answer.length > 300 && answer.length < 2500, `answer of ${answer.length} characters`);
      assert.equal(result.streamed, answer);
    });
  }

  it('no caller in the workspace: it reads the definition and lists the tests in parallel, and says no test calls it', async () => {
    await start('anthropic');
    const ran: ParsedCall[] = [];
    const result = await ask('Where is `applyDiscount` called?', { ran, files: noCallers() });
    assert.equal(result.steps, 3);
    assert.deepEqual(ran, [
      { tool: 'search_text', query: 'applyDiscount' },
      { tool: 'read_file', path: 'src/cart.ts', startLine: 8, endLine: 16 },
      { tool: 'list_files', glob: '**/*test*' },
    ]);
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Searched for `applyDiscount`: 1 match in 1 file', 'Read src/cart.ts 8–16', 'Listed `**/*test*`: 1 file'],
    );
    // The second turn called two tools at once; each got its tool message.
    const last = server.completions[2].body.messages;
    assert.equal(last.filter((m: { role: string }) => m.role === 'tool').length, 3);
    assert.equal(last.filter((m: { tool_calls?: unknown[] }) => m.tool_calls?.length === 2).length, 1);
    assert.match(result.text, /I found no call to `applyDiscount` in the workspace: the search matched only its definition\./);
    assert.ok(result.text.includes('11: export function applyDiscount(total: number, percent: number): number {'), 'quotes the lines read, numbered');
    assert.match(result.text, /No test calls it either: `tests\/cart\.test\.ts` has no match for `applyDiscount`/);
  });

  it('the answer follows the workspace: a caller added to the test file is found, read and quoted', async () => {
    await start('anthropic');
    const files = noCallers({ 'tests/cart.test.ts': `${workspace().get('tests/cart.test.ts')}\ndescribe('applyDiscount', () => {\n  it('takes 10% off', () => {\n    assert.equal(applyDiscount(50, 10), 45);\n  });\n});\n` });
    const ran: ParsedCall[] = [];
    const result = await ask('Where is `applyDiscount` called?', { files, ran });
    assert.equal(result.steps, 3);
    assert.deepEqual(ran[1], { tool: 'read_file', path: 'tests/cart.test.ts', startLine: 9, endLine: 17 });
    assert.equal(ran.length, 2, 'a use was found: no test listing');
    assert.match(result.text, /`applyDiscount` is used in 1 file:/);
    assert.ok(result.text.includes('- `tests/cart.test.ts:12` — `assert.equal(applyDiscount(50, 10), 45);`'), result.text);
    assert.ok(result.text.includes('It is defined at `src/cart.ts:11`'));
    assert.doesNotMatch(result.text, /No test calls it/);
  });

  it('a question about a name used elsewhere: `subtotal` is read where the test calls it', async () => {
    await start('openrouter');
    const result = await ask('Where is `subtotal` called?');
    assert.equal(result.steps, 3);
    assert.ok(result.text.includes('`tests/cart.test.ts:6` — `assert.equal(subtotal([{ name: \'tea\', price: 2, quantity: 3 }]), 6);`'), result.text);
    assert.ok(result.text.includes('`tests/cart.test.ts:2` imports it'));
    assert.ok(result.text.includes('It is defined at `src/cart.ts:7`'));
  });

  it('two things named: two searches in parallel in the first turn', async () => {
    await start('aimlapi');
    const ran: ParsedCall[] = [];
    const result = await ask('How do `subtotal` and `median` work?', { ran });
    assert.deepEqual(ran.slice(0, 2), [
      { tool: 'search_text', query: 'subtotal' },
      { tool: 'search_text', query: 'median' },
    ]);
    assert.equal(server.completions[0].body.tools.length, TOOL_SPECS.length);
    const firstAnswer = server.completions[1].body.messages.find((m: { role: string; tool_calls?: unknown[] }) => m.role === 'assistant');
    assert.equal(firstAnswer.tool_calls.length, 2);
    assert.ok(result.text.includes('py/stats.py:6'), result.text);
    assert.ok(result.text.includes('src/cart.ts:7'));
    assert.ok(result.steps <= 4);
  });

  it('a file name: listed, read, and its functions named with their lines', async () => {
    await start('openrouter');
    const ran: ParsedCall[] = [];
    const result = await ask('What is in stats.py?', { ran });
    assert.deepEqual(ran[0], { tool: 'list_files', glob: '**/stats.py' });
    assert.deepEqual(ran[1], { tool: 'read_file', path: 'py/stats.py', startLine: 1, endLine: 40 });
    assert.equal(result.steps, 3);
    assert.match(result.text, /py\/stats\.py defines `mean` \(line 1\), `median` \(line 6\)\./);
    assert.ok(result.text.includes('```python\n1: def mean(values):'));
  });

  it('with maxSteps 1 no tools are sent and it answers without looking, saying so', async () => {
    await start('openrouter');
    const result = await ask('Where is `applyDiscount` called?', { maxSteps: 1 });
    assert.equal(result.steps, 1);
    assert.equal(server.completions.length, 1);
    assert.equal(server.completions[0].body.tools, undefined);
    assert.deepEqual(result.calls, []);
    assert.match(result.text, /^I can't see the workspace/);
    assert.match(result.text, /`applyDiscount` is likely a function/);
    assert.ok(result.text.length > 200, `answer of ${result.text.length} characters`);
  });

  it("tool_choice none: it answers from the attached code, and says it could not look", async () => {
    await start('anthropic');
    const code = workspace().get('src/cart.ts')!;
    const result = await client.complete({ model: MODEL.anthropic, messages: [{ role: 'user', content: `Where is \`applyDiscount\` called?\n\n\`\`\`ts\n${code}\`\`\`` }], tools: [...TOOL_SPECS], toolChoice: 'none' });
    assert.equal(result.toolCalls, undefined);
    assert.match(result.text, /^I can't look anything up in the workspace/);
    assert.ok(result.text.includes('`export function applyDiscount(total: number, percent: number): number {`, its definition'), result.text);
  });

  it('stops looking by itself after at most 3 lookup turns, even with steps to spare', async () => {
    await start('openrouter', toolModel({ maxLookups: 3 }));
    // A name that matches nowhere: a search, nothing to read, then the answer.
    const none = await ask('Where is `checkoutTotal` called?', { maxSteps: 10 });
    assert.equal(none.steps, 2);
    assert.match(none.text, /I found no match for `checkoutTotal` in the workspace/);
    server.reset();
    const two = await ask('Where are `subtotal` and `formatPrice` used, and what is in README.md?', { maxSteps: 10 });
    assert.ok(two.steps <= 4, `steps ${two.steps}`);
    const lookupTurns = server.completions.map((r) => r.body.messages.filter((m: { tool_calls?: unknown }) => m.tool_calls).length);
    assert.ok(Math.max(...lookupTurns) <= 3, `lookup turns ${lookupTurns}`);
    assert.match(two.text, /README\.md/);
  });
});

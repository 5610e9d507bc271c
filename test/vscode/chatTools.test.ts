// The chat's tool loop in the real extension host (src/vscode/chatView.ts, src/core/chat/toolLoop.ts),
// against the fake server in each flavour (test/support/flavours.ts): the scripted tool-using model
// (test/support/toolModel.ts) looks things up with the real workspace tools and answers citing them;
// arguments split into one-character pieces, two calls in one turn, and bad calls (malformed JSON, an
// unknown tool, a missing field) that become error results the model reads while the chat goes on.
// Then, once: an endless-loop model stopped at kestrel.chat.maxToolSteps, tools refused by the model
// (answered without them, and not sent again), kestrel.chat.tools off, and Stop during a loop.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeServer, FakeServerOptions, Flavour, LoggedRequest } from '../support/fake-server';
import { toolModel } from '../support/toolModel';
import { resetSettings, sleep, useFakeServer, waitFor } from './helpers';

interface ToolTurn {
  role: string;
  content: string;
  error?: string;
  calls?: string[];
  details?: string[];
  steps?: number;
  note?: string;
  usage?: { promptTokens: number; completionTokens: number; costUsd?: number };
}
interface State {
  turns: ToolTurn[];
  busy: boolean;
}
const state = () => vscode.commands.executeCommand<State>('kestrel._test.chatState');
const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.chat.model', 'kestrel.chat.tools', 'kestrel.chat.maxToolSteps'];
const MODEL: Record<Flavour, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-haiku-4-5', openai: 'qwen2.5-coder:7b' };

/** Asks in a new session and returns the answer's turn once it is done. */
async function ask(prompt: string): Promise<ToolTurn> {
  await vscode.commands.executeCommand('kestrel.chat.send', { prompt, newSession: true });
  const s = await waitFor(async () => ((await state()).busy ? undefined : state()), 'the answer', 20_000);
  return s.turns.at(-1)!;
}

type Message = { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string };
const messagesOf = (request: LoggedRequest) => request.body.messages as Message[];
/** The tool messages of a request, in order. */
const toolMessages = (request: LoggedRequest) => messagesOf(request).filter((m) => m.role === 'tool');

async function serve(flavour: Flavour, options: FakeServerOptions = {}, settings: Record<string, unknown> = {}): Promise<FakeServer> {
  const server = await useFakeServer({ flavour, ...(flavour === 'openai' ? { localTools: 'split' as const } : {}), ...options }, { 'kestrel.model': MODEL[flavour], 'kestrel.chat.tools': true, 'kestrel.chat.maxToolSteps': 6, ...settings });
  // The settings reach the extension a moment later.
  await sleep(150);
  return server;
}

describe('Chat tool loop', function () {
  this.timeout(60_000);
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  after(async () => {
    await resetSettings(SETTINGS);
  });

  for (const flavour of ['openrouter', 'aimlapi', 'anthropic', 'openai'] as Flavour[]) {
    describe(`${flavour} flavour`, () => {
      it('a model that looks things up: search, read, then an answer citing the workspace lines', async () => {
        server = await serve(flavour, { respond: toolModel() });
        const turn = await ask('Where is `applyDiscount` called?');
        assert.equal(turn.error, undefined);
        assert.equal(server.completions.length, 3);
        assert.equal(turn.steps, 3);
        assert.match(turn.calls?.[0] ?? '', /^Searched for `applyDiscount`/);
        assert.match(turn.calls?.[1] ?? '', /^Read /);
        // The real tools answered: the search found the definition in the sample workspace.
        assert.match(toolMessages(server.completions[1])[0].content ?? '', /src\/cart\.ts:11: export function applyDiscount\(/);
        assert.match(turn.content, /src\/cart\.ts:11/);
        assert.ok(turn.content.includes('export function applyDiscount(total: number, percent: number): number {'), turn.content);
        for (const r of server.completions) assert.equal(r.body.tools.length, 7);
      });

      it('arguments split into one-character pieces arrive whole: the file is read at the lines asked', async () => {
        server = await serve(flavour);
        server.script({ text: 'Let me look.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/cart.ts', startLine: 11, endLine: 16 } }], argumentPiece: 1 }, { text: 'It throws a RangeError outside 0–100.' });
        const turn = await ask('What does applyDiscount check?');
        assert.equal(turn.error, undefined);
        assert.deepEqual(turn.calls?.length, 1);
        assert.match(turn.calls![0], /^Read src\/cart\.ts 11–16/);
        const result = toolMessages(server.completions[1]);
        assert.equal(result.length, 1);
        assert.match(result[0].content ?? '', /11: export function applyDiscount[\s\S]*13:\s+throw new RangeError/);
        // The assistant turn went back with the text it said first and the call, arguments exact.
        const assistant = messagesOf(server.completions[1]).find((m) => m.tool_calls)!;
        assert.equal(assistant.content, 'Let me look.');
        assert.equal(assistant.tool_calls![0].function.arguments, '{"path":"src/cart.ts","startLine":11,"endLine":16}');
        assert.equal(result[0].tool_call_id, assistant.tool_calls![0].id);
        assert.match(turn.content, /Let me look\.[\s\S]*It throws a RangeError/);
      });

      it('two calls in one turn: both run, each answered by its own tool message', async () => {
        server = await serve(flavour);
        server.script({ toolCalls: [{ name: 'search_text', arguments: { query: 'subtotal' } }, { name: 'list_files', arguments: { glob: '**/*.py' } }] }, { text: 'Both looked up.' });
        const turn = await ask('Find subtotal and the Python files');
        assert.equal(turn.error, undefined);
        assert.equal(turn.calls?.length, 2);
        assert.match(turn.calls![0], /^Searched for `subtotal`/);
        assert.match(turn.calls![1], /^Listed `\*\*\/\*\.py`/);
        const assistant = messagesOf(server.completions[1]).find((m) => m.tool_calls)!;
        const results = toolMessages(server.completions[1]);
        assert.deepEqual(
          results.map((r) => r.tool_call_id),
          assistant.tool_calls!.map((c) => c.id),
        );
        assert.match(results[0].content ?? '', /tests\/cart\.test\.ts:6/);
        assert.match(results[1].content ?? '', /py\/stats\.py/);
        assert.equal(turn.content, 'Both looked up.');
      });

      it('bad calls (malformed JSON, an unknown tool, a missing field) become errors the model reads; the chat goes on', async () => {
        server = await serve(flavour);
        server.script(
          {
            toolCalls: [
              { name: 'search_text', arguments: '{"query": "applyDisc' },
              { name: 'run_shell', arguments: { command: 'rm -rf /' } },
              { name: 'read_file', arguments: { startLine: 1 } },
            ],
          },
          { text: 'I could not look that up.' },
        );
        const turn = await ask('Where is applyDiscount?');
        assert.equal(turn.error, undefined);
        assert.equal(turn.content, 'I could not look that up.');
        assert.equal(turn.calls?.length, 3);
        const results = toolMessages(server.completions[1]).map((m) => m.content ?? '');
        assert.match(results[0], /^Error: .*not valid JSON/);
        assert.match(results[1], /^Error: There is no tool named "run_shell"/);
        assert.match(results[2], /^Error: read_file needs `path`/);
        // The broken arguments went back as {} (a relay to Anthropic needs an object), the others as sent.
        const echoed = messagesOf(server.completions[1]).find((m) => m.tool_calls)!.tool_calls!.map((c) => c.function.arguments);
        assert.equal(echoed[0], '{}');
        assert.notEqual(echoed[1], '{}');
      });
    });
  }

  it('an endless-loop model is stopped at kestrel.chat.maxToolSteps: the last request asks for words, and the answer says why it stopped', async () => {
    let n = 0;
    server = await serve('openrouter', { respond: () => ({ toolCalls: [{ name: 'search_text', arguments: { query: `applyDiscount ${++n}` } }] }) }, { 'kestrel.chat.maxToolSteps': 3 });
    const turn = await ask('Loop forever');
    assert.equal(server.completions.length, 3);
    assert.deepEqual(
      server.completions.map((r) => r.body.tool_choice),
      ['auto', 'auto', 'none'],
    );
    assert.equal(turn.steps, 3);
    assert.equal(turn.calls?.length, 2);
    assert.match(turn.note ?? '', /Stopped after 3 steps/);
    assert.equal(turn.error, undefined);
  });

  it('tools refused by the model (OpenRouter 404): answered without tools, and the next question sends none', async () => {
    server = await serve('openrouter', { noToolModels: ['anthropic/claude-3-haiku'] }, { 'kestrel.model': 'anthropic/claude-3-haiku' });
    const turn = await ask('Where is `applyDiscount` called?');
    assert.equal(turn.error, undefined);
    assert.equal(server.completions.length, 2);
    assert.ok(server.completions[0].body.tools);
    assert.equal(server.completions[1].body.tools, undefined);
    assert.match(turn.content, /^echo: /);
    assert.match(turn.note ?? '', /does not take tools/);
    await ask('And `subtotal`?');
    assert.equal(server.completions.length, 3);
    assert.equal(server.completions[2].body.tools, undefined, 'remembered: no tools sent');
    assert.equal(server.completions[2].body.tool_choice, undefined);
  });

  it("tools refused by a local server (Ollama's 400): answered without tools", async () => {
    server = await serve('openai', { localTools: 'refuse' }, { 'kestrel.model': 'llama3.2:3b' });
    const turn = await ask('Where is `subtotal` called?');
    assert.equal(turn.error, undefined);
    assert.equal(server.completions.length, 2);
    assert.equal(server.completions[1].body.tools, undefined);
    assert.match(turn.note ?? '', /does not take tools/);
  });

  it('kestrel.chat.tools off: no tools in the request', async () => {
    server = await serve('anthropic', { respond: toolModel() }, { 'kestrel.chat.tools': false });
    const turn = await ask('Where is `applyDiscount` called?');
    assert.equal(server.completions.length, 1);
    assert.equal(server.completions[0].body.tools, undefined);
    assert.equal(server.completions[0].body.tool_choice, undefined);
    assert.equal(turn.calls, undefined);
    assert.match(turn.content, /^I can't see the workspace/);
  });

  it('Stop during a loop: the request streaming is aborted and no further request goes out', async () => {
    server = await serve('aimlapi');
    server.script({ toolCalls: [{ name: 'search_text', arguments: { query: 'subtotal' } }] }, { text: 'word '.repeat(400), tokensPerSecond: 40 }, { text: 'must never be asked' });
    const sending = vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'Tell me about subtotal at length', newSession: true });
    await waitFor(async () => {
      const s = await state();
      return (s.busy && server!.completions.length === 2 && s.turns.at(-1)!.content.length > 10) || undefined;
    }, 'the second step streaming', 15_000);
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'stop' });
    await sending;
    await waitFor(() => server!.completions[1].aborted || undefined, 'the server to see the abort');
    await sleep(500);
    assert.equal(server.completions.length, 2);
    const turn = (await state()).turns.at(-1)!;
    assert.equal(turn.error, 'Stopped.');
    assert.match(turn.calls?.[0] ?? '', /^Searched for `subtotal`/);
    // The first step was answered: its tokens show under the stopped answer.
    assert.ok((turn.usage?.promptTokens ?? 0) > 0, `the first step's usage: ${JSON.stringify(turn.usage)}`);
  });
});

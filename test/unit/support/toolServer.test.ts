// The fake server's tool calls (test/support/fake-server.ts, test/support/flavours.ts), driven by the
// real client (src/core/client/client.ts): arguments split anywhere come back whole, parallel calls
// keep their own ids, each flavour's finish reason reads `tool_calls`, the checks every server makes
// on tool messages answer 400, and each flavour's refusal of tools reads as one
// (refusesTools in src/core/chat/toolLoop.ts).
import * as assert from 'node:assert/strict';
import { createChatClient, type Client } from '../../../src/core/client/client';
import { KestrelError } from '../../../src/core/client/errors';
import type { ChatMessage, ChatRequest, ToolSpec } from '../../../src/core/client/types';
import { refusesTools, runToolLoop, ToolSupport } from '../../../src/core/chat/toolLoop';
import { TOOL_SPECS } from '../../../src/core/chat/tools';
import { startFakeServer, type FakeServer, type FakeServerOptions, type Flavour, type LoggedRequest } from '../../support/fake-server';

const MODEL: Record<Flavour, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-3-5-haiku-20241022', openai: 'llama3.2:3b' };
const FLAVOURS: Flavour[] = ['openrouter', 'aimlapi', 'anthropic', 'openai'];
/** Tool calls stream from the `openai` flavour only when it plays a server that reads tools. */
const streaming = (flavour: Flavour): FakeServerOptions => ({ flavour, ...(flavour === 'openai' ? { localTools: 'split' as const } : {}) });

const ask = (flavour: Flavour, messages: ChatMessage[] = [{ role: 'user', content: 'Where is `applyDiscount` called?' }], tools: ToolSpec[] = [...TOOL_SPECS]): ChatRequest => ({ model: MODEL[flavour], messages, tools, toolChoice: 'auto' });

/** The `data:` payloads of a raw streamed answer. */
async function rawChunks(server: FakeServer, body: unknown): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}

describe('fake server: tool calls', function () {
  this.timeout(15000);
  let server: FakeServer;
  const clients: Client[] = [];
  const client = () => {
    const c = createChatClient({ baseUrl: server.url, apiKey: 'sk-test', maxRetries: 0 });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server?.close();
  });

  for (const flavour of FLAVOURS) {
    it(`${flavour}: arguments split inside strings and escapes come back exactly, finish reason tool_calls`, async () => {
      server = await startFakeServer(streaming(flavour));
      const args = '{"query": "say \\"hi\\"\\n to café 🦅", "include": "src/**/*.ts"}';
      JSON.parse(args);
      server.script({ toolCalls: [{ name: 'search_text', arguments: args }], argumentPiece: 3 });
      const stream = client().stream(ask(flavour));
      const deltas: string[] = [];
      for await (const d of stream) deltas.push(d);
      const result = await stream.result;
      assert.deepEqual(deltas, []);
      assert.equal(result.finishReason, 'tool_calls');
      assert.equal(result.toolCalls?.length, 1);
      assert.equal(result.toolCalls![0].name, 'search_text');
      assert.equal(result.toolCalls![0].arguments, args);
      // AI/ML API sends empty call ids: the client names the call by its index.
      assert.match(result.toolCalls![0].id, flavour === 'openrouter' || flavour === 'anthropic' ? /^toolu_01[A-Za-z0-9]{22}$/ : flavour === 'aimlapi' ? /^call_0$/ : /^call_[A-Za-z0-9]{24}$/);
      // Completion tokens count the arguments: 64 characters in 3-character pieces is far more than 0 text pieces.
      assert.ok(result.usage && result.usage.completionTokens >= Math.ceil(args.length / 4), `completion tokens ${result.usage?.completionTokens}`);
      const body = server.completions[0].body;
      assert.equal(body.tool_choice, 'auto');
      assert.equal(body.tools.length, TOOL_SPECS.length);
      assert.deepEqual(body.tools[0], { type: 'function', function: { name: TOOL_SPECS[0].name, description: TOOL_SPECS[0].description, parameters: TOOL_SPECS[0].parameters } });
    });

    it(`${flavour}: text first, then two parallel calls with their own index and id; the answer to both is accepted`, async () => {
      server = await startFakeServer(streaming(flavour));
      server.script({ text: 'Let me look.', toolCalls: [{ name: 'search_text', arguments: { query: 'applyDiscount' } }, { name: 'read_file', arguments: { path: 'src/cart.ts', startLine: 1, endLine: 20 } }] });
      const c = client();
      const stream = c.stream(ask(flavour));
      let text = '';
      for await (const d of stream) text += d;
      const result = await stream.result;
      assert.equal(text, 'Let me look.');
      assert.equal(result.finishReason, 'tool_calls');
      assert.deepEqual(
        result.toolCalls?.map((t) => [t.name, JSON.parse(t.arguments)]),
        [
          ['search_text', { query: 'applyDiscount' }],
          ['read_file', { path: 'src/cart.ts', startLine: 1, endLine: 20 }],
        ],
      );
      const [a, b] = result.toolCalls!;
      assert.notEqual(a.id, b.id);
      // The client sends the turn back with one tool message per call, in any order: the server answers.
      const messages: ChatMessage[] = [...ask(flavour).messages, { role: 'assistant', content: result.text, toolCalls: result.toolCalls }, { role: 'tool', toolCallId: b.id, content: '1: export interface Item {' }, { role: 'tool', toolCallId: a.id, content: 'src/cart.ts:11: export function applyDiscount(' }];
      const next = await c.complete(ask(flavour, messages));
      assert.equal(next.finishReason, 'stop');
      assert.match(next.text, /^echo: /);
      const sent = server.completions[1].body.messages;
      assert.equal(sent[1].content, 'Let me look.');
      assert.equal(sent[1].tool_calls.length, 2);
    });

    it(`${flavour}: a tool message answering no call, or a call left unanswered, is a 400`, async () => {
      server = await startFakeServer(streaming(flavour));
      const call = { id: 'call_a', name: 'search_text', arguments: '{"query":"x"}' };
      const user: ChatMessage = { role: 'user', content: 'Where?' };
      const cases: [ChatMessage[], RegExp][] = [
        [[user, { role: 'assistant', content: '', toolCalls: [call] }, { role: 'tool', toolCallId: 'call_other', content: 'r' }], /messages with role 'tool' must be a response to a preceeding message with 'tool_calls'/],
        [[user, { role: 'tool', toolCallId: 'call_a', content: 'r' }], /messages with role 'tool' must be a response to a preceeding message with 'tool_calls'/],
        [[user, { role: 'assistant', content: '', toolCalls: [call, { ...call, id: 'call_b' }] }, { role: 'tool', toolCallId: 'call_a', content: 'r' }, { role: 'user', content: 'and?' }], /An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.*call_b/],
        [[user, { role: 'assistant', content: '', toolCalls: [call] }], /must be followed by tool messages/],
      ];
      for (const [messages, message] of cases) {
        const error = await client()
          .complete(ask(flavour, messages))
          .then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof KestrelError, `no error for ${JSON.stringify(messages)}`);
        assert.equal(error.status, 400);
        assert.equal(error.kind, 'bad-request');
        assert.match(error.providerMessage ?? '', message);
      }
      assert.equal(server.completions.length, cases.length);
    });

    it(`${flavour}: malformed tools entries and tool_choice are a 400`, async () => {
      server = await startFakeServer(streaming(flavour));
      const bodies: unknown[] = [
        { tools: [{ type: 'function', function: { name: 'read file', parameters: {} } }] },
        { tools: [{ type: 'retrieval', function: { name: 'read_file' } }] },
        { tools: [{ type: 'function' }] },
        { tools: { read_file: {} } },
        { tools: [{ type: 'function', function: { name: 'read_file', parameters: 'path' } }] },
        { tool_choice: 'auto' },
        { tools: [{ type: 'function', function: { name: 'read_file' } }], tool_choice: 'sometimes' },
      ];
      for (const extra of bodies) {
        const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL[flavour], messages: [{ role: 'user', content: 'hi' }], stream: false, ...(extra as object) }) });
        assert.equal(res.status, 400, JSON.stringify(extra));
        await res.text();
      }
    });

    it(`${flavour}: a request without stream gets the calls whole in message.tool_calls`, async () => {
      server = await startFakeServer(streaming(flavour));
      server.script({ toolCalls: [{ id: 'call_fixed', name: 'list_files', arguments: { glob: '**/*.test.ts' } }] });
      const result = await client().complete(ask(flavour));
      assert.equal(result.finishReason, 'tool_calls');
      assert.deepEqual(result.toolCalls, [{ id: 'call_fixed', name: 'list_files', arguments: '{"glob":"**/*.test.ts"}' }]);
    });
  }

  it('openrouter: role-only first chunk, native_finish_reason tool_use, usage chunk after; first delta of a call has id and name only', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ toolCalls: [{ name: 'read_file', arguments: { path: 'src/cart.ts' } }], argumentPiece: 4 });
    const chunks = await rawChunks(server, { model: MODEL.openrouter, messages: [{ role: 'user', content: 'Read it' }], stream: true, tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }] });
    type Choice = { delta?: { role?: string; content?: string; tool_calls?: { index: number; id?: string; type?: string; function: { name?: string; arguments?: string } }[] }; finish_reason: string | null; native_finish_reason?: string | null };
    const choices = chunks.map((c) => (c.choices as Choice[])[0]);
    assert.deepEqual(choices[0].delta, { role: 'assistant', content: '' });
    const calls = choices.flatMap((c) => c?.delta?.tool_calls ?? []);
    assert.deepEqual(calls[0], { index: 0, id: calls[0].id, type: 'function', function: { name: 'read_file', arguments: '' } });
    assert.ok(calls.slice(1).every((c) => c.index === 0 && c.id === undefined && c.function.name === undefined && c.function.arguments!.length <= 4));
    assert.equal(calls.slice(1).map((c) => c.function.arguments).join(''), '{"path":"src/cart.ts"}');
    const finish = choices.find((c) => c?.finish_reason);
    assert.equal(finish?.finish_reason, 'tool_calls');
    assert.equal(finish?.native_finish_reason, 'tool_use');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok((last.usage as { completion_tokens: number }).completion_tokens > 0);
  });

  it('aimlapi: empty chunk ids and call ids, finish reason tool_use, no [DONE]', async () => {
    server = await startFakeServer({ flavour: 'aimlapi' });
    server.script({ toolCalls: [{ name: 'get_problems', arguments: {} }] });
    const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL.aimlapi, messages: [{ role: 'user', content: 'Problems?' }], stream: true, tools: [{ type: 'function', function: { name: 'get_problems' } }] }) });
    const text = await res.text();
    assert.doesNotMatch(text, /\[DONE\]/);
    const chunks = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { id: string; choices: { finish_reason: string | null }[] });
    assert.ok(chunks.slice(1).every((c) => c.id === ''));
    const opening = chunks.map((c) => (c.choices[0] as { delta?: { tool_calls?: { id?: string }[] } }).delta?.tool_calls?.[0]).find((t) => t && 'id' in t);
    assert.equal(opening?.id, '');
    assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'tool_use');
  });

  it('anthropic: tool calls or results in the messages need tools defined', async () => {
    server = await startFakeServer({ flavour: 'anthropic' });
    const call = { id: 'toolu_01abc', name: 'search_text', arguments: '{"query":"x"}' };
    const messages: ChatMessage[] = [{ role: 'user', content: 'Where?' }, { role: 'assistant', content: '', toolCalls: [call] }, { role: 'tool', toolCallId: call.id, content: 'nothing found' }];
    const error = await client()
      .complete({ model: MODEL.anthropic, messages })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KestrelError);
    assert.equal(error.status, 400);
    assert.equal(error.providerMessage, 'Requests which include `tool_use` or `tool_result` blocks must define tools.');
    const answered = await client().complete({ model: MODEL.anthropic, messages, tools: [...TOOL_SPECS], toolChoice: 'none' });
    assert.equal(answered.finishReason, 'stop');
    // The other flavours take such a conversation without tools.
    await server.close();
    server = await startFakeServer({ flavour: 'openrouter' });
    assert.equal((await client().complete({ model: MODEL.openrouter, messages })).finishReason, 'stop');
  });

  it('openrouter: a model with no tool-taking provider answers 404 "No endpoints found that support tool use"', async () => {
    server = await startFakeServer({ flavour: 'openrouter', noToolModels: ['anthropic/claude-3-haiku'] });
    const error = await client()
      .complete({ ...ask('openrouter'), model: 'anthropic/claude-3-haiku' })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KestrelError);
    assert.equal(error.status, 404);
    assert.equal(error.providerMessage, 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing');
    assert.ok(refusesTools(error));
    // Without tools the same model answers; another model takes tools.
    assert.match((await client().complete({ model: 'anthropic/claude-3-haiku', messages: [{ role: 'user', content: 'hi' }] })).text, /^echo: /);
    server.script({ toolCalls: [{ name: 'find_symbol', arguments: { query: 'Cart' } }] });
    assert.equal((await client().complete(ask('openrouter'))).toolCalls?.[0].name, 'find_symbol');
  });

  it("openai 'refuse': Ollama's 400 naming the model", async () => {
    server = await startFakeServer({ flavour: 'openai', localTools: 'refuse' });
    const error = await client()
      .complete(ask('openai'))
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KestrelError);
    assert.equal(error.status, 400);
    assert.equal(error.providerMessage, 'registry.ollama.ai/library/llama3.2:3b does not support tools');
    assert.ok(refusesTools(error));
    assert.match((await client().complete({ model: MODEL.openai, messages: [{ role: 'user', content: 'hi' }] })).text, /^echo: hi/);
  });

  it("openai 'ignore' (the default): tools are ignored and the answer is text; respond sees no tools, the log keeps them", async () => {
    const seen: LoggedRequest[] = [];
    server = await startFakeServer({
      flavour: 'openai',
      respond: (request) => {
        seen.push(request);
        return { text: `I have ${request.body.tools ? 'tools' : 'no tools'}.` };
      },
    });
    const result = await client().complete(ask('openai'));
    assert.equal(result.text, 'I have no tools.');
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.toolCalls, undefined);
    assert.equal(server.completions[0].body.tools.length, TOOL_SPECS.length);
    assert.equal(seen[0].body.tool_choice, undefined);
    // A scripted call is dropped too: a model that saw no tools calls none.
    server.script({ toolCalls: [{ name: 'read_file', arguments: { path: 'a' } }] });
    const dropped = await client().complete(ask('openai'));
    assert.equal(dropped.toolCalls, undefined);
    assert.match(dropped.text, /^echo: /);
  });

  it("openai 'whole': each call whole in one delta, with index and id, finish reason tool_calls", async () => {
    server = await startFakeServer({ flavour: 'openai', localTools: 'whole' });
    server.script({ toolCalls: [{ name: 'search_text', arguments: { query: 'subtotal' } }, { name: 'list_files', arguments: { glob: 'py/**' } }] });
    const chunks = await rawChunks(server, { model: MODEL.openai, messages: [{ role: 'user', content: 'hi' }], stream: true, tools: [{ type: 'function', function: { name: 'search_text' } }, { type: 'function', function: { name: 'list_files' } }] });
    const calls = chunks.flatMap((c) => ((c.choices as { delta?: { tool_calls?: unknown[] } }[])[0]?.delta?.tool_calls ?? []) as { index: number; id: string; function: { name: string; arguments: string } }[]);
    assert.deepEqual(
      calls.map((c) => [c.index, c.function.name, c.function.arguments, typeof c.id]),
      [
        [0, 'search_text', '{"query":"subtotal"}', 'string'],
        [1, 'list_files', '{"glob":"py/**"}', 'string'],
      ],
    );
    server.script({ toolCalls: [{ name: 'search_text', arguments: { query: 'subtotal' } }] });
    const stream = client().stream(ask('openai'));
    for await (const _ of stream) void _;
    const result = await stream.result;
    assert.equal(result.finishReason, 'tool_calls');
    assert.equal(result.toolCalls?.[0].arguments, '{"query":"subtotal"}');
  });

  for (const [mode, message] of [
    ['refuse-vllm', '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'],
    ['refuse-llamacpp', 'tools param requires --jinja flag'],
  ] as const) {
    it(`openai '${mode}': the server's refusal of tools, read as one`, async () => {
      server = await startFakeServer({ flavour: 'openai', localTools: mode });
      const error = await client()
        .complete(ask('openai'))
        .then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof KestrelError);
      assert.equal(error.providerMessage, message);
      assert.ok(refusesTools(error));
    });
  }

  it('other servers\' shapes: calls interleaved, calls without index, whole calls with object arguments, tool calls ending with stop', async () => {
    server = await startFakeServer({ flavour: 'openai', localTools: 'split' });
    const calls = [
      { name: 'search_text', arguments: { query: 'subtotal "x"' } },
      { name: 'read_file', arguments: { path: 'src/cart.ts', startLine: 3 } },
    ];
    const expected = calls.map((c) => [c.name, JSON.stringify(c.arguments)]);
    for (const shape of ['interleaved', 'no-index', 'object-arguments'] as const) {
      server.script({ toolCalls: calls, toolCallShape: shape, argumentPiece: 2 });
      const stream = client().stream(ask('openai'));
      for await (const _ of stream) void _;
      const result = await stream.result;
      assert.deepEqual(result.toolCalls?.map((c) => [c.name, c.arguments]), expected, shape);
      assert.equal(result.finishReason, 'tool_calls');
    }
    server.script({ toolCalls: calls.slice(0, 1), finishReason: 'stop' });
    const stopped = await client().complete(ask('openai'));
    assert.equal(stopped.finishReason, 'stop');
    assert.equal(stopped.toolCalls?.length, 1);
  });

  it('malformed JSON arguments are sent as scripted, and the loop answers them with an error the model reads, echoing the call with {}', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ toolCalls: [{ name: 'search_text', arguments: '{"query": "applyDisc' }] }, { text: 'Sorry, I could not search.' });
    const result = await runToolLoop({ client: client(), request: ask('openrouter'), tools: TOOL_SPECS, executor: { run: async () => assert.fail('a bad call must not run') }, maxSteps: 4, provider: 'openrouter', support: new ToolSupport(), signal: new AbortController().signal, onDelta: () => undefined });
    assert.equal(result.text, 'Sorry, I could not search.');
    assert.equal(result.steps, 2);
    const sent = server.completions[1].body.messages;
    // The broken text goes back as {} (a relay to Anthropic needs an object); the error says what was wrong.
    assert.equal(sent[1].tool_calls[0].function.arguments, '{}');
    assert.equal(sent[2].role, 'tool');
    assert.match(sent[2].content, /not valid JSON/);
  });

  it('an endless-loop model (a call every time, new arguments each time) is answered on every request and stopped by the loop at maxSteps', async () => {
    let n = 0;
    server = await startFakeServer({ flavour: 'anthropic', respond: () => ({ toolCalls: [{ name: 'search_text', arguments: { query: `applyDiscount ${++n}` } }] }) });
    const executed: string[] = [];
    const result = await runToolLoop({
      client: client(),
      request: ask('anthropic'),
      tools: TOOL_SPECS,
      executor: { run: async (call) => (executed.push(JSON.stringify(call)), { text: 'no match', outcome: '0 files' }) },
      maxSteps: 4,
      provider: 'anthropic',
      support: new ToolSupport(),
      signal: new AbortController().signal,
      onDelta: () => undefined,
    });
    assert.equal(server.completions.length, 4);
    assert.equal(result.steps, 4);
    assert.equal(executed.length, 3);
    assert.deepEqual(
      server.completions.map((r) => r.body.tool_choice),
      ['auto', 'auto', 'auto', 'none'],
    );
    assert.match(result.note ?? '', /Stopped after 4 steps/);
    // Every request of the loop was valid: each call answered by one tool message.
    assert.equal(server.completions.at(-1)!.body.messages.filter((m: { role: string }) => m.role === 'tool').length, 3);
  });
});

describe('fake server: Anthropic refuses repeated tool ids', () => {
  it('answers 400 when a tool id comes twice in the conversation, and takes the loop’s renamed ids', async () => {
    const server = await startFakeServer({ flavour: 'anthropic' });
    const client = createChatClient({ baseUrl: server.url, apiKey: 'sk-test', maxRetries: 0 });
    try {
      const turn = (id: string, query: string) => [
        { role: 'assistant' as const, content: '', toolCalls: [{ id, name: 'search_text', arguments: JSON.stringify({ query }) }] },
        { role: 'tool' as const, toolCallId: id, content: 'r' },
      ];
      const request = (a: string, b: string) => ({ model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'q' }, ...turn(a, 'x'), ...turn(b, 'y')], tools: [...TOOL_SPECS] });
      await assert.rejects(client.complete(request('call_0', 'call_0')), (e: unknown) => e instanceof KestrelError && e.status === 400 && /ids must be unique/.test(e.providerMessage ?? ''));
      const ok = await client.complete(request('call_0', 'call_0_2'));
      assert.equal(ok.finishReason, 'stop');
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});

// The tool loop against a scripted client: calls run and their results go back as tool messages,
// bad calls become errors the model reads, the step limit holds against a model that never stops,
// a refusal of tools is remembered per provider and model, Stop ends it, and usage adds up
// (src/core/chat/toolLoop.ts).
import * as assert from 'node:assert/strict';
import { refusesTools, runToolLoop, ToolSupport, type ToolExecutor, type ToolLoopOptions } from '../../../src/core/chat/toolLoop';
import { TOOL_SPECS, type ParsedCall } from '../../../src/core/chat/tools';
import { KestrelError } from '../../../src/core/client/errors';
import type { ChatClient, ChatRequest, CompletionResult, ToolCall, Usage } from '../../../src/core/client/types';

/** `pieces`: the text streamed in these deltas (the text is their whole); `error` comes after the text streamed. */
type Turn = { text?: string; pieces?: string[]; calls?: ToolCall[]; usage?: Usage; error?: KestrelError; finish?: CompletionResult['finishReason'] };

/** A client that answers each request with the next scripted turn (or what `next` makes of the request), and keeps the requests. */
function scripted(turns: Turn[] | ((request: ChatRequest, n: number) => Turn)): ChatClient & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    stream(request) {
      requests.push(structuredClone(request));
      const turn = typeof turns === 'function' ? turns(request, requests.length) : turns[requests.length - 1] ?? { text: 'out of script' };
      const result: Promise<CompletionResult> = turn.error
        ? Promise.reject(turn.error)
        : Promise.resolve({ text: turn.text ?? turn.pieces?.join('') ?? '', finishReason: turn.finish ?? (turn.calls ? 'tool_calls' : 'stop'), toolCalls: turn.calls, usage: turn.usage, timing: { firstByteMs: 1, totalMs: 2 } });
      result.catch(() => {});
      return {
        result,
        async *[Symbol.asyncIterator]() {
          if (turn.text) yield turn.text;
          for (const piece of turn.pieces ?? []) yield piece;
          if (turn.error) throw turn.error;
        },
      };
    },
    complete: () => Promise.reject(new Error('not used')),
    listModels: async () => [],
    warm: async () => {},
  };
}

const ran: ParsedCall[] = [];
const executor: ToolExecutor = {
  async run(call) {
    ran.push(call);
    if (call.tool === 'read_file' && call.path === '.env') return { text: 'Error: .env is excluded; its content was not read.', outcome: 'refused: excluded', error: true };
    if (call.tool === 'search_text') return { text: `src/cart.ts:11: export function ${call.query}()`, outcome: '1 match in 1 file' };
    if (call.tool === 'read_file') return { text: `${call.path}, lines 1–2:\n1: a\n2: b`, outcome: 'lines 1–2' };
    if (call.tool === 'list_files') throw new Error('disk on fire');
    return { text: 'nothing', outcome: 'none' };
  },
};

const call = (id: string, name: string, args: unknown): ToolCall => ({ id, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });

function options(client: ChatClient, extra: Partial<ToolLoopOptions> = {}): ToolLoopOptions {
  return {
    client,
    request: { model: 'm', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'Where is applyDiscount called?' }] },
    tools: TOOL_SPECS,
    executor,
    maxSteps: 6,
    provider: 'openrouter',
    support: new ToolSupport(),
    signal: new AbortController().signal,
    onDelta: () => {},
    ...extra,
  };
}

describe('the tool loop', () => {
  beforeEach(() => (ran.length = 0));

  it('runs the calls, sends each result back as a tool message after the assistant turn, and returns the answer', async () => {
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'applyDiscount' }), call('b', 'read_file', { path: 'src/cart.ts' })] }, { text: 'It is called in checkout.' }]);
    const deltas: string[] = [];
    const events: string[] = [];
    const result = await runToolLoop(options(client, { onDelta: (d) => deltas.push(d), onCall: (e) => events.push('title' in e ? `start ${e.title}` : `end ${e.summary.label}`) }));
    assert.equal(result.text, 'It is called in checkout.');
    assert.equal(result.steps, 2);
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Searched for `applyDiscount`: 1 match in 1 file', 'Read src/cart.ts: lines 1–2'],
    );
    assert.deepEqual(events, ['start Searched for `applyDiscount`', 'end Searched for `applyDiscount`: 1 match in 1 file', 'start Read src/cart.ts', 'end Read src/cart.ts: lines 1–2']);
    const second = client.requests[1].messages;
    assert.deepEqual(second.slice(2), [
      { role: 'assistant', content: '', toolCalls: [call('a', 'search_text', { query: 'applyDiscount' }), call('b', 'read_file', { path: 'src/cart.ts' })] },
      { role: 'tool', toolCallId: 'a', content: 'src/cart.ts:11: export function applyDiscount()' },
      { role: 'tool', toolCallId: 'b', content: 'src/cart.ts, lines 1–2:\n1: a\n2: b' },
    ]);
    assert.deepEqual(client.requests.map((r) => [r.tools?.length, r.toolChoice]), [
      [TOOL_SPECS.length, 'auto'],
      [TOOL_SPECS.length, 'auto'],
    ]);
    assert.deepEqual(deltas, ['It is called in checkout.']);
    assert.equal(client.requests[0].messages.length, 2, 'the caller’s messages are not changed');
  });

  it('answers in one request when the model calls nothing, or when the server ignores tools', async () => {
    const client = scripted([{ text: 'Plain answer.' }]);
    const result = await runToolLoop(options(client));
    assert.deepEqual([result.text, result.steps, result.calls, result.note], ['Plain answer.', 1, [], undefined]);
  });

  it('keeps the text said before the calls, apart from the answer', async () => {
    const deltas: string[] = [];
    const result = await runToolLoop(options(scripted([{ text: 'Let me look.', calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'Found it.' }]), { onDelta: (d) => deltas.push(d) }));
    assert.equal(result.text, 'Let me look.\n\nFound it.');
    assert.equal(deltas.join(''), result.text);
  });

  it('sends a bad call back as an error the model reads, and goes on: bad JSON, an unknown tool, a missing field, a tool that throws', async () => {
    const client = scripted([
      { calls: [call('a', 'read_file', '{"path": "src/ca'), call('b', 'delete_file', { path: 'x' }), call('c', 'search_text', {}), call('d', 'list_files', { glob: '*' })] },
      { text: 'Sorry, I could not look.' },
    ]);
    const result = await runToolLoop(options(client));
    const tools = client.requests[1].messages.filter((m) => m.role === 'tool');
    assert.deepEqual(
      tools.map((m) => m.toolCallId),
      ['a', 'b', 'c', 'd'],
    );
    assert.match(tools[0].content, /^Error: The arguments of read_file were not valid JSON/);
    assert.match(tools[1].content, /^Error: There is no tool named "delete_file"/);
    assert.match(tools[2].content, /^Error: search_text needs `query`/);
    assert.match(tools[3].content, /^Error: the tool failed: disk on fire/);
    assert.deepEqual(
      result.calls.map((c) => [c.label, c.error]),
      [
        ['Called read_file: bad arguments', true],
        ['Called delete_file: bad arguments', true],
        ['Called search_text: bad arguments', true],
        ['Listed `*`: failed', true],
      ],
    );
    assert.deepEqual(ran, [{ tool: 'list_files', glob: '*' }], 'only the well-formed call ran');
    assert.equal(result.text, 'Sorry, I could not look.');
  });

  it('stops a model that calls tools forever at maxSteps requests, the last asking for words', async () => {
    let n = 0;
    const client = scripted(() => ({ calls: [call(`c${++n}`, 'search_text', { query: `q${n}` })] }));
    const result = await runToolLoop(options(client, { maxSteps: 4 }));
    assert.equal(client.requests.length, 4);
    assert.deepEqual(
      client.requests.map((r) => r.toolChoice),
      ['auto', 'auto', 'auto', 'none'],
    );
    assert.equal(result.steps, 4);
    assert.equal(ran.length, 3, 'the calls of the last request are not run');
    assert.match(result.note ?? '', /Stopped after 4 steps/);
    // The results before the last request tell the model it is the last.
    assert.match(client.requests[3].messages.at(-1)!.content, /last lookup for this question/);
    assert.doesNotMatch(client.requests[2].messages.at(-1)!.content, /last lookup/);
  });

  it('with maxSteps 1 sends no tools at all', async () => {
    const client = scripted([{ text: 'ok' }]);
    await runToolLoop(options(client, { maxSteps: 1 }));
    assert.equal(client.requests[0].tools, undefined);
    assert.equal(client.requests[0].toolChoice, undefined);
  });

  it('with maxSteps 2 offers tools once, then asks for the answer', async () => {
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'done' }]);
    const result = await runToolLoop(options(client, { maxSteps: 2 }));
    assert.deepEqual(
      client.requests.map((r) => r.toolChoice),
      ['auto', 'none'],
    );
    assert.equal(result.note, undefined, 'a model that answered at the last step was not stopped');
  });

  it('answers a repeated identical call with an error instead of running it again', async () => {
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { calls: [call('b', 'search_text', { query: 'x' })] }, { text: 'ok' }]);
    const result = await runToolLoop(options(client));
    assert.equal(ran.length, 1);
    assert.match(client.requests[2].messages.at(-1)!.content, /already answered/);
    assert.equal(result.calls[1].label, 'Searched for `x`: asked again');
  });

  it('a refused result (an excluded file) goes to the model as the refusal, never content', async () => {
    const client = scripted([{ calls: [call('a', 'read_file', { path: '.env' })] }, { text: 'That file is private.' }]);
    const result = await runToolLoop(options(client));
    assert.deepEqual(result.calls[0], { label: 'Read .env: refused: excluded', detail: 'Error: .env is excluded; its content was not read.', error: true });
  });

  it('clips a long result and stops giving results once the loop budget is spent', async () => {
    const big: ToolExecutor = { run: async () => ({ text: 'z'.repeat(20_000), outcome: 'big' }) };
    let n = 0;
    const client = scripted(() => (n++ < 3 ? { calls: [call(`c${n}`, 'search_text', { query: `q${n}` })] } : { text: 'done' }));
    const result = await runToolLoop(options(client, { executor: big, maxResultChars: 8_000, loopBudget: 12_000 }));
    const sent = client.requests.at(-1)!.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    assert.match(sent[0], /\[Clipped: showing 8,000 of 20,000 characters; search for something more specific/);
    assert.ok(sent[1].length < 5_000 && /Clipped/.test(sent[1]), 'the second gets what is left of the budget (at least 1,000)');
    assert.match(sent[2], /used their 12,000 characters/);
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Searched for `q1`: big (clipped)', 'Searched for `q2`: big (clipped)', 'Searched for `q3`: lookup budget used up'],
    );
  });

  it('asks again without tools when the model refuses them, and remembers it for that provider and model only', async () => {
    const support = new ToolSupport();
    const refusal = new KestrelError('model-not-found', 'No endpoints…', { status: 404, providerMessage: 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing' });
    const client = scripted([{ error: refusal }, { text: 'Answered without tools.' }, { text: 'Second question.' }]);
    const first = await runToolLoop(options(client, { support }));
    assert.equal(first.text, 'Answered without tools.');
    assert.match(first.note ?? '', /does not take tools/);
    assert.equal(client.requests[1].tools, undefined);
    await runToolLoop(options(client, { support }));
    assert.equal(client.requests[2].tools, undefined, 'remembered: the next question sends no tools');
    assert.equal(support.allows('openrouter', 'm'), false);
    assert.equal(support.allows('openrouter', 'other'), true);
    assert.equal(support.allows('ollama', 'm'), true);
  });

  it('does not take another error for a refusal of tools', async () => {
    const client = scripted([{ error: new KestrelError('auth', 'Invalid API key', { status: 401 }) }]);
    await assert.rejects(runToolLoop(options(client)), /Invalid API key/);
    assert.equal(client.requests.length, 1);
  });

  it('Stop ends the loop between calls and runs nothing more', async () => {
    const abort = new AbortController();
    const slow: ToolExecutor = {
      async run(c) {
        ran.push(c);
        abort.abort();
        return { text: 'r', outcome: 'ok' };
      },
    };
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' }), call('b', 'search_text', { query: 'y' })] }, { text: 'never' }]);
    await assert.rejects(runToolLoop(options(client, { executor: slow, signal: abort.signal })), (e: unknown) => e instanceof KestrelError && e.kind === 'aborted');
    assert.equal(ran.length, 1);
    assert.equal(client.requests.length, 1);
  });

  it('adds up the usage of every request, with the cost only when every answer reported one', async () => {
    const u = (p: number, c: number, cost?: number): Usage => ({ promptTokens: p, completionTokens: c, ...(cost !== undefined ? { costUsd: cost } : {}) });
    const withCost = await runToolLoop(options(scripted([{ calls: [call('a', 'search_text', { query: 'x' })], usage: u(100, 10, 0.001) }, { text: 'ok', usage: u(300, 50, 0.002) }])));
    assert.deepEqual(withCost.usage, { promptTokens: 400, completionTokens: 60, costUsd: 0.003 });
    const partly = await runToolLoop(options(scripted([{ calls: [call('a', 'search_text', { query: 'y' })], usage: u(100, 10, 0.001) }, { text: 'ok', usage: u(300, 50) }])));
    assert.deepEqual(partly.usage, { promptTokens: 400, completionTokens: 60 });
  });
});

describe('the tool loop: edges of its rules', () => {
  beforeEach(() => (ran.length = 0));
  const refusal = () => new KestrelError('bad-request', 'x', { providerMessage: 'registry.ollama.ai/library/llama3.2:3b does not support tools' });

  it('a text said before the calls that already ends in a blank line gets no second one', async () => {
    const result = await runToolLoop(options(scripted([{ text: 'Let me look.\n\n', calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'Found it.' }])));
    assert.equal(result.text, 'Let me look.\n\nFound it.');
  });

  it('streams the separator once before the next step’s text, however many deltas it comes in', async () => {
    const deltas: string[] = [];
    const result = await runToolLoop(options(scripted([{ text: 'Let me look.', calls: [call('a', 'search_text', { query: 'x' })] }, { pieces: ['Found', ' it', '.'] }]), { onDelta: (d) => deltas.push(d) }));
    assert.deepEqual(deltas, ['Let me look.', '\n\n', 'Found', ' it', '.']);
    assert.equal(result.text, 'Let me look.\n\nFound it.');
  });

  it('a last step that says nothing adds no separator to the text', async () => {
    const result = await runToolLoop(options(scripted([{ text: 'Let me look.', calls: [call('a', 'search_text', { query: 'x' })] }, { text: '' }])));
    assert.equal(result.text, 'Let me look.');
  });

  it('a model stopped at the step limit ends with finish reason stop, not tool_calls', async () => {
    let n = 0;
    const result = await runToolLoop(options(scripted(() => ({ calls: [call(`c${++n}`, 'search_text', { query: `q${n}` })] })), { maxSteps: 2 }));
    assert.equal(result.finishReason, 'stop');
    assert.match(result.note ?? '', /Stopped after 2 steps/);
  });

  it('runs no call when no tools were sent (maxSteps 1), and notes nothing', async () => {
    const client = scripted([{ text: 'From what I was given.', calls: [call('a', 'search_text', { query: 'x' })] }]);
    const result = await runToolLoop(options(client, { maxSteps: 1 }));
    assert.deepEqual([result.text, result.steps, result.calls, result.note, ran.length], ['From what I was given.', 1, [], undefined, 0]);
  });

  it('with no tools given sends none and runs no call the model makes anyway', async () => {
    const client = scripted([{ text: 'Plain.', calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'never' }]);
    const result = await runToolLoop(options(client, { tools: [] }));
    assert.equal(client.requests.length, 1);
    assert.equal(client.requests[0].tools, undefined);
    assert.deepEqual([result.text, ran.length], ['Plain.', 0]);
  });

  it('reads maxSteps as a whole number: 2.9 is 2', async () => {
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { calls: [call('b', 'search_text', { query: 'y' })] }, { text: 'never' }]);
    const result = await runToolLoop(options(client, { maxSteps: 2.9 }));
    assert.deepEqual(
      client.requests.map((r) => r.toolChoice),
      ['auto', 'none'],
    );
    assert.equal(result.steps, 2);
  });

  it('a conversation that already holds tool calls keeps the tools defined, with tool_choice none, even when none are offered', async () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [call('a', 'search_text', { query: 'x' })] },
        { role: 'tool', toolCallId: 'a', content: 'r' },
        { role: 'user', content: 'and now?' },
      ],
    };
    const client = scripted([{ text: 'ok' }, { text: 'ok' }]);
    await runToolLoop(options(client, { request, maxSteps: 1 }));
    assert.equal(client.requests[0].tools?.length, TOOL_SPECS.length);
    assert.equal(client.requests[0].toolChoice, 'none');
    // Steps to spare, but this model refused tools before: still defined, still none.
    const support = new ToolSupport();
    support.remember('openrouter', 'm');
    await runToolLoop(options(client, { request, support }));
    assert.equal(client.requests[1].tools?.length, TOOL_SPECS.length);
    assert.equal(client.requests[1].toolChoice, 'none');
  });

  it('a refusal of tools when none were sent is thrown, not asked again', async () => {
    // Refuses three times, then answers: a loop that asks again ends instead of spinning.
    const client = scripted((_, n) => (n <= 3 ? { error: refusal() } : { text: 'asked again' }));
    await assert.rejects(runToolLoop(options(client, { maxSteps: 1 })), /x/);
    assert.equal(client.requests.length, 1);
  });

  it('a refusal of tools after calls were made is thrown, and not remembered', async () => {
    const support = new ToolSupport();
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { error: refusal() }, { text: 'never' }]);
    await assert.rejects(runToolLoop(options(client, { support })));
    assert.equal(client.requests.length, 2);
    assert.equal(support.allows('openrouter', 'm'), true);
  });

  it('a refusal of tools after the answer started streaming is thrown, not asked again (its text would come twice)', async () => {
    const support = new ToolSupport();
    const client = scripted([{ text: 'Partly', error: refusal() }, { text: 'never' }]);
    await assert.rejects(runToolLoop(options(client, { support })));
    assert.equal(client.requests.length, 1);
    assert.equal(support.allows('openrouter', 'm'), true);
  });

  it('Stop while the model is answering runs none of its calls', async () => {
    const abort = new AbortController();
    const client = scripted([{ text: 'Looking.', calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'never' }]);
    await assert.rejects(runToolLoop(options(client, { signal: abort.signal, onDelta: () => abort.abort() })), (e: unknown) => e instanceof KestrelError && e.kind === 'aborted');
    assert.equal(ran.length, 0);
  });

  it('Stop during the only call sends no further request and reports no outcome for it', async () => {
    const abort = new AbortController();
    const stopping: ToolExecutor = {
      async run() {
        abort.abort();
        return { text: 'r', outcome: 'ok' };
      },
    };
    const summaries: string[] = [];
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'never' }]);
    await assert.rejects(runToolLoop(options(client, { executor: stopping, signal: abort.signal, onCall: (e) => 'summary' in e && summaries.push(e.summary.label) })), (e: unknown) => e instanceof KestrelError && e.kind === 'aborted');
    assert.equal(client.requests.length, 1);
    assert.deepEqual(summaries, []);
  });

  it('names a call without a name "a tool", and cuts a long name at 40 characters', async () => {
    const client = scripted([{ calls: [call('a', '', {}), call('b', 'x'.repeat(100), {})] }, { text: 'ok' }]);
    const result = await runToolLoop(options(client));
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Called a tool: bad arguments', `Called ${'x'.repeat(40)}: bad arguments`],
    );
  });

  it('cuts the message of a tool that throws to 500 characters', async () => {
    const throwing: ToolExecutor = { run: async () => Promise.reject(new Error('e'.repeat(5_000))) };
    const result = await runToolLoop(options(scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'ok' }]), { executor: throwing }));
    assert.equal(result.calls[0].detail.length, 500);
    assert.match(result.calls[0].detail, /^Error: the tool failed: e+$/);
  });

  it('a result that spends the budget exactly leaves none: the next call is told it is used up', async () => {
    const exact: ToolExecutor = { run: async () => ({ text: 'z'.repeat(2_000), outcome: 'ok' }) };
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' }), call('b', 'search_text', { query: 'y' })] }, { text: 'ok' }]);
    const result = await runToolLoop(options(client, { executor: exact, loopBudget: 2_000 }));
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Searched for `x`: ok', 'Searched for `y`: lookup budget used up'],
    );
  });

  it('a result with one character of budget left still runs, and gets at least 1,000 characters', async () => {
    const sized: ToolExecutor = { run: async (c) => ({ text: 'z'.repeat(c.tool === 'search_text' && c.query === 'x' ? 1_999 : 5_000), outcome: 'ok' }) };
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' }), call('b', 'search_text', { query: 'y' })] }, { text: 'ok' }]);
    const result = await runToolLoop(options(client, { executor: sized, loopBudget: 2_000 }));
    assert.equal(result.calls[1].label, 'Searched for `y`: ok (clipped)');
    assert.match(result.calls[1].detail, /^z{1000}\n\[Clipped: showing 1,000 of 5,000 characters/);
  });

  it('a call that failed or was refused may be asked again, and runs again', async () => {
    const client = scripted([{ calls: [call('a', 'read_file', { path: '.env' })] }, { calls: [call('b', 'read_file', { path: '.env' })] }, { text: 'ok' }]);
    const result = await runToolLoop(options(client));
    assert.equal(ran.length, 2);
    assert.deepEqual(
      result.calls.map((c) => c.label),
      ['Read .env: refused: excluded', 'Read .env: refused: excluded'],
    );
  });

  it('adds up cached and cache-write tokens where some answers report them, and keeps the sum across an answer without usage', async () => {
    const client = scripted([
      { calls: [call('a', 'search_text', { query: 'x' })], usage: { promptTokens: 100, completionTokens: 10, cachedTokens: 80 } },
      { calls: [call('b', 'search_text', { query: 'y' })] },
      { text: 'ok', usage: { promptTokens: 300, completionTokens: 50, cacheWriteTokens: 200 } },
    ]);
    const result = await runToolLoop(options(client));
    assert.deepEqual(result.usage, { promptTokens: 400, completionTokens: 60, cachedTokens: 80, cacheWriteTokens: 200 });
  });
});

describe('refusesTools', () => {
  const e = (kind: KestrelError['kind'], providerMessage: string) => new KestrelError(kind, 'x', { providerMessage });
  it('knows each provider’s refusal of tools', () => {
    assert.equal(refusesTools(e('model-not-found', 'No endpoints found that support tool use.')), true);
    assert.equal(refusesTools(e('bad-request', 'registry.ollama.ai/library/llama3.2:3b does not support tools')), true);
    assert.equal(refusesTools(e('bad-request', '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set')), true);
    assert.equal(refusesTools(e('server', 'tools param requires --jinja flag')), true);
    assert.equal(refusesTools(e('bad-request', 'tools are not supported for this model')), true);
    assert.equal(refusesTools(e('bad-request', 'Tool use is unsupported by this endpoint')), true);
    assert.equal(refusesTools(e('bad-request', 'tool_choice "auto" requires a tool parser to be configured')), true);
    assert.equal(refusesTools(new KestrelError('bad-request', 'llama3 does not support tools')), true, 'said in the message itself, with no provider message');
  });
  it('takes nothing else for one: another 400 about tools, an auth error, a plain error', () => {
    assert.equal(refusesTools(e('bad-request', 'messages.2: tool_use ids must be unique')), false);
    assert.equal(refusesTools(e('auth', 'does not support tools')), false);
    assert.equal(refusesTools(e('bad-request', 'max_tokens: too large')), false);
    assert.equal(refusesTools(new Error('does not support tools')), false);
  });
});

describe('the tool loop on the wire', () => {
  beforeEach(() => (ran.length = 0));

  it('gives every tool call in the conversation its own id, even when the server names them call_0 each turn (AI/ML API)', async () => {
    const client = scripted([{ calls: [call('call_0', 'search_text', { query: 'x' })] }, { calls: [call('call_0', 'search_text', { query: 'y' }), call('call_1', 'read_file', { path: 'a.ts' })] }, { text: 'ok' }]);
    await runToolLoop(options(client));
    const sent = client.requests[2].messages;
    const ids = sent.flatMap((m) => m.toolCalls?.map((c) => c.id) ?? []);
    assert.deepEqual(ids, ['call_0', 'call_0_2', 'call_1']);
    // Each result answers the id its call was sent with.
    assert.deepEqual(
      sent.filter((m) => m.role === 'tool').map((m) => m.toolCallId),
      ids,
    );
    const unique = scripted([{ calls: [call('toolu_a', 'search_text', { query: 'x' })] }, { calls: [call('toolu_b', 'search_text', { query: 'y' })] }, { text: 'ok' }]);
    await runToolLoop(options(unique));
    assert.deepEqual(
      unique.requests[2].messages.flatMap((m) => m.toolCalls?.map((c) => c.id) ?? []),
      ['toolu_a', 'toolu_b'],
      'ids already unique are kept',
    );
  });

  it('sends back arguments that are no JSON object, or longer than 4,096 characters, as {} (the error result says what was wrong)', async () => {
    const long = JSON.stringify({ query: 'x', pad: 'p'.repeat(4_096 - 22) });
    assert.equal(long.length, 4_096);
    const client = scripted([{ calls: [call('a', 'read_file', '{"path": "src/ca'), call('b', 'search_text', '["x"]'), call('c', 'search_text', long), call('d', 'search_text', `${long.slice(0, -1)}p}`), call('e', 'list_files', { glob: '*' })] }, { text: 'ok' }]);
    await runToolLoop(options(client));
    assert.deepEqual(
      client.requests[1].messages[2].toolCalls!.map((c) => c.arguments),
      ['{}', '{}', long, '{}', '{"glob":"*"}'],
    );
  });

  it('asks the last step again with tool_choice auto when the provider refuses none, as the same step', async () => {
    const refusal = new KestrelError('bad-request', 'Bad request', { status: 400, providerMessage: 'tool_choice: Input should be "auto", "any" or "tool"' });
    let n = 0;
    const client = scripted((request) => (request.toolChoice === 'none' ? { error: refusal } : n++ < 2 ? { calls: [call(`c${n}`, 'search_text', { query: `q${n}` })] } : { text: 'the answer' }));
    const result = await runToolLoop(options(client, { maxSteps: 3 }));
    assert.deepEqual(
      client.requests.map((r) => r.toolChoice),
      ['auto', 'auto', 'none', 'auto'],
    );
    assert.equal(result.text, 'the answer');
    assert.equal(result.steps, 3, 'the refused request is not counted as a step');
    // Another 400 at the last step is the question's error.
    const other = scripted((request) => (request.toolChoice === 'none' ? { error: new KestrelError('bad-request', 'x', { providerMessage: 'max_tokens: too large' }) } : { calls: [call('z', 'search_text', { query: 'z' })] }));
    await assert.rejects(runToolLoop(options(other, { maxSteps: 2 })), /x/);
    assert.equal(other.requests.length, 2);
  });

  it('a view that throws while showing a call does not stop the question', async () => {
    const client = scripted([{ calls: [call('a', 'search_text', { query: 'x' })] }, { text: 'answered' }]);
    const result = await runToolLoop(
      options(client, {
        onCall: () => {
          throw new Error('the page is gone');
        },
      }),
    );
    assert.equal(result.text, 'answered');
    assert.equal(ran.length, 1);
  });
});

describe('the tool loop: usage as it goes', () => {
  it('tells the usage so far after each answered request, so a loop stopped part-way still says what it cost', async () => {
    const seen: number[] = [];
    const abort = new AbortController();
    const client = scripted([
      { calls: [call('a', 'search_text', { query: 'x' })], usage: { promptTokens: 100, completionTokens: 10 } },
      { calls: [call('b', 'search_text', { query: 'y' })], usage: { promptTokens: 200, completionTokens: 20 } },
      { text: 'never' },
    ]);
    const stopping: ToolExecutor = {
      async run(c) {
        if (c.tool === 'search_text' && c.query === 'y') abort.abort();
        return { text: 'r', outcome: 'ok' };
      },
    };
    await assert.rejects(runToolLoop(options(client, { executor: stopping, signal: abort.signal, onUsage: (u) => seen.push(u.promptTokens) })));
    assert.deepEqual(seen, [100, 300]);
  });
});

describe('the tool loop: a cost only when every request reported one', () => {
  it('tells no cost so far once an answered request reported none, as the result does', async () => {
    const seen: (number | undefined)[] = [];
    const client = scripted([
      { calls: [call('a', 'search_text', { query: 'x' })], usage: { promptTokens: 100, completionTokens: 10, costUsd: 0.001 } },
      { calls: [call('b', 'search_text', { query: 'y' })], usage: { promptTokens: 200, completionTokens: 20 } },
      { text: 'done', usage: { promptTokens: 300, completionTokens: 30, costUsd: 0.003 } },
    ]);
    const result = await runToolLoop(options(client, { onUsage: (u) => seen.push(u.costUsd) }));
    assert.deepEqual(seen, [0.001, undefined, undefined]);
    assert.equal(result.usage?.costUsd, undefined);
  });
});

// Tool calls on the wire: deltas pieced together per index, the shapes servers really send
// (docs/providers.md, "Tool calling"), and the request body the client sends with tools and results.
import * as assert from 'node:assert/strict';
import type { Dispatcher } from 'undici';
import type { Deadlines } from '../../../src/core/clock';
import { BodyReader } from '../../../src/core/client/answer';
import { requestBody } from '../../../src/core/client/client';
import { interpretChunk, SseDecoder, type StreamEvent } from '../../../src/core/client/sse';
import { MAX_ARGUMENT_CHARS, MAX_CALLS_PER_TURN, ToolCallAccumulator, toolCallDeltas } from '../../../src/core/client/toolCalls';

function accumulate(deltas: Parameters<ToolCallAccumulator['add']>[0][]): ReturnType<ToolCallAccumulator['calls']> {
  const acc = new ToolCallAccumulator();
  for (const d of deltas) acc.add(d);
  return acc.calls();
}

describe('tool call deltas', () => {
  it('pieces one call together from arguments split anywhere, keeping the first id and name', () => {
    const args = '{"path": "src/cart.ts", "startLine": 1}';
    const pieces = [args.slice(0, 3), args.slice(3, 11), args.slice(11, 12), args.slice(12)];
    const calls = accumulate([{ index: 0, id: 'toolu_1', name: 'read_file', arguments: '' }, ...pieces.map((p) => ({ index: 0, arguments: p }))]);
    assert.deepEqual(calls, [{ id: 'toolu_1', name: 'read_file', arguments: args }]);
  });

  it('keeps parallel calls apart by index, in index order even when they interleave', () => {
    const calls = accumulate([
      { index: 1, id: 'b', name: 'search_text', arguments: '{"query"' },
      { index: 0, id: 'a', name: 'read_file', arguments: '{"path":' },
      { index: 1, arguments: ': "x"}' },
      { index: 0, arguments: ' "a.ts"}' },
    ]);
    assert.deepEqual(calls, [
      { id: 'a', name: 'read_file', arguments: '{"path": "a.ts"}' },
      { id: 'b', name: 'search_text', arguments: '{"query": "x"}' },
    ]);
  });

  it('without an index, a new id opens the next call and the rest continue the last one', () => {
    const calls = accumulate([{ id: 'x1', name: 'read_file', arguments: '{"pa' }, { arguments: 'th":"a"}' }, { id: 'x2', name: 'list_files', arguments: '{"glob":"*"}' }]);
    assert.deepEqual(
      calls.map((c) => [c.id, c.name, c.arguments]),
      [
        ['x1', 'read_file', '{"path":"a"}'],
        ['x2', 'list_files', '{"glob":"*"}'],
      ],
    );
    // The same id again is the same call, not a new one.
    assert.equal(accumulate([{ id: 'x1', name: 'a', arguments: '{' }, { id: 'x1', arguments: '}' }]).length, 1);
  });

  it('names a call without an id (AI/ML API sends empty ids) after its index', () => {
    assert.deepEqual(accumulate([{ index: 2, id: '', name: 'get_problems', arguments: '{}' }]), [{ id: 'call_2', name: 'get_problems', arguments: '{}' }]);
  });

  it('takes a name sent again in a later delta once, not twice', () => {
    assert.equal(accumulate([{ index: 0, id: 'a', name: 'read_file' }, { index: 0, name: 'read_file', arguments: '{}' }])[0].name, 'read_file');
  });

  it('cuts arguments longer than the cap and marks the call', () => {
    const calls = accumulate([{ index: 0, id: 'a', name: 'read_file', arguments: 'x'.repeat(MAX_ARGUMENT_CHARS - 1) }, { index: 0, arguments: 'yy' }, { index: 0, arguments: 'zz' }]);
    assert.equal(calls[0].arguments.length, MAX_ARGUMENT_CHARS);
    assert.equal(calls[0].cut, true);
    assert.equal(accumulate([{ index: 0, id: 'a', name: 'r', arguments: 'x'.repeat(MAX_ARGUMENT_CHARS) }])[0].cut, undefined, 'exactly the cap is whole');
  });

  it('marks a call cut when one delta goes a single character past the cap', () => {
    const calls = accumulate([{ index: 0, id: 'a', name: 'read_file', arguments: 'x'.repeat(MAX_ARGUMENT_CHARS + 1) }]);
    assert.equal(calls[0].arguments.length, MAX_ARGUMENT_CHARS);
    assert.equal(calls[0].cut, true);
  });

  it('keeps the first id and name even when a later delta of the same call names others', () => {
    assert.deepEqual(accumulate([{ index: 0, id: 'first', name: 'read_file', arguments: '{}' }, { index: 0, id: 'second', name: 'list_files' }]), [{ id: 'first', name: 'read_file', arguments: '{}' }]);
  });

  it('keeps a call that has a name but no arguments, and drops an entry with neither', () => {
    assert.deepEqual(accumulate([{ index: 0, id: 'a', name: 'get_problems' }]), [{ id: 'a', name: 'get_problems', arguments: '' }]);
    assert.deepEqual(accumulate([{ index: 0, id: 'a' }]), []);
  });

  it('reads a negative index as no index: the piece continues the last call', () => {
    assert.deepEqual(accumulate([{ index: 0, id: 'a', name: 'read_file', arguments: '{' }, { index: -1, arguments: '}' }]), [{ id: 'a', name: 'read_file', arguments: '{}' }]);
  });

  it('without an index, an id arriving after the call opened (which had none) names that call, not a new one', () => {
    assert.deepEqual(accumulate([{ name: 'read_file', arguments: '{' }, { id: 'late', arguments: '}' }]), [{ id: 'late', name: 'read_file', arguments: '{}' }]);
  });

  it('keeps at most MAX_CALLS_PER_TURN calls', () => {
    const deltas = Array.from({ length: MAX_CALLS_PER_TURN + 5 }, (_, i) => ({ index: i, id: `c${i}`, name: 'list_files', arguments: '{}' }));
    assert.equal(accumulate(deltas).length, MAX_CALLS_PER_TURN);
  });

  it('reads arguments sent as an object (a local server) as their JSON text, and skips junk entries', () => {
    const deltas = toolCallDeltas([null, 'x', { index: 0, id: 'o', function: { name: 'find_symbol', arguments: { query: 'Cart' } } }]);
    assert.deepEqual(deltas, [{ index: 0, id: 'o', name: 'find_symbol', arguments: '{"query":"Cart"}' }]);
    assert.deepEqual(toolCallDeltas(undefined), []);
  });

  it('gives the calls of a whole message (no index) their position as index', () => {
    const deltas = toolCallDeltas([
      { id: 'a', type: 'function', function: { name: 'read_file', arguments: '{}' } },
      { id: 'b', type: 'function', function: { name: 'list_files', arguments: '{}' } },
    ]);
    assert.deepEqual(
      deltas.map((d) => d.index),
      [0, 1],
    );
  });
});

describe('tool calls in the stream', () => {
  it('turns delta.tool_calls into toolCall events and tool_use into the tool_calls finish reason', () => {
    const events = interpretChunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'read_file', arguments: '' } }] }, finish_reason: null }] });
    assert.deepEqual(events, [{ type: 'toolCall', call: { index: 0, id: 't', name: 'read_file', arguments: '' } }]);
    assert.deepEqual(interpretChunk({ id: '', choices: [{ index: 0, finish_reason: 'tool_use' }] }), [{ type: 'finish', reason: 'tool_calls' }]);
  });

  it('reads a non-streamed answer whose message carries tool_calls', () => {
    const events = interpretChunk({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'list_files', arguments: '{"glob":"*"}' } }] }, finish_reason: 'tool_calls' }] });
    assert.deepEqual(events, [
      { type: 'toolCall', call: { index: undefined, id: 'a', name: 'list_files', arguments: '{"glob":"*"}' } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('decodes a stream of split argument deltas byte by byte to the same calls', () => {
    const lines = [
      { choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me look.' }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'search_text', arguments: '' } }] }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"query": "apply' } }] }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'Discount"}' } }] }, finish_reason: null }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    const body = new TextEncoder().encode(lines.map((l) => `data: ${JSON.stringify(l)}\n\n`).join('') + 'data: [DONE]\n\n');
    const events: StreamEvent[] = [];
    const decoder = new SseDecoder((e) => events.push(e));
    for (const byte of body) decoder.feed(new Uint8Array([byte]));
    decoder.end();
    const acc = new ToolCallAccumulator();
    for (const e of events) if (e.type === 'toolCall') acc.add(e.call);
    assert.deepEqual(acc.calls(), [{ id: 'toolu_a', name: 'search_text', arguments: '{"query": "applyDiscount"}' }]);
    assert.deepEqual(
      events.filter((e) => e.type === 'delta' || e.type === 'finish'),
      [
        { type: 'delta', text: 'Let me look.' },
        { type: 'finish', reason: 'tool_calls' },
      ],
    );
  });
});

describe('tool call pieces and the max_tokens cut-off', () => {
  /** Reads one streamed body, all in one network read, as the client does (src/core/client/answer.ts). */
  async function read(chunks: object[], maxTokens: number): Promise<BodyReader> {
    const reader = new BodyReader({
      host: 'h',
      model: 'm',
      clock: { now: () => 0 } as never,
      deadlines: { clear() {}, set() {} } as unknown as Deadlines,
      idleMs: 1_000,
      maxBytes: 10_000_000,
      maxTokens,
      abort: () => {},
      onDelta: () => {},
    });
    const body = new TextEncoder().encode(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n');
    await reader.read({ statusCode: 200, headers: { 'content-type': 'text/event-stream' }, body: [body] } as unknown as Dispatcher.ResponseData, true);
    return reader;
  }
  const piece = (args: string) => ({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] }, finish_reason: null }] });
  const opening = { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'search_text', arguments: '' } }] }, finish_reason: null }] };

  it('stops a server streaming one call forever: argument pieces count against the cut-off, and later ones are not kept', async () => {
    // max_tokens 10 allows 10 * 2 + 16 = 36 deltas; the opening delta is the first.
    const reader = await read([opening, ...Array.from({ length: 100 }, () => piece('x'))], 10);
    assert.equal(reader.finishReason, 'length');
    assert.equal(reader.toolCalls.calls()[0].arguments, 'x'.repeat(35));
  });

  it('keeps every piece of a call within the cut-off', async () => {
    const reader = await read([opening, ...Array.from({ length: 34 }, () => piece('x')), { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }], 10);
    assert.equal(reader.finishReason, 'tool_calls');
    assert.equal(reader.toolCalls.calls()[0].arguments, 'x'.repeat(34));
  });
});

describe('the request body with tools', () => {
  const spec = { name: 'read_file', description: 'Read a file.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };

  it('sends the tools in the function shape with tool_choice auto, and nothing about tools without them', () => {
    const body = requestBody({ model: 'm', messages: [{ role: 'user', content: 'q' }], tools: [spec] }, true);
    assert.deepEqual(body.tools, [{ type: 'function', function: spec }]);
    assert.equal(body.tool_choice, 'auto');
    const plain = requestBody({ model: 'm', messages: [{ role: 'user', content: 'q' }], tools: [] }, true);
    assert.equal('tools' in plain, false);
    assert.equal('tool_choice' in plain, false);
    assert.equal(requestBody({ model: 'm', messages: [], tools: [spec], toolChoice: 'none' }, true).tool_choice, 'none');
  });

  it('sends an assistant turn that called tools with content null and its calls, then one tool message per call', () => {
    const body = requestBody(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'read_file', arguments: '{"path":"x"}', cut: true }] },
          { role: 'tool', toolCallId: 'a', content: 'result' },
          { role: 'assistant', content: 'Looking.', toolCalls: [{ id: 'b', name: 'list_files', arguments: '{}' }] },
        ],
        tools: [spec],
      },
      true,
    );
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'read_file', arguments: '{"path":"x"}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'result' },
      { role: 'assistant', content: 'Looking.', tool_calls: [{ id: 'b', type: 'function', function: { name: 'list_files', arguments: '{}' } }] },
    ]);
  });

  it('sends an assistant turn with an empty list of calls as a plain message, never `tool_calls: []`', () => {
    const body = requestBody({ model: 'm', messages: [{ role: 'assistant', content: 'Hi.', toolCalls: [] }] }, true);
    assert.deepEqual(body.messages, [{ role: 'assistant', content: 'Hi.' }]);
  });

  it('never puts a cache breakpoint on a message without text', () => {
    const body = requestBody({ model: 'anthropic/x', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'r', arguments: '{}' }] }], cacheAfter: 1 }, true);
    assert.equal((body.messages as { content: unknown }[])[1].content, null);
  });
});

import * as assert from 'node:assert/strict';
import { SseDecoder, type StreamEvent } from '../../../src/core/client/sse';

// A recorded OpenRouter-style stream with every quirk the decoder must survive: comment keep-alives,
// CRLF line ends, a role-only first chunk, multi-byte and astral characters, a usage-only chunk.
const RECORDED = [
  ': OPENROUTER PROCESSING\r\n\r\n',
  'data: {"id":"gen-1","model":"anthropic/claude-3.5-haiku","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\r\n\r\n',
  'data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"const π = \\"café 🦅\\";"},"finish_reason":null}]}\n\n',
  'data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"\\nnext ✓"},"finish_reason":null}]}\n\n',
  'data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop","native_finish_reason":"end_turn"}]}\n\n',
  'data: {"id":"gen-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"cost":0.0000176,"prompt_tokens_details":{"cached_tokens":3}}}\n\n',
  'data: [DONE]\n\n',
].join('');

function decode(parts: Uint8Array[]): { text: string; events: StreamEvent[] } {
  const events: StreamEvent[] = [];
  const decoder = new SseDecoder((e) => events.push(e));
  for (const part of parts) decoder.feed(part);
  decoder.end();
  const text = events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
  return { text, events };
}

describe('SSE decoding', () => {
  const bytes = new TextEncoder().encode(RECORDED);
  const whole = decode([bytes]);

  it('reads text, finish reason and usage from a recorded stream', () => {
    assert.equal(whole.text, 'const π = "café 🦅";\nnext ✓');
    assert.deepEqual(whole.events.find((e) => e.type === 'finish'), { type: 'finish', reason: 'stop' });
    assert.deepEqual(whole.events.find((e) => e.type === 'usage'), { type: 'usage', usage: { promptTokens: 12, completionTokens: 5, cachedTokens: 3, costUsd: 0.0000176 } });
    assert.equal(whole.events.at(-1)?.type, 'done');
  });

  it('gives the same events when the stream is split at every byte boundary', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(split.events, whole.events, `split at byte ${cut}`);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const single = decode(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
    assert.deepEqual(single.events, whole.events);
  });

  it('treats the end of the stream as the end when [DONE] and the last blank line are missing (AI/ML API)', () => {
    const aiml = 'data: {"id":"x","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {"id":"","choices":[{"index":0,"finish_reason":"end_turn"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}';
    const { text, events } = decode([new TextEncoder().encode(aiml)]);
    assert.equal(text, 'Hi');
    assert.deepEqual(events.find((e) => e.type === 'finish'), { type: 'finish', reason: 'stop' });
    assert.ok(events.some((e) => e.type === 'usage'));
  });

  it('maps max_tokens to length and reports an error inside a 200 stream before reading choices', () => {
    const { events } = decode([
      new TextEncoder().encode(
        'data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"max_tokens"}]}\n\n' +
          'data: {"error":{"code":"502","message":"Provider returned error"},"choices":[{"index":0,"delta":{"content":"SHOULD NOT SHOW"},"finish_reason":"error"}]}\n\n',
      ),
    ]);
    assert.deepEqual(events.find((e) => e.type === 'finish'), { type: 'finish', reason: 'length' });
    assert.equal(events.at(-1)?.type, 'error');
    assert.ok(!events.some((e) => e.type === 'delta' && e.text.includes('SHOULD NOT SHOW')));
  });

  it('reports a malformed chunk and an `event: error` line', () => {
    const { events } = decode([new TextEncoder().encode('data: {"choices":[{"delta":{"content":\n\nevent: error\ndata: {"message":"boom"}\n\n')]);
    assert.deepEqual(events.map((e) => e.type), ['malformed', 'error']);
  });
});

// What the client's log entry tells the usage ledger: enough to count every request the provider
// may bill, a stream stopped before its usage chunk included.
import * as assert from 'node:assert/strict';
import { createChatClient, type RequestLogEntry } from '../../../src/core/client/client';
import type { KestrelError } from '../../../src/core/client/errors';
import { shippedPrice } from '../../../src/core/client/prices';
import { chargeFor, countsTowardUsage } from '../../../src/core/usage';
import { startFakeServer, type FakeServer } from '../../support/fake-server';

const MODEL = 'claude-3-5-haiku-20241022';
const PROMPT = [
  { role: 'system' as const, content: 'You complete code.' },
  { role: 'user' as const, content: 'const total = ' },
];
const PROMPT_CHARS = 'You complete code.'.length + 'const total = '.length;

describe('chat-completions client: what each request adds to usage', function () {
  this.timeout(10000);
  let server: FakeServer;
  let client: ReturnType<typeof createChatClient>;
  const logs: RequestLogEntry[] = [];
  const start = async (flavour: 'openai' | 'anthropic', tokensPerSecond = 0) => {
    server = await startFakeServer({ flavour, latency: { firstTokenMs: 0, tokensPerSecond } });
    client = createChatClient({ baseUrl: server.url, apiKey: 'sk-test', onLog: (e) => logs.push(e) });
  };
  afterEach(async () => {
    await client?.dispose();
    await server?.close();
    logs.length = 0;
  });

  it('a stream stopped part-way still counts: prompt and received characters, estimated at the model price', async () => {
    await start('anthropic', 20);
    server.script({ text: 'items.reduce((sum, item) => sum + item.price, 0);\nconsole.log(total);' });
    const stream = client.stream({ model: MODEL, messages: PROMPT });
    let text = '';
    for await (const delta of stream) {
      text += delta;
      if (text.length >= 12) break;
    }
    const result = await stream.result;
    assert.equal(result.finishReason, 'aborted');
    const entry = logs.at(-1)!;
    assert.equal(entry.usage, undefined, 'no usage chunk arrived');
    assert.equal(entry.promptChars, PROMPT_CHARS);
    assert.equal(entry.completionChars, result.text.length);
    assert.ok(entry.completionChars! >= 12);
    assert.equal(countsTowardUsage(entry), true);
    const charge = chargeFor(entry, shippedPrice(MODEL));
    assert.equal(charge.promptTokens, Math.ceil(PROMPT_CHARS / 4));
    assert.equal(charge.completionTokens, Math.ceil(entry.completionChars! / 4));
    assert.ok(charge.costUsd > 0 && charge.costEstimated);
  });

  it('a finished stream carries the usage the provider reported, and the characters it sent', async () => {
    await start('anthropic');
    server.script({ text: 'items.length;', usage: { prompt_tokens: 30, completion_tokens: 5 } });
    const result = await client.stream({ model: MODEL, messages: PROMPT }).result;
    const entry = logs.at(-1)!;
    assert.deepEqual(entry.usage, { promptTokens: 30, completionTokens: 5, cachedTokens: 0 });
    assert.equal(entry.completionChars, result.text.length);
    const charge = chargeFor(entry, shippedPrice(MODEL));
    assert.deepEqual([charge.promptTokens, charge.completionTokens, charge.estimatedTokens], [30, 5, 0]);
  });

  it('a request cancelled before any answer counts its prompt once it went out', async () => {
    await start('openai');
    server.script({ fault: 'never-answer' });
    const controller = new AbortController();
    const stream = client.stream({ model: MODEL, messages: PROMPT }, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    await assert.rejects(stream.result, (e: KestrelError) => e.kind === 'aborted');
    const entry = logs.at(-1)!;
    assert.equal(entry.status, undefined);
    assert.equal(entry.promptChars, PROMPT_CHARS);
    assert.equal(entry.completionChars, 0);
    assert.equal(countsTowardUsage(entry), true);
  });

  it('a refusal, or a request held back by a rate-limit pause, does not count', async () => {
    await start('openai');
    server.script({ status: 429, headers: { 'retry-after': '60' } });
    await assert.rejects(client.complete({ model: MODEL, messages: PROMPT }, { maxRetries: 0 }));
    assert.equal(logs.at(-1)!.status, 429);
    assert.equal(countsTowardUsage(logs.at(-1)!), false);
    await assert.rejects(client.complete({ model: MODEL, messages: PROMPT }, { maxRetries: 0 }), (e: KestrelError) => e.kind === 'rate-limited');
    assert.equal(server.completions.length, 1, 'the second request never left');
    assert.equal(logs.at(-1)!.promptChars, undefined);
    assert.equal(countsTowardUsage(logs.at(-1)!), false);
  });

  it('a model list is free', async () => {
    await start('openai');
    await client.listModels();
    assert.equal(logs.at(-1)!.method, 'GET');
    assert.equal(countsTowardUsage(logs.at(-1)!), false);
  });
});

import * as assert from 'node:assert/strict';
import { createChatClient, type ClientOptions, type RequestLogEntry } from '../../../src/core/client/client';
import { KestrelError, isPrefillRejection } from '../../../src/core/client/errors';
import { createRateLimits } from '../../../src/core/client/rateLimits';
import { startFakeServer, type FakeServer, type Flavour } from '../../support/fake-server';
import { fakeClock } from './fakeClock';

const KEY = 'sk-or-v1-test-4f1c9e2b7a5d8e3f';
const MODEL: Record<Flavour, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-3-5-haiku-20241022', openai: 'local-model' };
const ask = (flavour: Flavour, extra: Partial<{ stop: string[]; maxTokens: number }> = {}) => ({ model: MODEL[flavour], messages: [{ role: 'user' as const, content: 'Say hello' }], ...extra });

/** Waits for something the server or the network does (not for the client's clock). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 300) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets pending callbacks and I/O run, without moving the client's clock. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Whether a promise has settled yet. */
function watch(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('chat-completions client', function () {
  this.timeout(15000);
  let server: FakeServer;
  const clients: { dispose(): Promise<void> }[] = [];
  const logs: RequestLogEntry[] = [];
  const client = (options: Partial<ClientOptions> = {}) => {
    const c = createChatClient({ baseUrl: server.url, apiKey: KEY, onLog: (e) => logs.push(e), ...options });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    logs.length = 0;
    await server?.close();
  });

  for (const flavour of ['openrouter', 'aimlapi', 'anthropic', 'openai'] as Flavour[]) {
    it(`streams and completes against the ${flavour} flavour`, async () => {
      server = await startFakeServer({ flavour });
      server.script({ text: 'Hello, café 🦅 world' }, { text: 'Plain answer' });
      const c = client();
      const deltas: string[] = [];
      const stream = c.stream(ask(flavour));
      for await (const d of stream) deltas.push(d);
      const result = await stream.result;
      assert.equal(deltas.join(''), 'Hello, café 🦅 world');
      assert.ok(deltas.length > 1, 'arrives in several chunks');
      assert.equal(result.finishReason, 'stop');
      assert.ok(result.usage && result.usage.completionTokens > 0);
      if (flavour === 'openrouter') assert.ok(result.usage?.costUsd !== undefined, 'OpenRouter reports cost');
      const plain = await c.complete(ask(flavour));
      assert.equal(plain.text, 'Plain answer');
      assert.equal(plain.finishReason, 'stop');
      assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
      assert.equal(server.requests[0].body.stream, true);
      assert.equal(server.requests[1].body.stream, false);
    });
  }

  it('sends at most 4 stop sequences, none blank or whitespace-only (Anthropic rejects them)', async () => {
    server = await startFakeServer({ flavour: 'anthropic' });
    await client().complete(ask('anthropic', { stop: ['\n\n', ' ', '', '</hole>', '\n\n', 'a', 'b', 'c'] }));
    assert.deepEqual(server.requests[0].body.stop, ['</hole>', 'a', 'b', 'c']);
  });

  it('reads a "not found" web page as a wrong base URL, not a retired model', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.setRespond(() => ({ status: 404, rawBody: '<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>', contentType: 'text/html' }));
    const error = await client({ maxRetries: 0 })
      .complete(ask('openai'))
      .then(() => assert.fail('should reject'), (e: unknown) => e);
    assert.ok(error instanceof KestrelError);
    assert.equal(error.kind, 'no-base-url');
    assert.match(error.userMessage, /"not found" web page \(HTTP 404\): check "kestrel\.baseUrl"/);
    assert.doesNotMatch(error.userMessage, /retired|Select Model/);
  });

  const statuses: [number, string, RegExp][] = [
    [400, 'bad-request', /rejected the request \(400\)/],
    [401, 'auth', /Set API Key/],
    [402, 'credits', /out of credits/],
    [403, 'moderation', /violence/],
    [404, 'model-not-found', /claude-3\.5-haiku.*Select Model/],
    [408, 'timeout', /timed out/],
    [429, 'rate-limited', /rate limiting/],
    [500, 'server', /server error \(500\)/],
    [502, 'server', /server error \(502\)/],
    [503, 'overloaded', /overloaded/],
    [529, 'overloaded', /overloaded/],
  ];
  for (const [status, kind, message] of statuses) {
    it(`maps HTTP ${status} to '${kind}' with a message that never contains the key`, async () => {
      server = await startFakeServer({ flavour: 'openrouter' });
      server.setRespond(() => ({ status, errorMessage: `failure for key ${KEY}` }));
      const error = await client({ maxRetries: 0 })
        .complete(ask('openrouter'))
        .then(() => assert.fail('should reject'), (e: unknown) => e);
      assert.ok(error instanceof KestrelError);
      assert.equal(error.kind, kind);
      assert.match(error.userMessage, message);
      for (const text of [error.message, error.userMessage, error.stack ?? '', error.providerMessage ?? '', JSON.stringify(logs)]) {
        assert.ok(!text.includes(KEY), `the key leaked into: ${text}`);
      }
    });
  }

  it("reads AI/ML API's and Anthropic's own error envelopes", async () => {
    server = await startFakeServer({ flavour: 'aimlapi' });
    server.script({ status: 403, errorMessage: 'Your credit balance is too low' });
    const aiml = await client({ maxRetries: 0 }).complete(ask('aimlapi')).catch((e: KestrelError) => e);
    assert.equal((aiml as KestrelError).kind, 'credits');
    await server.close();
    server = await startFakeServer({ flavour: 'anthropic' });
    server.script({ status: 529, errorMessage: 'Overloaded' });
    const anthropic = await client({ maxRetries: 0 }).complete(ask('anthropic')).catch((e: KestrelError) => e);
    assert.equal((anthropic as KestrelError).kind, 'overloaded');
    assert.match((anthropic as KestrelError).userMessage, /Overloaded/);
  });

  it('reports an error inside a 200 stream, keeping the text that arrived', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ text: 'partial answer here', fault: 'in-stream-error' });
    const seen: string[] = [];
    const stream = client().stream(ask('openrouter'));
    const error = await (async () => {
      for await (const d of stream) seen.push(d);
    })().catch((e: unknown) => e);
    assert.ok(error instanceof KestrelError && error.kind === 'server', String(error));
    assert.ok(seen.join('').length > 0);
    await assert.rejects(stream.result, (e: KestrelError) => e.kind === 'server');
  });

  it('reports a malformed chunk, a stream cut mid-chunk, and an HTML page instead of JSON', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.script(
      { text: 'some text to stream', fault: 'malformed-chunk' },
      { text: 'some text to stream', fault: 'reset-mid-stream' },
      { rawBody: '<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi</body></html>', contentType: 'text/html', status: 200 },
    );
    const c = client({ maxRetries: 0 });
    await assert.rejects(c.stream(ask('openai')).result, (e: KestrelError) => e.kind === 'malformed');
    await assert.rejects(c.stream(ask('openai')).result, (e: KestrelError) => e.kind === 'network');
    await assert.rejects(c.stream(ask('openai')).result, (e: KestrelError) => e.kind === 'malformed' && /captive portal/.test(e.userMessage));
  });

  it('accepts a stream that ends without [DONE]', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.script({ text: 'complete text', fault: 'no-done' });
    assert.equal((await client().stream(ask('openai')).result).text, 'complete text');
  });

  it('aborting closes the connection: the server sees the client go away', async () => {
    server = await startFakeServer({ flavour: 'openrouter', latency: { firstTokenMs: 0, tokensPerSecond: 20 } });
    server.script({ text: 'a long answer that takes a while to stream out completely' });
    const controller = new AbortController();
    const stream = client().stream(ask('openrouter'), { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await assert.rejects(stream.result, (e: KestrelError) => e.kind === 'aborted');
    for (let i = 0; i < 50 && !server.requests[0].aborted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.requests[0].aborted, true);
    assert.equal(server.requests[0].completed, false);
  });

  it('breaking out of the loop closes the connection and keeps what arrived', async () => {
    server = await startFakeServer({ flavour: 'openai', latency: { firstTokenMs: 0, tokensPerSecond: 20 } });
    server.script({ text: 'first line\nsecond line that nobody needs' });
    const stream = client().stream(ask('openai'));
    let text = '';
    for await (const d of stream) {
      text += d;
      if (text.includes('\n')) break;
    }
    const result = await stream.result;
    assert.equal(result.finishReason, 'aborted');
    assert.ok(result.text.startsWith('first line'));
    for (let i = 0; i < 50 && !server.requests[0].aborted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.requests[0].aborted, true);
  });

  it('gives up on a server that never answers (first-byte timeout) and on one that stalls (idle timeout), on the injected clock', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.script({ fault: 'never-answer' }, { text: 'one two three four five', fault: 'stall-after-first' });
    const clock = fakeClock();
    const c = client({ clock, firstByteTimeoutMs: 200, idleTimeoutMs: 200, maxRetries: 0 });

    const silent = c.stream(ask('openai'));
    const silentEnd = watch(silent.result);
    await eventually(() => server.requests.length === 1, 'the request reached the server');
    clock.advance(199);
    await turns();
    assert.equal(silentEnd.settled, false, 'gave up before the first-byte timeout');
    clock.advance(1);
    await assert.rejects(silent.result, (e: KestrelError) => e.kind === 'timeout' && /sent nothing for 0\.2 s/.test(e.userMessage));

    const stalled = c.stream(ask('openai'));
    const stalledEnd = watch(stalled.result);
    const iterator = stalled[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.ok(!first.done && 'one two three four five'.startsWith(first.value), 'the first words arrived');
    clock.advance(199);
    await turns();
    assert.equal(stalledEnd.settled, false, 'gave up before the idle timeout');
    clock.advance(1);
    await assert.rejects(stalled.result, (e: KestrelError) => e.kind === 'timeout' && /stopped sending for 0\.2 s/.test(e.userMessage));

    await eventually(() => server.requests.every((r) => r.aborted), 'both connections closed');
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('a wait before a retry does not count against the first byte', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.script({ status: 503, headers: { 'retry-after': '10' } }, { text: 'after the wait' });
    const clock = fakeClock();
    const result = await client({ clock, firstByteTimeoutMs: 5_000, maxRetries: 1 }).complete(ask('openai'));
    assert.equal(result.text, 'after the wait');
    assert.deepEqual(clock.sleeps, [10_000]);
  });

  it('cuts off an endless stream at the size limit', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    server.script({ fault: 'endless' });
    await assert.rejects(client({ maxResponseBytes: 20_000 }).stream(ask('openai')).result, (e: KestrelError) => e.kind === 'too-large');
  });

  it('retries a 429 after the Retry-After the server asked for, on the injected clock', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 429, headers: { 'retry-after': '3' } }, { status: 503 }, { text: 'finally' });
    const clock = fakeClock();
    const result = await client({ clock, random: () => 0.5, maxRetries: 2 }).complete(ask('openrouter'));
    assert.equal(result.text, 'finally');
    assert.equal(server.requests.length, 3);
    assert.equal(clock.sleeps[0], 3000, 'waited what Retry-After said');
    assert.ok(clock.sleeps[1] >= 500 && clock.sleeps[1] <= 1000, `back-off with jitter, got ${clock.sleeps[1]}`);
    assert.equal(logs.at(-1)?.retries, 2);
  });

  it('fails at once when Retry-After is longer than Kestrel will wait, carrying the figure', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 429, headers: { 'retry-after': '120' } });
    const clock = fakeClock();
    const error = await client({ clock }).complete(ask('openrouter')).catch((e: KestrelError) => e);
    assert.equal((error as KestrelError).retryAfterMs, 120_000);
    assert.deepEqual(clock.sleeps, []);
    assert.equal(server.requests.length, 1);
  });

  it('a client built later for the same origin keeps the pause a 429 asked for, when they share the rate limits', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 429, headers: { 'retry-after': '3' } }, { text: 'after the pause' });
    const clock = fakeClock();
    const rateLimits = createRateLimits(clock);
    await assert.rejects(client({ clock, rateLimits, maxRetries: 0 }).complete(ask('openrouter')), (e: KestrelError) => e.kind === 'rate-limited' && e.status === 429);
    // A new key or setting builds a new client: it still knows, and sends nothing.
    const rebuilt = client({ clock, rateLimits });
    const refused = await rebuilt.stream(ask('openrouter'), { maxRetries: 0 }).result.catch((e: unknown) => e);
    assert.ok(refused instanceof KestrelError, String(refused));
    assert.equal(refused.kind, 'rate-limited');
    assert.equal(refused.status, 429);
    assert.match(refused.userMessage, /asked Kestrel to wait before the next request \(HTTP 429\); try again in 3 s\./);
    assert.equal(server.requests.length, 1, 'the provider was not contacted during the pause');
    await rebuilt.warm();
    assert.equal(server.connections, 1, 'no connection warmed during the pause');
    // A request that may wait, waits out the rest of the pause, then goes.
    assert.equal((await rebuilt.complete(ask('openrouter'))).text, 'after the pause');
    assert.deepEqual(clock.sleeps, [3_000]);
    assert.equal(server.requests.length, 2);
  });

  it('a 503 with Retry-After: the refusal during its pause is a 503 (overloaded), not a rate limit', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 503, headers: { 'retry-after': '30' } });
    const c = client({ clock: fakeClock(), maxRetries: 0 });
    await assert.rejects(c.complete(ask('openrouter')), (e: KestrelError) => e.kind === 'overloaded' && e.status === 503);
    const refused = await c.complete(ask('openrouter')).catch((e: unknown) => e);
    assert.ok(refused instanceof KestrelError, String(refused));
    assert.equal(refused.kind, 'overloaded');
    assert.equal(refused.status, 503);
    assert.match(refused.userMessage, /\(HTTP 503\); try again in 30 s\./);
    assert.equal(server.requests.length, 1);
  });

  it('a 429 without Retry-After: nothing reaches the origin for 5 s, then requests go again; a 503 without one asks for no pause', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 429 }, { text: 'after five seconds' }, { status: 503 }, { text: 'at once' });
    const clock = fakeClock();
    const c = client({ clock, maxRetries: 0 });
    await assert.rejects(c.complete(ask('openrouter')), (e: KestrelError) => e.kind === 'rate-limited');
    clock.advance(4_999);
    await assert.rejects(c.complete(ask('openrouter')), (e: KestrelError) => e.kind === 'rate-limited' && /try again in 1 s/.test(e.userMessage));
    assert.equal(server.requests.length, 1);
    clock.advance(1);
    assert.equal((await c.complete(ask('openrouter'))).text, 'after five seconds');
    await assert.rejects(c.complete(ask('openrouter')), (e: KestrelError) => e.kind === 'overloaded');
    assert.equal((await c.complete(ask('openrouter'))).text, 'at once');
    assert.equal(server.requests.length, 4);
  });

  it("a 429 without Retry-After: the client's own retries wait out the pause too", async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    server.script({ status: 429 }, { text: 'second try' });
    const clock = fakeClock();
    const result = await client({ clock, random: () => 0.5, maxRetries: 2 }).complete(ask('openrouter'));
    assert.equal(result.text, 'second try');
    assert.deepEqual(clock.sleeps, [5_000], 'one wait, the pause rather than the shorter back-off');
  });

  for (const status of [400, 401, 402, 403, 404]) {
    it(`never retries HTTP ${status}`, async () => {
      server = await startFakeServer({ flavour: 'openrouter' });
      server.setRespond(() => ({ status }));
      const clock = fakeClock();
      await assert.rejects(client({ clock, maxRetries: 3 }).complete(ask('openrouter')));
      assert.equal(server.requests.length, 1);
      assert.deepEqual(clock.sleeps, []);
    });
  }

  it('retries a refused connection, then reports it naming the host', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    const url = server.url;
    await server.close();
    const clock = fakeClock();
    const c = createChatClient({ baseUrl: url, clock, maxRetries: 1 });
    clients.push(c);
    const error = await c.complete(ask('openai')).catch((e: KestrelError) => e);
    assert.equal((error as KestrelError).kind, 'network');
    assert.match((error as KestrelError).userMessage, /127\.0\.0\.1:\d+ refused the connection/);
    assert.equal(clock.sleeps.length, 1);
    server = await startFakeServer();
  });

  it('reuses one keep-alive connection for sequential requests, and warm() opens it ahead of time', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    const c = client();
    await c.warm();
    assert.equal(server.connections, 1);
    for (let i = 0; i < 3; i++) {
      // A beat between requests, as between keystrokes: the pool frees a connection just after the body ends.
      await new Promise((r) => setTimeout(r, 20));
      await c.stream(ask('openrouter')).result;
    }
    assert.equal(server.requests.length, 4);
    assert.equal(server.connections, 1, 'one TCP connection for the warm-up and three requests');
  });

  it('logs each request with timing, status and tokens, never the key or the Authorization header', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    await client().stream(ask('openrouter')).result;
    const entry = logs[0];
    assert.equal(entry.status, 200);
    assert.equal(entry.model, 'anthropic/claude-3.5-haiku');
    assert.ok(entry.firstByteMs !== undefined && entry.totalMs !== undefined && entry.totalMs >= entry.firstByteMs);
    assert.ok(entry.completionTokens! > 0 && entry.costUsd! > 0);
    assert.ok(!JSON.stringify(logs).includes(KEY) && !/authorization|bearer/i.test(JSON.stringify(logs)));
  });

  it('sends OpenRouter attribution headers given by the preset and no Authorization without a key', async () => {
    server = await startFakeServer({ flavour: 'openai' });
    await client({ apiKey: undefined, headers: { 'X-Title': 'Kestrel' } }).complete(ask('openai'));
    assert.equal(server.requests[0].headers['x-title'], 'Kestrel');
    assert.equal(server.requests[0].headers.authorization, undefined);
  });

  it('lists models in the OpenRouter, AI/ML API and OpenAI shapes', async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    const openrouter = await client().listModels();
    const haiku = openrouter.find((m) => m.id === 'anthropic/claude-3.5-haiku');
    assert.deepEqual(haiku?.pricePerMillion, { prompt: 0.8, completion: 4 });
    assert.equal(haiku?.contextLength, 200000);
    assert.equal(openrouter.find((m) => m.id === 'anthropic/claude-3-haiku')?.expirationDate, '2026-03-01');
    await server.close();
    server = await startFakeServer({ flavour: 'aimlapi' });
    const aiml = await client().listModels();
    assert.deepEqual(aiml[0], { id: 'claude-3-5-haiku-20241022', name: 'Claude 3.5 Haiku', contextLength: 200000 });
    await server.close();
    server = await startFakeServer({ flavour: 'openai' });
    assert.deepEqual((await client().listModels()).map((m) => m.id), ['qwen2.5-coder:7b', 'llama3.2:3b']);
  });

  it('recognises a prefill rejection (Claude 4.6+) so callers can retry without one', async () => {
    server = await startFakeServer({ flavour: 'anthropic', models: [{ id: 'claude-haiku-4-6' }] });
    const error = await client({ maxRetries: 0 })
      .complete({ model: 'claude-haiku-4-6', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'const a =' }] })
      .catch((e: unknown) => e);
    assert.ok(isPrefillRejection(error));
    assert.ok(!isPrefillRejection(new KestrelError('bad-request', 'other', { status: 400, providerMessage: 'max_tokens too large' })));
  });
});

// The fault-injection suite (issue 6): every fault a provider or a network can throw, each through
// the real client against the fake server (or a real closed port, an unresolvable name, an HTTPS
// server with an untrusted certificate). For each fault: the error kind, a message the user can act
// on that never carries the key, the request closed on the server side, the text streamed before
// the error delivered to the caller, and the next request on the same client working once the
// fault is gone. Waits and timeouts run on an injected clock: a timeout is reached by moving the
// clock, never by sleeping.
import * as assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { createChatClient, type Client, type ClientOptions, type RequestLogEntry } from '../../../src/core/client/client';
import { KestrelError, type ErrorKind } from '../../../src/core/client/errors';
import { MAX_RETRY_WAIT_MS } from '../../../src/core/client/retry';
import type { ChatRequest, FinishReason } from '../../../src/core/client/types';
import { closeServer, dnsThatComesBack, freePort, makeCertificates, startConnectProxy, type Certificates, type KeyPair } from '../../support/network-faults';
import { selectProxy } from '../../../src/core/client/proxy';
import { startFakeServer, type FakeReply, type FakeServer, type Flavour } from '../../support/fake-server';
import { fakeClock, type FakeClock } from './fakeClock';

const KEY = 'sk-or-v1-fault-7d3e9a1c5b2f4e6a';
const MODELS: Record<Flavour, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-3-5-haiku-20241022', openai: 'local-model' };
const ANSWER = 'The first half of this answer arrives, then the trouble starts somewhere later on.';
const RECOVERED = 'recovered answer';
const MB = 1024 * 1024;
const DEFAULT_CAP = 8 * MB;

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODELS.openrouter, messages: [{ role: 'user', content: 'Say something long' }], ...extra });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string, ms = 3000): Promise<void> {
  for (const until = Date.now() + ms; !check(); ) {
    if (Date.now() > until) assert.fail(`never happened: ${what}`);
    await pause(10);
  }
}

/** Reads a stream as the chat does: keeps every delta, then reports how it ended. */
async function consume(stream: ReturnType<Client['stream']>, onDelta: () => void = () => {}): Promise<{ seen: string[]; error?: unknown }> {
  const seen: string[] = [];
  try {
    for await (const delta of stream) {
      seen.push(delta);
      onDelta();
    }
    return { seen };
  } catch (error) {
    return { seen, error };
  }
}

function assertNoKey(error: KestrelError, logs: RequestLogEntry[]): void {
  for (const text of [error.message, error.userMessage, error.stack ?? '', error.providerMessage ?? '', JSON.stringify(logs)]) {
    assert.ok(!text.includes(KEY), `the key leaked into: ${text.slice(0, 300)}`);
  }
}

interface FaultCase {
  name: string;
  reply: FakeReply;
  flavour?: Flavour;
  client?: Partial<ClientOptions>;
  request?: Partial<ChatRequest>;
  /** `complete()` instead of `stream()`. */
  plain?: boolean;
  /** The error kind the caller gets; absent when the fault ends the answer without an error. */
  kind?: ErrorKind;
  message?: RegExp;
  /** How a survived fault ends the answer. */
  finish?: FinishReason;
  /** Text streamed before the fault reaches the caller. */
  partial?: boolean;
  /** Requests the server sees for the faulty call (retries included). */
  attempts: number;
  /** Retry-After (ms): no request may reach the server before it expires. */
  retryAfterMs?: number;
  /** How the faulty request ended on the server. */
  closed: 'completed' | 'aborted';
  /**
   * A timeout: once the request reached the server (or its first text arrived), the client's clock
   * moves on by `ms`; a millisecond short of it, the request is still running.
   */
  timer?: { after: 'request' | 'first-text'; ms: number };
  /** Bounds on a huge answer: what the client may read, what the server may have written. */
  bounded?: { readAtMost: number; sentAtMost: number };
  /** After the suite: checks particular to the case. */
  also?: (ctx: { error?: KestrelError; seen: string[]; logs: RequestLogEntry[]; server: FakeServer; clock: FakeClock }) => void;
}

const status = (code: number, kind: ErrorKind, message: RegExp, attempts: number, extra: Partial<FaultCase> = {}): FaultCase => ({
  name: `HTTP ${code}`,
  reply: { status: code, errorMessage: `failure for key ${KEY}` },
  kind,
  message,
  attempts,
  closed: 'completed',
  ...extra,
});

const CASES: FaultCase[] = [
  status(400, 'bad-request', /rejected the request \(400\)/, 1),
  status(401, 'auth', /rejected the API key \(401\).*Kestrel: Set API Key/, 1),
  status(402, 'credits', /out of credits \(402\)/, 1),
  status(403, 'moderation', /refused the request \(403\).*flagged.*\(violence\)/, 1, { name: 'HTTP 403 moderation', reply: { status: 403, errorMessage: `Input was flagged for key ${KEY}` } }),
  status(404, 'model-not-found', /does not offer "anthropic\/claude-3\.5-haiku" \(it may be retired\).*Kestrel: Select Model/, 1, {
    name: 'HTTP 404 retired model',
    reply: { status: 404, errorMessage: 'anthropic/claude-3.5-haiku is no longer available' },
  }),
  status(408, 'timeout', /timed out generating the answer \(408\)/, 1),
  status(429, 'rate-limited', /rate limiting requests \(429\)\.$/, 3, {
    name: 'HTTP 429 without Retry-After',
    also: ({ clock }) => assert.equal(clock.sleeps.length, 2, 'backed off twice before giving up'),
  }),
  status(429, 'rate-limited', /rate limiting requests \(429\)\. It asks to wait 30 s\./, 1, {
    name: 'HTTP 429 with a long Retry-After',
    reply: { status: 429, headers: { 'retry-after': '30' }, errorMessage: `slow down ${KEY}` },
    retryAfterMs: 30_000,
    also: ({ error, clock }) => {
      assert.equal(error?.retryAfterMs, 30_000);
      assert.deepEqual(clock.sleeps, [], 'longer than Kestrel waits: fails at once');
    },
  }),
  status(429, 'rate-limited', /It asks to wait 5 s\./, 3, {
    name: 'HTTP 429 with a short Retry-After',
    reply: { status: 429, headers: { 'retry-after': '5' }, errorMessage: 'slow down' },
    retryAfterMs: 5_000,
    also: ({ clock }) => assert.deepEqual(clock.sleeps, [5000, 5000], 'waited exactly what the server asked before each retry'),
  }),
  status(500, 'server', /server error \(500\)/, 3),
  status(502, 'server', /server error \(502\)/, 3),
  status(503, 'overloaded', /overloaded \(503\)/, 3),
  status(529, 'overloaded', /overloaded \(529\)/, 3, { flavour: 'anthropic', reply: { status: 529, errorMessage: `Overloaded ${KEY}` } }),
  {
    name: 'error inside a 200 stream',
    reply: { text: ANSWER, fault: 'in-stream-error', errorMessage: `Provider returned error for ${KEY}` },
    kind: 'server',
    message: /server error \(502\).*stopped part-way/,
    partial: true,
    attempts: 1,
    closed: 'completed',
  },
  {
    name: 'malformed JSON chunk',
    // Paced, so the rest of the answer is still coming when the client gives up on it.
    reply: { text: ANSWER, fault: 'malformed-chunk', malformedData: `{"choices":[{"delta":{"content":"${KEY}`, tokensPerSecond: 20 },
    kind: 'malformed',
    message: /could not read part-way through the answer/,
    partial: true,
    attempts: 1,
    closed: 'aborted',
  },
  {
    name: 'stream ending without [DONE]',
    flavour: 'openai',
    reply: { text: ANSWER, fault: 'no-done' },
    finish: 'stop',
    attempts: 1,
    closed: 'completed',
    also: ({ seen }) => assert.equal(seen.join(''), ANSWER, 'the whole answer, nothing lost'),
  },
  {
    name: 'stream cut mid-chunk (connection reset)',
    // Paced like a real stream (unpaced, the fake's writes and the reset land in one tick and nothing is sent).
    reply: { text: ANSWER, fault: 'reset-mid-stream', tokensPerSecond: 100 },
    kind: 'network',
    message: /closed the connection part-way through the answer/,
    partial: true,
    attempts: 1,
    closed: 'aborted',
  },
  {
    name: 'accepted, never answered (first-byte timeout)',
    reply: { fault: 'never-answer' },
    client: { firstByteTimeoutMs: 200 },
    timer: { after: 'request', ms: 200 },
    kind: 'timeout',
    message: /sent nothing for 0\.2 s/,
    attempts: 1,
    closed: 'aborted',
  },
  {
    name: 'stalls halfway (idle timeout)',
    reply: { text: ANSWER, fault: 'stall-after-first' },
    client: { idleTimeoutMs: 200 },
    timer: { after: 'first-text', ms: 200 },
    kind: 'timeout',
    message: /stopped sending for 0\.2 s part-way through the answer/,
    partial: true,
    attempts: 1,
    closed: 'aborted',
  },
  {
    name: 'never-ending stream, bounded by max tokens',
    reply: { fault: 'endless', tokensPerSecond: 2000 },
    request: { maxTokens: 40 },
    finish: 'length',
    partial: true,
    attempts: 1,
    closed: 'aborted',
    also: ({ seen }) => assert.ok(seen.length >= 40 && seen.length <= 40 * 2 + 16, `cut near max tokens, got ${seen.length} deltas`),
  },
  {
    name: 'never-ending stream, bounded by the wall-clock cap',
    reply: { fault: 'endless', tokensPerSecond: 200 },
    client: { wallClockMs: 300 },
    timer: { after: 'first-text', ms: 300 },
    kind: 'timeout',
    message: /took longer than 0\.3 s and was cut off/,
    partial: true,
    attempts: 1,
    closed: 'aborted',
  },
  {
    name: 'a 50 MB streamed answer',
    reply: { responseBytes: 50 * MB },
    kind: 'too-large',
    message: /larger than 8 MB and was cut off/,
    partial: true,
    attempts: 1,
    closed: 'aborted',
    bounded: { readAtMost: DEFAULT_CAP + 256 * 1024, sentAtMost: 25 * MB },
  },
  {
    name: 'a 50 MB plain JSON answer',
    plain: true,
    reply: { responseBytes: 50 * MB },
    kind: 'too-large',
    message: /larger than 8 MB and was cut off/,
    attempts: 1,
    closed: 'aborted',
    bounded: { readAtMost: DEFAULT_CAP + 256 * 1024, sentAtMost: 25 * MB },
  },
  {
    name: 'HTML instead of JSON (captive portal)',
    reply: { status: 200, contentType: 'text/html; charset=utf-8', rawBody: `<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi ${KEY}</body></html>` },
    kind: 'malformed',
    message: /web page instead of the provider's answer \(HTTP 200\).*captive portal/,
    attempts: 1,
    closed: 'completed',
  },
  {
    name: 'HTML error page from a proxy (502)',
    reply: { status: 502, contentType: 'text/html', rawBody: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' },
    kind: 'malformed',
    message: /web page instead of the provider's answer \(HTTP 502\).*proxy/,
    attempts: 1,
    closed: 'completed',
  },
  {
    name: 'redirect to a captive portal login (302)',
    reply: { status: 302, contentType: 'application/json', rawBody: '', headers: { location: 'http://portal.example/login?token=abc' } },
    kind: 'network',
    message: /redirected the request to http:\/\/portal\.example\/login \(HTTP 302\).*captive portal/,
    attempts: 1,
    closed: 'completed',
    also: ({ error }) => assert.ok(!error?.userMessage.includes('token=abc'), 'the query of the redirect stays out of the message'),
  },
];

describe('fault injection: the chat-completions client survives every fault', function () {
  this.timeout(20_000);
  let server: FakeServer | undefined;
  let client: Client | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    // The server first: closing it ends any request a failed test left streaming, so dispose() returns.
    await server?.close();
    server = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await client?.dispose();
    client = undefined;
  });

  for (const fault of CASES) {
    it(fault.name, async () => {
      const s = (server = await startFakeServer({ flavour: fault.flavour ?? 'openrouter' }));
      const clock = fakeClock();
      const attemptsAt: number[] = [];
      s.setRespond(() => {
        attemptsAt.push(clock.now());
        return fault.reply;
      });
      const logs: RequestLogEntry[] = [];
      const c = (client = createChatClient({ baseUrl: s.url, apiKey: KEY, clock, random: () => 0.5, onLog: (e) => logs.push(e), ...fault.client }));
      const model = MODELS[s.flavour];

      // The faulty call.
      let seen: string[] = [];
      let error: unknown;
      let finish: FinishReason | undefined;
      if (fault.plain) {
        await c.complete(ask({ model, ...fault.request })).then((r) => (finish = r.finishReason), (e: unknown) => (error = e));
      } else {
        const stream = c.stream(ask({ model, ...fault.request }));
        let ended = false;
        stream.result.then(
          () => (ended = true),
          () => (ended = true),
        );
        let texts = 0;
        const reading = consume(stream, () => texts++);
        if (fault.timer) {
          const { after, ms } = fault.timer;
          await eventually(() => (after === 'request' ? s.requests.length > 0 : texts > 0), `the ${after} the timeout runs from`);
          clock.advance(ms - 1);
          for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
          assert.equal(ended, false, 'the request ended before its timeout');
          clock.advance(1);
        }
        ({ seen, error } = await reading);
        await stream.result.then(
          (r) => (finish = r.finishReason),
          (e: unknown) => assert.equal(e, error, 'the result rejects with the error the reader saw'),
        );
      }

      // What the caller got.
      if (fault.kind) {
        assert.ok(error instanceof KestrelError, `expected a KestrelError, got ${String(error)}`);
        assert.equal(error.kind, fault.kind, error.userMessage);
        assert.match(error.userMessage, fault.message ?? /./);
        assert.equal(error.message, error.userMessage);
        assertNoKey(error, logs);
        assert.equal(logs.at(-1)?.errorKind, fault.kind, 'the request log records the kind');
      } else {
        assert.equal(error, undefined, `no error expected, got ${String(error)}`);
        assert.equal(finish, fault.finish);
      }
      if (fault.partial) {
        const text = seen.join('');
        assert.ok(text.length > 0, 'the text streamed before the fault reached the caller');
        if (fault.reply.text) assert.ok(ANSWER.startsWith(text), `what arrived is a clean prefix of the answer: ${text}`);
      }

      // Nothing left running on the server side.
      assert.equal(s.requests.length, fault.attempts, 'requests the server saw');
      await eventually(() => s.requests.every((r) => r.completed || r.aborted), 'every request closed on the server');
      for (const request of s.requests) {
        if (fault.closed === 'completed') assert.ok(request.completed, 'the server finished its answer');
        else {
          assert.ok(request.aborted && !request.completed, 'the client went away before the answer ended');
          await eventually(() => request.socketClosed === true, 'the connection of the abandoned answer closed');
        }
      }
      if (fault.bounded) {
        const read = logs.at(-1)?.bytes ?? Infinity;
        assert.ok(read > DEFAULT_CAP && read <= fault.bounded.readAtMost, `read ${read} bytes`);
        const sent = s.requests[0].bytesSent ?? Infinity;
        assert.ok(sent <= fault.bounded.sentAtMost, `the server wrote ${sent} bytes: the client kept reading`);
      }
      fault.also?.({ error: error as KestrelError | undefined, seen, logs, server: s, clock });

      // Retry-After: nothing reaches the server before it expires.
      for (let i = 1; i < attemptsAt.length; i++) {
        if (fault.retryAfterMs) assert.ok(attemptsAt[i] - attemptsAt[i - 1] >= fault.retryAfterMs, 'a retry came before Retry-After expired');
      }
      const before = s.requests.length;
      s.setRespond(() => {
        attemptsAt.push(clock.now());
        return { text: RECOVERED };
      });
      if (fault.retryAfterMs) {
        const refused = await c.stream(ask({ model }), { maxRetries: 0 }).result.catch((e: unknown) => e);
        assert.ok(refused instanceof KestrelError && refused.kind === 'rate-limited', `refused without asking: ${String(refused)}`);
        assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= fault.retryAfterMs, 'says how long is left');
        assert.match(refused.userMessage, /try again in \d+ s/);
        assert.equal(s.requests.length, before, 'the provider was not contacted before Retry-After expired');
      }

      // The next request on the same client works (after the wait the provider asked for; one
      // longer than Kestrel waits passes on the clock).
      if (fault.retryAfterMs && fault.retryAfterMs > MAX_RETRY_WAIT_MS) clock.advance(fault.retryAfterMs);
      const next = await c.stream(ask({ model })).result;
      assert.equal(next.text, RECOVERED);
      if (fault.retryAfterMs) assert.ok(attemptsAt.at(-1)! - attemptsAt[attemptsAt.length - 2] >= fault.retryAfterMs, 'the next request waited for Retry-After');

      // And once the client is gone, no connection stays open.
      await c.dispose();
      client = undefined;
      await eventually(() => s.openSockets === 0, 'no open sockets after dispose');
    });
  }

  it('a 429 with Retry-After stops a concurrent request too, and a plain call waits it out', async () => {
    const s = (server = await startFakeServer({ flavour: 'openrouter' }));
    const clock = fakeClock();
    s.script({ status: 429, headers: { 'retry-after': '60' } });
    const c = (client = createChatClient({ baseUrl: s.url, apiKey: KEY, clock }));
    await assert.rejects(c.complete(ask()), (e: KestrelError) => e.kind === 'rate-limited' && e.retryAfterMs === 60_000);
    clock.advance(45_000);
    // 15 s left, within what Kestrel waits: a call that allows retries waits, then goes out.
    const result = await c.complete(ask());
    assert.match(result.text, /^echo/);
    assert.deepEqual(clock.sleeps, [15_000]);
    assert.equal(s.requests.length, 2);
  });

  it('DNS failure (a name under .invalid), then the network comes back', async () => {
    const s = (server = await startFakeServer({ flavour: 'openai' }));
    // Real resolution fails for the reserved .invalid name; "the network coming back" answers it locally.
    const { agent, heal } = dnsThatComesBack();
    cleanups.push(() => agent.close().catch(() => {}));
    const port = new URL(s.url).port;
    await networkFault({
      baseUrl: `http://kestrel-fault-test.invalid:${port}/v1`,
      dispatcher: agent,
      kind: 'network',
      message: /Could not find kestrel-fault-test\.invalid:\d+ \(DNS lookup failed\)\. Check the network or "kestrel\.baseUrl"/,
      heal,
      server: s,
    });
  });

  it('connection refused (a closed port), then the server starts', async () => {
    const port = await freePort();
    await networkFault({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      kind: 'network',
      message: new RegExp(`127\\.0\\.0\\.1:${port} refused the connection\\. Is the server running\\?`),
      heal: async () => {
        server = await startFakeServer({ flavour: 'openai', port });
      },
    });
  });

  describe('TLS failure with a self-signed certificate', () => {
    let certs: Certificates | undefined;
    before(function () {
      certs = makeCertificates();
      if (!certs) this.skip(); // No openssl on this machine.
    });

    it('is reported with the certificate advice, then a trusted certificate works on the same client', async () => {
      const tls = await startHttpsServer(certs!.selfSigned);
      cleanups.push(() => tls.close());
      // Trusts the test CA only; the server first presents a self-signed certificate, then (the
      // proxy fixed, say) one the CA signed.
      const agent = new Agent({ connect: { ca: certs!.ca } });
      cleanups.push(() => agent.close().catch(() => {}));
      await networkFault({
        baseUrl: `${tls.url}/v1`,
        dispatcher: agent,
        kind: 'tls',
        message: /certificate.*not trusted.*"http\.proxyStrictSSL": false/,
        heal: () => tls.server.setSecureContext(certs!.signed),
        sockets: () => tls.sockets.size,
      });
      assert.ok(tls.requests >= 1, 'the recovered request reached the server');
    });

    it("the client's own transport reports it the same way, and http.proxyStrictSSL off does not relax a direct connection", async () => {
      const tls = await startHttpsServer(certs!.selfSigned);
      cleanups.push(() => tls.close());
      const strict = (client = createChatClient({ baseUrl: `${tls.url}/v1`, apiKey: KEY, maxRetries: 2, clock: fakeClock() }));
      const error = await strict.stream(ask()).result.catch((e: unknown) => e);
      assert.ok(error instanceof KestrelError && error.kind === 'tls', String(error));
      assert.match(error.userMessage, /TLS certificate of 127\.0\.0\.1:\d+ was not trusted/);
      assert.match(error.userMessage, /http\.proxyStrictSSL/);
      assertNoKey(error, []);
      // The setting is about proxies: with none in the way, the key never goes to an unchecked server.
      const lax = createChatClient({ baseUrl: `${tls.url}/v1`, apiKey: KEY, maxRetries: 0, proxy: selectProxy(`${tls.url}/v1`, { proxy: '', strictSSL: false }, {}) });
      cleanups.push(() => lax.dispose());
      const laxError = await lax.stream(ask()).result.catch((e: unknown) => e);
      assert.ok(laxError instanceof KestrelError && laxError.kind === 'tls', String(laxError));
      assert.equal(tls.requests, 0, 'nothing was sent over an untrusted connection');
    });

    it('through a proxy with http.proxyStrictSSL off, a re-signed certificate is accepted', async () => {
      const tls = await startHttpsServer(certs!.selfSigned);
      cleanups.push(() => tls.close());
      const proxy = await startConnectProxy();
      cleanups.push(() => proxy.close());
      const choice = selectProxy(`${tls.url.replace('127.0.0.1', 'api.example.test')}/v1`, { proxy: proxy.url, strictSSL: false }, {});
      assert.equal(choice.proxyUrl, proxy.url);
      const c = createChatClient({ baseUrl: `${tls.url}/v1`, apiKey: KEY, maxRetries: 0, proxy: { ...choice } });
      cleanups.push(() => c.dispose());
      assert.equal((await c.stream(ask()).result).text, RECOVERED);
      assert.equal(proxy.tunnels.length, 1, 'the request went through the proxy');
      // With the setting on, the same proxy path checks the certificate.
      const checked = createChatClient({ baseUrl: `${tls.url}/v1`, apiKey: KEY, maxRetries: 0, proxy: { proxyUrl: proxy.url, rejectUnauthorized: true } });
      cleanups.push(() => checked.dispose());
      const error = await checked.stream(ask()).result.catch((e: unknown) => e);
      assert.ok(error instanceof KestrelError && error.kind === 'tls', String(error));
    });
  });

  describe('a proxy that refuses the tunnel', () => {
    const cases: [number, ErrorKind, RegExp][] = [
      [407, 'proxy', /proxy 127\.0\.0\.1:\d+ asks for a login \(407\).*"http\.proxy"/],
      [403, 'proxy', /proxy 127\.0\.0\.1:\d+ refused to connect to 127\.0\.0\.1:\d+ \(403\)/],
      [502, 'network', /proxy 127\.0\.0\.1:\d+ could not reach 127\.0\.0\.1:\d+ \(502\)/],
    ];
    for (const [status, kind, message] of cases) {
      it(`${status}: reported as "${kind}" with a sentence to act on, never as a cancellation`, async () => {
        const proxy = await startConnectProxy({ refuse: status });
        cleanups.push(() => proxy.close());
        const logs: RequestLogEntry[] = [];
        const c = (client = createChatClient({ baseUrl: 'https://127.0.0.1:9/v1', apiKey: KEY, maxRetries: 0, clock: fakeClock(), proxy: { proxyUrl: proxy.url, rejectUnauthorized: true }, onLog: (e) => logs.push(e) }));
        const { seen, error } = await consume(c.stream(ask()));
        assert.deepEqual(seen, []);
        assert.ok(error instanceof KestrelError, String(error));
        assert.equal(error.kind, kind, error.userMessage);
        assert.match(error.userMessage, message);
        assertNoKey(error, logs);
        assert.equal(proxy.tunnels.length, 1);
      });
    }
  });

  /** A fault below HTTP: kind and message, no retry storm, then the same client works once healed. */
  async function networkFault(fault: {
    baseUrl: string;
    dispatcher?: Dispatcher;
    kind: ErrorKind;
    message: RegExp;
    heal: () => void | Promise<void>;
    server?: FakeServer;
    sockets?: () => number;
  }): Promise<void> {
    const clock = fakeClock();
    const logs: RequestLogEntry[] = [];
    const c = (client = createChatClient({ baseUrl: fault.baseUrl, apiKey: KEY, dispatcher: fault.dispatcher, clock, random: () => 0.5, onLog: (e) => logs.push(e) }));
    const { seen, error } = await consume(c.stream(ask()));
    assert.ok(error instanceof KestrelError, String(error));
    assert.equal(error.kind, fault.kind, error.userMessage);
    assert.match(error.userMessage, fault.message);
    assertNoKey(error, logs);
    assert.deepEqual(seen, []);
    // Network failures before the first byte are retried twice with back-off; a TLS failure is not retried.
    assert.equal(clock.sleeps.length, fault.kind === 'network' ? 2 : 0);
    assert.equal(fault.server?.requests.length ?? 0, 0, 'nothing reached the server');
    if (fault.sockets) await eventually(() => fault.sockets!() === 0, 'the failed connections closed');
    await fault.heal();
    const target = fault.server ?? server;
    target?.setRespond(() => ({ text: RECOVERED }));
    assert.equal((await c.stream(ask()).result).text, RECOVERED, 'the next request works');
    await c.dispose();
    client = undefined;
    // An injected transport belongs to the caller, who closes it.
    await fault.dispatcher?.close();
    if (target) await eventually(() => target.openSockets === 0, 'no open sockets after dispose');
    if (fault.sockets) await eventually(() => fault.sockets!() === 0, 'no open sockets after dispose');
  }
});

/** A minimal OpenAI-compatible HTTPS endpoint that streams RECOVERED. */
async function startHttpsServer(pair: KeyPair): Promise<{ url: string; server: HttpsServer; sockets: Set<Socket>; readonly requests: number; close(): Promise<void> }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createHttpsServer(pair, (req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: RECOVERED }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A handshake the client refuses ends in a socket error on this side: expected, not a crash.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    sockets,
    get requests() {
      return requests;
    },
    close: () => closeServer(server, sockets),
  };
}

// The faults of issue 6, each thrown at the real client once: what the caller gets (kind and
// message), how long until it gets it, and whether the next request on the same client works once
// the fault is gone. The fake server plays the provider; DNS, refused connections and TLS are real.
// Timeouts are shortened (first byte and idle 1 s, wall clock 2 s) so the run stays short; waits
// before a retry run on a clock that skips them, and the table shows what was skipped.
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { createChatClient, type RequestLogEntry } from '../src/core/client/client';
import { KestrelError } from '../src/core/client/errors';
import { realClock, type Clock } from '../src/core/clock';
import type { ChatRequest } from '../src/core/client/types';
import { dnsThatComesBack, freePort, makeCertificates } from '../test/support/network-faults';
import { startFakeServer, type FakeReply, type FakeServer } from '../test/support/fake-server';
import { table } from './stats';

const KEY = 'sk-or-v1-bench-3b8c1d7e9f2a4c6e';
const MODEL = 'anthropic/claude-3.5-haiku';
const ANSWER = 'A streamed answer that arrives in pieces, until something goes wrong with it.';
const RECOVERED = 'recovered';
const TIMEOUTS = { firstByteTimeoutMs: 1000, idleTimeoutMs: 1000, wallClockMs: 2000 };
const MB = 1024 * 1024;

interface Row {
  fault: string;
  kind: string;
  message: string;
  ms: number;
  partial: number;
  skippedWaitMs: number;
  next: string;
  bytes?: number;
  serverSaw: number;
}

/** Real time and timers, except that sleeps return at once and move the clock on. */
function skippingClock(): Clock & { skipped: number; advance(ms: number): void } {
  let offset = 0;
  const clock = {
    ...realClock,
    skipped: 0,
    now: () => performance.now() + offset,
    advance: (ms: number) => void (offset += ms),
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      clock.skipped += ms;
      offset += ms;
    },
  };
  return clock;
}

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, messages: [{ role: 'user', content: 'Tell me something' }], ...extra });
const oneLine = (text: string, host: string) => {
  const clean = text.split(host).join('{host}').replace(/\|/g, '\\|');
  return clean.length > 160 ? `${clean.slice(0, 159)}…` : clean;
};

interface Target {
  baseUrl: string;
  dispatcher?: Dispatcher;
  host: string;
  /** Takes the fault away before the next request. */
  heal(): Promise<void> | void;
  serverSaw(): number;
}

async function measure(fault: string, target: Target, request: Partial<ChatRequest> = {}, plain = false, retryAfterMs?: number): Promise<Row> {
  const clock = skippingClock();
  const logs: RequestLogEntry[] = [];
  const client = createChatClient({ baseUrl: target.baseUrl, apiKey: KEY, dispatcher: target.dispatcher, clock, onLog: (e) => logs.push(e), ...TIMEOUTS });
  const started = performance.now();
  let partial = 0;
  let outcome: string;
  let kind = '—';
  try {
    if (plain) {
      const result = await client.complete(ask(request));
      outcome = `no error: finish ${result.finishReason}`;
    } else {
      const stream = client.stream(ask(request));
      for await (const delta of stream) partial += delta.length;
      outcome = `no error: finish ${(await stream.result).finishReason}`;
    }
  } catch (error) {
    kind = error instanceof KestrelError ? error.kind : 'not a KestrelError';
    outcome = error instanceof KestrelError ? error.userMessage : String(error);
    if (outcome.includes(KEY)) outcome = 'THE KEY LEAKED INTO THE MESSAGE';
  }
  const ms = performance.now() - started;
  const skippedWaitMs = clock.skipped;
  const bytes = logs[0]?.bytes;
  const serverSaw = target.serverSaw();

  await target.heal();
  let next: string;
  let refusedFirst = false;
  if (retryAfterMs) {
    // Before Retry-After expires the client must not ask at all.
    const before = target.serverSaw();
    const early = await client
      .stream(ask(), { maxRetries: 0 })
      .result.then(() => undefined, (e: unknown) => e);
    refusedFirst = early instanceof KestrelError && early.kind === 'rate-limited' && target.serverSaw() === before;
    clock.advance(retryAfterMs);
  }
  try {
    const result = await client.stream(ask()).result;
    next = result.text === RECOVERED ? 'yes' : `answered "${result.text.slice(0, 20)}"`;
    if (retryAfterMs) next = refusedFirst ? 'refused locally until Retry-After expired, then yes' : `${next} (but the provider was asked before Retry-After expired)`;
  } catch (error) {
    next = `no: ${error instanceof KestrelError ? error.kind : String(error)}`;
  }
  await client.dispose();
  return { fault, kind, message: oneLine(outcome, target.host), ms, partial, skippedWaitMs, next, bytes, serverSaw };
}

/** One fake server per fault, answering `reply` until healed. */
async function withFakeServer<T>(reply: FakeReply, use: (target: Target, server: FakeServer) => Promise<T>): Promise<T> {
  const server = await startFakeServer({ flavour: 'openrouter' });
  server.setRespond(() => reply);
  try {
    return await use(
      {
        baseUrl: server.url,
        host: new URL(server.url).host,
        heal: () => server.setRespond(() => ({ text: RECOVERED })),
        serverSaw: () => server.requests.length,
      },
      server,
    );
  } finally {
    await server.close();
  }
}

const HTTP_FAULTS: { fault: string; reply: FakeReply; request?: Partial<ChatRequest>; plain?: boolean; retryAfterMs?: number }[] = [
  { fault: 'HTTP 400', reply: { status: 400, errorMessage: `Bad request (key ${KEY})` } },
  { fault: 'HTTP 401', reply: { status: 401, errorMessage: `Invalid API key ${KEY}` } },
  { fault: 'HTTP 402', reply: { status: 402 } },
  { fault: 'HTTP 403 moderation', reply: { status: 403 } },
  { fault: 'HTTP 404 retired model', reply: { status: 404, errorMessage: `${MODEL} is no longer available` } },
  { fault: 'HTTP 408', reply: { status: 408 } },
  { fault: 'HTTP 429, no Retry-After', reply: { status: 429 } },
  { fault: 'HTTP 429, Retry-After 30 s', reply: { status: 429, headers: { 'retry-after': '30' } }, retryAfterMs: 30_000 },
  { fault: 'HTTP 500', reply: { status: 500 } },
  { fault: 'HTTP 502', reply: { status: 502 } },
  { fault: 'HTTP 503', reply: { status: 503 } },
  { fault: 'HTTP 529', reply: { status: 529 } },
  { fault: 'error inside a 200 stream', reply: { text: ANSWER, fault: 'in-stream-error', tokensPerSecond: 200 } },
  { fault: 'malformed JSON chunk', reply: { text: ANSWER, fault: 'malformed-chunk', tokensPerSecond: 200 } },
  { fault: 'stream ends without [DONE]', reply: { text: ANSWER, fault: 'no-done', tokensPerSecond: 200 } },
  { fault: 'stream cut mid-chunk (reset)', reply: { text: ANSWER, fault: 'reset-mid-stream', tokensPerSecond: 200 } },
  { fault: 'accepted, never answered', reply: { fault: 'never-answer' } },
  { fault: 'stalls halfway', reply: { text: ANSWER, fault: 'stall-after-first' } },
  { fault: 'never ends (max_tokens 64 ignored)', reply: { fault: 'endless', tokensPerSecond: 2000 }, request: { maxTokens: 64 } },
  { fault: 'never ends (no max_tokens)', reply: { fault: 'endless', tokensPerSecond: 500 } },
  { fault: '50 MB streamed answer', reply: { responseBytes: 50 * MB } },
  { fault: '50 MB plain JSON answer', reply: { responseBytes: 50 * MB }, plain: true },
  { fault: 'HTML page instead of JSON (200)', reply: { status: 200, contentType: 'text/html', rawBody: '<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>' } },
  { fault: 'redirect to a login page (302)', reply: { status: 302, contentType: 'application/json', rawBody: '', headers: { location: 'http://portal.example/login' } } },
];

export async function run(): Promise<string> {
  const rows: Row[] = [];
  // One untimed request first, so the first row does not pay for loading and compiling the client.
  await withFakeServer({ text: RECOVERED }, (target) => measure('warm-up', target));
  for (const f of HTTP_FAULTS) rows.push(await withFakeServer(f.reply, (target) => measure(f.fault, target, f.request, f.plain, f.retryAfterMs)));

  // DNS failure: a real lookup of a reserved .invalid name; "the network coming back" answers it locally.
  rows.push(
    await withFakeServer({ text: RECOVERED }, async (target, server) => {
      const { agent, heal } = dnsThatComesBack();
      const host = `kestrel-bench.invalid:${new URL(server.url).port}`;
      try {
        return await measure('DNS failure', { ...target, baseUrl: server.url.replace(target.host, host), host, dispatcher: agent, heal });
      } finally {
        await agent.close();
      }
    }),
  );

  // Connection refused: a closed port, then a server starts on it.
  const port = await freePort();
  let late: FakeServer | undefined;
  rows.push(
    await measure('connection refused', {
      baseUrl: `http://127.0.0.1:${port}/v1`,
      host: `127.0.0.1:${port}`,
      heal: async () => {
        late = await startFakeServer({ flavour: 'openai', port, respond: () => ({ text: RECOVERED }) });
      },
      serverSaw: () => late?.requests.length ?? 0,
    }),
  );
  await late?.close();

  // TLS: a self-signed certificate, then (the proxy fixed) one signed by a CA the transport trusts.
  const certs = makeCertificates();
  if (certs) {
    let requests = 0;
    const server = createHttpsServer(certs.selfSigned, (req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: RECOVERED }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
      });
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new Agent({ connect: { ca: certs.ca } });
    rows.push(await measure('TLS: self-signed certificate', { baseUrl: `https://${host}/v1`, host, dispatcher: agent, heal: () => server.setSecureContext(certs.signed), serverSaw: () => requests }));
    await agent.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const format = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));
  return [
    table(
      ['fault', 'error kind', 'what the user reads', 'ms to error', 'text kept', 'waits skipped (ms)', 'requests', 'next request', 'bytes read'],
      rows.map((r) => [r.fault, r.kind, r.message, format(r.ms), r.partial ? (r.partial < 100_000 ? `${r.partial} chars` : `${(r.partial / 1e6).toFixed(1)} M chars`) : '—', r.skippedWaitMs ? String(Math.round(r.skippedWaitMs)) : '—', String(r.serverSaw), r.next, r.bytes !== undefined && r.fault.includes('50 MB') ? `${(r.bytes / MB).toFixed(2)} MB` : '']),
    ),
    '',
    `${rows.filter((r) => r.next.includes('yes')).length} of ${rows.length} faults: the next request on the same client worked.` +
      (certs ? '' : ' (No openssl on this machine: the TLS row was skipped.)'),
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

// A fake OpenAI-compatible server, faithful to API-WIRE.md, quirks included: OpenRouter's comment
// keep-alives, role-only first chunk, `native_finish_reason` and separate usage chunk; AI/ML API's
// empty ids, delta-less finish chunk, `end_turn` and missing `[DONE]`; Anthropic's system-message
// merge, temperature cap, blank-stop and prefill rejections. Every test that needs a model uses it.
//
// In a test:   const server = await startFakeServer({ flavour: 'openrouter' }); server.script({ text: 'hi' });
// From a shell: node out/test/support/fake-server.js --flavour openrouter --port 0 --demo
//               (prints {"url": …, "origin": …} and serves until SIGTERM; the sandbox's offline demo)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Flavour = 'openrouter' | 'aimlapi' | 'anthropic' | 'openai';

export interface FakeReply {
  /** The answer, streamed in chunks of about four characters (never splitting a surrogate pair). */
  text?: string;
  /** Or the exact content deltas. */
  chunks?: string[];
  /** An error status, answered with the flavour's own error envelope. */
  status?: number;
  errorMessage?: string;
  headers?: Record<string, string>;
  /** Exact body bytes (an HTML captive portal, broken JSON), sent with `contentType`. */
  rawBody?: string;
  contentType?: string;
  fault?: 'in-stream-error' | 'no-done' | 'reset-mid-stream' | 'never-answer' | 'stall-after-first' | 'malformed-chunk' | 'endless';
  /** The broken `data:` payload the `malformed-chunk` fault sends (default: JSON cut off mid-object). */
  malformedData?: string;
  /**
   * A huge 200 answer of about this many bytes (SSE deltas, or one JSON body for a non-streaming
   * request), written only as fast as the client reads it, so the server never buffers it all.
   */
  responseBytes?: number;
  firstByteDelayMs?: number;
  tokensPerSecond?: number;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; cost?: number };
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  receivedAt: number;
  /** The client closed the connection before the answer ended. */
  aborted: boolean;
  completed: boolean;
  /** When the answer's last byte was written (ms since the epoch). */
  finishedAt?: number;
  /** Bytes of the answer body handed to the socket (counted for `responseBytes` answers). */
  bytesSent?: number;
  /** The TCP connection that carried this request has closed. */
  socketClosed?: boolean;
}

export interface Latency {
  firstTokenMs: number;
  tokensPerSecond: number;
}

export interface FakeServerOptions {
  flavour?: Flavour;
  port?: number;
  host?: string;
  latency?: Latency;
  models?: unknown[];
  respond?: (request: LoggedRequest) => FakeReply | Promise<FakeReply>;
  /** Answer 401 unless `Authorization: Bearer <requireKey>`. */
  requireKey?: string;
  /** Plausible answers for the sandbox's offline demo. */
  demo?: boolean;
}

export interface FakeServer {
  readonly url: string;
  readonly origin: string;
  readonly flavour: Flavour;
  readonly requests: LoggedRequest[];
  /** The chat-completions requests among them, in order (no model lists, probes or warm-ups). */
  readonly completions: LoggedRequest[];
  /** TCP connections opened so far (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: number;
  /** TCP connections open right now (a client's idle keep-alive connections included). */
  readonly openSockets: number;
  script(...replies: FakeReply[]): void;
  setRespond(respond: (request: LoggedRequest) => FakeReply | Promise<FakeReply>): void;
  setLatency(latency: Latency): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const BASE_PATH: Record<Flavour, string> = { openrouter: '/api/v1', aimlapi: '/v1', anthropic: '/v1', openai: '/v1' };

export const DEFAULT_MODELS = {
  openrouter: [
    { id: 'anthropic/claude-3.5-haiku', name: 'Anthropic: Claude 3.5 Haiku', context_length: 200000, pricing: { prompt: '0.0000008', completion: '0.000004' }, top_provider: { max_completion_tokens: 8192 }, expiration_date: null },
    { id: 'anthropic/claude-haiku-4.5', name: 'Anthropic: Claude Haiku 4.5', context_length: 200000, pricing: { prompt: '0.000001', completion: '0.000005' }, top_provider: { max_completion_tokens: 64000 }, expiration_date: null },
    { id: 'anthropic/claude-3-haiku', name: 'Anthropic: Claude 3 Haiku', context_length: 200000, pricing: { prompt: '0.00000025', completion: '0.00000125' }, top_provider: { max_completion_tokens: 4096 }, expiration_date: '2026-03-01' },
  ],
  aimlapi: [
    { id: 'claude-3-5-haiku-20241022', type: 'chat-completion', info: { name: 'Claude 3.5 Haiku', contextLength: 200000 } },
    { id: 'claude-haiku-4-5', type: 'chat-completion', info: { name: 'Claude Haiku 4.5', contextLength: 200000 } },
  ],
  anthropic: [
    { id: 'claude-3-5-haiku-20241022', type: 'model', display_name: 'Claude Haiku 3.5' },
    { id: 'claude-haiku-4-5', type: 'model', display_name: 'Claude Haiku 4.5' },
  ],
  openai: [{ id: 'qwen2.5-coder:7b' }, { id: 'llama3.2:3b' }],
} satisfies Record<Flavour, unknown[]>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits text into ~4-character pieces without cutting a surrogate pair. */
export function tokenize(text: string): string[] {
  const pieces: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 4) pieces.push(chars.slice(i, i + 4).join(''));
  return pieces;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const flavour = options.flavour ?? 'openai';
  const basePath = BASE_PATH[flavour];
  let latency: Latency = options.latency ?? { firstTokenMs: 0, tokensPerSecond: 0 };
  let respond: (request: LoggedRequest) => FakeReply | Promise<FakeReply> = options.respond ?? ((request) => ({ text: options.demo ? demoAnswer(request) : echoAnswer(request) }));
  const queue: FakeReply[] = [];
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const carried = new WeakMap<Socket, LoggedRequest[]>();
  let connections = 0;
  let generation = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: String(error) } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    carried.set(socket, []);
    socket.on('close', () => {
      sockets.delete(socket);
      for (const request of carried.get(socket) ?? []) request.socketClosed = true;
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const logged: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, receivedAt: Date.now(), aborted: false, completed: false };
    requests.push(logged);
    carried.get(req.socket)?.push(logged);
    res.on('close', () => {
      if (!res.writableFinished) logged.aborted = true;
    });
    res.on('finish', () => {
      logged.completed = true;
      logged.finishedAt = Date.now();
    });

    if (req.method === 'HEAD') return void res.writeHead(200, { 'content-length': '0' }).end();
    if (options.requireKey !== undefined && req.headers.authorization !== `Bearer ${options.requireKey}`) {
      return sendError(res, 401, flavour === 'aimlapi' ? 'This endpoint requires a valid API key' : 'Invalid API key');
    }
    if (req.method === 'GET' && url.pathname === `${basePath}/models`) {
      return sendJson(res, 200, modelList(flavour, options.models));
    }
    if (req.method !== 'POST' || url.pathname !== `${basePath}/chat/completions`) {
      return sendJson(res, 404, { error: { code: 404, message: `No route for ${req.method} ${url.pathname}` } });
    }
    const reply = queue.shift() ?? (await respond(logged));
    const problem = validate(flavour, body, options.models);
    if (problem && reply.status === undefined) return sendError(res, problem.status, problem.message);
    await answer(res, logged, reply);
  }

  function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(json));
  }

  function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    sendJson(res, status, errorEnvelope(flavour, status, message), headers);
  }

  async function answer(res: ServerResponse, request: LoggedRequest, reply: FakeReply): Promise<void> {
    const mine = generation;
    const firstDelay = reply.firstByteDelayMs ?? latency.firstTokenMs;
    const tps = reply.tokensPerSecond ?? latency.tokensPerSecond;
    const gap = tps > 0 ? 1000 / tps : 0;
    const alive = () => !res.destroyed && !request.aborted && generation === mine;

    if (reply.fault === 'never-answer') return; // Holds the connection open until the client gives up.
    if (reply.rawBody !== undefined) {
      if (firstDelay) await sleep(firstDelay);
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/html', ...reply.headers });
      return void res.end(reply.rawBody);
    }
    if (reply.status !== undefined && reply.status >= 400) {
      if (firstDelay) await sleep(firstDelay);
      return sendError(res, reply.status, reply.errorMessage ?? defaultMessage(reply.status), reply.headers);
    }

    const stream = (request.body as { stream?: boolean })?.stream === true;
    const requested = request.body as { model?: string; stop?: string[] | string; max_tokens?: number };
    let text = reply.chunks ? reply.chunks.join('') : reply.text ?? '';
    const stops = typeof requested?.stop === 'string' ? [requested.stop] : requested?.stop ?? [];
    let finish = reply.finishReason ?? (flavour === 'aimlapi' ? 'end_turn' : 'stop');
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
        if (!reply.finishReason) finish = flavour === 'aimlapi' ? 'stop_sequence' : 'stop';
      }
    }
    const pieces = reply.chunks && text === reply.chunks.join('') ? reply.chunks : tokenize(text);
    const usage = reply.usage ?? { prompt_tokens: Math.ceil(JSON.stringify(request.body ?? '').length / 4), completion_tokens: pieces.length, ...(flavour === 'openrouter' ? { cost: pieces.length * 4e-6 } : {}) };
    const model = requested?.model ?? 'fake-model';
    const id = `gen-${requests.length}`;
    if (reply.responseBytes !== undefined) return sendHuge(res, request, reply.responseBytes, stream, id, model, alive);

    if (!stream) {
      if (firstDelay) await sleep(firstDelay + gap * pieces.length);
      if (!alive()) return;
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, ...(flavour === 'aimlapi' ? { reasoning_content: '' } : {}) }, finish_reason: finish }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(flavour === 'openrouter' ? { 'x-generation-id': id } : {}), ...reply.headers });
    res.flushHeaders();
    const write = (data: string) => alive() && res.write(data);
    const chunk = (delta: Record<string, unknown> | undefined, finishReason: string | null, n: number) => {
      const choice: Record<string, unknown> = { index: 0, finish_reason: finishReason };
      if (delta) choice.delta = delta;
      if (flavour === 'openrouter') choice.native_finish_reason = finishReason === null ? null : finish === 'stop' ? 'end_turn' : finish;
      return `data: ${JSON.stringify({ id: flavour === 'aimlapi' && n > 0 ? '' : id, object: 'chat.completion.chunk', created: 1740000000, model, ...(flavour === 'openrouter' && n === 0 ? { provider: 'Anthropic' } : {}), choices: [choice] })}\n\n`;
    };

    if (flavour === 'openrouter') write(': OPENROUTER PROCESSING\n\n');
    if (firstDelay) {
      // OpenRouter keeps the connection alive with comments while the model thinks.
      const keepAlive = flavour === 'openrouter' ? setInterval(() => write(': OPENROUTER PROCESSING\n\n'), 250) : undefined;
      await sleep(firstDelay);
      clearInterval(keepAlive);
    }
    if (flavour === 'openrouter') write(chunk({ role: 'assistant', content: '' }, null, 0));
    const endless = reply.fault === 'endless';
    for (let i = 0; endless || i < pieces.length; i++) {
      if (!alive()) return;
      if (i > 0 && gap) await sleep(gap);
      if (!alive()) return;
      if (reply.fault === 'reset-mid-stream' && i === Math.floor(pieces.length / 2)) {
        res.write('data: {"id":"' + id + '","choices":[{"index":0,"delta":{"content":"tr');
        return void res.socket?.destroy();
      }
      if (reply.fault === 'malformed-chunk' && i === Math.floor(pieces.length / 2)) write(`data: ${reply.malformedData ?? '{"choices":[{"delta":{"content":'}\n\n`);
      if (reply.fault === 'in-stream-error' && i === Math.floor(pieces.length / 2)) {
        write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', error: { code: 502, message: reply.errorMessage ?? 'Provider returned error', metadata: { error_type: 'provider_unavailable' } }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] })}\n\n`);
        return void res.end();
      }
      if (reply.fault === 'stall-after-first' && i === 1) return; // Keeps the socket open, sends nothing more.
      write(chunk({ content: endless ? 'x' : pieces[i] }, null, i + 1));
      if (endless && i > 100_000) break;
    }
    if (!alive()) return;
    if (flavour === 'aimlapi') {
      write(`data: ${JSON.stringify({ id: '', object: 'chat.completion.chunk', model, choices: [{ index: 0, finish_reason: finish }], usage })}\n\n`);
    } else {
      write(chunk({ content: '' }, finish, pieces.length + 1));
      write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens, prompt_tokens_details: { cached_tokens: 0 } } })}\n\n`);
    }
    if (flavour !== 'aimlapi' && reply.fault !== 'no-done') write('data: [DONE]\n\n');
    res.end();
  }

  /** Writes a huge answer piece by piece, waiting for the client to read each before the next. */
  async function sendHuge(res: ServerResponse, request: LoggedRequest, total: number, stream: boolean, id: string, model: string, alive: () => boolean): Promise<void> {
    const filler = 'x'.repeat(16 * 1024);
    request.bytesSent = 0;
    const put = async (data: string): Promise<boolean> => {
      if (!alive()) return false;
      request.bytesSent = (request.bytesSent ?? 0) + Buffer.byteLength(data);
      if (res.write(data)) return true;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      return alive();
    };
    res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
    if (stream) {
      while ((request.bytesSent ?? 0) < total) {
        if (!(await put(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: filler }, finish_reason: null }] })}\n\n`))) return;
      }
      if (!(await put(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`))) return;
    } else {
      if (!(await put(`{"id":"${id}","object":"chat.completion","model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"`))) return;
      while ((request.bytesSent ?? 0) < total) if (!(await put(filler))) return;
      if (!(await put('"},"finish_reason":"stop"}]}'))) return;
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: origin + basePath,
    origin,
    flavour,
    requests,
    get completions() {
      return requests.filter((r) => r.path.endsWith('/chat/completions'));
    },
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    script: (...replies) => void queue.push(...replies),
    setRespond: (fn) => void (respond = fn),
    setLatency: (l) => void (latency = l),
    async waitForRequests(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > until) throw new Error(`Expected ${count} requests, the fake server got ${requests.length}.`);
        await sleep(10);
      }
    },
    reset() {
      generation++;
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        generation++;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function modelList(flavour: Flavour, models?: unknown[]): unknown {
  const data = models ?? DEFAULT_MODELS[flavour];
  return flavour === 'anthropic' ? { data, has_more: false } : flavour === 'aimlapi' ? { object: 'list', data } : { data };
}

function defaultMessage(status: number): string {
  const messages: Record<number, string> = {
    400: 'Bad request',
    401: 'Invalid API key',
    402: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
    403: 'Input was flagged by moderation',
    404: 'No endpoints found for this model',
    408: 'Request timed out',
    429: 'Rate limit exceeded',
    500: 'Internal server error',
    502: 'Provider returned error',
    503: 'No available provider',
    529: 'Overloaded',
  };
  return messages[status] ?? `Error ${status}`;
}

/** Each provider's own error body (API-WIRE.md "Envelopes differ"). */
export function errorEnvelope(flavour: Flavour, status: number, message: string): unknown {
  if (flavour === 'aimlapi') return { message, path: '/v1/chat/completions', requestId: 'req-fake', statusCode: status, timestamp: new Date(0).toISOString() };
  if (flavour === 'anthropic') {
    const type = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error', 529: 'overloaded_error' }[status] ?? 'api_error';
    return { type: 'error', error: { type, message }, request_id: 'req_fake' };
  }
  const metadata = status === 403 ? { reasons: ['violence'], flagged_input: '…' } : undefined;
  return { error: { code: status, message, ...(metadata ? { metadata } : {}) } };
}

/** What the real providers refuse before answering. */
function validate(flavour: Flavour, body: unknown, models?: unknown[]): { status: number; message: string } | undefined {
  const b = (body ?? {}) as { model?: unknown; messages?: unknown; stop?: unknown; temperature?: unknown; top_p?: unknown };
  if (typeof b.model !== 'string' || !Array.isArray(b.messages) || b.messages.length === 0) return { status: 400, message: 'model and messages are required' };
  const stops = typeof b.stop === 'string' ? [b.stop] : Array.isArray(b.stop) ? b.stop : [];
  if (stops.length > 4) return { status: 400, message: 'stop: at most 4 sequences' };
  if (flavour === 'anthropic' && stops.some((s) => typeof s !== 'string' || s.trim() === '')) return { status: 400, message: 'stop_sequences: each stop sequence must contain non-whitespace' };
  if (flavour === 'anthropic' && typeof b.temperature === 'number' && b.temperature > 1) return { status: 400, message: 'temperature: range: 0..1' };
  if (b.temperature !== undefined && b.top_p !== undefined && /haiku-4|4\.5|4-5/.test(b.model)) return { status: 400, message: '`temperature` and `top_p` cannot both be specified for this model' };
  const last = b.messages[b.messages.length - 1] as { role?: string; content?: unknown };
  if (last?.role === 'assistant') {
    if (/4[.-][6-9]|[5-9][.-]\d/.test(b.model)) return { status: 400, message: 'This model does not support assistant message prefill. The conversation must end with a user message.' };
    if (typeof last.content === 'string' && /\s$/.test(last.content)) return { status: 400, message: 'messages: final assistant content cannot end with trailing whitespace' };
  }
  const known = models ?? (flavour === 'openai' ? undefined : DEFAULT_MODELS[flavour]);
  if (known && !known.some((m) => (m as { id?: string }).id === b.model)) return { status: 404, message: `${b.model} is not a valid model ID` };
  return undefined;
}

/** The default answer: derived from the request so no test can mistake a constant for behaviour. */
function echoAnswer(request: LoggedRequest): string {
  const messages = (request.body?.messages ?? []) as { content: string }[];
  const last = messages[messages.length - 1]?.content ?? '';
  return `echo: ${String(last).slice(-40)}`;
}

/** The offline demo: a short line of code for a fill-in-the-middle prompt, a markdown answer for chat. */
function demoAnswer(request: LoggedRequest): string {
  const messages = (request.body?.messages ?? []) as { role: string; content: string }[];
  const all = messages.map((m) => String(m.content)).join('\n');
  const hole = /<(?:hole|HOLE|fill|FILL_HERE)[^>]*>|\{\{FILL_HERE\}\}|<CODE\d*>/.exec(all);
  if (hole || request.body?.max_tokens <= 256) {
    const before = hole ? all.slice(0, hole.index) : all;
    const line = before.split('\n').filter((l) => l.trim()).pop() ?? '';
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    if (/\breturn\b/.test(line)) return '';
    if (/[{:]\s*$/.test(line)) return `${indent}  return undefined;`;
    const name = /(?:function|def|fn|func)\s+(\w+)/.exec(before)?.[1] ?? 'value';
    return `${indent}console.log('${name}');`;
  }
  const question = messages.filter((m) => m.role === 'user').pop()?.content ?? '';
  const code = /```[\s\S]*?```/.exec(question)?.[0] ?? '```ts\nconst answer = 42;\n```';
  return [
    '## Offline demo answer',
    '',
    'This answer comes from the bundled demo server, not a model. Set an API key to talk to a real one.',
    '',
    '- It streams token by token, like a real provider.',
    '- Code blocks are highlighted and offer **Copy**, **Insert** and **Apply**.',
    '',
    'The code you attached:',
    '',
    code,
  ].join('\n');
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  void startFakeServer({
    flavour: (arg('flavour') as Flavour) ?? 'openai',
    port: Number(arg('port') ?? 0),
    demo: process.argv.includes('--demo'),
    latency: { firstTokenMs: Number(arg('first-token-ms') ?? 300), tokensPerSecond: Number(arg('tokens-per-second') ?? 60) },
  }).then((server) => {
    console.log(JSON.stringify({ url: server.url, origin: server.origin }));
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

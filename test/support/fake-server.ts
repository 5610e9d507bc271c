// A fake OpenAI-compatible server that plays each provider faithfully, wire quirks included
// (docs/providers.md): the quirks themselves are in flavours.ts, the broken answers in faults.ts,
// the sandbox's offline demo answers in demo.ts. Every test that needs a model uses it. A reply may
// call tools (`toolCalls`), streamed as each flavour streams them; test/support/toolModel.ts is a
// scripted model that uses the chat's tools on the sample workspace.
//
// In a test:   const server = await startFakeServer({ flavour: 'openrouter' }); server.script({ text: 'hi' });
// From a shell: node out/test/support/fake-server.js --flavour openrouter --port 0 --demo
//               (prints {"url": …, "origin": …} and serves until SIGTERM; the sandbox's offline demo)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { demoAnswer } from './demo';
import { toolModel } from './toolModel';
import { faultAt, sendHuge, type Fault } from './faults';
import { DEFAULT_MODELS } from './flavours';
import { BASE_PATH, ChunkWriter, completionBody, defaultMessage, errorEnvelope, KEEP_ALIVE, keepsAlive, keyRefusal, modelList, naturalFinish, openRouterCost, PromptCache, readsTools, retiredMessage, sendsWholeCalls, stopFinish, streamHeaders, toolCallDeltas, toolCallId, toolFinish, validate, validateTools, type Flavour, type LocalTools, type ToolCallShape, type WireToolCall } from './flavours';

export { DEFAULT_MODELS, errorEnvelope, type Flavour } from './flavours';
export type { Fault } from './faults';
export type { LocalTools, ToolCallShape } from './flavours';

/** A tool call a reply makes: arguments as an object are sent as its JSON, a string as-is (broken JSON included). */
export interface FakeToolCall {
  /** Default: the flavour's kind of id (`toolu_01…` or `call_…`). */
  id?: string;
  name: string;
  arguments: string | object;
}

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
  fault?: Fault;
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
  usage?: { prompt_tokens: number; completion_tokens: number; cost?: number; cached_tokens?: number; cache_write_tokens?: number };
  /**
   * Tools the model calls in this turn, after `text` (a model saying "Let me look." first): each
   * call's first delta carries its index, id and name, later ones a piece of its arguments; the turn
   * ends with the flavour's tool finish reason. Sent as scripted, whatever `tool_choice` said; a
   * local server in 'ignore' mode (FakeServerOptions.localTools) drops them and answers the text.
   */
  toolCalls?: FakeToolCall[];
  /** Characters of arguments per delta (default 5). */
  argumentPiece?: number;
  /** Another server's way of streaming the calls (flavours.ts ToolCallShape); `finishReason: 'stop'` plays a server that ends a tool turn with `stop`. */
  toolCallShape?: ToolCallShape;
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
  /** Models the provider retired: left out of its list, and a request for one gets its 404 (`retiredMessage`). */
  retired?: string[];
  /** OpenRouter: models no provider serves with tools; a request with `tools` gets OpenRouter's 404. */
  noToolModels?: string[];
  /**
   * The `openai` flavour (local servers) and tools: 'ignore' (default) answers in words as if no tools
   * were sent (`respond` sees the body without `tools` and `tool_choice`; the log keeps them); 'refuse'
   * answers Ollama's 400 "… does not support tools", 'refuse-vllm' vLLM's "auto tool choice requires
   * --enable-auto-tool-choice", 'refuse-llamacpp' llama.cpp's "tools param requires --jinja"; 'whole'
   * sends each call whole in one delta (Ollama); 'split' streams them in pieces as OpenAI does (vLLM
   * with a tool parser, LiteLLM).
   */
  localTools?: LocalTools;
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
  let respond: (request: LoggedRequest) => FakeReply | Promise<FakeReply> = options.respond ?? (options.demo ? demoReply(toolModel()) : (request) => ({ text: echoAnswer(request) }));
  const queue: FakeReply[] = [];
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const carried = new WeakMap<Socket, LoggedRequest[]>();
  let connections = 0;
  let generation = 0;
  const promptCache = new PromptCache();

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
      return sendError(res, 401, keyRefusal(flavour));
    }
    if (req.method === 'GET' && url.pathname === `${basePath}/models`) {
      const listed = options.models ?? (DEFAULT_MODELS[flavour] as unknown[]);
      return sendJson(res, 200, modelList(flavour, options.retired ? listed.filter((m) => !options.retired!.includes((m as { id?: string }).id ?? '')) : options.models));
    }
    if (req.method !== 'POST' || url.pathname !== `${basePath}/chat/completions`) {
      return sendJson(res, 404, { error: { code: 404, message: `No route for ${req.method} ${url.pathname}` } });
    }
    const asked = (body as { model?: unknown } | undefined)?.model;
    if (typeof asked === 'string' && options.retired?.includes(asked)) return sendError(res, 404, retiredMessage(flavour, asked));
    const toolOptions = { noToolModels: options.noToolModels, localTools: options.localTools };
    const reply = queue.shift() ?? (await respond(readsTools(flavour, toolOptions) ? logged : withoutTools(logged)));
    const problem = validate(flavour, body, options.models) ?? validateTools(flavour, body, toolOptions);
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
    const toolOptions = { noToolModels: options.noToolModels, localTools: options.localTools };
    const calls: WireToolCall[] = readsTools(flavour, toolOptions) ? (reply.toolCalls ?? []).map((c, i) => ({ id: c.id ?? toolCallId(flavour, requests.indexOf(request) + 1, i), name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) })) : [];
    const ignoredCalls = !calls.length && !!reply.toolCalls?.length && reply.text === undefined && reply.chunks === undefined;
    let text = reply.chunks ? reply.chunks.join('') : ignoredCalls ? echoAnswer(request) : reply.text ?? '';
    const stops = typeof requested?.stop === 'string' ? [requested.stop] : requested?.stop ?? [];
    let finish = reply.finishReason ?? (calls.length ? toolFinish(flavour) : naturalFinish(flavour));
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
        if (!reply.finishReason) finish = stopFinish(flavour);
      }
    }
    const pieces = reply.chunks && text === reply.chunks.join('') ? reply.chunks : tokenize(text);
    const model = requested?.model ?? 'fake-model';
    const callDeltas = toolCallDeltas(calls, reply.argumentPiece ?? 5, sendsWholeCalls(flavour, toolOptions), reply.toolCallShape);
    // A call costs about its name and its arguments in tokens (characters / 4), as text does.
    const callTokens = calls.reduce((sum, c) => sum + Math.ceil((c.name.length + c.arguments.length) / 4), 0);
    const usage = reply.usage ?? countedUsage(request.body, pieces.length + callTokens, model);
    const id = `gen-${requests.length}`;
    if (reply.responseBytes !== undefined) return sendHuge(res, request, reply.responseBytes, stream, id, model, alive);

    if (!stream) {
      if (firstDelay) await sleep(firstDelay + gap * pieces.length);
      if (!alive()) return;
      return sendJson(res, 200, completionBody(flavour, id, model, text, finish, usage, calls));
    }

    res.writeHead(200, { ...streamHeaders(flavour, id), ...reply.headers });
    res.flushHeaders();
    const write = (data: string) => void (alive() && res.write(data));
    const chunks = new ChunkWriter(flavour, id, model, finish);

    if (keepsAlive(flavour)) write(KEEP_ALIVE);
    if (firstDelay) {
      // OpenRouter keeps the connection alive with comments while the model thinks.
      const keepAlive = keepsAlive(flavour) ? setInterval(() => write(KEEP_ALIVE), 250) : undefined;
      await sleep(firstDelay);
      clearInterval(keepAlive);
    }
    for (const data of chunks.opening()) write(data);
    const endless = reply.fault === 'endless';
    for (let i = 0; endless || i < pieces.length; i++) {
      if (!alive()) return;
      if (i > 0 && gap) await sleep(gap);
      if (!alive()) return;
      if (faultAt(reply, i, pieces.length, { res, id, write }) === 'stop') return;
      write(chunks.chunk({ content: endless ? 'x' : pieces[i] }, null, i + 1));
      if (endless && i > 100_000) break;
    }
    for (const [i, delta] of callDeltas.entries()) {
      if (!alive()) return;
      if ((i > 0 || pieces.length > 0) && gap) await sleep(gap);
      if (!alive()) return;
      write(chunks.chunk(delta, null, pieces.length + i + 1));
    }
    if (!alive()) return;
    for (const data of chunks.closing(pieces.length + callDeltas.length, usage)) write(data);
    if (chunks.sendsDone && reply.fault !== 'no-done') write('data: [DONE]\n\n');
    res.end();
  }

  /** The usage the flavour reports: OpenRouter adds its prompt cache and a cost. */
  function countedUsage(body: unknown, completionTokens: number, model: string): FakeReply['usage'] & object {
    const counts = { prompt_tokens: Math.ceil(JSON.stringify(body ?? '').length / 4), completion_tokens: completionTokens };
    if (flavour !== 'openrouter') return counts;
    const cache = promptCache.consider(body);
    const usage = { ...counts, cached_tokens: cache.cached, cache_write_tokens: cache.written };
    return { ...usage, cost: openRouterCost(model, usage) };
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

/**
 * The request as a server that ignores tools reads it: the body without `tools` and `tool_choice`.
 * The rest of the logged request (`aborted`, `completed`…) is read through to the original, live.
 */
function withoutTools(request: LoggedRequest): LoggedRequest {
  const body = request.body;
  if (!body || typeof body !== 'object' || (body.tools === undefined && body.tool_choice === undefined)) return request;
  const { tools: _tools, tool_choice: _choice, ...rest } = body;
  return Object.assign(Object.create(request) as LoggedRequest, { body: rest });
}

/**
 * The offline demo's model: with the chat's tools offered, the scripted tool-using model looks things
 * up when the question names something to look for (test/support/toolModel.ts); everything else gets
 * the demo's answer (demo.ts).
 */
function demoReply(lookups: (request: LoggedRequest) => FakeReply): (request: LoggedRequest) => FakeReply {
  return (request) => {
    const body = request.body as { tools?: unknown[]; tool_choice?: unknown; messages?: { role?: string }[] } | undefined;
    if (Array.isArray(body?.tools) && body.tools.length && body.tool_choice !== 'none') {
      const reply = lookups(request);
      if (reply.toolCalls?.length || body.messages?.some((m) => m.role === 'tool')) return reply;
    }
    return { text: demoAnswer(request.body) };
  };
}

/** The default answer: derived from the request so no test can mistake a constant for behaviour. */
function echoAnswer(request: LoggedRequest): string {
  const messages = (request.body?.messages ?? []) as { content: string }[];
  const last = messages[messages.length - 1]?.content ?? '';
  return `echo: ${String(last).slice(-40)}`;
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
    // The demo streams tool calls as a local server that supports them does.
    ...(process.argv.includes('--demo') ? { localTools: 'split' as const } : {}),
    latency: { firstTokenMs: Number(arg('first-token-ms') ?? 300), tokensPerSecond: Number(arg('tokens-per-second') ?? 60) },
  }).then((server) => {
    console.log(JSON.stringify({ url: server.url, origin: server.origin }));
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

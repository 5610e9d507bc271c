// The providers the fake server plays, each with its own wire quirks (docs/providers.md): where the
// API lives, the model list, the error envelope, what each refuses before answering, and the shape
// of its answer chunks: OpenRouter's comment keep-alives, role-only first chunk,
// `native_finish_reason` and separate usage chunk; AI/ML API's empty ids, delta-less finish chunk,
// `end_turn` and missing `[DONE]`; Anthropic's temperature cap, blank-stop and prefill rejections.
// Tool calls (the brief of the issue "A chat that can look things up", and src/core/client/toolCalls.ts
// for what the client reads): the checks every server makes on `tools`, `tool_choice` and the
// tool-call messages, each flavour's refusal of tools, finish reason and call ids, and the deltas.

export type Flavour = 'openrouter' | 'aimlapi' | 'anthropic' | 'openai';

export const BASE_PATH: Record<Flavour, string> = { openrouter: '/api/v1', aimlapi: '/v1', anthropic: '/v1', openai: '/v1' };

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

export type Usage = { prompt_tokens: number; completion_tokens: number; cost?: number; cached_tokens?: number; cache_write_tokens?: number };

/**
 * OpenRouter's prompt cache for Claude (docs/providers.md, "Prompt caching"): a request whose
 * messages carry a `cache_control` breakpoint (or with one at the top level, meaning the last
 * message) writes the prompt up to the breakpoint to the cache; a later request that starts with a
 * prefix written before, ending at a message boundary up to 20 messages before its breakpoint, reads
 * that prefix from the cache. Below the model's minimum nothing is cached and nothing says so.
 * Tokens are characters / 4 of the messages' text. Only Anthropic models cache.
 */
export class PromptCache {
  private readonly written = new Set<string>();

  /** The smallest prompt prefix the model caches, in tokens. */
  static minimum(model: string): number {
    return /haiku-4|4[.-]5/.test(model) ? 4096 : /3[.-]5-haiku|haiku-3[.-]5/.test(model) ? 2048 : 1024;
  }

  /** Reads and writes the cache for one request body: the tokens read from it and written to it. */
  consider(body: unknown): { cached: number; written: number } {
    const b = (body ?? {}) as { model?: unknown; messages?: unknown; cache_control?: unknown };
    const none = { cached: 0, written: 0 };
    if (typeof b.model !== 'string' || !/^anthropic\//.test(b.model) || !Array.isArray(b.messages)) return none;
    const messages = b.messages as { role?: unknown; content?: unknown }[];
    const marked = (m: { content?: unknown }) => Array.isArray(m.content) && m.content.some((part) => (part as { cache_control?: unknown })?.cache_control);
    let breakpoint = -1;
    messages.forEach((m, i) => {
      if (marked(m)) breakpoint = i;
    });
    if (b.cache_control) breakpoint = messages.length - 1;
    if (breakpoint < 0) return none;
    const text = (m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => String((p as { text?: unknown })?.text ?? '')).join('') : '');
    const minimum = PromptCache.minimum(b.model);
    let chars = 0;
    const prefixes = messages.slice(0, breakpoint + 1).map((m, i) => {
      chars += text(m).length;
      return { key: JSON.stringify([b.model, messages.slice(0, i + 1).map((x) => [x.role, text(x)])]), tokens: Math.ceil(chars / 4) };
    });
    const last = prefixes[breakpoint];
    if (last.tokens < minimum) return none;
    let cached = 0;
    for (let i = breakpoint; i >= Math.max(0, breakpoint - 20); i--) {
      if (this.written.has(prefixes[i].key) && prefixes[i].tokens >= minimum) {
        cached = prefixes[i].tokens;
        break;
      }
    }
    if (cached === last.tokens) return { cached, written: 0 };
    this.written.add(last.key);
    return { cached, written: last.tokens - cached };
  }
}

/**
 * What the fake OpenRouter bills, in USD: the model's listed prices (Claude 3.5 Haiku's when it lists
 * none), prompt tokens read from the cache at a tenth of the prompt price, written at 1.25 times.
 */
export function openRouterCost(model: string, usage: Usage): number {
  const listed = DEFAULT_MODELS.openrouter.find((m) => m.id === model)?.pricing;
  const prompt = Number(listed?.prompt ?? 0.0000008);
  const completion = Number(listed?.completion ?? 0.000004);
  const cached = usage.cached_tokens ?? 0;
  const written = usage.cache_write_tokens ?? 0;
  return (usage.prompt_tokens - cached - written) * prompt + cached * prompt * 0.1 + written * prompt * 1.25 + usage.completion_tokens * completion;
}

export function modelList(flavour: Flavour, models?: unknown[]): unknown {
  const data = models ?? DEFAULT_MODELS[flavour];
  return flavour === 'anthropic' ? { data, has_more: false } : flavour === 'aimlapi' ? { object: 'list', data } : { data };
}

export function defaultMessage(status: number): string {
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

/**
 * How each provider refuses a model it no longer serves, with 404 in its own envelope
 * (docs/providers.md): Anthropic's `not_found_error` names the model; OpenRouter has no endpoint for
 * it; AI/ML API and OpenAI-style servers say it does not exist.
 */
export function retiredMessage(flavour: Flavour, model: string): string {
  if (flavour === 'anthropic') return `model: ${model}`;
  if (flavour === 'openrouter') return `No endpoints found for ${model}.`;
  if (flavour === 'aimlapi') return `Model ${model} is no longer supported`;
  return `The model \`${model}\` does not exist`;
}

/** The 401 message for a missing or wrong key. */
export function keyRefusal(flavour: Flavour): string {
  return flavour === 'aimlapi' ? 'This endpoint requires a valid API key' : 'Invalid API key';
}

/** Each provider's own error body (docs/providers.md, the error envelopes). */
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
export function validate(flavour: Flavour, body: unknown, models?: unknown[]): { status: number; message: string } | undefined {
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

/** The finish reason of an answer that ended by itself, and of one cut at a stop sequence. */
export function naturalFinish(flavour: Flavour): string {
  return flavour === 'aimlapi' ? 'end_turn' : 'stop';
}

export function stopFinish(flavour: Flavour): string {
  return flavour === 'aimlapi' ? 'stop_sequence' : 'stop';
}

/** A non-streaming answer's body; the tool calls, when there are any, whole in `message.tool_calls`. */
export function completionBody(flavour: Flavour, id: string, model: string, text: string, finish: string, usage: Usage, toolCalls?: WireToolCall[]): unknown {
  const calls = toolCalls?.length ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {};
  return {
    id,
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: calls.tool_calls && text === '' ? null : text, ...calls, ...(flavour === 'aimlapi' ? { reasoning_content: '' } : {}) }, finish_reason: finish }],
    usage: { ...usageCounts(usage), total_tokens: usage.prompt_tokens + usage.completion_tokens, ...(flavour === 'openrouter' ? { prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0, cache_write_tokens: usage.cache_write_tokens ?? 0 } } : {}) },
  };
}

function usageCounts(usage: Usage): Omit<Usage, 'cached_tokens' | 'cache_write_tokens'> {
  const { cached_tokens: _read, cache_write_tokens: _written, ...counts } = usage;
  return counts;
}

/** The headers of a streamed answer (OpenRouter names its generation). */
export function streamHeaders(flavour: Flavour, id: string): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(flavour === 'openrouter' ? { 'x-generation-id': id } : {}) };
}

/** OpenRouter's SSE comment while the model thinks (sent first, then every 250 ms until the first token). */
export const KEEP_ALIVE = ': OPENROUTER PROCESSING\n\n';

export function keepsAlive(flavour: Flavour): boolean {
  return flavour === 'openrouter';
}

/** Writes the chunks of one streamed answer in the flavour's shape. */
export class ChunkWriter {
  constructor(
    private readonly flavour: Flavour,
    private readonly id: string,
    private readonly model: string,
    /** The answer's finish reason (OpenRouter repeats it as `native_finish_reason`). */
    private readonly finish: string,
  ) {}

  /** Chunk `n` (0 for OpenRouter's role-only first chunk), with a delta or, for a finish chunk, maybe none. */
  chunk(delta: Record<string, unknown> | undefined, finishReason: string | null, n: number): string {
    const { flavour, id, model, finish } = this;
    const choice: Record<string, unknown> = { index: 0, finish_reason: finishReason };
    if (delta) choice.delta = delta;
    if (flavour === 'openrouter') choice.native_finish_reason = finishReason === null ? null : finish === 'stop' ? 'end_turn' : finish === 'tool_calls' ? 'tool_use' : finish;
    return `data: ${JSON.stringify({ id: flavour === 'aimlapi' && n > 0 ? '' : id, object: 'chat.completion.chunk', created: 1740000000, model, ...(flavour === 'openrouter' && n === 0 ? { provider: 'Anthropic' } : {}), choices: [choice] })}\n\n`;
  }

  /** What comes before the first token: OpenRouter's role-only chunk. */
  opening(): string[] {
    return this.flavour === 'openrouter' ? [this.chunk({ role: 'assistant', content: '' }, null, 0)] : [];
  }

  /** What ends the answer after `pieces` content chunks: the finish chunk and the usage. */
  closing(pieces: number, usage: Usage): string[] {
    const { flavour, id, model, finish } = this;
    const { cached_tokens, cache_write_tokens, ...counts } = usage;
    if (flavour === 'aimlapi') return [`data: ${JSON.stringify({ id: '', object: 'chat.completion.chunk', model, choices: [{ index: 0, finish_reason: finish }], usage })}\n\n`];
    return [
      this.chunk({ content: '' }, finish, pieces + 1),
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [], usage: { ...counts, total_tokens: usage.prompt_tokens + usage.completion_tokens, prompt_tokens_details: { cached_tokens: cached_tokens ?? 0, ...(flavour === 'openrouter' ? { cache_write_tokens: cache_write_tokens ?? 0 } : {}) } } })}\n\n`,
    ];
  }

  /** AI/ML API ends its streams without `[DONE]`. */
  get sendsDone(): boolean {
    return this.flavour !== 'aimlapi';
  }
}

// ---- Tool calls ----

/** What a local OpenAI-compatible server does with `tools`: see FakeServerOptions.localTools in fake-server.ts. */
export type LocalTools = 'ignore' | 'refuse' | 'refuse-vllm' | 'refuse-llamacpp' | 'whole' | 'split';

/**
 * Shapes of tool-call deltas some servers send (docs/providers.md, "Tool calling"): 'interleaved'
 * opens every call first and then sends their argument pieces in turn; 'no-index' leaves `index` out
 * (a new id opens the next call); 'object-arguments' sends each call whole with `arguments` as a
 * JSON object (Ollama).
 */
export type ToolCallShape = 'interleaved' | 'no-index' | 'object-arguments';

/** How the server treats tools, per flavour and options. */
export interface ToolOptions {
  /** OpenRouter: models with no provider that takes tools. */
  noToolModels?: string[];
  /** The `openai` flavour (local servers). */
  localTools?: LocalTools;
}

/** One call as the server sends it: arguments are the JSON text (possibly broken, as scripted). */
export interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** The finish reason of a turn that called tools: AI/ML API passes Anthropic's `tool_use` through. */
export function toolFinish(flavour: Flavour): string {
  return flavour === 'aimlapi' ? 'tool_use' : 'tool_calls';
}

/**
 * The id of call `index` of answer `answer`: Anthropic's `toolu_01…` through OpenRouter and Anthropic's
 * endpoint, empty from AI/ML API (docs/providers.md, "Tool calling"), OpenAI's `call_…` elsewhere.
 * Deterministic, so a failing test reads the same each run.
 */
export function toolCallId(flavour: Flavour, answer: number, index: number): string {
  if (flavour === 'aimlapi') return '';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let seed = (answer * 131 + index * 7919 + 17) >>> 0;
  let tail = '';
  for (let i = 0; i < 24; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    tail += alphabet[(seed >>> 16) % alphabet.length];
  }
  return flavour === 'openrouter' || flavour === 'anthropic' ? `toolu_01${tail.slice(0, 22)}` : `call_${tail}`;
}

/** The 4xx of each server's own refusal of tools, when this model does not take them. */
export function toolRefusal(flavour: Flavour, model: string, options: ToolOptions): { status: number; message: string } | undefined {
  if (flavour === 'openrouter' && options.noToolModels?.includes(model)) return { status: 404, message: 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing' };
  if (flavour === 'openai' && options.localTools === 'refuse') return { status: 400, message: `registry.ollama.ai/library/${model} does not support tools` };
  if (flavour === 'openai' && options.localTools === 'refuse-vllm') return { status: 400, message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set' };
  if (flavour === 'openai' && options.localTools === 'refuse-llamacpp') return { status: 400, message: 'tools param requires --jinja flag' };
  return undefined;
}

/** Whether this server reads `tools` at all: a local server by default ignores them and answers in words. */
export function readsTools(flavour: Flavour, options: ToolOptions): boolean {
  return flavour !== 'openai' || (options.localTools ?? 'ignore') !== 'ignore';
}

/** A local server in Ollama's way sends each call whole in one delta. */
export function sendsWholeCalls(flavour: Flavour, options: ToolOptions): boolean {
  return flavour === 'openai' && options.localTools === 'whole';
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const NO_PRECEDING_CALL = "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
const UNANSWERED_CALL = "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";

/**
 * What servers refuse about tools before answering: malformed `tools` entries or `tool_choice`, a
 * `tool` message answering no call of the assistant message before it, an assistant message whose
 * calls are not each answered by the tool messages right after it, a malformed call in it; Anthropic's
 * endpoint also needs `tools` defined when the messages hold tool calls or results. Then each
 * server's refusal of tools for the model (toolRefusal). The statuses are 400 unless said otherwise.
 */
export function validateTools(flavour: Flavour, body: unknown, options: ToolOptions): { status: number; message: string } | undefined {
  const b = (body ?? {}) as { model?: unknown; messages?: unknown; tools?: unknown; tool_choice?: unknown };
  const bad = (message: string) => ({ status: 400, message });
  const hasTools = b.tools !== undefined;
  if (hasTools) {
    if (!Array.isArray(b.tools)) return bad("Invalid type for 'tools': expected an array of objects.");
    for (const [i, entry] of b.tools.entries()) {
      const t = (entry ?? {}) as { type?: unknown; function?: unknown };
      if (typeof entry !== 'object' || entry === null) return bad(`Invalid type for 'tools[${i}]': expected an object.`);
      if (t.type !== 'function') return bad(`Invalid value for 'tools[${i}].type': expected 'function'.`);
      const fn = t.function as { name?: unknown; description?: unknown; parameters?: unknown } | undefined;
      if (!fn || typeof fn !== 'object') return bad(`Missing required parameter: 'tools[${i}].function'.`);
      if (typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) return bad(`Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.`);
      if (fn.description !== undefined && typeof fn.description !== 'string') return bad(`Invalid type for 'tools[${i}].function.description': expected a string.`);
      if (fn.parameters !== undefined && (typeof fn.parameters !== 'object' || fn.parameters === null || Array.isArray(fn.parameters))) return bad(`Invalid type for 'tools[${i}].function.parameters': expected an object.`);
    }
  }
  if (b.tool_choice !== undefined) {
    if (!hasTools) return bad("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
    const choice = b.tool_choice as { type?: unknown; function?: { name?: unknown } } | string;
    const named = typeof choice === 'object' && choice !== null && choice.type === 'function' && typeof choice.function?.name === 'string';
    if (!(typeof choice === 'string' && ['none', 'auto', 'required'].includes(choice)) && !named) return bad("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.");
    if (named && !(b.tools as { function: { name: string } }[]).some((t) => t.function.name === (choice as { function: { name: string } }).function.name)) return bad("Invalid value for 'tool_choice': the named function is not in 'tools'.");
  }
  const messages = (Array.isArray(b.messages) ? b.messages : []) as { role?: unknown; tool_calls?: unknown; tool_call_id?: unknown }[];
  let open: Set<string> | undefined;
  let usesTools = false;
  /** Every tool id of the conversation: Anthropic refuses one used twice (docs/tools.md, "What goes back on the wire"). */
  const seen = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m?.role === 'tool') {
      usesTools = true;
      if (!open || typeof m.tool_call_id !== 'string' || !open.has(m.tool_call_id)) return bad(NO_PRECEDING_CALL);
      open.delete(m.tool_call_id);
      continue;
    }
    if (open?.size) return bad(`${UNANSWERED_CALL} The following tool_call_ids did not have response messages: ${[...open].join(', ')}`);
    open = undefined;
    if (m?.role === 'assistant' && m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls)) return bad(`Invalid type for 'messages[${i}].tool_calls': expected an array.`);
      if (m.tool_calls.length === 0) return bad(`Invalid 'messages[${i}].tool_calls': empty array. Expected an array with minimum length 1.`);
      usesTools = true;
      open = new Set();
      for (const [j, call] of (m.tool_calls as unknown[]).entries()) {
        const c = (call ?? {}) as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
        const where = `messages[${i}].tool_calls[${j}]`;
        if (typeof c.id !== 'string' || c.id === '') return bad(`Missing required parameter: '${where}.id'.`);
        if (c.type !== 'function') return bad(`Invalid value for '${where}.type': expected 'function'.`);
        if (!c.function || typeof c.function.name !== 'string' || c.function.name === '') return bad(`Missing required parameter: '${where}.function.name'.`);
        if (typeof c.function.arguments !== 'string') return bad(`Invalid type for '${where}.function.arguments': expected a string.`);
        if (flavour === 'anthropic' && seen.has(c.id)) return bad(`messages.${i}.content.${j}: \`tool_use\` ids must be unique`);
        seen.add(c.id);
        open.add(c.id);
      }
    }
  }
  if (open?.size) return bad(`${UNANSWERED_CALL} The following tool_call_ids did not have response messages: ${[...open].join(', ')}`);
  if (flavour === 'anthropic' && usesTools && !hasTools) return bad('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  if (hasTools && typeof b.model === 'string') return toolRefusal(flavour, b.model, options);
  return undefined;
}

/** Splits a call's arguments into deltas of `size` characters (code points), anywhere: inside a string or an escape. */
export function argumentPieces(args: string, size: number): string[] {
  const chars = Array.from(args);
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += step) pieces.push(chars.slice(i, i + step).join(''));
  return pieces;
}

/**
 * The `delta`s that stream one turn's calls: per call a first delta with its index, id, type and
 * name (arguments ""), then its arguments in pieces with only the index; or, from a server that sends
 * calls whole (Ollama), one delta per call with everything.
 */
export function toolCallDeltas(calls: WireToolCall[], piece: number, whole: boolean, shape?: ToolCallShape): Record<string, unknown>[] {
  const deltas: Record<string, unknown>[] = [];
  const at = (index: number) => (shape === 'no-index' ? {} : { index });
  if (whole || shape === 'object-arguments') {
    calls.forEach((call, index) => {
      let args: unknown = call.arguments;
      if (shape === 'object-arguments') {
        try {
          args = JSON.parse(call.arguments);
        } catch {
          // Broken JSON cannot be an object: it goes as text.
        }
      }
      deltas.push({ tool_calls: [{ ...at(index), id: call.id, type: 'function', function: { name: call.name, arguments: args } }] });
    });
    return deltas;
  }
  const opening = (call: WireToolCall, index: number) => ({ tool_calls: [{ ...at(index), id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
  const parts = calls.map((call) => argumentPieces(call.arguments, piece));
  if (shape === 'interleaved') {
    calls.forEach((call, index) => deltas.push(opening(call, index)));
    for (let round = 0; parts.some((p) => round < p.length); round++) {
      parts.forEach((p, index) => {
        if (round < p.length) deltas.push({ tool_calls: [{ index, function: { arguments: p[round] } }] });
      });
    }
    return deltas;
  }
  calls.forEach((call, index) => {
    deltas.push(opening(call, index));
    for (const part of parts[index]) deltas.push({ tool_calls: [{ ...at(index), function: { arguments: part } }] });
  });
  return deltas;
}

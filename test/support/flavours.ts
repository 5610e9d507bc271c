// The providers the fake server plays, each with its own wire quirks (docs/providers.md): where the
// API lives, the model list, the error envelope, what each refuses before answering, and the shape
// of its answer chunks: OpenRouter's comment keep-alives, role-only first chunk,
// `native_finish_reason` and separate usage chunk; AI/ML API's empty ids, delta-less finish chunk,
// `end_turn` and missing `[DONE]`; Anthropic's temperature cap, blank-stop and prefill rejections.

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

/** A non-streaming answer's body. */
export function completionBody(flavour: Flavour, id: string, model: string, text: string, finish: string, usage: Usage): unknown {
  return {
    id,
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, ...(flavour === 'aimlapi' ? { reasoning_content: '' } : {}) }, finish_reason: finish }],
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
    if (flavour === 'openrouter') choice.native_finish_reason = finishReason === null ? null : finish === 'stop' ? 'end_turn' : finish;
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

// The contract of the chat-completions client: what callers (inline pipeline, chat, actions) see.
// Plain data only; the transport (undici) stays behind `ChatClient`.

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** One tool call the model asked for: its id, the tool's name and the arguments as the JSON text sent. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  /** The arguments were longer than the client keeps (src/core/client/toolCalls.ts) and were cut. */
  cut?: boolean;
}

export interface ChatMessage {
  role: Role;
  content: string;
  /** An assistant turn that asked for tools (sent with `content: null` when it said nothing). */
  toolCalls?: ToolCall[];
  /** A tool result: the id of the call it answers. */
  toolCallId?: string;
}

/** A tool the model may call: sent as `{type: 'function', function: {name, description, parameters}}`. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Sent as-is after client-side clean-up: at most 4, none blank (docs/providers.md). */
  stop?: string[];
  /**
   * The index of the message that ends the prompt's stable part (the chat's system prompt and
   * attached code): its content goes as one text part with a `cache_control` breakpoint. Kept only
   * where prompt caching works (src/core/client/shape.ts); everywhere else the message stays a string.
   */
  cacheAfter?: number;
  /** Tools the model may call (docs/providers.md, "Tool calling"). */
  tools?: ToolSpec[];
  /** `none` keeps the tools defined (a conversation with tool calls needs them) but asks for a plain answer. */
  toolChoice?: 'auto' | 'none';
  /** Provider-specific top-level fields (OpenRouter `provider`, vLLM `continue_final_message`, …). */
  extra?: Record<string, unknown>;
}

/** Normalised finish reasons: `end_turn`/`stop_sequence` map to `stop`, `max_tokens` to `length`. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'error' | 'aborted' | 'unknown';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Of the prompt tokens, how many were read from the provider's prompt cache. */
  cachedTokens?: number;
  /** Of the prompt tokens, how many were written to the prompt cache (OpenRouter's `cache_write_tokens`). */
  cacheWriteTokens?: number;
  /** USD, when the provider reports it (OpenRouter's `usage.cost`). */
  costUsd?: number;
}

export interface CompletionResult {
  text: string;
  finishReason: FinishReason;
  /** The tools the model asked for in this turn, in the order of their index (arguments whole). */
  toolCalls?: ToolCall[];
  usage?: Usage;
  model?: string;
  /** Milliseconds from sending the request to the first byte of the body, and to the last. */
  timing: { firstByteMs: number; totalMs: number };
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's default time-to-first-byte timeout (ms). */
  firstByteTimeoutMs?: number;
  /** Overrides the client's default idle timeout between chunks (ms). */
  idleTimeoutMs?: number;
  /** Retries on 429/5xx/network before the first byte; 0 disables. Inline suggestions use 0. */
  maxRetries?: number;
}

/**
 * A streamed answer: iterate it for text deltas as they arrive; `result` settles when the stream
 * ends (resolves with the whole text, rejects with a `KestrelError`). Breaking out of the loop or
 * aborting the signal closes the connection.
 */
export interface CompletionStream extends AsyncIterable<string> {
  readonly result: Promise<CompletionResult>;
}

export interface ModelInfo {
  id: string;
  name?: string;
  contextLength?: number;
  /** USD per million tokens. */
  pricePerMillion?: { prompt: number; completion: number };
  maxCompletionTokens?: number;
  /** ISO date when the provider retires the model, if announced. */
  expirationDate?: string;
}

export interface ChatClient {
  stream(request: ChatRequest, options?: RequestOptions): CompletionStream;
  complete(request: ChatRequest, options?: RequestOptions): Promise<CompletionResult>;
  listModels(options?: { signal?: AbortSignal }): Promise<ModelInfo[]>;
  /** Opens (or keeps) a pooled keep-alive connection to the provider so TLS is off the critical path. */
  warm(): Promise<void>;
}

// Server-sent events from a chat-completions stream, turned into text deltas, a finish reason and
// usage. Survives every quirk in docs/providers.md: comment keep-alives, a missing `[DONE]` or final
// blank line, chunks without `delta`, usage-only chunks, errors inside a 200 stream, and multi-byte
// characters split across network reads (a streaming TextDecoder, never per-chunk toString()).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { toolCallDeltas, type ToolCallDelta } from './toolCalls';
import type { FinishReason, Usage } from './types';

export type StreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'toolCall'; call: ToolCallDelta }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'usage'; usage: Usage }
  | { type: 'model'; model: string }
  | { type: 'error'; payload: unknown }
  | { type: 'malformed'; data: string }
  | { type: 'done' };

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  length: 'length',
  max_tokens: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  tool_use: 'tool_calls',
  error: 'error',
};

export function normaliseFinishReason(value: unknown): FinishReason | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return FINISH[String(value)] ?? 'unknown';
}

export function usageOf(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const promptTokens = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completionTokens = num(u.completion_tokens) ?? num(u.output_tokens);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  const details = u.prompt_tokens_details && typeof u.prompt_tokens_details === 'object' ? (u.prompt_tokens_details as Record<string, unknown>) : undefined;
  const cached = num(details?.cached_tokens);
  // OpenRouter's name for the tokens a prompt-cache breakpoint wrote (docs/providers.md).
  const written = num(details?.cache_write_tokens);
  const cost = num(u.cost);
  return {
    promptTokens: promptTokens ?? 0,
    completionTokens: completionTokens ?? 0,
    ...(cached !== undefined ? { cachedTokens: cached } : {}),
    ...(written !== undefined ? { cacheWriteTokens: written } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}

/** Interprets one parsed `data:` payload of a chat.completion.chunk. */
export function interpretChunk(json: unknown): StreamEvent[] {
  if (!json || typeof json !== 'object') return [{ type: 'malformed', data: String(json) }];
  const chunk = json as Record<string, unknown>;
  // An error after streaming started arrives as a chunk with a top-level `error`: check it first.
  if (chunk.error !== undefined && chunk.error !== null) return [{ type: 'error', payload: chunk }];
  const events: StreamEvent[] = [];
  if (typeof chunk.model === 'string' && chunk.model) events.push({ type: 'model', model: chunk.model });
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  for (const choice of choices.slice(0, 1)) {
    const c = (choice ?? {}) as Record<string, unknown>;
    const delta = (c.delta ?? c.message) as Record<string, unknown> | undefined;
    const content = delta?.content;
    if (typeof content === 'string' && content !== '') events.push({ type: 'delta', text: content });
    else if (typeof c.text === 'string' && c.text !== '') events.push({ type: 'delta', text: c.text });
    for (const call of toolCallDeltas(delta?.tool_calls)) events.push({ type: 'toolCall', call });
    if (c.error) return [{ type: 'error', payload: { error: c.error } }];
    const reason = normaliseFinishReason(c.finish_reason);
    if (reason) events.push({ type: 'finish', reason });
  }
  const usage = usageOf(chunk.usage);
  if (usage) events.push({ type: 'usage', usage });
  return events;
}

/**
 * A push parser: feed it raw bytes as they arrive, call `end()` at EOF, and it calls `emit` with
 * each interpreted event. `end()` flushes a last event that lacked its blank line.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser;
  private finished = false;
  /** The text read last ended in `\r`: a `\n` that starts the next is the second half of its CRLF. */
  private afterCR = false;
  /** The start of a line whose line ending has not arrived yet. */
  private partial = '';

  constructor(private readonly emit: (event: StreamEvent) => void) {
    this.parser = createParser({ onEvent: (message) => this.onMessage(message) });
  }

  feed(bytes: Uint8Array): void {
    if (this.finished) return;
    this.read(this.decoder.decode(bytes, { stream: true }));
  }

  end(): void {
    if (this.finished) return;
    // A last event without its blank line (AI/ML API, some llama.cpp builds) still counts.
    this.read(`${this.decoder.decode()}\n\n`);
    this.finished = true;
  }

  /**
   * Hands the parser whole lines, and only those it acts on: data and event lines, and the blank
   * lines that end events. Comments, ids, retry times and lines that are no field at all (a proxy's
   * page, noise) change no event: the parser would build an error object for each unknown one (a
   * megabyte of junk lines kept the host busy for seconds). Every line ending (CRLF, CR or LF, which
   * SSE allows alike) becomes LF: the parser looks for the next CR from each line of a piece that
   * holds one, which reads a CR followed by thousands of lines once per line.
   */
  private read(text: string): void {
    if (text === '') return;
    const rest = this.afterCR && text.startsWith('\n') ? text.slice(1) : text;
    this.afterCR = text.endsWith('\r');
    const lines = rest.replace(/\r\n?/g, '\n').split('\n');
    lines[0] = this.partial + lines[0];
    this.partial = lines.pop()!;
    const kept = lines.filter((line) => line === '' || /^(?:data|event)(?::|$)/.test(line));
    if (kept.length > 0) this.parser.feed(`${kept.join('\n')}\n`);
  }

  private onMessage(message: EventSourceMessage): void {
    if (this.finished) return;
    const data = message.data.trim();
    if (data === '') return;
    if (data === '[DONE]') {
      this.finished = true;
      this.emit({ type: 'done' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.emit(message.event === 'error' ? { type: 'error', payload: data } : { type: 'malformed', data: data.slice(0, 200) });
      return;
    }
    if (message.event === 'error') {
      this.emit({ type: 'error', payload: json });
      return;
    }
    for (const event of interpretChunk(json)) this.emit(event);
  }
}

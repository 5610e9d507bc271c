// The tool loop of one chat question: ask the model with the tools, run the calls it makes, send
// each result back as a `tool` message, and ask again until it answers, at most `maxSteps` requests.
// Every call's arguments are checked first (src/core/chat/tools.ts); a bad one, a refused one or one
// that throws becomes an error result the model reads, never a crash. The last request asks for a
// plain answer (`tool_choice: none`); a model that calls tools anyway is stopped there. A model or
// provider that refuses tools is asked again without them and remembered (ToolSupport), as the
// inline prefill is. Stop (the signal) ends the loop between two calls and aborts the request or
// the tool running. See docs/tools.md.
import { KestrelError } from '../client/errors';
import type { ChatClient, ChatMessage, ChatRequest, FinishReason, ToolCall, ToolSpec, Usage } from '../client/types';
import { callTitle, clipResult, inLabel, MAX_RESULT_CHARS, parseToolCall, type CallSummary, type ParsedCall } from './tools';

/** What a tool did: the text sent to the model and the outcome shown after the call's title (`3 files`). */
export interface ToolOutcome {
  text: string;
  outcome: string;
  /** Replaces the call's title where the tool knows better: the lines a read really returned (`Read src/a.ts 3–7`). */
  title?: string;
  /** Refused or failed: the text says why. */
  error?: boolean;
}

export interface ToolExecutor {
  run(call: ParsedCall, signal: AbortSignal): Promise<ToolOutcome>;
}

/** Characters of tool results sent in all per question; later calls are told the budget is used up. */
export const LOOP_RESULT_BUDGET = 48_000;

/** Models (per provider) that refused tools: asked without them from then on, for this session. */
export class ToolSupport {
  private readonly refused = new Set<string>();
  allows(provider: string, model: string): boolean {
    return !this.refused.has(`${provider}\n${model}`);
  }
  remember(provider: string, model: string): void {
    this.refused.add(`${provider}\n${model}`);
  }
}

/**
 * Whether an error is a provider refusing the tools themselves (not the question): OpenRouter's "No
 * endpoints found that support tool use", Ollama's "does not support tools", vLLM's "auto tool choice
 * requires --enable-auto-tool-choice", llama.cpp's "tools param requires --jinja".
 */
export function refusesTools(error: unknown): boolean {
  if (!(error instanceof KestrelError)) return false;
  if (!['bad-request', 'model-not-found', 'server'].includes(error.kind)) return false;
  const text = `${error.providerMessage ?? ''} ${error.userMessage}`.slice(0, 2_000);
  return /support[a-z ]{0,20}tool|tools?[a-z ]{0,20}(not supported|unsupported|are disabled)|enable-auto-tool-choice|tool[ _-]?(parser|choice)[^.]{0,40}requires|tools param requires|--jinja/i.test(text);
}

export interface ToolLoopOptions {
  client: ChatClient;
  /** The question's request: model, messages and the rest; `tools` and `toolChoice` are set per step. */
  request: ChatRequest;
  tools: readonly ToolSpec[];
  executor: ToolExecutor;
  /** Requests at most, the last one asked for a plain answer. 1 sends no tools. */
  maxSteps: number;
  /** The provider's id, for remembering a refusal per provider and model. */
  provider: string;
  support: ToolSupport;
  signal: AbortSignal;
  onDelta(text: string): void;
  /** Told the usage of the requests answered so far, after each one: a loop that is stopped still shows what it cost. */
  onUsage?(usage: Usage): void;
  /** Told as each call starts (its title) and again when it ends (its summary). */
  onCall?(event: { id: string; title: string } | { id: string; summary: CallSummary }): void;
  maxResultChars?: number;
  loopBudget?: number;
}

export interface ToolLoopResult {
  text: string;
  finishReason: FinishReason;
  /** Requests sent. */
  steps: number;
  calls: CallSummary[];
  /** The usage of every request added up; `costUsd` only when every request reported one. */
  usage?: Usage;
  /** Said under the answer: the tools were refused, or the steps ran out. */
  note?: string;
}

export async function runToolLoop(options: ToolLoopOptions): Promise<ToolLoopResult> {
  const { client, request, signal, support, provider } = options;
  const maxSteps = Math.max(1, Math.floor(options.maxSteps));
  const messages: ChatMessage[] = [...request.messages];
  const calls: CallSummary[] = [];
  const answered = new Set<string>();
  let budget = options.loopBudget ?? LOOP_RESULT_BUDGET;
  let text = '';
  let usage: Usage | undefined;
  /** Every request answered so far reported a cost: only then is the sum a cost. */
  let everyCost = true;
  let steps = 0;
  let note: string | undefined;
  /** Every call id sent in this conversation: a server that names each turn's calls `call_0` gets them renamed. */
  const usedIds = new Set<string>();
  /** The provider refused `tool_choice: "none"`: the last step asks with `auto` and the results' note. */
  let noneRefused = false;
  const tell: NonNullable<ToolLoopOptions['onCall']> = (event) => {
    try {
      options.onCall?.(event);
    } catch {
      // The view failing to show a line never stops the question.
    }
  };

  for (;;) {
    const offerTools = options.tools.length > 0 && maxSteps > 1 && support.allows(provider, request.model);
    const last = steps + 1 >= maxSteps;
    // A conversation holding tool calls keeps its tools defined (Anthropic requires it); the last step asks for words.
    const hasCalls = messages.some((m) => m.toolCalls?.length);
    const tools = offerTools || hasCalls ? [...options.tools] : undefined;
    const words = last || !offerTools ? (noneRefused ? 'auto' : 'none') : 'auto';
    const step: ChatRequest = { ...request, messages, ...(tools ? { tools, toolChoice: words } : {}) };
    const separator = text && !/\n\n$/.test(text) ? '\n\n' : '';
    let stepText = '';
    let result;
    try {
      steps++;
      const stream = client.stream(step, { signal });
      for await (const delta of stream) {
        if (!stepText && separator) options.onDelta(separator);
        stepText += delta;
        options.onDelta(delta);
      }
      result = await stream.result;
    } catch (error) {
      if (offerTools && !hasCalls && !stepText && refusesTools(error)) {
        support.remember(provider, request.model);
        note = 'This model or provider does not take tools, so it answered without looking anything up.';
        continue;
      }
      if (step.toolChoice === 'none' && !stepText && !noneRefused && refusesToolChoiceNone(error)) {
        // Asked again at once, as the same step.
        noneRefused = true;
        steps--;
        continue;
      }
      throw error;
    }
    if (stepText) text += separator + stepText;
    usage = addUp(usage, result.usage);
    if (result.usage?.costUsd === undefined) everyCost = false;
    if (usage) options.onUsage?.(everyCost ? usage : withoutCost(usage));
    const wanted = (tools && !last ? result.toolCalls ?? [] : []).map((call) => ({ ...call, id: uniqueId(call.id) }));
    if (!wanted.length) {
      if (tools && last && result.toolCalls?.length) note = `Stopped after ${steps} steps: the model kept asking for lookups (kestrel.chat.maxToolSteps).`;
      return { text, finishReason: result.finishReason === 'tool_calls' ? 'stop' : result.finishReason, steps, calls, usage: everyCost ? usage : usage && withoutCost(usage), note };
    }
    messages.push({ role: 'assistant', content: stepText, toolCalls: wanted.map(({ id, name, arguments: args }) => ({ id, name, arguments: echoed(args) })) });
    const lastLookups = steps + 1 >= maxSteps;
    for (const call of wanted) {
      if (signal.aborted) throw new KestrelError('aborted', 'Stopped.');
      const done = await runOne(call);
      const content = lastLookups ? `${done.detail}\n[That was the last lookup for this question: answer now with what you have.]` : done.detail;
      messages.push({ role: 'tool', toolCallId: call.id, content });
    }
  }

  /** `id`, or when the conversation already has it (or it is empty), `id_<step>` and so on: Anthropic refuses repeated tool ids. */
  function uniqueId(id: string): string {
    let unique = id || `call_${steps}`;
    for (let n = 2; usedIds.has(unique); n++) unique = `${id || 'call'}_${steps}${n > 2 ? `_${n}` : ''}`;
    usedIds.add(unique);
    return unique;
  }

  async function runOne(call: ToolCall): Promise<CallSummary> {
    const parsed = parseToolCall(call);
    const title = parsed.ok ? callTitle(parsed.call) : `Called ${inLabel(call.name.slice(0, 40)) || 'a tool'}`;
    tell({ id: call.id, title });
    let summary: CallSummary;
    const key = `${call.name}\n${call.arguments}`;
    if (!parsed.ok) {
      summary = { label: `${title}: bad arguments`, detail: `Error: ${parsed.error}`, error: true };
    } else if (answered.has(key)) {
      summary = { label: `${title}: asked again`, detail: 'Error: this exact call was already answered for this question; its result is above.', error: true };
    } else if (budget <= 0) {
      summary = { label: `${title}: lookup budget used up`, detail: `Error: the lookups for this question have used their ${(options.loopBudget ?? LOOP_RESULT_BUDGET).toLocaleString('en-US')} characters. Answer with what you have.`, error: true };
    } else {
      let outcome: ToolOutcome;
      try {
        outcome = await options.executor.run(parsed.call, signal);
      } catch (error) {
        if (signal.aborted) throw new KestrelError('aborted', 'Stopped.');
        outcome = { text: `Error: the tool failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500), outcome: 'failed', error: true };
      }
      if (signal.aborted) throw new KestrelError('aborted', 'Stopped.');
      const clipped = clipResult(outcome.text, Math.min(options.maxResultChars ?? MAX_RESULT_CHARS, Math.max(budget, 1_000)), hintFor(parsed.call));
      budget -= clipped.text.length;
      summary = { label: `${outcome.title ?? title}${outcome.outcome ? `: ${outcome.outcome}` : ''}${clipped.clipped ? ' (clipped)' : ''}`, detail: clipped.text, ...(outcome.error ? { error: true } : {}) };
      if (!outcome.error) answered.add(key);
    }
    calls.push(summary);
    tell({ id: call.id, summary });
    return summary;
  }
}

/** Characters of a call's arguments sent back as they came; longer ones, or text that is no JSON object, go back as `{}`. */
const MAX_ECHOED_ARGUMENTS = 4_096;

/**
 * The arguments as the assistant turn sends them back: as they came when they are a JSON object of
 * reasonable size, else `{}`. A relay that turns them into Anthropic's `tool_use.input` needs an
 * object, and the call's error result already tells the model what was wrong.
 */
export function echoed(args: string): string {
  if (args.length > MAX_ECHOED_ARGUMENTS) return '{}';
  try {
    const value: unknown = JSON.parse(args);
    return value && typeof value === 'object' && !Array.isArray(value) ? args : '{}';
  } catch {
    return '{}';
  }
}

/** A provider refusing `tool_choice: "none"` (a 400 that names the field). */
export function refusesToolChoiceNone(error: unknown): boolean {
  return error instanceof KestrelError && error.kind === 'bad-request' && /tool_choice/i.test(`${error.providerMessage ?? ''} ${error.userMessage}`.slice(0, 2_000));
}

function hintFor(call: ParsedCall): string {
  switch (call.tool) {
    case 'read_file':
      return 'read a smaller line range';
    case 'search_text':
      return 'search for something more specific, or narrow it with `include`';
    case 'list_files':
      return 'use a narrower glob';
    default:
      return 'ask for less';
  }
}

function addUp(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!b) return a;
  if (!a) return { ...b };
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: Usage = { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
  const cached = sum(a.cachedTokens, b.cachedTokens);
  const written = sum(a.cacheWriteTokens, b.cacheWriteTokens);
  const cost = sum(a.costUsd, b.costUsd);
  if (cached !== undefined) out.cachedTokens = cached;
  if (written !== undefined) out.cacheWriteTokens = written;
  if (cost !== undefined) out.costUsd = cost;
  return out;
}

function withoutCost(usage: Usage): Usage {
  const { costUsd: _cost, ...rest } = usage;
  return rest;
}

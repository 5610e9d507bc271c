// The inline pipeline, stage by stage: prefilter → typing-through → context →
// cache → debounce → prompt → stream with early stop → postprocess → cache. The newest call for a
// document always wins and is always answered; the one before it is aborted (its connection closes).
import { isPrefillRejection, KestrelError } from '../client/errors';
import type { ChatClient } from '../client/types';
import type { MultilineMode } from '../config';
import { cacheKey, LruCache, TypingThrough } from './cache';
import { DEFAULT_BUDGET, gatherContext, type ContextBudget } from './context';
import { Debouncer, realTimers, type Timers } from './debounce';
import { AnswerReader, detectIndentUnit, MAX_ANSWER_CHARS, type Processed } from './postprocess';
import { looksBinary, MAX_LINE_LENGTH, prefilter } from './prefilter';
import { buildPrompt } from './prompt';
import { RecentEdits } from './recentEdits';
import { NeighbourWindows, selectSnippets, type SnippetSource } from './snippets';
import { takeUntil } from './streamTransforms';
import { DEFAULT_RHYTHM, TypingRhythm, type RhythmTuning } from './typingRhythm';
import type { CompletionInput, Suggestion } from './types';

export interface EngineClient {
  client: ChatClient;
  model: string;
  /** Whether the provider takes an assistant prefill ('unknown': try, and learn from a refusal). */
  prefill: 'yes' | 'no' | 'unknown';
}

export interface EngineSettings {
  debounceMs: number;
  maxTokens: number;
  multiline: MultilineMode;
  budget?: ContextBudget;
  /** Characters of snippets from other files and recent edits. */
  snippetChars?: number;
  /** Off switches for the bench's baseline. */
  cache?: boolean;
  typingThrough?: boolean;
  /** false: wait exactly `debounceMs`; otherwise adapt it to the typing rhythm. */
  adaptiveDebounce?: boolean;
  rhythm?: RhythmTuning;
}

/** While an answer streams, the looks for its end read, all together, at most this many characters for each of its own. */
const LOOKS_PER_CHARACTER = 16;

/** No request for this long: the keep-alive connection may have closed, warm it when typing starts. */
export const WARM_AFTER_IDLE_MS = 10_000;

export interface EngineCounters {
  calls: number;
  requests: number;
  aborted: number;
  cacheHits: number;
  typingThroughHits: number;
  shown: number;
  skipped: number;
  errors: number;
  promptChars: number;
  /** Characters of model output read before the stream was stopped (≈ 4 a token). */
  completionChars: number;
  warmups: number;
  /** The debounce the latest call waited (adaptive), for the benches. */
  lastDebounceMs: number;
  /**
   * Milliseconds the latest call spent on its own work (prefilter, context, snippets, prompt),
   * waiting for the client, the debounce and the network left out: bounded whatever the file's size.
   */
  lastWorkMs: number;
}

export interface EngineEvents {
  /** A request starts or ends (for the status bar). */
  onRequest?(state: 'start' | 'end'): void;
  onError?(error: unknown): void;
}

export class InlineEngine {
  readonly counters: EngineCounters = { calls: 0, requests: 0, aborted: 0, cacheHits: 0, typingThroughHits: 0, shown: 0, skipped: 0, errors: 0, promptChars: 0, completionChars: 0, warmups: 0, lastDebounceMs: 0, lastWorkMs: 0 };
  readonly recentEdits = new RecentEdits();
  private readonly neighbourWindows = new NeighbourWindows();
  /** Keyed by the text around the cursor: the text and how many characters after the cursor it replaces. */
  private readonly cache = new LruCache<{ text: string; replaceLength: number }>(100);
  private readonly typingThrough = new TypingThrough();
  private readonly debouncers = new Map<string, Debouncer>();
  private readonly rhythms = new Map<string, TypingRhythm>();
  private readonly inFlight = new Map<string, AbortController>();
  private lastNetworkAt = -Infinity;
  /** Models that refused a prefill: asked without one from then on. */
  private readonly noPrefill = new Set<string>();

  constructor(
    private readonly getClient: () => Promise<EngineClient | undefined>,
    private readonly settings: () => EngineSettings,
    private readonly events: EngineEvents = {},
    private readonly timers: Timers = realTimers,
  ) {}

  /** One suggestion for the cursor, or undefined. Settles promptly when `signal` aborts. */
  async suggest(input: CompletionInput, signal: AbortSignal): Promise<Suggestion | undefined> {
    this.counters.calls++;
    let workStarted = this.timers.now();
    this.counters.lastWorkMs = 0;
    const work = () => {
      const now = this.timers.now();
      this.counters.lastWorkMs += now - workStarted;
      workStarted = now;
    };
    const settings = this.settings();
    // Every call is a keystroke (or an explicit ask): it sets the rhythm the debounce adapts to.
    let rhythm = this.rhythms.get(input.document.uri);
    if (!rhythm) this.rhythms.set(input.document.uri, (rhythm = new TypingRhythm(settings.rhythm ?? DEFAULT_RHYTHM)));
    rhythm.keystroke(this.timers.now());
    if (prefilter(input)) {
      this.counters.skipped++;
      work();
      return undefined;
    }
    const { document, cursor } = input;
    const line = document.lineAt(cursor.line);
    const linePrefix = line.slice(0, cursor.character);
    const lineSuffix = line.slice(cursor.character);
    const above = linesAbove(input, 20);

    if (settings.typingThrough !== false) {
      const reused = this.typingThrough.lookup(document.uri, cursor.line, linePrefix, lineSuffix, above);
      if (reused) {
        this.counters.typingThroughHits++;
        this.counters.shown++;
        work();
        return reused;
      }
    }

    const context = gatherContext(input, settings.budget ?? DEFAULT_BUDGET);
    // Binary content anywhere in what would be sent (not only next to the cursor): nothing to continue.
    if (looksBinary(context.prefix) || looksBinary(context.suffix)) {
      this.counters.skipped++;
      work();
      return undefined;
    }
    work();
    const connection = await this.getClient();
    workStarted = this.timers.now();
    if (!connection || signal.aborted) return undefined;
    const key = cacheKey(context.prefix, context.suffix, connection.model);
    const remember = (suggestion: Suggestion) => {
      this.typingThrough.remember({ uri: document.uri, line: cursor.line, linePrefix, lineSuffix, above, suggestion });
      this.counters.shown++;
      return suggestion;
    };
    if (settings.cache !== false) {
      const cached = this.cache.get(key);
      if (cached) {
        this.counters.cacheHits++;
        work();
        return remember({ text: cached.text, replaceEnd: cursor.character + cached.replaceLength, source: 'cache' });
      }
    }

    // The newest call for this document wins: the one before it stops now, its connection closes.
    this.inFlight.get(document.uri)?.abort();
    const controller = new AbortController();
    this.inFlight.set(document.uri, controller);
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Typing starts after an idle gap: open the connection during the debounce, so the TLS
      // handshake is not on the critical path (the client skips a connection still in use).
      const now = this.timers.now();
      if (now - this.lastNetworkAt >= WARM_AFTER_IDLE_MS) {
        this.counters.warmups++;
        connection.client.warm().catch(() => undefined);
        this.lastNetworkAt = now;
      }
      const debouncer = this.debouncers.get(document.uri) ?? new Debouncer(this.timers);
      this.debouncers.set(document.uri, debouncer);
      const inWord = /[\p{L}\p{N}_$]$/u.test(linePrefix);
      const delay = input.explicit ? 0 : settings.adaptiveDebounce === false ? settings.debounceMs : rhythm.delay(settings.debounceMs, inWord);
      this.counters.lastDebounceMs = delay;
      const waiting = debouncer.wait(delay, controller.signal);

      // The rest of the prompt is gathered while the debounce runs, so it adds nothing to the wait.
      const multiline = wantsMultiline(settings.multiline, linePrefix, lineSuffix);
      // The lines below count too: at the top of a file, the only indented code may follow the cursor.
      const indentUnit = detectIndentUnit([...context.prefix.split('\n').slice(-60), ...context.suffix.split('\n').slice(1, 40)]);
      const snippets = selectSnippets(context.prefix.slice(-600) + context.suffix.slice(0, 200), this.snippetSources(input), settings.snippetChars ?? 1500);
      work();
      if ((await waiting) !== 'ready') return undefined;
      workStarted = this.timers.now();
      const usePrefill = connection.prefill !== 'no' && !this.noPrefill.has(connection.model);

      const ask = (prefill: boolean) =>
        this.request(connection, context, { path: document.path, languageId: document.languageId, snippets, multiline, indentUnit, eol: document.eol, prefill, maxTokens: settings.maxTokens }, controller.signal);
      let processed: Processed | undefined;
      try {
        processed = await ask(usePrefill);
      } catch (error) {
        if (!usePrefill || !isPrefillRejection(error)) throw error;
        // Claude 4.6+ refuses an assistant prefill: ask again without, and remember the model.
        this.noPrefill.add(connection.model);
        processed = await ask(false);
      }
      if (controller.signal.aborted || !processed) return undefined;
      const suggestion: Suggestion = { text: processed.text, replaceEnd: cursor.character + processed.replaceLength, source: 'network' };
      if (settings.cache !== false) this.cache.set(key, processed);
      return remember(suggestion);
    } catch (error) {
      if (error instanceof KestrelError && error.kind === 'aborted') return undefined;
      if (controller.signal.aborted) return undefined;
      this.counters.errors++;
      this.events.onError?.(error);
      return undefined;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.inFlight.get(document.uri) === controller) this.inFlight.delete(document.uri);
    }
  }

  private async request(
    connection: EngineClient,
    context: ReturnType<typeof gatherContext>,
    options: { path: string; languageId: string; snippets: ReturnType<typeof selectSnippets>; multiline: boolean; indentUnit: string; eol: '\n' | '\r\n'; prefill: boolean; maxTokens: number },
    signal: AbortSignal,
  ): Promise<Processed | undefined> {
    const started = this.timers.now();
    const built = buildPrompt(context, { path: options.path, languageId: options.languageId, snippets: options.snippets, prefill: options.prefill, maxTokens: options.maxTokens, model: connection.model });
    this.counters.lastWorkMs += this.timers.now() - started;
    this.counters.requests++;
    this.lastNetworkAt = this.timers.now();
    this.counters.promptChars += built.request.messages.reduce((n, m) => n + m.content.length, 0);
    this.events.onRequest?.('start');
    const onAbort = () => this.counters.aborted++;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const stream = connection.client.stream(built.request, { signal, maxRetries: 0, firstByteTimeoutMs: 10_000, idleTimeoutMs: 5_000 });
      // The same stages decide when the shown part is complete (while streaming) and what it is (after).
      const reader = new AnswerReader({
        linePrefix: context.linePrefix,
        lineSuffix: context.lineSuffix,
        prefix: context.prefix,
        suffix: context.suffix,
        indentUnit: options.indentUnit,
        eol: options.eol,
        multiline: options.multiline,
        languageId: options.languageId,
        prefill: built.prefill,
      });
      let raw = '';
      let checkedAt = 0;
      // Characters the looks for the end have read so far.
      let looked = 0;
      // Reading stops (and the connection closes) once the shown part is complete. The end can only
      // show with a new line, a closing tag or fence, or a line growing into a repetition, or when
      // the answer has grown longer than any suggestion is read from (`MAX_ANSWER_CHARS`).
      const rule = (text: string) => {
        if (!/[\n>`]/.test(text.slice(checkedAt)) && text.length - checkedAt < 40 && text.length < MAX_ANSWER_CHARS) return -1;
        // Each look reads the whole answer so far: all the looks together read it at most
        // `LOOKS_PER_CHARACTER` times over. An ordinary answer is looked at on every line; one of
        // thousands of tiny lines less often, further apart as it grows.
        if (looked + text.length > LOOKS_PER_CHARACTER * text.length && text.length < MAX_ANSWER_CHARS) return -1;
        looked += text.length;
        checkedAt = text.length;
        return reader.end(text);
      };
      // What was read, up to the end the rule found: the final pass decides on exactly that text.
      for await (const delta of takeUntil(stream, rule)) raw += delta;
      const result = await stream.result.catch((error: unknown) => {
        if (!(error instanceof KestrelError && error.kind === 'aborted' && !signal.aborted)) throw error;
        return undefined;
      });
      this.counters.completionChars += raw.length;
      this.lastNetworkAt = this.timers.now();
      return reader.finish(raw, result?.finishReason === 'length');
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.events.onRequest?.('end');
    }
  }

  private snippetSources(input: CompletionInput): SnippetSource[] {
    const sources = this.recentEdits.sources(input.document.uri, input.cursor.line);
    for (const neighbour of input.neighbours ?? []) {
      if (neighbour.uri !== input.document.uri) sources.push(...this.neighbourWindows.of(neighbour));
    }
    return sources;
  }

  /** Forgets a closed document. */
  forget(uri: string): void {
    this.inFlight.get(uri)?.abort();
    this.inFlight.delete(uri);
    this.debouncers.get(uri)?.dispose();
    this.debouncers.delete(uri);
    this.rhythms.delete(uri);
    this.typingThrough.forget(uri);
    this.recentEdits.forget(uri);
    this.neighbourWindows.forget(uri);
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  dispose(): void {
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
    for (const d of this.debouncers.values()) d.dispose();
    this.debouncers.clear();
  }
}

/** Several lines when the cursor opens an empty block or sits on an empty line (`auto`). */
export function wantsMultiline(mode: MultilineMode, linePrefix: string, lineSuffix: string): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  if (lineSuffix.trim() !== '' && !/^\s*(?:[)\]}]+\s*)?(?:[;,]\s*)?$/.test(lineSuffix)) return false;
  const before = linePrefix.trimEnd();
  return before === '' || /[{([:]$|=>$/.test(before);
}

/** The lines above the cursor, each clipped: a minified 2 MB line must not be copied and kept per keystroke. */
function linesAbove(input: CompletionInput, count: number): string {
  const out: string[] = [];
  for (let i = Math.max(0, input.cursor.line - count); i < input.cursor.line; i++) out.push(input.document.lineAt(i).slice(0, MAX_LINE_LENGTH));
  return out.join('\n');
}

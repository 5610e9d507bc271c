// The inline pipeline, stage by stage: prefilter → typing-through and hot streak → context → cache →
// ride a request in flight → debounce → prompt → stream with early stop → postprocess → cache. Each
// document has at most one request in flight (src/core/completion/flight.ts): a call whose typed text
// agrees with it rides it; otherwise the newest call wins and the one before is aborted (its
// connection closes). Every call is answered or settles when cancelled.
import { isPrefillRejection, KestrelError } from '../client/errors';
import type { ChatClient } from '../client/types';
import type { MultilineMode } from '../config';
import { cacheKey, LruCache, TypingThrough } from './cache';
import { DEFAULT_BUDGET, gatherContext, type ContextBudget } from './context';
import { Debouncer, realTimers, type Timers } from './debounce';
import { AnswerReader, detectIndentUnit, MAX_ANSWER_CHARS, type Processed } from './postprocess';
import { looksBinary, MAX_LINE_LENGTH, prefilter } from './prefilter';
import { buildPrompt, type BuiltPrompt } from './prompt';
import { RecentEdits } from './recentEdits';
import { NeighbourWindows, selectSnippets, type SnippetSource } from './snippets';
import { takeUntil } from './streamTransforms';
import { Flight, typedSince, type Anchor } from './flight';
import { DEFAULT_RHYTHM, keyKind, TypingRhythm, type RhythmTuning } from './typingRhythm';
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
  /** Off switches for the bench's baseline; each lever is on unless set to false. */
  cache?: boolean;
  typingThrough?: boolean;
  /** false: wait exactly `debounceMs`; otherwise adapt it to the typing rhythm. */
  adaptiveDebounce?: boolean;
  /** Keep a request in flight while the user types the start of its answer, and serve them from it. */
  ride?: boolean;
  /** Serve the next lines of a multi-line suggestion after its first line is typed or accepted. */
  hotStreak?: boolean;
  /** Ask for the next suggestion as soon as one is accepted (see `prefetch`). */
  prefetch?: boolean;
  rhythm?: RhythmTuning;
}

/** While an answer streams, the looks for its end read, all together, at most this many characters for each of its own. */
const LOOKS_PER_CHARACTER = 16;

/** No request for this long: the keep-alive connection may have closed, warm it when typing starts. */
export const WARM_AFTER_IDLE_MS = 10_000;

/**
 * How long a request in flight is kept once nobody waits for it: VS Code cancels a call at the next
 * key and asks again about 50 ms later (measured in bench/real-vscode.ts), and that call may ride it.
 */
export const RIDE_GRACE_MS = 250;
/**
 * Explicitly asked, up to this many distinct suggestions (VS Code cycles them with Alt+] and Alt+[):
 * the usual one and one request of its own at each of these temperatures, sent beside it. Not `n`:
 * Anthropic's endpoint requires n = 1 and OpenRouter does not pass it on to Claude.
 */
export const ALTERNATIVE_TEMPERATURES = [0.7, 1.0];

export interface EngineCounters {
  calls: number;
  requests: number;
  aborted: number;
  cacheHits: number;
  typingThroughHits: number;
  /** Calls served from the next lines of a multi-line suggestion (the hot streak). */
  hotStreakHits: number;
  /** Calls that rode a request in flight instead of sending their own. */
  rides: number;
  /** Requests sent because a suggestion was accepted, and calls served from their answer. */
  prefetches: number;
  prefetchHits: number;
  /** Requests for the other suggestions of an explicit ask (`alternatives`). */
  alternativeRequests: number;
  shown: number;
  /** Suggestions shown with no wait for the network (cache, typing-through, hot streak, a prefetch already read). */
  shownWithoutWait: number;
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

/** One call's timeline on the engine's clock, for the benches' split of where the time goes. */
export interface CallTrace {
  /** The keystroke the call answers (told by the editor), or the call itself when none was told. */
  keyAt: number;
  calledAt: number;
  debounceMs: number;
  workMs: number;
  /** When the request it waited for was sent (its own, or the one it rode) and its answer read. */
  requestAt?: number;
  answeredAt?: number;
  returnedAt: number;
  source: Suggestion['source'] | 'none';
}

export interface EngineEvents {
  /** The first request of a run of overlapping ones starts, or the last ends (for the status bar). */
  onRequest?(state: 'start' | 'end'): void;
  onError?(error: unknown): void;
  /** Each call's timeline as it settles. */
  onTrace?(trace: CallTrace): void;
}

type RequestOptions = { path: string; languageId: string; snippets: ReturnType<typeof selectSnippets>; multiline: boolean; indentUnit: string; eol: '\n' | '\r\n'; maxTokens: number };

export class InlineEngine {
  readonly counters: EngineCounters = { calls: 0, requests: 0, aborted: 0, cacheHits: 0, typingThroughHits: 0, hotStreakHits: 0, rides: 0, prefetches: 0, prefetchHits: 0, alternativeRequests: 0, shown: 0, shownWithoutWait: 0, skipped: 0, errors: 0, promptChars: 0, completionChars: 0, warmups: 0, lastDebounceMs: 0, lastWorkMs: 0 };
  readonly recentEdits = new RecentEdits();
  private readonly neighbourWindows = new NeighbourWindows();
  /** Keyed by the text around the cursor: the text, how many characters after the cursor it replaces, and whether a prefetch read it. */
  private readonly cache = new LruCache<{ text: string; replaceLength: number; prefetched: boolean }>(100);
  /** The other suggestions of an explicit ask, by the cursor's context: asking again sends nothing. */
  private readonly alternativesCache = new LruCache<Processed[]>(20);
  private readonly typingThrough = new TypingThrough();
  private readonly debouncers = new Map<string, Debouncer>();
  private readonly rhythms = new Map<string, TypingRhythm>();
  /** At most one request per document: the newest. */
  private readonly flights = new Map<string, Flight>();
  /** The alternatives' requests in flight, beside the documents' flights: stopped with them. */
  private readonly otherFlights = new Set<Flight>();
  private lastNetworkAt = -Infinity;
  /** Models that refused a prefill: asked without one from then on. */
  private readonly noPrefill = new Set<string>();
  private disposed = false;
  /** Requests being read, for the status bar: it says working from the first start to the last end. */
  private reading = 0;

  constructor(
    private readonly getClient: () => Promise<EngineClient | undefined>,
    private readonly settings: () => EngineSettings,
    private readonly events: EngineEvents = {},
    private readonly timers: Timers = realTimers,
  ) {}

  /**
   * The editor tells each change to a document as it happens (`endsStatement`: Enter, `;`, `{` or
   * `}`): the time since the key counts against the wait (src/core/completion/typingRhythm.ts).
   * Typing in a document that has asked before, after an idle gap, warms the connection now: the
   * first key of a burst asks at once, and VS Code calls about 57 ms after the key.
   */
  keystroke(uri: string, endsStatement = false): void {
    const now = this.timers.now();
    this.rhythmOf(uri).keyTold(now, endsStatement);
    if (this.debouncers.has(uri)) this.warmIfIdle(now, async () => (await this.getClient())?.client.warm());
  }

  /** No request for `WARM_AFTER_IDLE_MS`: the keep-alive connection may have closed, open one now. */
  private warmIfIdle(now: number, warm: () => Promise<void>): void {
    if (now - this.lastNetworkAt < WARM_AFTER_IDLE_MS) return;
    this.lastNetworkAt = now;
    this.counters.warmups++;
    warm().catch(() => undefined);
  }

  /** The request in flight for this very cursor, still being read, if there is one. */
  private askingAt(anchor: Anchor): Flight | undefined {
    const flight = this.flights.get(anchor.uri);
    return flight && !flight.done && typedSince(flight.anchor, anchor) === '' ? flight : undefined;
  }

  /** One suggestion for the cursor, or undefined. Settles promptly when `signal` aborts. */
  async suggest(input: CompletionInput, signal: AbortSignal): Promise<Suggestion | undefined> {
    this.counters.calls++;
    const calledAt = this.timers.now();
    const line = input.document.lineAt(input.cursor.line);
    const keyAt = this.rhythmOf(input.document.uri).call(calledAt, keyKind(line.slice(0, Math.min(input.cursor.character, MAX_LINE_LENGTH + 1)).slice(-64)));
    const trace: CallTrace = { keyAt, calledAt, debounceMs: 0, workMs: 0, returnedAt: 0, source: 'none' };
    this.counters.lastDebounceMs = 0;
    const suggestion = await this.answer(input, signal, trace);
    trace.returnedAt = this.timers.now();
    trace.workMs = this.counters.lastWorkMs;
    trace.source = suggestion?.source ?? 'none';
    if (suggestion) {
      this.counters.shown++;
      if (!suggestion.waited) this.counters.shownWithoutWait++;
    }
    this.events.onTrace?.(trace);
    if (!suggestion) return undefined;
    const { waited: _, ...shown } = suggestion;
    return shown;
  }

  /**
   * Explicitly asked (Trigger Suggestion, or VS Code starting to cycle with Alt+]): up to
   * 1 + `ALTERNATIVE_TEMPERATURES.length` distinct suggestions, the usual one first. The usual one
   * goes its usual way (cache, typing-through, riding); the others are requests of their own at
   * higher temperatures, sent at once beside it and stopped with it. Automatic calls never come here.
   */
  async alternatives(input: CompletionInput, signal: AbortSignal): Promise<Suggestion[]> {
    const [first, others] = await Promise.all([this.suggest(input, signal), this.others(input, signal)]);
    const seen = new Set<string>();
    const distinct: Suggestion[] = [];
    for (const s of [first, ...others]) {
      if (!s || !s.text.trim() || seen.has(s.text)) continue;
      seen.add(s.text);
      distinct.push(s);
    }
    return signal.aborted ? [] : distinct;
  }

  private async others(input: CompletionInput, signal: AbortSignal): Promise<Suggestion[]> {
    const settings = this.settings();
    if (prefilter(input)) return [];
    const context = gatherContext(input, settings.budget ?? DEFAULT_BUDGET);
    if (looksBinary(context.prefix) || looksBinary(context.suffix)) return [];
    const connection = await this.getClient();
    if (!connection || signal.aborted || this.disposed) return [];
    const options = this.requestOptions(input, context, settings);
    const anchor = anchorOf(input);
    const key = `${cacheKey(context.prefix, context.suffix, connection.model)}\u0000alternatives`;
    const known = settings.cache !== false ? this.alternativesCache.get(key) : undefined;
    const read = known ?? (await Promise.all(ALTERNATIVE_TEMPERATURES.map((temperature) => this.other(anchor, connection, context, options, temperature, signal))));
    const answered = read.filter((p): p is Processed => p !== undefined && p !== 'failed');
    // Kept only when every one answered: a failed one is asked for again next time.
    if (!known && !signal.aborted && !read.includes('failed')) this.alternativesCache.set(key, answered);
    return answered.map((p) => ({ text: p.text, replaceEnd: input.cursor.character + p.replaceLength, source: 'network' as const }));
  }

  /** One more suggestion at `temperature`: a request beside the document's flight, never replacing it. */
  private async other(anchor: Anchor, connection: EngineClient, context: ReturnType<typeof gatherContext>, options: RequestOptions, temperature: number, signal: AbortSignal): Promise<Processed | undefined | 'failed'> {
    const flight = new Flight(anchor, 'call', this.timers, RIDE_GRACE_MS);
    const stop = () => flight.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.otherFlights.add(flight);
    try {
      this.counters.alternativeRequests++;
      const processed = await this.requestWithPrefill(connection, context, { ...options, temperature }, flight);
      return signal.aborted ? undefined : processed;
    } catch {
      // The usual suggestion's request reports what went wrong; one of the others failing shows nothing.
      return 'failed';
    } finally {
      signal.removeEventListener('abort', stop);
      this.otherFlights.delete(flight);
    }
  }

  /**
   * Asks for the suggestion at `input` now, with no debounce, and keeps the answer for the call the
   * editor makes next: used when a suggestion is accepted, as the user usually pauses to read. One
   * request per accepted suggestion; nothing when the answer is already known or being read.
   */
  async prefetch(input: CompletionInput): Promise<void> {
    const settings = this.settings();
    if (settings.prefetch === false || prefilter(input)) return;
    const anchor = anchorOf(input);
    if (settings.typingThrough !== false && this.typingThrough.lookup(anchor, settings.hotStreak === false ? undefined : input.document, (line) => linesAboveLine(input, line))) return;
    if (this.askingAt(anchor)) return;
    const context = gatherContext(input, settings.budget ?? DEFAULT_BUDGET);
    if (looksBinary(context.prefix) || looksBinary(context.suffix)) return;
    const connection = await this.getClient();
    if (!connection || this.disposed) return;
    // While the client was looked up, VS Code's own call may have asked for this cursor: ride on.
    if (this.askingAt(anchor)) return;
    if (settings.cache !== false && this.cache.get(cacheKey(context.prefix, context.suffix, connection.model))) return;
    this.counters.prefetches++;
    const flight = this.launch(anchor, 'prefetch', connection, context, this.requestOptions(input, context, settings), settings);
    flight.hold();
  }

  private async answer(input: CompletionInput, signal: AbortSignal, trace: CallTrace): Promise<(Suggestion & { waited: boolean }) | undefined> {
    let workStarted = this.timers.now();
    this.counters.lastWorkMs = 0;
    const work = () => {
      const now = this.timers.now();
      this.counters.lastWorkMs += now - workStarted;
      workStarted = now;
    };
    const settings = this.settings();
    if (prefilter(input)) {
      this.counters.skipped++;
      work();
      return undefined;
    }
    const { document, cursor } = input;
    const anchor = anchorOf(input);
    const aboveOf = (line: number) => linesAboveLine(input, line);

    const reuse = () => {
      if (settings.typingThrough === false) return undefined;
      const reused = this.typingThrough.lookup(anchor, settings.hotStreak === false ? undefined : document, aboveOf);
      if (!reused) return undefined;
      if (reused.source === 'hot-streak') this.counters.hotStreakHits++;
      else this.counters.typingThroughHits++;
      work();
      return { ...reused, waited: false };
    };
    const reused = reuse();
    if (reused) return reused;

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
    if (!connection || signal.aborted || this.disposed) return undefined;
    // An answer read while the client was looked up may already hold this cursor.
    const readMeanwhile = reuse();
    if (readMeanwhile) return readMeanwhile;
    const key = cacheKey(context.prefix, context.suffix, connection.model);
    if (settings.cache !== false) {
      const cached = this.cache.get(key);
      if (cached) {
        this.counters.cacheHits++;
        if (cached.prefetched) this.counters.prefetchHits++;
        work();
        const suggestion: Suggestion = { text: cached.text, replaceEnd: cursor.character + cached.replaceLength, source: cached.prefetched ? 'prefetch' : 'cache' };
        // Shown again: typing it through (or its next lines) is served from it.
        this.typingThrough.remember({ ...anchor, suggestion });
        return { ...suggestion, waited: false };
      }
    }

    // A request in flight for this cursor, which what the user typed since agrees with (or may: it
    // has streamed nothing that disagrees yet): ride it instead of sending another.
    let rode = false;
    const current = this.flights.get(document.uri);
    if (current && settings.ride !== false) {
      const typed = typedSince(current.anchor, anchor);
      const agreement = typed === undefined ? 'disagrees' : current.agreement(typed);
      // Before its first token nothing is known: only a call at the very same cursor rides it then.
      if (typed !== undefined && (typed === '' || (agreement !== 'disagrees' && current.streaming))) {
        work();
        await current.ride(typed, signal);
        workStarted = this.timers.now();
        if (signal.aborted) return undefined;
        const result = current.result;
        if (current.done && result === 'failed') return undefined;
        if (current.done && result && result !== 'failed' && result.text.length > typed.length && result.text.startsWith(typed)) {
          trace.requestAt = current.requestAt;
          trace.answeredAt = current.answeredAt;
          this.counters.rides++;
          if (current.kind === 'prefetch') this.counters.prefetchHits++;
          return { text: result.text.slice(typed.length), replaceEnd: cursor.character + result.replaceLength, source: current.kind === 'prefetch' ? 'prefetch' : 'in-flight', waited: true };
        }
        // It disagreed (or answered nothing new): a request of its own, at once; the user has waited.
        rode = true;
      }
    }

    // The newest call for this document wins: the request before it stops now, its connection closes.
    this.flights.get(document.uri)?.abort();
    // Typing starts after an idle gap: open the connection during the debounce, so the TLS
    // handshake is not on the critical path (the client skips a connection still in use).
    const now = this.timers.now();
    this.warmIfIdle(now, () => connection.client.warm());
    const debouncer = this.debouncers.get(document.uri) ?? new Debouncer(this.timers);
    this.debouncers.set(document.uri, debouncer);
    const rhythm = this.rhythmOf(document.uri);
    const delay =
      input.explicit || rode ? 0 : settings.adaptiveDebounce === false ? settings.debounceMs : rhythm.delay(settings.debounceMs, keyKind(anchor.linePrefix), now - trace.keyAt);
    this.counters.lastDebounceMs = trace.debounceMs = delay;
    const waiting = debouncer.wait(delay, signal);

    // The rest of the prompt is gathered while the debounce runs, so it adds nothing to the wait.
    const options = this.requestOptions(input, context, settings);
    work();
    if ((await waiting) !== 'ready' || this.disposed) return undefined;
    workStarted = this.timers.now();
    // A request for this very cursor that started while this call waited (the prefetch after an
    // accept) is the same question: ride it rather than ask twice.
    const same = settings.ride !== false ? this.askingAt(anchor) : undefined;
    const flight = same ?? this.launch(anchor, 'call', connection, context, options, settings);
    work();
    await flight.ride('', signal);
    if (signal.aborted) return undefined;
    trace.requestAt = flight.requestAt;
    trace.answeredAt = flight.answeredAt;
    const result = flight.result;
    if (!result || result === 'failed') return undefined;
    if (flight.kind === 'prefetch') this.counters.prefetchHits++;
    return { text: result.text, replaceEnd: cursor.character + result.replaceLength, source: flight.kind === 'prefetch' ? 'prefetch' : 'network', waited: true };
  }

  private requestOptions(input: CompletionInput, context: ReturnType<typeof gatherContext>, settings: EngineSettings): RequestOptions {
    const line = input.document.lineAt(input.cursor.line);
    const multiline = wantsMultiline(settings.multiline, line.slice(0, input.cursor.character), line.slice(input.cursor.character));
    // The lines below count too: at the top of a file, the only indented code may follow the cursor.
    const indentUnit = detectIndentUnit([...context.prefix.split('\n').slice(-60), ...context.suffix.split('\n').slice(1, 40)]);
    const snippets = selectSnippets(context.prefix.slice(-600) + context.suffix.slice(0, 200), this.snippetSources(input), settings.snippetChars ?? 1500);
    return { path: input.document.path, languageId: input.document.languageId, snippets, multiline, indentUnit, eol: input.document.eol, maxTokens: settings.maxTokens };
  }

  /**
   * Sends the request for `anchor` as the document's one flight (the one before it is aborted) and
   * reads it in the background: its answer goes to the cache and to typing-through whoever waits for
   * it, and an error is reported once, here.
   */
  private launch(anchor: Anchor, kind: Flight['kind'], connection: EngineClient, context: ReturnType<typeof gatherContext>, options: RequestOptions, settings: EngineSettings): Flight {
    const previous = this.flights.get(anchor.uri);
    previous?.abort();
    const flight = new Flight(anchor, kind, this.timers, RIDE_GRACE_MS);
    this.flights.set(anchor.uri, flight);
    const key = cacheKey(context.prefix, context.suffix, connection.model);
    void (async () => {
      let processed: Processed | undefined;
      try {
        // One request per document on the wire too: the aborted one closes its connection before
        // this one is sent (a moment; at most 100 ms if it is slow to let go).
        if (previous && !previous.done) await this.settledOrAfter(previous, 100);
        processed = await this.requestWithPrefill(connection, context, options, flight);
        if (flight.controller.signal.aborted) processed = undefined;
        if (processed) {
          if (settings.cache !== false) this.cache.set(key, { ...processed, prefetched: kind === 'prefetch' });
          this.typingThrough.remember({ ...anchor, suggestion: { text: processed.text, replaceEnd: anchor.linePrefix.length + processed.replaceLength, source: 'network' } });
        }
        flight.settle(processed);
      } catch (error) {
        const aborted = flight.controller.signal.aborted || (error instanceof KestrelError && error.kind === 'aborted');
        if (!aborted) {
          this.counters.errors++;
          this.events.onError?.(error);
        }
        flight.settle(aborted ? undefined : 'failed');
      } finally {
        if (this.flights.get(anchor.uri) === flight) this.flights.delete(anchor.uri);
      }
    })();
    return flight;
  }

  /**
   * The request, with an assistant prefill unless the provider or the model is known to refuse one.
   * Claude 4.6+ refuses it: asked again without, and the model is remembered.
   */
  private async requestWithPrefill(connection: EngineClient, context: ReturnType<typeof gatherContext>, options: RequestOptions & { temperature?: number }, flight: Flight): Promise<Processed | undefined> {
    const prefill = connection.prefill !== 'no' && !this.noPrefill.has(connection.model);
    try {
      return await this.request(connection, context, { ...options, prefill }, flight);
    } catch (error) {
      if (!prefill || !isPrefillRejection(error)) throw error;
      this.noPrefill.add(connection.model);
      return this.request(connection, context, { ...options, prefill: false }, flight);
    }
  }

  private settledOrAfter(flight: Flight, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.timers.setTimeout(resolve, ms);
      void flight.settled.then(() => {
        this.timers.clearTimeout(timer);
        resolve();
      });
    });
  }

  private readerFor(context: ReturnType<typeof gatherContext>, options: RequestOptions, prefill: BuiltPrompt['prefill']): AnswerReader {
    return new AnswerReader({
      linePrefix: context.linePrefix,
      lineSuffix: context.lineSuffix,
      prefix: context.prefix,
      suffix: context.suffix,
      indentUnit: options.indentUnit,
      eol: options.eol,
      multiline: options.multiline,
      languageId: options.languageId,
      prefill,
    });
  }

  private async request(connection: EngineClient, context: ReturnType<typeof gatherContext>, options: RequestOptions & { prefill: boolean; temperature?: number }, flight: Flight): Promise<Processed | undefined> {
    const signal = flight.controller.signal;
    const started = this.timers.now();
    const built = buildPrompt(context, { path: options.path, languageId: options.languageId, snippets: options.snippets, prefill: options.prefill, maxTokens: options.maxTokens, model: connection.model });
    this.counters.lastWorkMs += this.timers.now() - started;
    this.counters.requests++;
    this.lastNetworkAt = flight.requestAt = this.timers.now();
    this.counters.promptChars += built.request.messages.reduce((n, m) => n + m.content.length, 0);
    if (this.reading++ === 0) this.events.onRequest?.('start');
    const onAbort = () => this.counters.aborted++;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const request = options.temperature === undefined ? built.request : { ...built.request, temperature: options.temperature };
      const stream = connection.client.stream(request, { signal, maxRetries: 0, firstByteTimeoutMs: 10_000, idleTimeoutMs: 5_000 });
      // The same stages decide when the shown part is complete (while streaming) and what it is (after).
      const reader = this.readerFor(context, options, built.prefill);
      flight.preview = (raw) => reader.finish(raw, false)?.text;
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
      for await (const delta of takeUntil(stream, rule)) {
        raw += delta;
        flight.stream(raw);
      }
      const result = await stream.result.catch((error: unknown) => {
        if (!(error instanceof KestrelError && error.kind === 'aborted' && !signal.aborted)) throw error;
        return undefined;
      });
      this.counters.completionChars += raw.length;
      this.lastNetworkAt = this.timers.now();
      return reader.finish(raw, result?.finishReason === 'length');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (--this.reading === 0) this.events.onRequest?.('end');
    }
  }

  private rhythmOf(uri: string): TypingRhythm {
    let rhythm = this.rhythms.get(uri);
    if (!rhythm) this.rhythms.set(uri, (rhythm = new TypingRhythm(this.settings().rhythm ?? DEFAULT_RHYTHM)));
    return rhythm;
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
    this.flights.get(uri)?.abort();
    for (const flight of this.otherFlights) if (flight.anchor.uri === uri) flight.abort();
    this.flights.delete(uri);
    this.debouncers.get(uri)?.dispose();
    this.debouncers.delete(uri);
    this.rhythms.delete(uri);
    this.typingThrough.forget(uri);
    this.recentEdits.forget(uri);
    this.neighbourWindows.forget(uri);
  }

  get requestsInFlight(): number {
    return this.flights.size + this.otherFlights.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const flight of this.flights.values()) flight.abort();
    this.flights.clear();
    for (const flight of this.otherFlights) flight.abort();
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

/** Lines of the document above `line` that an anchor keeps, each clipped: a minified 2 MB line must not be copied and kept per keystroke. */
function linesAboveLine(input: CompletionInput, line: number, count = 20): string {
  const out: string[] = [];
  for (let i = Math.max(0, line - count); i < line; i++) out.push(input.document.lineAt(i).slice(0, MAX_LINE_LENGTH));
  return out.join('\n');
}

/** What a suggestion at the cursor is made against. */
function anchorOf(input: CompletionInput): Anchor {
  const line = input.document.lineAt(input.cursor.line);
  const next = input.cursor.line + 1 < input.document.lineCount ? input.document.lineAt(input.cursor.line + 1).slice(0, MAX_LINE_LENGTH) : undefined;
  return { uri: input.document.uri, line: input.cursor.line, linePrefix: line.slice(0, input.cursor.character), lineSuffix: line.slice(input.cursor.character), above: linesAboveLine(input, input.cursor.line), below: next };
}

// The ghost-text fidelity corpus (test/fixtures/inline/*.json) and its replay through the real inline
// engine. Each case is a document with the cursor marked `█`, the model's answer for the hole, and the
// file after Tab (null: no suggestion). The answer is replayed in five styles a chat model really
// uses and streamed in three chunkings; every combination must give the same file. Used by the unit
// suite (test/unit/completion/fidelity.test.ts) and `npm run bench -- fidelity`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest } from '../../src/core/client/types';
import type { MultilineMode } from '../../src/core/config';
import { InlineEngine } from '../../src/core/completion/pipeline';
import type { Suggestion } from '../../src/core/completion/types';
import { HOLE, OPEN, prefillTail } from '../../src/core/completion/prompt';
import { inputAt, scriptedClient } from '../unit/completion/support';

export const CURSOR = '█';

/** The failure classes of ghost text, and `plain` for answers that must pass through untouched. */
export const CLASSES = ['plain', 'doubled-whitespace', 'lost-whitespace', 'block-end', 'next-line', 'suffix-repeat', 'closers', 'repetition', 'prose-content', 'junk-start', 'prose-only', 'indentation'] as const;
export type CaseClass = (typeof CLASSES)[number];

/**
 * How a chat model wraps the code it was asked for:
 * - `bare`: only the code;
 * - `tagged`: `<fill>code</fill>` as the prompt asks (the closing tag delivered, as a server that
 *   ignores stop sequences would);
 * - `prefill`: the continuation of the assistant prefill (the cursor line without its trailing
 *   whitespace), which starts by writing that whitespace again;
 * - `prose-fenced`: a sentence, then the code in a fenced block;
 * - `code-fence-sentence`: after a prefill, the code, then a closing fence and a sentence.
 */
export const STYLES = ['bare', 'tagged', 'prefill', 'prose-fenced', 'code-fence-sentence'] as const;
export type AnswerStyle = (typeof STYLES)[number];

/** Characters per streamed delta: one, three, and the whole answer at once. */
export const CHUNKINGS = [1, 3, Infinity] as const;

export interface FidelityCase {
  name: string;
  class: CaseClass;
  /** A case that looks like its class but where the rule must not fire. */
  nearMiss?: boolean;
  document: string;
  answer: string;
  expected: string | null;
  multiline?: MultilineMode;
  /** Only these styles (with `why`): for answers that are already chat-styled. */
  styles?: AnswerStyle[];
  why?: string;
}

export interface FidelityFile {
  language: string;
  /** The document's path in the workspace (its extension matters to nothing but the prompt). */
  path: string;
  cases: FidelityCase[];
}

export interface LoadedCase extends FidelityCase {
  file: string;
  language: string;
  path: string;
}

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'inline');

export function loadCorpus(dir = FIXTURES): LoadedCase[] {
  const out: LoadedCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FidelityFile;
    for (const c of data.cases) out.push({ ...c, file, language: data.language, path: data.path });
  }
  return out;
}

/** What the model sends back in `style`, given the request Kestrel made (the prefill is in it). */
export function styledAnswer(style: AnswerStyle, answer: string, request: ChatRequest, language: string): string {
  switch (style) {
    case 'bare':
      return answer;
    case 'tagged':
      return `${OPEN}${answer}</fill>`;
    case 'prose-fenced':
      return `Here is the completion you asked for:\n\n\`\`\`${language}\n${answer}\n\`\`\``;
    case 'prefill':
      return continuation(answer, request);
    case 'code-fence-sentence':
      return `${continuation(answer, request)}\n\`\`\`\n\nThis completes the code above.`;
  }
}

/** The model continues its prefilled turn: the whitespace the prefill dropped, then the answer. */
function continuation(answer: string, request: ChatRequest): string {
  const last = request.messages[request.messages.length - 1];
  if (last.role !== 'assistant' || !last.content.startsWith(OPEN)) throw new Error('expected a prefilled request');
  const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
  const hole = user.indexOf(HOLE);
  const start = user.lastIndexOf('<file>\n', hole) + '<file>\n'.length;
  const tail = prefillTail(user.slice(start, hole));
  const text = last.content.slice(OPEN.length);
  if (!tail.startsWith(text)) throw new Error('the prefill is not the cursor line');
  return tail.slice(text.length) + answer;
}

export function usesPrefill(style: AnswerStyle): boolean {
  return style === 'prefill' || style === 'code-fence-sentence';
}

/** The document without the cursor mark, and the mark's place. */
export function splitAtCursor(document: string): { before: string; after: string } {
  const at = document.indexOf(CURSOR);
  if (at < 0 || document.indexOf(CURSOR, at + 1) >= 0) throw new Error('a case marks the cursor exactly once');
  return { before: document.slice(0, at), after: document.slice(at + CURSOR.length) };
}

export interface Replay {
  /** The file after Tab, or null when nothing was suggested. */
  file: string | null;
  /** What the model sent. */
  raw: string;
}

/**
 * How the suggestion reaches the user, each through one of the zero-wait levers
 * (src/core/completion/pipeline.ts):
 * - `request`: its own request, every lever on;
 * - `levers-off`: its own request with riding, the hot streak, prefetch, cache and typing-through off;
 * - `ride`: VS Code cancels the first call and asks again at the same cursor, which rides the request in flight;
 * - `prefetch`: asked for at once (as after an accepted suggestion), then served to the call;
 * - `typing-through`: the user types the suggestion's first two characters, and the rest is served;
 * - `hot-streak`: the user types a multi-line suggestion's first line and Enter (with the next
 *   line's indentation, as VS Code's auto-indent gives it), and the rest of its lines are served.
 * Every route must leave exactly the expected file.
 */
export const ROUTES = ['request', 'levers-off', 'ride', 'prefetch', 'typing-through', 'hot-streak'] as const;
export type Route = (typeof ROUTES)[number];

export interface RouteReplay extends Replay {
  /** Whether the lever the route exercises served the suggestion (a route that does not apply, such as the hot streak for a one-line suggestion, is served by the request). */
  served: boolean;
}

/** Runs one case through the inline engine in one answer style, chunking and route, and accepts the suggestion. */
export async function replay(c: LoadedCase, style: AnswerStyle, chunk: number, route: Route = 'request'): Promise<RouteReplay> {
  const { before, after } = splitAtCursor(c.document);
  let raw = '';
  const client = scriptedClient(
    (request) => {
      raw = styledAnswer(style, c.answer, request, c.language);
      return raw;
    },
    { chunk, firstDelayMs: route === 'ride' ? 1 : 0 },
  );
  const off = route === 'levers-off' ? { ride: false, hotStreak: false, prefetch: false, cache: false, typingThrough: false } : {};
  const engine = new InlineEngine(
    async () => ({ client, model: 'fake-model', prefill: usesPrefill(style) ? 'yes' : 'no' }),
    () => ({ debounceMs: 0, maxTokens: 256, multiline: c.multiline ?? 'auto', ...off }),
  );
  const at = (b: string, a: string) => inputAt(b, a, { languageId: c.language, uri: `file:///project/${c.path}` });
  /** The file after Tab on `suggestion` made with the cursor between `b` and `a`. */
  const tab = (b: string, a: string, suggestion: Suggestion) => {
    const replaced = suggestion.replaceEnd - at(b, a).cursor.character;
    const lineRest = a.split(/\r?\n/)[0];
    if (replaced < 0 || replaced > lineRest.length) throw new Error(`replace range outside the cursor line: ${replaced}`);
    return b + suggestion.text + a.slice(replaced);
  };
  try {
    const input = at(before, after);
    if (route === 'prefetch') await engine.prefetch(input);
    let suggestion: Suggestion | undefined;
    if (route === 'ride') {
      const first = new AbortController();
      const pending = engine.suggest(input, first.signal);
      // The request is out, its first token not in yet: VS Code cancels the call and asks again.
      await new Promise((r) => setImmediate(r));
      first.abort();
      await pending;
      suggestion = await engine.suggest(input, new AbortController().signal);
    } else suggestion = await engine.suggest(input, new AbortController().signal);
    if (!suggestion) return { file: null, raw, served: route === 'request' || route === 'levers-off' };
    if (route === 'request' || route === 'levers-off') return { file: tab(before, after, suggestion), raw, served: true };
    if (route === 'ride') return { file: tab(before, after, suggestion), raw, served: engine.counters.rides > 0 };
    if (route === 'prefetch') return { file: tab(before, after, suggestion), raw, served: suggestion.source === 'prefetch' };
    const text = suggestion.text;
    const eol = input.document.eol;
    const firstLine = text.split(eol)[0];
    let typed: string | undefined;
    if (route === 'typing-through' && firstLine.length > 2) typed = text.slice(0, 2);
    if (route === 'hot-streak' && text.includes(eol)) {
      const next = text.slice(firstLine.length + eol.length);
      const indent = /^[ \t]*/.exec(next)![0];
      if (next.length > indent.length) typed = firstLine + eol + indent;
    }
    if (typed === undefined) return { file: tab(before, after, suggestion), raw, served: false };
    const requests = client.requests.length;
    const rest = await engine.suggest(at(before + typed, after), new AbortController().signal);
    const served = rest !== undefined && client.requests.length === requests;
    if (!served) return { file: null, raw, served };
    return { file: tab(before + typed, after, rest), raw, served };
  } finally {
    engine.dispose();
  }
}

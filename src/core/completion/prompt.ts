// Fill-in-the-middle for a chat model: the file with a marked hole, the path and language, related
// snippets, and (where the provider allows it) an assistant prefill that starts the answer with the
// opening tag and the cursor line, so the model continues mid-statement. The one place that knows
// the prompt's format: `parseInlinePrompt` reads a prompt back (the offline demo and the benches).
import type { ChatMessage, ChatRequest } from '../client/types';
import type { CursorContext } from './context';
import type { Snippet } from './types';

export const HOLE = '{{HOLE}}';
export const OPEN = '<fill>';
export const CLOSE = '</fill>';

const SYSTEM = [
  'You are a code completion engine inside an editor.',
  `The user shows a file with a hole marked ${HOLE} at the cursor.`,
  `Reply with exactly the code that belongs in the hole, wrapped as ${OPEN}code${CLOSE}.`,
  'Write only code: no explanation, no markdown fences, and do not repeat the code before or after the hole.',
  'Match the indentation and style of the file. If nothing belongs there, reply with an empty fill.',
].join('\n');

export interface PromptOptions {
  path: string;
  languageId: string;
  snippets: Snippet[];
  prefill: boolean;
  maxTokens: number;
  model: string;
}

export interface BuiltPrompt {
  request: ChatRequest;
  /**
   * What the answer continues when prefilled: the code the prefill already contains (after the
   * opening tag). The model's text starts right after it; `prefillTail` is the cursor text it stands for.
   */
  prefill?: { text: string; tail: string };
}

const RELATED = 'Related code from other files:\n';
const SNIPPET_END = '\n</snippet>';
const FILE_START = '\n<file>\n';
const FILE_END = '\n</file>';

export function buildPrompt(context: CursorContext, options: PromptOptions): BuiltPrompt {
  const related = options.snippets.length ? `${RELATED}${options.snippets.map((s) => `<snippet path="${s.path}">\n${s.text}${SNIPPET_END}`).join('\n')}\n\n` : '';
  const user = `${related}File: ${options.path || 'untitled'} (${options.languageId})${FILE_START}${context.prefix}${HOLE}${context.suffix}${FILE_END}`;
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
  let prefill: BuiltPrompt['prefill'];
  if (options.prefill) {
    // The cursor line so far (and the line before when the cursor line is blank), without trailing
    // whitespace: Anthropic refuses a prefill that ends in whitespace.
    const tail = prefillTail(context.prefix);
    const text = tail.trimEnd();
    prefill = { text, tail };
    messages.push({ role: 'assistant', content: `${OPEN}${text}` });
  }
  return {
    request: { model: options.model, messages, maxTokens: options.maxTokens, temperature: 0.1, stop: [CLOSE, HOLE] },
    prefill,
  };
}

/** What an inline prompt carries, read back from its messages. */
export interface InlinePrompt {
  /** As the prompt names it (`untitled` for a file without a path). */
  path: string;
  languageId: string;
  /** The file before the hole and after it. */
  prefix: string;
  suffix: string;
  snippets: { path: string; text: string }[];
  /** The code the assistant prefill already holds (after the opening tag), when there is one. */
  prefill?: string;
}

/**
 * The file, hole, language and snippets of a prompt `buildPrompt` made, or undefined for any other
 * conversation. A file whose own text holds the hole marker is cut at the first one.
 */
export function parseInlinePrompt(messages: readonly { role: string; content: unknown }[]): InlinePrompt | undefined {
  if (messages[0]?.role !== 'system' || messages[0].content !== SYSTEM) return undefined;
  const user = messages.find((m) => m.role === 'user')?.content;
  if (typeof user !== 'string' || !user.endsWith(FILE_END)) return undefined;
  let rest = user;
  const snippets: InlinePrompt['snippets'] = [];
  if (rest.startsWith(RELATED)) {
    rest = rest.slice(RELATED.length);
    for (;;) {
      const open = /^<snippet path="([^\n]*)">\n/.exec(rest);
      const end = open ? rest.indexOf(`${SNIPPET_END}\n`, open[0].length) : -1;
      if (!open || end < 0) return undefined;
      snippets.push({ path: open[1], text: rest.slice(open[0].length, end) });
      rest = rest.slice(end + SNIPPET_END.length + 1);
      if (rest.startsWith('\n')) {
        rest = rest.slice(1);
        break;
      }
    }
  }
  const header = /^File: ([^\n]*) \(([^()\n]*)\)\n<file>\n/.exec(rest);
  if (!header) return undefined;
  const file = rest.slice(header[0].length, rest.length - FILE_END.length);
  const hole = file.indexOf(HOLE);
  if (hole < 0) return undefined;
  const last = messages[messages.length - 1];
  const prefill = last.role === 'assistant' && typeof last.content === 'string' && last.content.startsWith(OPEN) ? last.content.slice(OPEN.length) : undefined;
  return { path: header[1], languageId: header[2], prefix: file.slice(0, hole), suffix: file.slice(hole + HOLE.length), snippets, ...(prefill !== undefined ? { prefill } : {}) };
}

/** The last one or two lines before the cursor that the prefill repeats. */
export function prefillTail(prefix: string): string {
  const lines = prefix.split('\n');
  const current = lines[lines.length - 1];
  if (current.trim() !== '' || lines.length === 1) return current;
  // A blank cursor line: prefill the last non-empty line so the model knows where it is.
  for (let i = lines.length - 2; i >= 0; i--) {
    if (lines[i].trim() !== '') return lines.slice(i).join('\n');
  }
  return current;
}

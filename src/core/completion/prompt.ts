// Fill-in-the-middle for a chat model: the file with a marked hole, the path and language, related
// snippets, and (where the provider allows it) an assistant prefill that starts the answer with the
// opening tag and the cursor line, so the model continues mid-statement.
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

export function buildPrompt(context: CursorContext, options: PromptOptions): BuiltPrompt {
  const related = options.snippets.length
    ? `Related code from other files:\n${options.snippets.map((s) => `<snippet path="${s.path}">\n${s.text}\n</snippet>`).join('\n')}\n\n`
    : '';
  const user = `${related}File: ${options.path || 'untitled'} (${options.languageId})\n<file>\n${context.prefix}${HOLE}${context.suffix}\n</file>`;
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

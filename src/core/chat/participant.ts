// `@kestrel` in VS Code's own chat: the messages for a question asked there. The same system prompt
// and budget as the panel (src/core/chat/history.ts); `/explain`, `/fix` and `/tests` ask what the
// palette actions ask (src/core/actions/recipes.ts), about the code the user pointed at.
import type { ChatMessage } from '../client/types';
import { actionMessages, type ActionId, type ActionTarget, type DiagnosticInfo } from '../actions/recipes';
import { escapeMarkdown } from '../inertText';
import { fitAttachments } from './context';
import { messagesWithinBudget, type Turn } from './history';

export const PARTICIPANT_COMMANDS = { explain: 'explain', fix: 'fix', tests: 'generateTests' } as const satisfies Record<string, ActionId>;
export type ParticipantCommand = keyof typeof PARTICIPANT_COMMANDS;

export interface ParticipantQuestion {
  prompt: string;
  command?: string;
  /** The code the question is about: the first reference, else the editor's selection. */
  target?: ActionTarget;
  /** Other files and ranges the user referenced (`#file`), fenced with their names. */
  attached: string[];
  diagnostics?: DiagnosticInfo[];
  /** Earlier turns of the conversation, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
}

/** What a command needs that the question lacks, as the answer says it; undefined when it can be asked. */
export function missingFor(question: ParticipantQuestion): string | undefined {
  if (!isCommand(question.command)) return question.prompt.trim() || question.attached.length ? undefined : 'Ask a question, or use /explain, /fix or /tests on a selection.';
  if (!question.target) return `Select the code for /${question.command} in the editor, or reference a file with #file.`;
  return undefined;
}

export function isCommand(command: string | undefined): command is ParticipantCommand {
  return command !== undefined && Object.prototype.hasOwnProperty.call(PARTICIPANT_COMMANDS, command);
}

/** The fenced code of a target, as the panel attaches a selection. */
export function fencedTarget(target: ActionTarget): string {
  return `${target.path}:${target.startLine}-${target.endLine} (${target.languageId})\n\`\`\`${target.languageId}\n${target.code}\n\`\`\``;
}

/**
 * The messages for the model: the panel's system prompt (with the project instructions the caller
 * added to it), the conversation within `budgetChars`, and the question. A command's question is the
 * action's own request about the target, with what the user typed after the command as their note.
 * `notes` names each referenced file the budget cut or left out (`fitAttached`), for the answer to say.
 */
export function participantMessages(question: ParticipantQuestion, system: string, budgetChars: number): { messages: ChatMessage[]; notes: string[] } {
  const { attached, notes } = fitAttached(question, system, budgetChars);
  const content = questionContent({ ...question, attached });
  const turns: Turn[] = [...question.history.map((t, i) => ({ id: `h${i}`, role: t.role, content: t.content })), { id: 'q', role: 'user', content }];
  return { messages: messagesWithinBudget(turns, budgetChars, system), notes };
}

/**
 * The referenced files within what `budgetChars` leaves after the system prompt and the question:
 * in order, kept whole while they fit, then one cut, then the rest left out; `notes` names each cut
 * or left-out one and why, for the answer to say.
 */
export function fitAttached(question: ParticipantQuestion, system: string, budgetChars: number): { attached: string[]; notes: string[] } {
  // The separators between the question's parts count too.
  const room = budgetChars - system.length - questionContent({ ...question, attached: [] }).length - 2 * question.attached.length;
  const items = question.attached.map((text) => ({ label: text.slice(0, Math.max(0, text.indexOf('\n'))) || 'a referenced file', text }));
  const fence = '\n```';
  const { kept, leftOut } = fitAttachments(items, room - fence.length);
  return {
    attached: kept.map((k) => (k.note ? `${k.text}${fence}` : k.text)),
    notes: [...kept.filter((k) => k.note).map((k) => `${k.item.label} · ${k.note}`), ...leftOut.map((l) => `${l.item.label} · ${l.note}`)],
  };
}

function questionContent(question: ParticipantQuestion): string {
  let content: string;
  if (isCommand(question.command) && question.target) {
    const action = PARTICIPANT_COMMANDS[question.command];
    const request = actionMessages(action, question.target, { diagnostics: question.diagnostics }).find((m) => m.role === 'user')?.content ?? '';
    const note = question.prompt.trim();
    content = [request, note && `The user adds: ${note}`, ...question.attached].filter(Boolean).join('\n\n');
  } else {
    const code = question.target ? [fencedTarget(question.target)] : [];
    content = [question.prompt, ...code, ...question.attached].join('\n\n');
  }
  return content;
}

/**
 * The result's error text for a failed request. VS Code draws a result's error message as markdown,
 * so a provider's words (model ids, quoted input, links) are escaped to stay literal text.
 */
export function errorMessage(error: unknown): string {
  return escapeMarkdown(error instanceof Error ? error.message : String(error));
}

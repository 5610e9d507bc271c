// Chat sessions: what is kept across reloads (bounded), and what is sent to the model (trimmed to
// the budget, oldest turns first, always keeping the system prompt and the newest question with
// its attached code).
import type { FixId } from '../fixes';
import type { ChatMessage } from '../client/types';
import type { CallView, UsageFigures } from './protocol';

/** Code attached to a question, kept with the file it came from so it can be judged again at each send. */
export interface AttachedCode {
  uri: string;
  label: string;
  /** As sent to the model: the label, the language and the fenced code. */
  block: string;
  /** What was cut and why, shown on the question's chip (`cut to 60,000 characters`). */
  note?: string;
}

export interface Turn {
  id: string;
  role: 'user' | 'assistant';
  /** What the user typed, or the answer. */
  content: string;
  /** The code attached to a question, with its files (questions asked since attachments name their files). */
  attached?: AttachedCode[];
  /** The code attached to a question, as sent to the model (questions saved before `attached` existed). */
  context?: string;
  attachmentLabels?: string[];
  /** Attachments that were not sent with the question, each with why (`big.ts · left out: the prompt budget was used up`). */
  leftOut?: string[];
  /** The project instructions a question carried when last sent (the chip's label); none when it carried none. */
  instructions?: string;
  error?: { message: string; action?: FixId };
  usage?: UsageFigures;
  /** The tool calls an answer made: each one's line and what was sent back (clipped), kept with the session. */
  calls?: CallView[];
  /** Requests the answer took (a tool loop takes several). */
  steps?: number;
  /** Said under the answer: the tools were refused, or the steps ran out. */
  note?: string;
}

export interface Session {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: Turn[];
  usage: UsageFigures;
}

export const LIMITS = { sessions: 50, sessionChars: 200_000 };

export const SYSTEM_PROMPT =
  'You are Kestrel, a concise coding assistant inside VS Code. Answer in markdown. Put code in fenced blocks with the language name. ' +
  'When code is attached, it is the code the user is asking about.';

/** The user turn as the model sees it: the question, then the attached code. */
export function userContent(turn: Turn): string {
  const context = turn.attached ? turn.attached.map((a) => a.block).join('\n\n') : turn.context;
  return context ? `${turn.content}\n\n${context}` : turn.content;
}

/**
 * The conversation as it may be sent now: each question without the attachments whose file is
 * excluded at this moment (an exclusion added after the question applies to every later send), and
 * what was left out. The turns given are not changed.
 */
export function withoutExcluded(turns: Turn[], isExcluded: (uri: string) => boolean): { turns: Turn[]; leftOut: { turnId: string; label: string }[] } {
  const leftOut: { turnId: string; label: string }[] = [];
  const kept = turns.map((turn) => {
    if (!turn.attached?.length) return turn;
    const allowed = turn.attached.filter((a) => {
      if (!isExcluded(a.uri)) return true;
      leftOut.push({ turnId: turn.id, label: a.label });
      return false;
    });
    return allowed.length === turn.attached.length ? turn : { ...turn, attached: allowed };
  });
  return { turns: kept, leftOut };
}

/**
 * The messages for the model within `budgetChars`: the system prompt, then as many of the latest
 * turns as fit (whole question/answer pairs, oldest dropped first); the last question is always
 * kept. Failed answers are left out.
 */
export function messagesWithinBudget(turns: Turn[], budgetChars: number, system = SYSTEM_PROMPT): ChatMessage[] {
  const usable = turns.filter((t) => !(t.role === 'assistant' && (t.error || !t.content)));
  const last = usable.length - 1;
  const picked: ChatMessage[] = [];
  let used = system.length;
  for (let i = last; i >= 0; i--) {
    const t = usable[i];
    const content = t.role === 'user' ? userContent(t) : t.content;
    if (i !== last && used + content.length > budgetChars) break;
    used += content.length;
    picked.unshift({ role: t.role, content });
  }
  // A conversation starts with a question.
  while (picked.length > 1 && picked[0].role === 'assistant') picked.shift();
  return [{ role: 'system', content: system }, ...picked];
}

export function sessionChars(session: Session): number {
  return session.turns.reduce((n, t) => n + t.content.length + (t.context?.length ?? 0) + (t.attached?.reduce((m, a) => m + a.block.length, 0) ?? 0) + (t.calls?.reduce((m, c) => m + c.label.length + c.detail.length, 0) ?? 0), 0);
}

/** Keeps storage bounded: the newest sessions, each cut to its newest turns within the size limit. */
export function boundSessions(sessions: Session[]): Session[] {
  return [...sessions]
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, LIMITS.sessions)
    .map((s) => {
      if (sessionChars(s) <= LIMITS.sessionChars) return s;
      const turns = [...s.turns];
      while (turns.length > 2 && sessionChars({ ...s, turns }) > LIMITS.sessionChars) turns.shift();
      return { ...s, turns };
    });
}

export function titleFor(text: string): string {
  const line = text.trim().split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat';
}

export function addUsage(a: UsageFigures, b: UsageFigures | undefined): UsageFigures {
  if (!b) return a;
  const cost = a.costUsd !== undefined || b.costUsd !== undefined ? (a.costUsd ?? 0) + (b.costUsd ?? 0) : undefined;
  const estimated = a.costEstimated || b.costEstimated;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, ...(cost !== undefined ? { costUsd: cost } : {}), ...(estimated ? { costEstimated: true } : {}) };
}

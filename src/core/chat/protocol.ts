// The typed messages between the chat page and the extension. Everything the page sends is
// validated here before the host acts on it; anything else is dropped.
import { isFixId, type FixId } from '../fixes';

export interface Attachment {
  id: string;
  uri: string;
  /** Shown on the chip: file name and line range. */
  label: string;
  languageId: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface UsageFigures {
  promptTokens: number;
  completionTokens: number;
  costUsd?: number;
}

export interface TurnView {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Chips under the turn: its attachments, and the project instructions a question carried (`kind: 'instructions'`). */
  attachments?: { label: string; kind?: 'instructions' }[];
  error?: { message: string; action?: ErrorAction; actionLabel?: string };
  usage?: UsageFigures;
  streaming?: boolean;
}

/** The fix offered under a failed answer (src/core/fixes.ts). */
export type ErrorAction = FixId;

export interface SessionSummary {
  id: string;
  title: string;
  updatedAt: number;
}

/** Host → page. */
export type HostMessage =
  | {
      type: 'state';
      sessionId: string;
      turns: TurnView[];
      attachments: { id: string; label: string }[];
      /** The project instructions the next question carries (a chip the user can remove for this chat). */
      instructions?: { label: string; title: string };
      model: string;
      usage: UsageFigures;
      busy: boolean;
    }
  | { type: 'sessions'; sessions: SessionSummary[] }
  | { type: 'delta'; turnId: string; text: string }
  | { type: 'focus' };

/** Page → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'retry' }
  | { type: 'newChat' }
  | { type: 'listSessions' }
  | { type: 'openSession'; id: string }
  | { type: 'deleteSession'; id: string }
  | { type: 'removeAttachment'; id: string }
  | { type: 'removeInstructions' }
  | { type: 'attachFile' }
  | { type: 'copy'; code: string }
  | { type: 'insert'; code: string }
  | { type: 'apply'; code: string }
  | { type: 'newFile'; code: string; language: string }
  | { type: 'openLink'; href: string }
  | { type: 'pickModel' }
  | { type: 'errorAction'; action: ErrorAction };

const MAX_TEXT = 100_000;
const MAX_CODE = 1_000_000;
const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{1,64}$/.test(v);

/** The message if it is one the page may send, with exactly the expected fields; else undefined. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'stop':
    case 'retry':
    case 'newChat':
    case 'listSessions':
    case 'attachFile':
    case 'pickModel':
    case 'removeInstructions':
      return { type: m.type };
    case 'send':
      return isString(m.text, MAX_TEXT) && m.text.trim() !== '' ? { type: 'send', text: m.text } : undefined;
    case 'openSession':
    case 'deleteSession':
    case 'removeAttachment':
      return isId(m.id) ? { type: m.type, id: m.id } : undefined;
    case 'copy':
    case 'insert':
    case 'apply':
      return isString(m.code, MAX_CODE) ? { type: m.type, code: m.code } : undefined;
    case 'newFile':
      return isString(m.code, MAX_CODE) && typeof m.language === 'string' && /^[\w#+.-]{0,40}$/.test(m.language) ? { type: 'newFile', code: m.code, language: m.language } : undefined;
    case 'openLink':
      return isString(m.href, 2048) && safeLink(m.href) ? { type: 'openLink', href: m.href } : undefined;
    case 'errorAction':
      return isFixId(m.action) ? { type: 'errorAction', action: m.action } : undefined;
    default:
      return undefined;
  }
}

/** Only web links leave the editor (through VS Code's own confirmation). */
export function safeLink(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

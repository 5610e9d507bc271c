// The typed messages between the chat page and the extension. Everything the page sends is
// validated here before the host acts on it; anything else is dropped.
import { isFixId, type FixId } from '../fixes';
import { safeRelativePath } from './context';

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
  /** The size of what was attached (the file's, for a whole file), shown on the chip. */
  bytes?: number;
  /** Why the text is not all of it (`cut to 60,000 characters`), shown on the chip. */
  note?: string;
}

export interface UsageFigures {
  promptTokens: number;
  completionTokens: number;
  costUsd?: number;
  /** The cost is tokens × the model's known price: the provider reported none. */
  costEstimated?: boolean;
}

/** One tool call in an answer: its compact line and, expanded, what was sent back to the model. */
export interface CallView {
  label: string;
  detail: string;
  error?: boolean;
  /** The call is running now (its line shows the title only). */
  running?: boolean;
}

export interface TurnView {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Chips under the turn: its attachments, and the project instructions a question carried (`kind: 'instructions'`). */
  attachments?: { label: string; kind?: 'instructions' }[];
  error?: { message: string; action?: ErrorAction; actionLabel?: string };
  usage?: UsageFigures;
  /** The tool calls the answer made, in order (src/core/chat/tools.ts). */
  calls?: CallView[];
  /** Requests the answer took, when it took more than one (a tool loop). */
  steps?: number;
  /** Said under the answer: the tools were refused, or the steps ran out. */
  note?: string;
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
      /** The chips above the input: label, size (`1.2 KB`) and what was cut. */
      attachments: { id: string; label: string; size?: string; note?: string }[];
      /** The project instructions the next question carries (a chip the user can remove for this chat). */
      instructions?: { label: string; title: string };
      model: string;
      usage: UsageFigures;
      busy: boolean;
    }
  | { type: 'sessions'; sessions: SessionSummary[] }
  | { type: 'delta'; turnId: string; text: string }
  /** The workspace files offered for a `#` mention, answering the page's `mentionQuery` of that id. */
  | { type: 'mentions'; requestId: number; paths: string[] }
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
  /** The `+` menu: an open editor's file or the Problems list (a quick pick on the host). */
  | { type: 'addContext' }
  /** The page asks which workspace files match a `#` mention. */
  | { type: 'mentionQuery'; requestId: number; query: string }
  /** A `#` mention picked: the workspace-relative path the host listed. */
  | { type: 'attachPath'; path: string }
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
    case 'addContext':
      return { type: m.type };
    case 'mentionQuery':
      return Number.isSafeInteger(m.requestId) && (m.requestId as number) >= 0 && typeof m.query === 'string' && /^[\w./-]{1,100}$/.test(m.query) ? { type: 'mentionQuery', requestId: m.requestId as number, query: m.query } : undefined;
    case 'attachPath': {
      const path = safeRelativePath(m.path);
      return path === undefined ? undefined : { type: 'attachPath', path };
    }
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

// Context the user chooses for a chat question: `#file` mentions (which workspace paths the list
// offers, and which paths from the page may be read at all), the Problems list as text, and how the
// attachments of a question fit the prompt budget, saying what was cut or left out and why.
// src/vscode/chatContext.ts does the reading, each file judged against the exclusions first.

/** Files offered in the `#` list at most. */
export const MAX_MENTIONS = 20;
/** A file larger than this is not read for the chat at all (a cut would keep only its start anyway). */
export const MAX_MENTION_FILE_BYTES = 2_000_000;
/** The Problems attachment: at most this many lines. */
export const MAX_PROBLEM_LINES = 200;
/** An attachment that would get fewer characters than this of the room left is left out, not sent as a scrap. */
const MIN_CUT_CHARS = 500;

/**
 * `path` if the page may ask for it: relative to a workspace folder, `/`-separated, no `.` or `..`
 * segment, no drive letter, backslash or control character; else undefined. The host still resolves
 * it against the folder and checks the result stays inside.
 */
export function safeRelativePath(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) return undefined;
  if (/[\u0000-\u001f\u007f\\]/.test(path) || path.startsWith('/') || /^[a-z]:/i.test(path)) return undefined;
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return path;
}

/** The text after `#` the user is typing at `caret`, when it is a mention (a `#` at the start or after a space). */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s)#([\w./-]{1,100})$/.exec(text.slice(0, caret));
  if (!match) return undefined;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/**
 * The paths to offer for `query`, best first, at most `limit`: the file name starting with the
 * query, then the file name containing it, then the path containing it (case ignored); shorter paths first within each.
 */
export function rankMentions(paths: readonly string[], query: string, limit = MAX_MENTIONS): string[] {
  const q = query.toLowerCase();
  const scored: { path: string; score: number }[] = [];
  for (const path of paths) {
    const lower = path.toLowerCase();
    const name = lower.slice(lower.lastIndexOf('/') + 1);
    const score = name.startsWith(q) ? 0 : name.includes(q) ? 1 : lower.includes(q) ? 2 : -1;
    if (score >= 0) scored.push({ path, score });
  }
  scored.sort((a, b) => a.score - b.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.path);
}

/** A file's text for the chat, or why it is refused: not UTF-8 text (a NUL, an invalid byte sequence). */
export function decodeText(bytes: Uint8Array): { text: string } | { refused: 'binary' } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { refused: 'binary' };
  }
  return text.includes('\0') ? { refused: 'binary' } : { text: text.replace(/^\uFEFF/, '') };
}

export interface Problem {
  path: string;
  /** 0-based, as VS Code counts. */
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
}

/** The Problems list as text, one `path:line severity message` a line (errors first), at most `maxLines`. */
export function problemsText(problems: readonly Problem[], maxLines = MAX_PROBLEM_LINES): { text: string; count: number } {
  const order = { error: 0, warning: 1, info: 2, hint: 3 };
  const sorted = [...problems].sort((a, b) => order[a.severity] - order[b.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  const lines = sorted.slice(0, maxLines).map((p) => `${p.path}:${p.line + 1} ${p.severity} ${p.message.replace(/\s+/g, ' ').slice(0, 500)}${p.source ? ` (${p.source})` : ''}`);
  if (sorted.length > maxLines) lines.push(`… and ${sorted.length - maxLines} more`);
  return { text: lines.length ? lines.join('\n') : 'No problems.', count: problems.length };
}

/** At most `max` characters of `text`, never between a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

export interface FittedAttachment<T> {
  item: T;
  text: string;
  /** Why it was cut, for the chip: `cut to 12,000 characters to fit the prompt budget`. */
  note?: string;
}

const chars = (n: number) => `${n.toLocaleString('en-US')} characters`;

/**
 * The attachments of one question within `room` characters, in order: each is kept whole while it
 * fits, the first that does not is cut to the room left, and once too little is left the rest are
 * left out. Each cut or left-out one says so and why, naming it.
 */
export function fitAttachments<T extends { label: string; text: string }>(items: readonly T[], room: number): { kept: FittedAttachment<T>[]; leftOut: { item: T; note: string }[] } {
  const kept: FittedAttachment<T>[] = [];
  const leftOut: { item: T; note: string }[] = [];
  let left = Math.max(0, room);
  for (const item of items) {
    if (item.text.length <= left) {
      kept.push({ item, text: item.text });
      left -= item.text.length;
    } else if (left >= MIN_CUT_CHARS) {
      const text = cutText(item.text, left);
      kept.push({ item, text, note: `cut to ${chars(text.length)} to fit the prompt budget` });
      left = 0;
    } else {
      leftOut.push({ item, note: 'left out: the prompt budget was used up' });
    }
  }
  return { kept, leftOut };
}

/** What a chip says about an attachment that was cut at the attachment limit. */
export function cutNote(max: number): string {
  return `cut to ${chars(max)}`;
}

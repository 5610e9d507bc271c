// Project instructions: a workspace folder's own guidance for the model (`.kestrel/instructions.md`,
// `AGENTS.md`, `.github/copilot-instructions.md`), added to the chat's and the palette actions'
// system prompt, never to inline suggestions. This file decides which files may be read, in what
// order they merge, how much of them is sent and the section the prompt carries;
// src/vscode/projectInstructions.ts reads the files, each after the exclusion check.
import type { ChatMessage } from '../client/types';

/** Where a workspace folder keeps its instructions, in the order they are sent (Kestrel's own first). */
export const INSTRUCTION_FILES = ['.kestrel/instructions.md', 'AGENTS.md', '.github/copilot-instructions.md'] as const;
/** Characters of instructions sent per request, all files together. */
export const MAX_INSTRUCTIONS_CHARS = 8_000;
/** A file that would get fewer characters than this of what is left is left out rather than sent as a scrap. */
const MIN_CUT_CHARS = 200;
/** A file larger than this is not read at all (a cut would keep only its first 8,000 characters anyway). */
export const MAX_INSTRUCTIONS_FILE_BYTES = 1_000_000;

export interface InstructionsContext {
  /** `kestrel.chat.projectInstructions`. */
  enabled: boolean;
  /** Whether the workspace is trusted: in Restricted Mode a repository's text does not steer the model. */
  trusted: boolean;
  /** Whether there is a workspace folder to read them from. */
  hasFolder: boolean;
}

/** The files to look for, relative to the folder: none when turned off, in Restricted Mode or without a folder. */
export function instructionFiles(context: InstructionsContext): readonly string[] {
  if (!context.enabled || !context.trusted || !context.hasFolder) return [];
  return INSTRUCTION_FILES;
}

/** Multi-root: the folder of the active editor, else the first folder. */
export function chooseFolder<T>(activeFolder: T | undefined, folders: readonly T[]): T | undefined {
  return activeFolder ?? folders[0];
}

/** A file's text, or why it is skipped: not UTF-8 text (a NUL, an invalid byte sequence) or nothing but space. */
export function decodeInstructions(bytes: Uint8Array): { text: string } | { skipped: 'binary' | 'empty' } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { skipped: 'binary' };
  }
  if (text.includes('\0')) return { skipped: 'binary' };
  return text.trim() ? { text } : { skipped: 'empty' };
}

export interface InstructionsFile {
  /** Relative to the workspace folder, one of INSTRUCTION_FILES. */
  path: string;
  /** The file's size on disk. */
  bytes: number;
  text: string;
}

export interface ProjectInstructions {
  /**
   * The files found, in order: `cut` when only part of one fitted, `leftOut` when none of it did,
   * `sameAs` when its text is an earlier file's (sent once).
   */
  files: { path: string; bytes: number; cut: boolean; leftOut?: boolean; sameAs?: string }[];
  /** Characters of instructions sent (the files' text, without the section's own words). */
  chars: number;
  cut: boolean;
  /** The section appended to the system prompt. */
  section: string;
}

/**
 * The files merged in INSTRUCTION_FILES order (whatever order they were read in) within `max`
 * characters: a file that does not fit is cut at a line break (or mid-line when the break is far),
 * a file that would get only a scrap of what is left is left out, and the result says it was cut. A file with the same text as an earlier
 * one (AGENTS.md linked to the Copilot file) is sent once. Undefined when there is nothing to send.
 */
export function mergeInstructions(files: readonly InstructionsFile[], max = MAX_INSTRUCTIONS_CHARS): ProjectInstructions | undefined {
  const rank = (path: string) => {
    const i = (INSTRUCTION_FILES as readonly string[]).indexOf(path);
    return i < 0 ? INSTRUCTION_FILES.length : i;
  };
  const ordered = [...files].sort((a, b) => rank(a.path) - rank(b.path));
  const listed: ProjectInstructions['files'] = [];
  const parts: { path: string; text: string; cut: boolean }[] = [];
  const seen = new Map<string, string>();
  let left = max;
  let cut = false;
  for (const file of ordered) {
    const text = file.text.replace(/^\uFEFF/, '').trim();
    if (!text) continue;
    const earlier = seen.get(text);
    if (earlier !== undefined) {
      listed.push({ path: file.path, bytes: file.bytes, cut: false, sameAs: earlier });
      continue;
    }
    seen.set(text, file.path);
    if (left < Math.min(MIN_CUT_CHARS, text.length)) {
      cut = true;
      listed.push({ path: file.path, bytes: file.bytes, cut: true, leftOut: true });
      continue;
    }
    const kept = text.length > left ? cutAt(text, left) : text;
    const fileCut = kept.length < text.length;
    cut ||= fileCut;
    left -= kept.length;
    listed.push({ path: file.path, bytes: file.bytes, cut: fileCut });
    parts.push({ path: file.path, text: kept, cut: fileCut });
  }
  if (!parts.length) return undefined;
  const chars = parts.reduce((n, p) => n + p.text.length, 0);
  return { files: listed, chars, cut, section: instructionsSection(parts) };
}

/** At most `max` characters of `text`: up to the last line break when it is in the second half, never between a surrogate pair. */
function cutAt(text: string, max: number): string {
  let end = max;
  const lineBreak = text.lastIndexOf('\n', max);
  if (lineBreak >= max / 2) end = lineBreak;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end).trimEnd();
}

/** The prompt section: a header naming the files, then each file's text between tags that name it. */
export function instructionsSection(parts: readonly { path: string; text: string; cut: boolean }[]): string {
  const names = parts.map((p) => p.path);
  const header =
    `Project instructions from ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`}. ` +
    'They come from files in the user\'s project, not from the user: follow them where they apply to the request.';
  // A closing tag inside a file would end its section early: it is written so that it does not.
  const body = parts.map((p) => `<instructions file="${p.path}"${p.cut ? ' cut="true"' : ''}>\n${p.text.split('</instructions>').join('<\\/instructions>')}\n</instructions>`);
  return [header, ...body].join('\n\n');
}

/** The system prompt with the instructions after Kestrel's own text (part of the stable prefix of every request). */
export function withInstructions(system: string, instructions: ProjectInstructions | undefined): string {
  return instructions ? `${system}\n\n${instructions.section}` : system;
}

/** `messages` with the instructions added to the first system message (or in a system message of their own before the rest). */
export function addInstructions(messages: readonly ChatMessage[], instructions: ProjectInstructions | undefined): ChatMessage[] {
  if (!instructions) return [...messages];
  const first = messages.findIndex((m) => m.role === 'system');
  if (first < 0) return [{ role: 'system', content: instructions.section }, ...messages];
  return messages.map((m, i) => (i === first ? { ...m, content: withInstructions(m.content, instructions) } : m));
}

/** `812 B`, `1.2 KB`, `3 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The chip's text: the files sent and their size, and whether they were cut. */
export function instructionsLabel(instructions: ProjectInstructions): string {
  const sent = instructions.files.filter((f) => !f.sameAs && !f.leftOut);
  const bytes = sent.reduce((n, f) => n + f.bytes, 0);
  return `${sent.map((f) => f.path).join(', ')} · ${formatSize(bytes)}${instructions.cut ? ` · cut to ${MAX_INSTRUCTIONS_CHARS.toLocaleString('en-US')} characters` : ''}`;
}

/** The chip's tooltip. */
export function instructionsTitle(instructions: ProjectInstructions): string {
  const note = (f: ProjectInstructions['files'][number]) => (f.sameAs ? `: same text as ${f.sameAs}, sent once` : f.leftOut ? ': left out, over the limit' : f.cut ? ': cut' : '');
  const lines = instructions.files.map((f) => `${f.path} (${formatSize(f.bytes)})${note(f)}`);
  return `Project instructions, added to each question in this chat:\n${lines.join('\n')}\n${instructions.chars.toLocaleString('en-US')} characters sent. × leaves them out of this chat.`;
}

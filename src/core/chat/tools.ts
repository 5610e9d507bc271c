// The chat's read-only workspace tools, as the model sees them and as Kestrel reads its calls:
// the specs sent with the request, the checks on each call's arguments (bad JSON, an unknown tool, a
// missing or mistyped field each become a clear error the model is told), the compact line the
// chat shows for each call, and the clipping every result goes through. Nothing here touches the
// workspace: src/vscode/chatTools.ts runs the calls, each file judged against the exclusions first.
// See docs/tools.md.
import type { ToolCall, ToolSpec } from '../client/types';

/** Characters of one tool result sent to the model; a longer one is clipped, and says so. */
export const MAX_RESULT_CHARS = 8_000;
/** Lines of a file one read returns at most. */
export const MAX_READ_LINES = 400;
/** Matches of a text search listed at most (all are counted, up to MAX_COUNTED_HITS). */
export const MAX_LISTED_HITS = 50;
export const MAX_COUNTED_HITS = 10_000;
/** Files a glob lists at most. */
export const MAX_LISTED_FILES = 200;
/** A file larger than this is not read or searched by a tool. */
export const MAX_TOOL_FILE_BYTES = 1_000_000;
/** The characters a search query, a symbol or a glob may have. */
const MAX_QUERY_CHARS = 200;

export type ToolName = 'read_file' | 'search_text' | 'find_symbol' | 'find_definition' | 'find_references' | 'list_files' | 'get_problems';

/** A call whose arguments passed the checks. Lines are 1-based, as the model reads them. */
export type ParsedCall =
  | { tool: 'read_file'; path: string; startLine?: number; endLine?: number }
  | { tool: 'search_text'; query: string; include?: string }
  | { tool: 'find_symbol'; query: string }
  | { tool: 'find_definition' | 'find_references'; symbol: string; path?: string; line?: number }
  | { tool: 'list_files'; glob: string }
  | { tool: 'get_problems'; path?: string };

/** Added to the chat's system prompt when the tools are offered. */
export const TOOLS_PROMPT =
  "You can look things up in the user's workspace with read-only tools. Use them when the answer depends on code you were not given; " +
  'do not guess file contents. Prefer search_text or find_symbol first, then read only the lines you need. Cite paths and line numbers.';

const path = { type: 'string', description: 'A workspace-relative path, such as src/cart.ts.' };

export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: 'read_file',
    description: `Read a workspace file, or lines startLine to endLine of it (1-based, inclusive). Lines come numbered. At most ${MAX_READ_LINES} lines per call: read long files in ranges.`,
    parameters: { type: 'object', properties: { path, startLine: { type: 'integer', minimum: 1 }, endLine: { type: 'integer', minimum: 1 } }, required: ['path'] },
  },
  {
    name: 'search_text',
    description: 'Search the workspace files for a plain text (not a regular expression; case is ignored). Returns matching lines with their path and line number. `include` narrows the files with a glob such as src/**/*.ts.',
    parameters: { type: 'object', properties: { query: { type: 'string' }, include: { type: 'string' } }, required: ['query'] },
  },
  {
    name: 'find_symbol',
    description: "Find functions, classes, variables and other symbols by name across the workspace, using the editor's language support. Returns each symbol's kind, path and line.",
    parameters: { type: 'object', properties: { query: { type: 'string', description: 'The symbol name or its start.' } }, required: ['query'] },
  },
  {
    name: 'find_definition',
    description: "Go to the definition of a symbol with the editor's language support. Give the symbol, and the path and line where it is used when you know them (otherwise the workspace's symbol of that name is used).",
    parameters: { type: 'object', properties: { symbol: { type: 'string' }, path, line: { type: 'integer', minimum: 1 } }, required: ['symbol'] },
  },
  {
    name: 'find_references',
    description: "Find every reference to a symbol with the editor's language support. Give the symbol, and the path and line where it is defined or used when you know them.",
    parameters: { type: 'object', properties: { symbol: { type: 'string' }, path, line: { type: 'integer', minimum: 1 } }, required: ['symbol'] },
  },
  {
    name: 'list_files',
    description: `List workspace files matching a glob such as **/*.test.ts or src/** (at most ${MAX_LISTED_FILES}).`,
    parameters: { type: 'object', properties: { glob: { type: 'string' } }, required: ['glob'] },
  },
  {
    name: 'get_problems',
    description: "The errors and warnings VS Code's Problems list shows for a file, or for the whole workspace when no path is given.",
    parameters: { type: 'object', properties: { path } },
  },
];

const NAMES = new Set<string>(TOOL_SPECS.map((t) => t.name));

export function isToolName(name: string): name is ToolName {
  return NAMES.has(name);
}

/** The call's arguments read and checked, or the error to send back to the model instead of a result. */
export function parseToolCall(call: ToolCall): { ok: true; call: ParsedCall } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (!isToolName(call.name)) return fail(`There is no tool named ${JSON.stringify(call.name.slice(0, 60))}. The tools are: ${[...NAMES].join(', ')}.`);
  if (call.cut) return fail(`The arguments of ${call.name} were longer than Kestrel reads and were cut off. Call it again with shorter arguments.`);
  let raw: unknown;
  try {
    // Some models send no arguments at all for a call that needs none.
    raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return fail(`The arguments of ${call.name} were not valid JSON. Send one JSON object, such as ${example(call.name)}.`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail(`The arguments of ${call.name} must be a JSON object, such as ${example(call.name)}.`);
  const args = raw as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined | Error => {
    const value = args[key];
    if (value === undefined || value === null || value === '') return required ? new Error(`${call.name} needs \`${key}\` (a string), such as ${example(call.name)}.`) : undefined;
    if (typeof value !== 'string') return new Error(`\`${key}\` of ${call.name} must be a string.`);
    if (value.length > MAX_QUERY_CHARS && key !== 'path') return new Error(`\`${key}\` of ${call.name} is longer than ${MAX_QUERY_CHARS} characters.`);
    return value;
  };
  const line = (key: string): number | undefined | Error => {
    const value = args[key];
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return new Error(`\`${key}\` of ${call.name} must be a line number, 1 or more.`);
    return n;
  };
  const pathOf = (required: boolean): string | undefined | Error => {
    const value = text('path', required);
    if (value === undefined || value instanceof Error) return value;
    return toolPath(value) ?? new Error(`${JSON.stringify(value.slice(0, 200))} is not a workspace path. Give a path relative to the workspace, such as src/cart.ts.`);
  };
  const checked = (parsed: Record<string, unknown>): { ok: true; call: ParsedCall } | { ok: false; error: string } => {
    for (const value of Object.values(parsed)) if (value instanceof Error) return fail(value.message);
    const clean = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
    return { ok: true, call: clean as ParsedCall };
  };
  switch (call.name as ToolName) {
    case 'read_file': {
      const parsed = checked({ tool: 'read_file', path: pathOf(true), startLine: line('startLine'), endLine: line('endLine') });
      if (parsed.ok && parsed.call.tool === 'read_file' && parsed.call.startLine !== undefined && parsed.call.endLine !== undefined && parsed.call.endLine < parsed.call.startLine) {
        return fail('`endLine` of read_file comes before `startLine`.');
      }
      return parsed;
    }
    case 'search_text':
      return checked({ tool: 'search_text', query: text('query', true), include: globOf(text('include', false)) });
    case 'find_symbol':
      return checked({ tool: 'find_symbol', query: text('query', true) });
    case 'find_definition':
    case 'find_references':
      return checked({ tool: call.name, symbol: text('symbol', true), path: pathOf(false), line: line('line') });
    case 'list_files':
      return checked({ tool: 'list_files', glob: globOf(text('glob', true)) });
    case 'get_problems':
      return checked({ tool: 'get_problems', path: pathOf(false) });
  }
}

function globOf(value: string | undefined | Error): string | undefined | Error {
  if (value === undefined || value instanceof Error) return value;
  // A glob that climbs out of the workspace, or starts at the root, names nothing Kestrel may list.
  if (/(^|\/)\.\.(\/|$)/.test(value) || /^([a-z]:|\/)/i.test(value) || /[\u0000-\u001f]/.test(value)) return new Error(`${JSON.stringify(value)} is not a workspace glob. Use one relative to the workspace, such as src/**/*.ts.`);
  return value.replace(/\\/g, '/');
}

/**
 * A path from the model, made workspace-relative and `/`-separated (`./src/a.ts` → `src/a.ts`), or
 * undefined when it is no path at all (empty, control characters). `..`, absolute paths and links
 * are left for the host, which resolves them and refuses what leaves the workspace.
 */
export function toolPath(raw: string): string | undefined {
  const value = raw.trim().replace(/\\/g, '/');
  if (value === '' || value.length > 1024 || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const stripped = value.replace(/^(\.\/)+/, '');
  return stripped === '' || stripped === '.' ? undefined : stripped;
}

function example(name: string): string {
  const examples: Record<ToolName, string> = {
    read_file: '{"path": "src/cart.ts", "startLine": 1, "endLine": 40}',
    search_text: '{"query": "applyDiscount"}',
    find_symbol: '{"query": "Cart"}',
    find_definition: '{"symbol": "applyDiscount", "path": "src/cart.ts", "line": 12}',
    find_references: '{"symbol": "applyDiscount"}',
    list_files: '{"glob": "src/**/*.ts"}',
    get_problems: '{"path": "src/cart.ts"}',
  };
  return isToolName(name) ? examples[name] : '{}';
}

/**
 * `text` within `limit` characters, cut at a line break where one is near, with a last line saying
 * how much was left out and how to get the rest.
 */
export function clipResult(text: string, limit = MAX_RESULT_CHARS, hint = 'ask for less'): { text: string; clipped: boolean } {
  if (text.length <= limit) return { text, clipped: false };
  let end = limit;
  const lineBreak = text.lastIndexOf('\n', limit);
  if (lineBreak > limit * 0.8) end = lineBreak;
  return { text: `${text.slice(0, end)}\n[Clipped: showing ${end.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters; ${hint}.]`, clipped: true };
}

/** Lines `start`–`end` (1-based, inclusive) numbered as the model reads them: `12: code`. */
export function numberedLines(lines: readonly string[], start: number): string {
  return lines.map((l, i) => `${start + i}: ${l}`).join('\n');
}

/** What one call did, for the compact line in the chat and the log (never the result itself). */
export interface CallSummary {
  /** `Read src/cart.ts 1–40`, `Searched for \`applyDiscount\`: 3 files`. */
  label: string;
  /** What was sent back to the model, as sent (clipped), shown when the line is expanded. */
  detail: string;
  /** The call failed or was refused: the model was told why. */
  error?: boolean;
}

/**
 * A path, query or glob as it goes in a call's line, whose backticks mark code (src/webview/main.ts):
 * one in the model's text or a file's name would turn the rest of the line into code, or end it, so
 * it becomes a look-alike (ˋ). What was sent to the model keeps the text as it is.
 */
export function inLabel(text: string): string {
  return text.replace(/`/g, '\u02cb');
}

/** The verb phrase of a call, before its outcome: `Read src/cart.ts 1–40`. */
export function callTitle(call: ParsedCall): string {
  switch (call.tool) {
    case 'read_file':
      return `Read ${inLabel(call.path)}${call.startLine !== undefined || call.endLine !== undefined ? ` ${call.startLine ?? 1}–${call.endLine ?? 'end'}` : ''}`;
    case 'search_text':
      return `Searched for \`${inLabel(call.query)}\`${call.include ? ` in ${inLabel(call.include)}` : ''}`;
    case 'find_symbol':
      return `Looked up symbol \`${inLabel(call.query)}\``;
    case 'find_definition':
      return `Went to the definition of \`${inLabel(call.symbol)}\``;
    case 'find_references':
      return `Found references to \`${inLabel(call.symbol)}\``;
    case 'list_files':
      return `Listed \`${inLabel(call.glob)}\``;
    case 'get_problems':
      return `Read the problems${call.path ? ` in ${inLabel(call.path)}` : ''}`;
  }
}

/** A count with its noun: `1 file`, `3 files`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

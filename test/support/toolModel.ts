// A scripted model that uses the chat's workspace tools (src/core/chat/tools.ts) as Claude Haiku does
// on the sample workspace: asked "Where is `applyDiscount` called?" with tools offered, it searches
// for the name, reads the file of the hit around its line, then answers in markdown citing the lines
// it read, every word of the answer derived from the tool results it got back. Without tools (or with
// `tool_choice: "none"`) it answers from the question and any code attached to it, and says it could
// not look. It stops calling tools by itself after at most three lookup turns.
//
// It reads the results in the shapes src/vscode/chatTools.ts writes them: search and reference hits
// as `path:line: text`, a read file as `path, lines a–b of n:` then `12: code`, a file list as one
// path per line after its count.
//
// In a test: startFakeServer({ flavour: 'openrouter', respond: toolModel() })
import type { FakeReply, FakeToolCall, LoggedRequest } from './fake-server';

export interface ToolModelOptions {
  /** Lookup turns at most before it answers anyway (default 3, at most 3). */
  maxLookups?: number;
  /** Says what it is about to do before its first calls ("I'll search the workspace for …"), as Claude does (default true). */
  narrate?: boolean;
  /** Characters of arguments per delta (the fake server's `argumentPiece`). */
  argumentPiece?: number;
}

interface WireMessage {
  role?: string;
  content?: unknown;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
  tool_call_id?: string;
}

/** One tool call of this question and what came back for it. */
interface Lookup {
  name: string;
  args: Record<string, unknown>;
  result: string;
}

interface Hit {
  path: string;
  line: number;
  text: string;
}

/** Words of a question that look like identifiers but are English. */
const PLAIN = new Set(['where', 'what', 'which', 'how', 'why', 'when', 'who', 'does', 'is', 'the', 'called', 'used', 'defined', 'this', 'that', 'function', 'file', 'code', 'in', 'of', 'and', 'or', 'a', 'an', 'it', 'to', 'do', 'find', 'show', 'me', 'explain', 'tests', 'test', 'are', 'be', 'for', 'with', 'from', 'on', 'my', 'its', 'can', 'you', 'please']);
const FILE_NAME = /(?:[\w.-]+\/)*[\w-]+\.(?:ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|md|json|ya?ml|toml|css|html|sh|env)\b/g;

export function toolModel(options: ToolModelOptions = {}): (request: LoggedRequest) => FakeReply {
  const maxLookups = Math.min(3, Math.max(0, options.maxLookups ?? 3));
  const narrate = options.narrate ?? true;
  return (request) => {
    const body = (request.body ?? {}) as { messages?: WireMessage[]; tools?: { function?: { name?: string } }[]; tool_choice?: unknown };
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const offered = new Set((Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name).filter((n): n is string => typeof n === 'string'));
    const mayCall = offered.size > 0 && body.tool_choice !== 'none';
    const asked = messages.map((m) => m.role).lastIndexOf('user');
    const question = asked >= 0 ? textOf(messages[asked].content) : '';
    const { targets, files } = targetsOf(proseOf(question));
    const lookups = lookupsAfter(messages.slice(asked + 1));
    const turns = messages.slice(asked + 1).filter((m) => m.role === 'assistant' && m.tool_calls?.length).length;
    const reply = (calls: FakeToolCall[], text?: string): FakeReply => ({ ...(text ? { text } : {}), toolCalls: calls, ...(options.argumentPiece ? { argumentPiece: options.argumentPiece } : {}) });

    if (!mayCall) return { text: blindAnswer(targets, files, messages, offered.size > 0) };
    if (turns < maxLookups) {
      const next = nextCalls(targets, files, lookups, offered);
      if (next.length) {
        const first = turns === 0 && narrate ? `I'll ${next.map(describe).join(' and ')}.` : undefined;
        return reply(next, first);
      }
    }
    return { text: answer(targets, files, lookups) };
  };
}

/** A message's text, whether a string or text parts (a prompt-cache breakpoint). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof (p as { text?: unknown })?.text === 'string' ? (p as { text: string }).text : '')).join('');
  return '';
}

/** The question without its attached code blocks. */
function proseOf(question: string): string {
  return question.replace(/```[\s\S]*?(```|$)/g, ' ');
}

/** What the question asks about: identifiers (backticked first) and file names, in order, at most two of each. */
function targetsOf(prose: string): { targets: string[]; files: string[] } {
  const files = [...new Set(prose.match(FILE_NAME) ?? [])].slice(0, 2);
  const without = files.reduce((text, f) => text.split(f).join(' '), prose);
  const ticked = [...without.matchAll(/`([A-Za-z_$][\w$.]*)`/g)].map((m) => m[1].replace(/\(\)$/, ''));
  const shaped = (without.match(/\b[a-z]+[A-Z][\w$]*\b|\b[A-Za-z]+_[\w]+\b|\b[A-Z][a-z]+[A-Z][\w$]*\b/g) ?? []).filter((w) => !PLAIN.has(w.toLowerCase()));
  const targets = [...new Set([...ticked, ...shaped])].filter((w) => !PLAIN.has(w.toLowerCase())).slice(0, 2);
  return { targets, files };
}

/** The calls made since the question, each with the text of its tool message. */
function lookupsAfter(messages: WireMessage[]): Lookup[] {
  const byId = new Map<string, Lookup>();
  const out: Lookup[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      for (const call of m.tool_calls ?? []) {
        let args: Record<string, unknown> = {};
        try {
          const parsed: unknown = JSON.parse(call.function?.arguments ?? '{}');
          if (parsed && typeof parsed === 'object') args = parsed as Record<string, unknown>;
        } catch {
          // Its own broken call: the tool message says so.
        }
        const lookup = { name: call.function?.name ?? '', args, result: '' };
        if (call.id) byId.set(call.id, lookup);
        out.push(lookup);
      }
    } else if (m.role === 'tool' && typeof m.tool_call_id === 'string') {
      const lookup = byId.get(m.tool_call_id);
      if (lookup) lookup.result = textOf(m.content);
    }
  }
  return out;
}

/** `path:line: text` hits of search and reference results. */
function hitsOf(lookups: Lookup[]): Hit[] {
  const hits: Hit[] = [];
  for (const l of lookups) {
    if (l.name !== 'search_text' && l.name !== 'find_references' && l.name !== 'find_definition') continue;
    for (const line of l.result.split('\n')) {
      const m = /^([^\s:][^:\n]*?):(\d+):\s?(.*)$/.exec(line);
      if (m && !hits.some((h) => h.path === m[1] && h.line === Number(m[2]))) hits.push({ path: m[1], line: Number(m[2]), text: m[3] });
    }
  }
  return hits;
}

/** The lines a read returned, by number, per file. */
function readsOf(lookups: Lookup[]): { path: string; lines: Map<number, string> }[] {
  return lookups
    .filter((l) => l.name === 'read_file' && typeof l.args.path === 'string' && !/^Error:/.test(l.result))
    .map((l) => {
      const lines = new Map<number, string>();
      for (const line of l.result.split('\n')) {
        const m = /^(\d+): ?(.*)$/.exec(line);
        if (m) lines.set(Number(m[1]), m[2]);
      }
      return { path: String(l.args.path), lines };
    })
    .filter((r) => r.lines.size > 0);
}

/** Paths a file listing returned. */
function listedOf(lookups: Lookup[]): string[] {
  return lookups.filter((l) => l.name === 'list_files' && !/^Error:/.test(l.result)).flatMap((l) => l.result.split('\n').slice(1).filter((p) => /^[^\s:]+\.[\w]+$/.test(p)));
}

const isDefinition = (text: string, name: string) => new RegExp(`\\b(function|def|func|class|interface|const|let|var|type)\\s+(\\([^)]*\\)\\s*)?${escape(name)}\\b`).test(text);
const isImport = (text: string) => /^\s*(import|from)\b|require\(/.test(text);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What to look up next, or nothing when it has what it needs. Two things asked about → two calls at once. */
function nextCalls(targets: string[], files: string[], lookups: Lookup[], offered: Set<string>): FakeToolCall[] {
  const done = new Set(lookups.map((l) => `${l.name}\n${JSON.stringify(l.args)}`));
  const fresh = (call: FakeToolCall) => !done.has(`${call.name}\n${JSON.stringify(call.arguments)}`) && offered.has(call.name);
  if (lookups.length === 0) {
    const first: FakeToolCall[] = [
      ...files.map((f) => (f.includes('/') ? { name: 'read_file', arguments: { path: f } } : { name: 'list_files', arguments: { glob: `**/${f}` } })),
      ...targets.map((t) => ({ name: 'search_text', arguments: { query: t } })),
    ];
    return first.filter(fresh).slice(0, 2);
  }
  const read = new Set(lookups.filter((l) => l.name === 'read_file').map((l) => String(l.args.path)));
  const calls: FakeToolCall[] = [];
  // A file the question named, found by a listing, is read from its start.
  for (const path of listedOf(lookups)) {
    if (files.some((f) => path === f || path.endsWith(`/${f}`)) && !read.has(path) && calls.length < 1) calls.push({ name: 'read_file', arguments: { path, startLine: 1, endLine: 40 } });
  }
  // Per name searched, the file of its first hit (a call first, then another use), around the hit; when only its
  // definition turned up, the test files are listed alongside, to say whether a test uses it.
  for (const target of targets) {
    const hits = hitsOf(lookups).filter((h) => h.text.includes(target));
    const uses = hits.filter((h) => !isDefinition(h.text, target) && !isImport(h.text));
    const hit = uses.find((h) => h.text.includes(`${target}(`)) ?? uses[0] ?? hits[0];
    if (hit && !read.has(hit.path) && !calls.some((c) => (c.arguments as { path?: string }).path === hit.path)) {
      calls.push({ name: 'read_file', arguments: { path: hit.path, startLine: Math.max(1, hit.line - 3), endLine: hit.line + 5 } });
      if (!uses.length && !lookups.some((l) => l.name === 'list_files')) calls.push(TEST_LISTING);
    }
  }
  return calls.filter(fresh).slice(0, 2);
}

const TEST_LISTING: FakeToolCall = { name: 'list_files', arguments: { glob: '**/*test*' } };

function describe(call: FakeToolCall): string {
  const args = call.arguments as Record<string, string>;
  if (call.name === 'search_text') return `search the workspace for \`${args.query}\``;
  if (call.name === 'list_files') return `look for files matching \`${args.glob}\``;
  if (call.name === 'read_file') return `read ${args.path}`;
  return `use ${call.name}`;
}

/** The answer from what the lookups returned: the places found, the lines read quoted with path:line. */
function answer(targets: string[], files: string[], lookups: Lookup[]): string {
  const hits = hitsOf(lookups);
  const reads = readsOf(lookups);
  const failures = lookups.filter((l) => /^Error:/.test(l.result)).map((l) => l.result.replace(/^Error:\s*/, '').split('\n')[0]);
  const parts: string[] = [];
  for (const target of targets) {
    const mine = hits.filter((h) => h.text.includes(target));
    const definitions = mine.filter((h) => isDefinition(h.text, target));
    const imports = mine.filter((h) => !isDefinition(h.text, target) && isImport(h.text));
    const uses = mine.filter((h) => !isDefinition(h.text, target) && !isImport(h.text));
    const lines: string[] = [];
    if (!mine.length) {
      lines.push(`I found no match for \`${target}\` in the workspace${lookups.some((l) => l.name === 'search_text') ? ' (a text search, case ignored)' : ''}.`);
    } else if (uses.length) {
      lines.push(`\`${target}\` is used in ${count(new Set(uses.map((u) => u.path)).size, 'file')}:`, '');
      for (const u of uses.slice(0, 6)) lines.push(`- \`${u.path}:${u.line}\` — \`${u.text.trim()}\``);
    } else {
      lines.push(`I found no call to \`${target}\` in the workspace: the search matched only ${definitions.length ? 'its definition' : 'these lines'}${imports.length ? ' and imports' : ''}.`);
    }
    for (const d of definitions.slice(0, 2)) lines.push('', `It is defined at \`${d.path}:${d.line}\`: \`${d.text.trim()}\`.`);
    for (const i of imports.slice(0, 2)) lines.push(`\`${i.path}:${i.line}\` imports it: \`${i.text.trim()}\`.`);
    // The lines read around a hit, quoted as read.
    for (const r of reads) {
      const at = [...r.lines.entries()].filter(([, text]) => text.includes(target));
      if (!at.length) continue;
      const [first] = at[0];
      const shown = [...r.lines.entries()].filter(([n]) => n >= first - 1 && n <= first + 4);
      lines.push('', `From ${r.path}, lines ${shown[0][0]}–${shown[shown.length - 1][0]}:`, '', fence(r.path), ...shown.map(([n, text]) => `${n}: ${text}`), '```');
    }
    if (!uses.length && mine.length) {
      const listing = lookups.find((l) => l.name === 'list_files' && JSON.stringify(l.args) === JSON.stringify(TEST_LISTING.arguments));
      const tests = listing ? listedOf([listing]).filter((p) => !mine.some((h) => h.path === p)) : [];
      lines.push('', tests.length ? `No test calls it either: ${tests.map((t) => `\`${t}\``).join(', ')} ${tests.length === 1 ? 'has' : 'have'} no match for \`${target}\`, so it is untested; a case for it would fit in ${tests[0]}.` : 'Nothing calls it: it is exported but unused in this workspace.');
    }
    parts.push(lines.join('\n'));
  }
  for (const f of files) {
    const read = reads.find((r) => r.path === f || r.path.endsWith(`/${f}`));
    if (!read) {
      parts.push(`I could not read ${f}${listedOf(lookups).length ? '' : ': no file by that name turned up'}.`);
      continue;
    }
    const entries = [...read.lines.entries()];
    const named = entries.filter(([, text]) => /\b(function|def|func|class|interface)\s+\w+/.test(text));
    const head = named.length ? `${read.path} defines ${named.map(([n, text]) => `\`${/\b(?:function|def|func|class|interface)\s+(\w+)/.exec(text)![1]}\` (line ${n})`).join(', ')}.` : `${read.path} starts:`;
    parts.push([head, '', fence(read.path), ...entries.slice(0, 8).map(([n, text]) => `${n}: ${text}`), '```'].join('\n'));
  }
  if (!targets.length && !files.length) parts.push('Your question names no function or file I could look up; name one (in backticks) and I will search the workspace for it.');
  if (failures.length) parts.push(`(Some lookups failed: ${failures.slice(0, 2).join(' ')})`);
  return parts.join('\n\n');
}

/** The answer without tools: from the question's attached code if it has the name, else a guess that says so. */
function blindAnswer(targets: string[], files: string[], messages: WireMessage[], toolsWithheld: boolean): string {
  const code = messages
    .map((m) => textOf(m.content))
    .join('\n')
    .match(/```[^\n]*\n[\s\S]*?```/g) ?? [];
  const lines = code.flatMap((block) => block.split('\n').slice(1, -1));
  const parts: string[] = [toolsWithheld ? "I can't look anything up in the workspace for this answer, so it is from what you sent me." : "I can't see the workspace; I can only go by what you sent me."];
  for (const target of targets) {
    const found = lines.findIndex((l) => l.includes(target));
    if (found >= 0) {
      parts.push(`In the code you attached, \`${target}\` appears in \`${lines[found].trim()}\`${isDefinition(lines[found], target) ? ', its definition' : ''}. Its callers are not in that code; search the workspace for \`${target}(\` to find them.`);
    } else {
      const kind = /^[A-Z]/.test(target) ? 'a type or class' : 'a function';
      parts.push(`\`${target}\` is likely ${kind} defined in your source files (its name suggests it ${/discount/i.test(target) ? 'applies a discount to a total' : 'does what it says'}). To find where it is called, search the workspace for \`${target}(\`, or use Find All References on its definition.`);
    }
  }
  for (const f of files) parts.push(`I have not seen ${f}; attach it (or its relevant lines) and I can explain it.`);
  if (!targets.length && !files.length) parts.push('Name the function or file you mean, or attach the code, and I can be specific.');
  return parts.join('\n\n');
}

function fence(path: string): string {
  const ext = /\.(\w+)$/.exec(path)?.[1] ?? '';
  const lang: Record<string, string> = { ts: 'ts', tsx: 'tsx', js: 'js', py: 'python', go: 'go', md: 'markdown', json: 'json' };
  return '```' + (lang[ext] ?? '');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

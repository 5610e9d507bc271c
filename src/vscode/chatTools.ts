// The chat's read-only workspace tools, run in the extension host: read a file, search text, look up
// symbols, definitions and references, list files, read the Problems list. The calls and their
// limits are decided in src/core/chat/tools.ts; this file resolves each path the model names, and
// refuses, before a byte is read, a path outside the workspace (`..`, an absolute path elsewhere, a
// link whose real path leaves the workspace folder) and an excluded file (`kestrel.exclude`,
// `.kestrelignore`, judged by src/vscode/excludeRules.ts on the path and the real path) or a file in
// `.git`. Excluded files are left out of lists and lookups without a count wherever the model chose
// the glob or the name (a count would tell it which excluded files or symbols exist). What the
// model sends is data: a search query is matched as plain text by linear-time code, never as a
// regular expression. The same tools are offered to other extensions and VS Code's own chat as
// language model tools (`kestrel_read_file`…), only with the tools on and in a trusted workspace.
// See docs/tools.md and docs/security.md.
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { KestrelSettings } from '../core/config';
import { cutText, decodeText, problemsText } from '../core/chat/context';
import { formatSize } from '../core/chat/instructions';
import type { ToolExecutor, ToolOutcome } from '../core/chat/toolLoop';
import {
  callTitle,
  clipResult,
  count,
  inLabel,
  MAX_COUNTED_HITS,
  MAX_LISTED_FILES,
  MAX_LISTED_HITS,
  MAX_READ_LINES,
  MAX_RESULT_CHARS,
  MAX_TOOL_FILE_BYTES,
  numberedLines,
  parseToolCall,
  TOOL_SPECS,
  type ParsedCall,
} from '../core/chat/tools';
import { collectProblems, isBelow, staysInside } from './chatContext';
import type { Services } from './services';

/** Never searched or listed: dependencies and the repository's own store. */
const NOT_SEARCHED = '{**/node_modules/**,**/.git/**}';
/** Files one search reads at most. */
const MAX_SEARCHED_FILES = 5000;
/** Bytes one search reads at most: 5,000 files of nearly 1 MB each would keep the host busy for minutes. */
const MAX_SEARCHED_BYTES = 50_000_000;
/** Characters of one matching line shown. */
const MAX_HIT_LINE_CHARS = 200;
const MAX_SYMBOLS = 50;
const MAX_REFERENCES = 100;
/** Characters of numbered lines one read returns, leaving room in MAX_RESULT_CHARS for the header and the note. */
const READ_ROOM = MAX_RESULT_CHARS - 300;

export interface ToolDeps {
  isExcluded(uri: vscode.Uri): boolean;
  log?: Pick<vscode.LogOutputChannel, 'warn'>;
  /** Read before every call: the setting turned off during a question stops the calls still to come. */
  settings?(): KestrelSettings;
}

/** A file the model named, found in the workspace and allowed: not outside it, not excluded, not a folder. */
interface Resolved {
  uri: vscode.Uri;
  /** Workspace-relative, with the folder's name in a multi-root workspace. */
  label: string;
  size: number;
}

/** A file's text, or why it was not read; `read` is the bytes read from disk (an open editor's text reads none). */
type Text = { text: string; read: number } | { refused: ToolOutcome; read: number };

const failed = (text: string, outcome: string): ToolOutcome => ({ error: true, text: `Error: ${text}`, outcome });
const stopped = (): ToolOutcome => failed('the call was stopped.', 'stopped');
const num = (n: number) => n.toLocaleString('en-US');
const MAX_SIZE = `${MAX_TOOL_FILE_BYTES / 1_000_000} MB`;
/** Said whatever the glob or query matched: a count there would tell which excluded files or symbols exist. */
const NEVER_SEARCHED = 'Excluded files (kestrel.exclude or .kestrelignore) and links leading outside the workspace are never searched.';
const NEVER_LISTED = 'Excluded files (kestrel.exclude or .kestrelignore) and links leading outside the workspace are never listed.';
const NEVER_LOOKED_UP = 'Places in excluded files (kestrel.exclude or .kestrelignore) or outside the workspace are never listed.';
const TOOLS_OFF = "Kestrel's workspace tools are off: they need kestrel.chat.tools on, a trusted workspace (not Restricted Mode) and an open folder.";
const isOutcome = (value: unknown): value is ToolOutcome => typeof value === 'object' && value !== null && 'outcome' in value;

function multiRoot(): boolean {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
}

function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, multiRoot());
}

/**
 * Whether `uri` (in `folder`), by its path or its real path, lies in a `.git` folder: the
 * repository's own store, never searched or listed, is not read either (a remote's URL in
 * `.git/config` can carry a token).
 */
async function inGitStore(folder: vscode.Uri, uri: vscode.Uri): Promise<boolean> {
  const git = (relativePath: string) => relativePath.split(/[\\/]/).some((s) => s.toLowerCase() === '.git');
  if (git(vscode.workspace.asRelativePath(uri, false))) return true;
  if (folder.scheme !== 'file' || uri.scheme !== 'file') return false;
  try {
    const [root, real] = await Promise.all([realpath(folder.fsPath), realpath(uri.fsPath)]);
    return git(real.slice(root.length));
  } catch {
    return true;
  }
}

/**
 * Whether a path that does not exist lies outside `folder` through the links of its nearest
 * existing folder: `link/missing.ts`, with `link` leading out, is outside whether or not the file is there.
 */
async function missingLeaves(folder: vscode.Uri, uri: vscode.Uri): Promise<boolean> {
  if (folder.scheme !== 'file' || uri.scheme !== 'file') return false;
  try {
    const root = await realpath(folder.fsPath);
    for (let path = dirname(uri.fsPath); ; path = dirname(path)) {
      const real = await realpath(path).catch(() => undefined);
      if (real !== undefined) return real !== root && !isBelow(root, real);
      if (dirname(path) === path) return true;
    }
  } catch {
    return true;
  }
}

/** The lines of a text, without the empty one after a final line break. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const IDENTIFIER = /[\p{L}\p{N}_$]/u;

/** The column of the first whole-word `word` in `line` (plain text, no pattern), or -1. */
export function wordColumn(line: string, word: string, from = 0): number {
  if (!word) return -1;
  for (let at = line.indexOf(word, from); at !== -1; at = line.indexOf(word, at + 1)) {
    const before = at > 0 ? line[at - 1] : '';
    const after = line[at + word.length] ?? '';
    if (!(before && IDENTIFIER.test(before)) && !(after && IDENTIFIER.test(after))) return at;
  }
  return -1;
}

/** The identifier the model means by `symbol`: `Cart.add()` → `add`. */
function symbolWord(symbol: string): string {
  const trimmed = symbol.trim().replace(/\(\s*\)$/, '');
  const parts = trimmed.split(/\.|::|#|->/);
  return (parts[parts.length - 1] ?? '').trim();
}

export class WorkspaceTools implements ToolExecutor {
  constructor(private readonly deps: ToolDeps) {}

  async run(call: ParsedCall, signal: AbortSignal): Promise<ToolOutcome> {
    if (signal.aborted) return stopped();
    if (this.deps.settings && !toolsAvailable(this.deps.settings())) return failed(TOOLS_OFF, 'refused: tools off');
    if (!vscode.workspace.workspaceFolders?.length) return failed('no folder is open, so there is no workspace to look in.', 'no workspace');
    try {
      switch (call.tool) {
        case 'read_file':
          return await this.readFile(call);
        case 'search_text':
          return await this.searchText(call.query, call.include, signal);
        case 'find_symbol':
          return await this.findSymbol(call.query, signal);
        case 'find_definition':
        case 'find_references':
          return await this.locate(call, signal);
        case 'list_files':
          return await this.listFiles(call.glob);
        case 'get_problems':
          return await this.problems(call.path);
      }
    } catch (error) {
      // A provider or the file system failing is told to the model, never thrown into the loop.
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log?.warn(`Tool ${call.tool} failed: ${message}`);
      return failed(`${call.tool} failed: ${cutText(message, 300)}`, 'failed');
    }
  }

  // ——— Paths ———

  /** The file `path` names, or the refusal to send back. Reads no byte of the file. */
  async resolve(path: string): Promise<Resolved | ToolOutcome> {
    const shown = JSON.stringify(cutText(path, 200));
    const outside = failed(`${shown} is outside the workspace. Give a path inside it, relative to the workspace, such as src/cart.ts.`, 'refused: outside the workspace');
    const folders = vscode.workspace.workspaceFolders ?? [];
    const segments = path.split('/');
    if (segments.includes('..')) return outside;
    const candidates: { folder: vscode.WorkspaceFolder; uri: vscode.Uri }[] = [];
    if (/^([a-z]:\/|\/)/i.test(path)) {
      const uri = vscode.Uri.file(path);
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || folder.uri.scheme !== 'file') return outside;
      candidates.push({ folder, uri });
    } else {
      for (const folder of folders) candidates.push({ folder, uri: vscode.Uri.joinPath(folder.uri, path) });
      // `folderName/rest`, as a multi-root workspace's paths are written.
      const named = folders.find((f) => f.name === segments[0]);
      if (named && segments.length > 1) candidates.push({ folder: named, uri: vscode.Uri.joinPath(named.uri, segments.slice(1).join('/')) });
    }
    const excluded = (label: string) => failed(`${label} is excluded from what Kestrel may send (kestrel.exclude or .kestrelignore); its content was not read.`, 'refused: excluded');
    let missingOutside = false;
    let missingExcluded: string | undefined;
    for (const { folder, uri } of candidates) {
      let stat: vscode.FileStat;
      try {
        stat = await vscode.workspace.fs.stat(uri);
      } catch {
        // A missing path is refused as an existing one would be (outside, then excluded): "not
        // found" for some and a refusal for others would tell the model which excluded files, or
        // files behind a link leading out, exist.
        if (await missingLeaves(folder.uri, uri)) missingOutside = true;
        else if (missingExcluded === undefined && this.deps.isExcluded(uri)) missingExcluded = relative(uri);
        continue;
      }
      const label = relative(uri);
      if (!(await staysInside(folder.uri, uri))) return outside;
      // Before any byte is read: the same check as everything else Kestrel sends, links resolved.
      if (this.deps.isExcluded(uri)) return excluded(label);
      if (await inGitStore(folder.uri, uri)) return failed(`${label} is in the repository's own store (.git), which the tools do not read.`, 'refused: .git');
      if (stat.type & vscode.FileType.Directory) return failed(`${label} is a folder. Use list_files with a glob such as ${label}/** to see its files.`, 'refused: a folder');
      return { uri, label, size: stat.size };
    }
    if (missingOutside) return outside;
    if (missingExcluded !== undefined) return excluded(missingExcluded);
    return failed(`${shown} was not found in the workspace. Use list_files or search_text to find the right path.`, 'not found');
  }

  /**
   * The text of an allowed file: the open editor's (unsaved changes included), else the disk's, at
   * most MAX_TOOL_FILE_BYTES and UTF-8 text. Without a size the file is stat'ed first. Throws when
   * the file cannot be read (deleted since it was listed).
   */
  private async text(file: { uri: vscode.Uri; label: string; size?: number }, open?: vscode.TextDocument): Promise<Text> {
    const document = open ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.uri.toString());
    if (document) {
      const text = document.getText();
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_TOOL_FILE_BYTES) return { refused: tooLarge(file.label, bytes), read: 0 };
      if (text.includes('\0')) return { refused: binary(file.label), read: 0 };
      return { text, read: 0 };
    }
    const size = file.size ?? (await vscode.workspace.fs.stat(file.uri)).size;
    if (size > MAX_TOOL_FILE_BYTES) return { refused: tooLarge(file.label, size), read: 0 };
    const bytes = await vscode.workspace.fs.readFile(file.uri);
    // The file may have grown since the stat.
    if (bytes.length > MAX_TOOL_FILE_BYTES) return { refused: tooLarge(file.label, bytes.length), read: 0 };
    const decoded = decodeText(bytes);
    return 'refused' in decoded ? { refused: binary(file.label), read: bytes.length } : { text: decoded.text, read: bytes.length };
  }

  // ——— read_file ———

  private async readFile(call: Extract<ParsedCall, { tool: 'read_file' }>): Promise<ToolOutcome> {
    const file = await this.resolve(call.path);
    if (isOutcome(file)) return file;
    const read = await this.text(file);
    if ('refused' in read) return read.refused;
    const lines = splitLines(read.text);
    const total = lines.length;
    if (total === 0) return { text: `${file.label} is empty.`, outcome: '0 lines' };
    const ranged = call.startLine !== undefined || call.endLine !== undefined;
    const start = call.startLine ?? 1;
    if (start > total) return failed(`${file.label} has ${count(total, 'line')}; line ${num(start)} is past the end.`, `past the end (${count(total, 'line')})`);
    const wanted = Math.min(call.endLine ?? total, total);
    // At most MAX_READ_LINES lines, and no more than the result's characters hold, so the note
    // saying where to go on is never clipped off.
    let end = start - 1;
    let chars = 0;
    while (end < wanted && end - start + 1 < MAX_READ_LINES) {
      const cost = lines[end].length + String(end + 1).length + 3;
      if (end >= start && chars + cost > READ_ROOM) break;
      chars += cost;
      end++;
    }
    const shown = lines.slice(start - 1, end);
    // One line longer than a result holds (minified code, a data file) is cut, and says so, rather
    // than clipped with a hint to read fewer lines that cannot help.
    const room = READ_ROOM - 200;
    const long = shown.length === 1 && shown[0].length > room ? shown[0].length : 0;
    if (long) shown[0] = shown[0].slice(0, room);
    const parts = [`${file.label}, lines ${num(start)}–${num(end)} of ${num(total)}:`, numberedLines(shown, start)];
    if (long) parts.push(`(line ${num(start)} has ${num(long)} characters; only the first ${num(room)} are shown)`);
    if (end < wanted) parts.push(`(lines ${num(end + 1)}–${num(wanted)} not shown: read them in ranges${end - start + 1 >= MAX_READ_LINES ? ` of at most ${MAX_READ_LINES} lines` : `, such as startLine ${num(end + 1)}`})`);
    const whole = start === 1 && end === total;
    // The line says what was read, not what was asked: `Read src/a.ts 3–7` for 3–11 of a 7-line file.
    return whole && !ranged ? { text: parts.join('\n'), outcome: count(total, 'line') } : { text: parts.join('\n'), title: `Read ${inLabel(file.label)} ${num(start)}–${num(end)}`, outcome: '' };
  }

  // ——— search_text ———

  private async searchText(query: string, include: string | undefined, signal: AbortSignal): Promise<ToolOutcome> {
    const needle = query.toLowerCase();
    const uris = await vscode.workspace.findFiles(include ?? '**/*', NOT_SEARCHED, MAX_SEARCHED_FILES);
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const files = uris.map((uri) => ({ uri, label: relative(uri) })).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const hits: string[] = [];
    let counted = 0;
    let matchedFiles = 0;
    // Judged by the URI before anything is read; counted over every file listed, whatever the query finds.
    const allowed = files.filter(({ uri }) => !this.deps.isExcluded(uri));
    const excluded = files.length - allowed.length;
    let outside = 0;
    let large = 0;
    let binaries = 0;
    let bytesRead = 0;
    let budgetSpent = false;
    let capped = false;
    for (const { uri, label } of allowed) {
      if (signal.aborted) return stopped();
      if (bytesRead >= MAX_SEARCHED_BYTES) {
        budgetSpent = true;
        break;
      }
      const home = vscode.workspace.getWorkspaceFolder(uri);
      if (!home || !(await staysInside(home.uri, uri))) {
        outside++;
        continue;
      }
      // A link into .git: never searched, as .git itself is not (NOT_SEARCHED).
      if (await inGitStore(home.uri, uri)) continue;
      let read: Text;
      try {
        read = await this.text({ uri, label }, open.get(uri.toString()));
      } catch {
        continue; // deleted since it was listed
      }
      bytesRead += read.read;
      if ('refused' in read) {
        if (read.refused.outcome === 'refused: binary') binaries++;
        else large++;
        continue;
      }
      const text = read.text;
      // Plain substring tests only: linear in the file, whatever the query.
      if (!text.toLowerCase().includes(needle)) continue;
      let inFile = 0;
      const lines = splitLines(text);
      for (let i = 0; i < lines.length && counted < MAX_COUNTED_HITS; i++) {
        if (!lines[i].toLowerCase().includes(needle)) continue;
        counted++;
        inFile++;
        if (hits.length < MAX_LISTED_HITS) hits.push(`${label}:${i + 1}: ${cutText(lines[i].trim(), MAX_HIT_LINE_CHARS)}`);
      }
      if (inFile) matchedFiles++;
      if (counted >= MAX_COUNTED_HITS) {
        capped = true;
        break;
      }
    }
    const notes: string[] = [];
    // With `include`, the count of excluded files and outside links among the files it names would
    // answer "does an excluded file match this glob?", one call at a time: then only a fixed line.
    if (include === undefined) {
      if (excluded) notes.push(`${count(excluded, 'excluded file was', 'excluded files were')} not searched (kestrel.exclude or .kestrelignore).`);
      if (outside) notes.push(`${count(outside, 'link', 'links')} leading outside the workspace ${outside === 1 ? 'was' : 'were'} not searched.`);
    }
    if (large) notes.push(`${count(large, 'file')} over ${MAX_SIZE} ${large === 1 ? 'was' : 'were'} not searched.`);
    if (binaries) notes.push(`${count(binaries, 'binary file was', 'binary files were')} not searched.`);
    if (budgetSpent) notes.push(`The search stopped after reading ${MAX_SEARCHED_BYTES / 1_000_000} MB of files: narrow the files with \`include\`.`);
    else if (uris.length >= MAX_SEARCHED_FILES) notes.push(`Only the first ${num(MAX_SEARCHED_FILES)} files were searched: narrow the files with \`include\`.`);
    const shown = JSON.stringify(query);
    if (counted === 0) {
      const never = include === undefined ? [] : [NEVER_SEARCHED];
      return { text: [`No matches for ${shown}${include ? ` in ${include}` : ''}.`, ...notes, ...never].join('\n'), outcome: 'no matches' };
    }
    const total = capped ? `${num(MAX_COUNTED_HITS)}+ matches` : count(counted, 'match', 'matches');
    const where = capped ? `in ${num(matchedFiles)}+ files (the search stopped there)` : `in ${count(matchedFiles, 'file')}`;
    const head = `${total} for ${shown} ${where}${counted > hits.length ? `; the first ${hits.length} are listed` : ''}:`;
    const narrow = counted > hits.length ? [`Too many matches to list: narrow the search with a longer query or an \`include\` glob such as src/**/*.ts.`] : [];
    return { text: [head, ...hits, ...narrow, ...notes].join('\n'), outcome: `${total} ${capped ? '' : `in ${count(matchedFiles, 'file')}`}`.trim() };
  }

  // ——— find_symbol ———

  /**
   * A place a provider or the Problems list names: in the workspace (links resolved), not excluded,
   * not in .git. With `known`, each file is judged once per call: a provider may name thousands of
   * places in a few files.
   */
  private async allowedLocation(uri: vscode.Uri, known?: Map<string, boolean>): Promise<boolean> {
    const key = uri.toString();
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const allowed = folder !== undefined && !this.deps.isExcluded(uri) && (await staysInside(folder.uri, uri)) && !(await inGitStore(folder.uri, uri));
    known?.set(key, allowed);
    return allowed;
  }

  /** The workspace's symbols for `query`, those in excluded or outside files left out uncounted (a count would say an excluded file declares such a name). */
  private async workspaceSymbols(query: string): Promise<vscode.SymbolInformation[]> {
    const found = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', query)) ?? [];
    const symbols: vscode.SymbolInformation[] = [];
    const known = new Map<string, boolean>();
    for (const symbol of found) {
      if (symbol?.location?.uri && (await this.allowedLocation(symbol.location.uri, known))) symbols.push(symbol);
    }
    return symbols;
  }

  private async findSymbol(query: string, signal: AbortSignal): Promise<ToolOutcome> {
    const symbols = await this.workspaceSymbols(query);
    if (signal.aborted) return stopped();
    if (!symbols.length) return { text: [`No symbols match ${JSON.stringify(query)}. Try search_text, or a shorter name.`, NEVER_LOOKED_UP].join('\n'), outcome: 'no symbols' };
    const listed = symbols.slice(0, MAX_SYMBOLS).map((s) => {
      const kind = (vscode.SymbolKind[s.kind] ?? 'symbol').toLowerCase();
      const container = s.containerName ? ` (in ${s.containerName})` : '';
      return `${kind} ${s.name}${container} — ${relative(s.location.uri)}:${s.location.range.start.line + 1}`;
    });
    const more = symbols.length > MAX_SYMBOLS ? [`… and ${num(symbols.length - MAX_SYMBOLS)} more: use a longer name.`] : [];
    return { text: [`${count(symbols.length, 'symbol')} for ${JSON.stringify(query)}:`, ...listed, ...more].join('\n'), outcome: count(symbols.length, 'symbol') };
  }

  // ——— find_definition, find_references ———

  /** Where the symbol is, to ask the language's provider from: the line given, the file given, or the workspace's symbol of that name. */
  private async position(word: string, path: string | undefined, line: number | undefined, signal: AbortSignal): Promise<{ uri: vscode.Uri; position: vscode.Position } | ToolOutcome> {
    const shown = JSON.stringify(word);
    if (path !== undefined) {
      const file = await this.resolve(path);
      if (isOutcome(file)) return file;
      const read = await this.text(file);
      if ('refused' in read) return read.refused;
      const lines = splitLines(read.text);
      if (line !== undefined && line > lines.length) return failed(`${file.label} has ${count(lines.length, 'line')}; line ${num(line)} is past the end.`, `past the end (${count(lines.length, 'line')})`);
      // The line given first, then the nearest line holding the word (a model's line number may be off by a few).
      const order = line === undefined ? lines.map((_, i) => i) : lines.map((_, i) => i).sort((a, b) => Math.abs(a - (line - 1)) - Math.abs(b - (line - 1)) || a - b);
      for (const i of order) {
        const column = wordColumn(lines[i], word);
        if (column !== -1) return { uri: file.uri, position: new vscode.Position(i, column) };
      }
      return failed(`${shown} does not appear in ${file.label} as a whole word. Check the name, or use find_symbol or search_text.`, 'not found');
    }
    const symbols = await this.workspaceSymbols(word);
    if (signal.aborted) return stopped();
    const exact = symbols.find((s) => s.name === word) ?? symbols.find((s) => s.name.replace(/\(.*$/, '') === word);
    if (!exact) return failed(`no symbol named ${shown} was found in the workspace. Give the path and line where it is used, or use search_text.`, 'not found');
    const file = await this.resolve(relative(exact.location.uri));
    if (isOutcome(file)) return file;
    const read = await this.text(file);
    if ('refused' in read) return read.refused;
    // The symbol's range covers its whole declaration: the name is its first whole-word occurrence in it.
    const lines = splitLines(read.text);
    const { start, end } = exact.location.range;
    for (let i = start.line; i <= Math.min(end.line, lines.length - 1); i++) {
      const column = wordColumn(lines[i], word, i === start.line ? start.character : 0);
      if (column !== -1) return { uri: file.uri, position: new vscode.Position(i, column) };
    }
    return { uri: file.uri, position: start };
  }

  private async locate(call: Extract<ParsedCall, { tool: 'find_definition' | 'find_references' }>, signal: AbortSignal): Promise<ToolOutcome> {
    const word = symbolWord(call.symbol);
    if (!word) return failed(`${JSON.stringify(call.symbol)} is not a symbol name.`, 'not found');
    const at = await this.position(word, call.path, call.line, signal);
    if (isOutcome(at)) return at;
    if (signal.aborted) return stopped();
    const definitions = call.tool === 'find_definition';
    const raw =
      (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>(
        definitions ? 'vscode.executeDefinitionProvider' : 'vscode.executeReferenceProvider',
        at.uri,
        at.position,
      )) ?? [];
    if (signal.aborted) return stopped();
    const seen = new Set<string>();
    const places: { uri: vscode.Uri; label: string; line: number }[] = [];
    const known = new Map<string, boolean>();
    for (const item of raw) {
      const uri = 'targetUri' in item ? item.targetUri : item.uri;
      const range = 'targetUri' in item ? (item.targetSelectionRange ?? item.targetRange) : item.range;
      if (!uri || !range) continue;
      const key = `${uri.toString()}#${range.start.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Left out uncounted: a count would say whether an excluded file uses the symbol.
      if (!(await this.allowedLocation(uri, known))) continue;
      places.push({ uri, label: relative(uri), line: range.start.line });
    }
    if (!places.length) return { text: [`No ${definitions ? 'definition' : 'references'} found for ${JSON.stringify(word)}.`, NEVER_LOOKED_UP].join('\n'), outcome: 'not found' };
    if (!definitions) places.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.line - b.line));
    const listed = places.slice(0, definitions ? MAX_SYMBOLS : MAX_REFERENCES);
    // Each place with its line's text, each file read once (through the same checks as read_file).
    const texts = new Map<string, string[] | undefined>();
    const lines: string[] = [];
    for (const place of listed) {
      const key = place.uri.toString();
      if (!texts.has(key)) {
        const file = await this.resolve(place.label);
        const read = isOutcome(file) || file.uri.toString() !== key ? undefined : await this.text(file);
        texts.set(key, read && !('refused' in read) ? splitLines(read.text) : undefined);
      }
      const text = texts.get(key)?.[place.line];
      lines.push(`${place.label}:${place.line + 1}${text === undefined ? '' : `: ${cutText(text.trim(), MAX_HIT_LINE_CHARS)}`}`);
    }
    const files = new Set(places.map((p) => p.label)).size;
    const more = places.length > listed.length ? [`… and ${num(places.length - listed.length)} more.`] : [];
    const head = definitions ? `${places.length === 1 ? 'The definition' : count(places.length, 'definition')} of ${JSON.stringify(word)}:` : `${count(places.length, 'reference')} to ${JSON.stringify(word)} in ${count(files, 'file')}:`;
    const outcome = definitions ? (places.length === 1 ? inLabel(`${places[0].label}:${places[0].line + 1}`) : count(places.length, 'definition')) : `${num(places.length)} in ${count(files, 'file')}`;
    return { text: [head, ...lines, ...more].join('\n'), outcome };
  }

  // ——— list_files ———

  private async listFiles(glob: string): Promise<ToolOutcome> {
    // `src/` means the files under it.
    const pattern = glob.endsWith('/') ? `${glob}**` : glob;
    const uris = await vscode.workspace.findFiles(pattern, NOT_SEARCHED, MAX_SEARCHED_FILES);
    const paths: string[] = [];
    // Excluded files and links leading outside (a linked folder lists the names of files elsewhere)
    // are left out uncounted: a count, or "more than 200" said of excluded files, would answer
    // "does an excluded file match this glob?".
    for (const uri of uris) {
      if (paths.length > MAX_LISTED_FILES) break;
      if (await this.allowedLocation(uri)) paths.push(relative(uri));
    }
    const more = paths.length > MAX_LISTED_FILES;
    paths.splice(MAX_LISTED_FILES);
    paths.sort();
    const notes: string[] = [];
    if (more) notes.push(`More than ${num(MAX_LISTED_FILES)} files match: narrow the glob.`);
    if (!paths.length) return { text: [`No files match ${JSON.stringify(glob)}.${glob.includes('*') ? '' : ' A glob needs wildcards to match folders: try ' + JSON.stringify(`${glob.replace(/\/+$/, '')}/**`) + ' or ' + JSON.stringify(`**/${glob}`) + '.'}`, ...notes, NEVER_LISTED].join('\n'), outcome: 'no files' };
    const outcome = more ? `${num(MAX_LISTED_FILES)}+ files` : count(paths.length, 'file');
    return { text: [`${outcome} match ${JSON.stringify(glob)}:`, ...paths, ...notes].join('\n'), outcome };
  }

  // ——— get_problems ———

  private async problems(path: string | undefined): Promise<ToolOutcome> {
    let only: vscode.Uri | undefined;
    let label: string | undefined;
    if (path !== undefined) {
      const file = await this.resolve(path);
      if (isOutcome(file)) return file;
      only = file.uri;
      label = file.label;
    }
    // Files outside the workspace (an untitled editor, a file opened from elsewhere, a file reached
    // through a link leading out) are not the model's to see.
    const inside = new Set<string>();
    const named = only ? [only] : vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => (diagnostics.length ? [uri] : []));
    for (const uri of named) if (await this.allowedLocation(uri)) inside.add(uri.toString());
    const keep = (uri: vscode.Uri) => inside.has(uri.toString());
    const problems = collectProblems(this.deps, { only, keep, withFolder: multiRoot() });
    // Counted, not named: an excluded file's messages may quote it.
    const excluded = only ? 0 : vscode.languages.getDiagnostics().filter(([uri, diagnostics]) => diagnostics.length > 0 && this.deps.isExcluded(uri)).length;
    const notes = excluded ? [`The problems of ${count(excluded, 'excluded file')} were left out (kestrel.exclude or .kestrelignore).`] : [];
    if (!problems.length) return { text: [`No problems${label ? ` in ${label}` : ' in the workspace'}.`, ...notes].join('\n'), outcome: 'no problems' };
    const { text } = problemsText(problems);
    return { text: [`${count(problems.length, 'problem')}${label ? ` in ${label}` : ''}:`, text, ...notes].join('\n'), outcome: count(problems.length, 'problem') };
  }
}

function tooLarge(label: string, bytes: number): ToolOutcome {
  return failed(`${label} is too large to read (${formatSize(bytes)}; at most ${MAX_SIZE}).`, 'refused: too large');
}

function binary(label: string): ToolOutcome {
  return failed(`${label} is a binary file; only text files can be read.`, 'refused: binary');
}

/** Whether the chat may use the tools: the setting on, a trusted workspace (not Restricted Mode), and a folder open. */
export function toolsAvailable(settings: KestrelSettings): boolean {
  return settings.tools.enabled && vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
}

/** The name a tool is registered under for other extensions and VS Code's chat: `kestrel_read_file`. */
export const lmToolName = (name: string) => `kestrel_${name}`;

/** One call, from its name and arguments to the clipped text, as VS Code's chat and the test hook run it. */
async function runNamed(tools: WorkspaceTools, name: string, input: unknown, signal: AbortSignal): Promise<ToolOutcome> {
  const parsed = parseToolCall({ id: 'lm', name, arguments: safeJson(input) });
  if (!parsed.ok) return { error: true, text: `Error: ${parsed.error}`, outcome: 'refused: bad arguments' };
  const result = await tools.run(parsed.call, signal);
  return { ...result, text: clipResult(result.text).text };
}

function signalOf(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  const subscription = token.onCancellationRequested(() => abort.abort());
  return { signal: abort.signal, dispose: () => subscription.dispose() };
}

/**
 * The tools as VS Code language model tools (`contributes.languageModelTools` in package.json), where
 * this VS Code has the API; each call is refused while `toolsAvailable` is false.
 */
export function registerLanguageModelTools(services: Services): vscode.Disposable[] {
  const tools = new WorkspaceTools(services);
  const disposables: vscode.Disposable[] = [];
  const lm = vscode.lm as typeof vscode.lm | undefined;
  if (typeof lm?.registerTool === 'function') {
    for (const spec of TOOL_SPECS) {
      const name = spec.name;
      disposables.push(
        lm.registerTool<unknown>(lmToolName(name), {
          prepareInvocation(options) {
            const parsed = parseToolCall({ id: 'lm', name, arguments: safeJson(options.input) });
            // A plain string: VS Code shows it as is, so the model's text in it cannot become markup.
            return { invocationMessage: parsed.ok ? callTitle(parsed.call) : `Kestrel: ${name}` };
          },
          async invoke(options, token) {
            if (!toolsAvailable(services.settings())) {
              throw new Error(TOOLS_OFF);
            }
            const { signal, dispose } = signalOf(token);
            try {
              const result = await runNamed(tools, name, options.input, signal);
              return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
            } finally {
              dispose();
            }
          },
        }),
      );
    }
  } else {
    services.log.info('This VS Code has no language model tools API; Kestrel\'s workspace tools are offered only to its own chat.');
  }
  if (KESTREL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
    disposables.push(
      vscode.commands.registerCommand('kestrel._test.runTool', async (name: string, args: unknown) => {
        const abort = new AbortController();
        return runNamed(tools, String(name), args, abort.signal);
      }),
    );
  }
  return disposables;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}) ?? '';
  } catch {
    return '';
  }
}

// Reads the context the user chooses in the chat panel: the workspace files a `#` mention offers, a
// mentioned file, an open editor's file, and the Problems list (src/core/chat/context.ts decides
// what may be asked for, the order, the caps and the text). An excluded file is never listed and
// never read; a path from the page is resolved against a workspace folder and must stay inside it,
// its real path (links resolved) too.
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import * as vscode from 'vscode';
import { decodeText, MAX_MENTION_FILE_BYTES, MAX_MENTIONS, problemsText, rankMentions, safeRelativePath, type Problem } from '../core/chat/context';
import { formatSize } from '../core/chat/instructions';
import type { Services } from './services';

/** Files asked of `findFiles` at most, and for how long the list is reused while the user types. */
const MAX_LISTED_FILES = 5000;
const LIST_TTL_MS = 5000;
const NOT_LISTED = '**/{node_modules,.git}/**';

type Deps = Pick<Services, 'isExcluded'>;

let listed: { at: number; files: Promise<Map<string, vscode.Uri>> } | undefined;

/** Forgets the listed files when one is created or deleted, so the `#` list offers it at once. */
export function watchMentionFiles(): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  const forget = () => (listed = undefined);
  return vscode.Disposable.from(watcher, watcher.onDidCreate(forget), watcher.onDidDelete(forget));
}

/** The workspace-relative paths offered for `query`, excluded files never among them. */
export async function mentionPaths(services: Deps, query: string): Promise<string[]> {
  if (!listed || Date.now() - listed.at > LIST_TTL_MS) {
    listed = {
      at: Date.now(),
      // By the path the page shows and sends back (relative to the file's own folder); the first folder's wins.
      files: Promise.resolve(vscode.workspace.findFiles('**/*', NOT_LISTED, MAX_LISTED_FILES)).then(
        (uris) => {
          const files = new Map<string, vscode.Uri>();
          for (const uri of uris) {
            const path = vscode.workspace.asRelativePath(uri, false);
            if (!files.has(path)) files.set(path, uri);
          }
          return files;
        },
        () => new Map<string, vscode.Uri>(),
      ),
    };
  }
  const files = await listed.files;
  // Ranked first, then judged: the exclusion check resolves links, so it runs on the few offered.
  const ranked = rankMentions([...files.keys()], query, files.size);
  const offered: string[] = [];
  for (const path of ranked) {
    if (offered.length >= MAX_MENTIONS) break;
    const uri = files.get(path)!;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    // A link leading outside its folder would be refused when picked: it is not offered.
    if (safeRelativePath(path) && folder && !services.isExcluded(uri) && (await staysInside(folder.uri, uri))) offered.push(path);
  }
  return offered;
}

export type ReadFile = { uri: vscode.Uri; label: string; languageId: string; bytes: number; text: string } | { refused: string };

/** A mentioned file, read after the exclusion check, or why not (the message names the file). */
export async function readMentionedFile(services: Deps, path: string): Promise<ReadFile> {
  const safe = safeRelativePath(path);
  if (!safe) return { refused: 'Kestrel: that path is not in the workspace.' };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, safe);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      continue;
    }
    if (!(await staysInside(folder.uri, uri))) return { refused: `Kestrel: ${safe} leads outside the workspace, so it was not attached.` };
    return readFile(services, uri, stat, safe);
  }
  return { refused: `Kestrel: ${safe} was not found in the workspace.` };
}

/** An open editor's document, as it is now (unsaved changes included), after the exclusion check. */
export function readDocument(services: Deps, document: vscode.TextDocument): ReadFile {
  const label = vscode.workspace.asRelativePath(document.uri, false);
  if (services.isExcluded(document.uri)) return { refused: `Kestrel: ${label} is excluded (kestrel.exclude or .kestrelignore), so it was not attached.` };
  const text = document.getText();
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MENTION_FILE_BYTES) return { refused: `Kestrel: ${label} is too large to attach (${formatSize(bytes)}; at most ${formatSize(MAX_MENTION_FILE_BYTES)}).` };
  return { uri: document.uri, label, languageId: document.languageId, bytes, text };
}

async function readFile(services: Deps, uri: vscode.Uri, stat: vscode.FileStat, label: string): Promise<ReadFile> {
  if (!(stat.type & vscode.FileType.File)) return { refused: `Kestrel: ${label} is not a file.` };
  // Before any byte is read: the same check as everything else Kestrel sends, links resolved.
  if (services.isExcluded(uri)) return { refused: `Kestrel: ${label} is excluded (kestrel.exclude or .kestrelignore), so it was not attached.` };
  if (stat.size > MAX_MENTION_FILE_BYTES) return { refused: `Kestrel: ${label} is too large to attach (${formatSize(stat.size)}; at most ${formatSize(MAX_MENTION_FILE_BYTES)}).` };
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    return { refused: `Kestrel: ${label} could not be read (${error instanceof Error ? error.message : String(error)}).` };
  }
  const decoded = decodeText(bytes);
  if ('refused' in decoded) return { refused: `Kestrel: ${label} is not a text file (binary), so it was not attached.` };
  const languageId = /\.([\w]+)$/.exec(label)?.[1] ?? '';
  return { uri, label, languageId, bytes: bytes.length, text: decoded.text };
}

/** Whether `uri`'s real path is inside `folder`'s real path (always true off this machine's disk). */
export async function staysInside(folder: vscode.Uri, uri: vscode.Uri): Promise<boolean> {
  if (folder.scheme !== 'file' || uri.scheme !== 'file') return true;
  try {
    const [root, real] = await Promise.all([realpath(folder.fsPath), realpath(uri.fsPath)]);
    return isBelow(root, real);
  } catch {
    return false;
  }
}

/** Whether the real path `real` lies below the real path `root` (not `root` itself, not `root-other`). */
export function isBelow(root: string, real: string): boolean {
  return real.startsWith(root.endsWith(sep) ? root : root + sep);
}

const SEVERITY: Record<vscode.DiagnosticSeverity, Problem['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** The Problems list of the workspace as text; an excluded file's problems are left out (its messages may quote it). */
export function readProblems(services: Deps): { text: string; count: number } {
  return problemsText(collectProblems(services));
}

/**
 * The Problems list's entries, an excluded file's never among them; with `only`, one file's, and with
 * `keep`, the files it keeps. Paths are workspace-relative (with the folder's name when `withFolder`).
 */
export function collectProblems(services: Deps, options: { only?: vscode.Uri; keep?: (uri: vscode.Uri) => boolean; withFolder?: boolean } = {}): Problem[] {
  const entries: [vscode.Uri, readonly vscode.Diagnostic[]][] = options.only ? [[options.only, vscode.languages.getDiagnostics(options.only)]] : vscode.languages.getDiagnostics();
  const problems: Problem[] = [];
  for (const [uri, diagnostics] of entries) {
    if (!diagnostics.length || services.isExcluded(uri) || (options.keep && !options.keep(uri))) continue;
    const path = vscode.workspace.asRelativePath(uri, options.withFolder ?? false);
    for (const d of diagnostics) problems.push({ path, line: d.range.start.line, severity: SEVERITY[d.severity], message: d.message, source: d.source });
  }
  return problems;
}

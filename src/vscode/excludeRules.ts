// Which documents may be sent to the provider: `kestrel.exclude` plus a `.kestrelignore` (gitignore
// syntax) at each workspace folder's root, kept up to date as either changes.
//
// A workspace can add exclusions but never remove the user's: a cloned repository's
// `.vscode/settings.json` with `"kestrel.exclude": []` would otherwise replace the user's list (and
// the defaults that keep `.env` files and keys at home), so the user-level value (or the default)
// always applies, and the workspace's and folder's values are added to it.
//
// A file is judged by the path it was opened by AND by its real path: a link with a harmless name
// (`notes.txt -> .env`), or a file reached through a linked folder (`linkdir/x` with
// `linkdir -> private/` and `private/` in `.kestrelignore`), is excluded when either path is.
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { carriesTextOf, createExcludeMatcher, RECOGNISED_LINE, RECOGNISED_LINE_ACTIVE, type ExcludeMatcher } from '../core/exclude';

/** Schemes whose path is a path on this machine's disk (the file itself, or the file seen another way). */
const DISK_SCHEMES = new Set(['file', 'untitled', 'git', 'vscode-notebook-cell', 'vscode-userdata']);
/** How long a resolved real path is trusted: a file can be replaced by a link at any time. */
const REAL_PATH_TTL_MS = 2000;
const REAL_PATH_CACHE_SIZE = 500;

export class ExcludeRules implements vscode.Disposable {
  /** Per workspace folder; a folder missing here is still loading, and counts as excluded. */
  private matchers = new Map<string, ExcludeMatcher>();
  /** Each folder's own real path, when it differs from its path (a workspace opened through a link). */
  private realRoots = new Map<string, string>();
  /** Real paths by path, for REAL_PATH_TTL_MS: isExcluded runs on every keystroke. */
  private realPaths = new Map<string, { real: string | undefined; at: number }>();
  private fallback: ExcludeMatcher;
  private generation = 0;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.kestrelignore');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly globs: () => string[]) {
    this.fallback = createExcludeMatcher(this.globsFor(undefined));
    const reload = () => this.reload();
    this.subscriptions.push(
      this.watcher,
      this.watcher.onDidChange(reload),
      this.watcher.onDidCreate(reload),
      this.watcher.onDidDelete(reload),
      vscode.workspace.onDidChangeWorkspaceFolders(reload),
    );
    this.reload();
  }

  /** The user's globs (or the defaults), plus whatever the workspace and `folder` add. */
  private globsFor(folder: vscode.WorkspaceFolder | undefined): string[] {
    const inspected = vscode.workspace.getConfiguration('kestrel', folder?.uri).inspect<string[]>('exclude');
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : []);
    const user = inspected?.globalValue !== undefined ? list(inspected.globalValue) : list(inspected?.defaultValue);
    return [...new Set([...user, ...list(inspected?.workspaceValue), ...list(inspected?.workspaceFolderValue), ...this.globs()])];
  }

  reload(): void {
    const generation = ++this.generation;
    this.fallback = createExcludeMatcher(this.globsFor(undefined));
    this.realPaths.clear();
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.realRoots = new Map(
      folders.flatMap((folder) => {
        const real = folder.uri.scheme === 'file' ? realPathOf(folder.uri.fsPath) : undefined;
        const path = real === undefined ? undefined : vscode.Uri.file(real).path;
        return path !== undefined && path !== folder.uri.path ? [[folder.uri.toString(), path] as const] : [];
      }),
    );
    void Promise.all(
      folders.map(async (folder) => {
        let text: string | undefined;
        try {
          text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.kestrelignore')));
        } catch {
          text = undefined; // no ignore file in this folder
        }
        return [folder.uri.toString(), createExcludeMatcher(this.globsFor(folder), text)] as const;
      }),
    ).then((entries) => {
      // A later reload may have finished first: only the newest one counts.
      if (generation === this.generation) this.matchers = new Map(entries);
    });
  }

  isExcluded(uri: vscode.Uri): boolean {
    if (this.judge(uri.path, folderOf(uri))) return true;
    const real = this.realPath(uri);
    return real !== undefined && real !== uri.path && this.judge(real, this.folderOfReal(real));
  }

  private judge(path: string, found: { folder: vscode.WorkspaceFolder; relative: string } | undefined): boolean {
    if (!found) return this.fallback.isExcluded(path);
    const matcher = this.matchers.get(found.folder.uri.toString());
    // The folder's `.kestrelignore` is not read yet (just after start-up, or a folder just added).
    if (!matcher) return true;
    return matcher.isExcluded(path, found.relative);
  }

  /** The real path (links resolved, as a URI path) of a document on this machine's disk; undefined for others. */
  private realPath(uri: vscode.Uri): string | undefined {
    if (!DISK_SCHEMES.has(uri.scheme) || !uri.path.startsWith('/')) return undefined;
    const now = Date.now();
    const known = this.realPaths.get(uri.path);
    if (known && now - known.at < REAL_PATH_TTL_MS) return known.real;
    const resolved = realPathOf(vscode.Uri.file(uri.path).fsPath);
    const real = resolved === undefined ? undefined : vscode.Uri.file(resolved).path;
    if (this.realPaths.size >= REAL_PATH_CACHE_SIZE) this.realPaths.clear();
    this.realPaths.set(uri.path, { real, at: now });
    return real;
  }

  /** The workspace folder a real path lies in, by the folder's path or by its own real path. */
  private folderOfReal(real: string): { folder: vscode.WorkspaceFolder; relative: string } | undefined {
    const direct = folderOf(vscode.Uri.file(real));
    if (direct) return direct;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = this.realRoots.get(folder.uri.toString())?.replace(/\/+$/, '');
      if (root !== undefined && real.startsWith(root + '/')) return { folder, relative: real.slice(root.length + 1) };
    }
    return undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}

/**
 * The workspace folder a document belongs to, and its path there. Besides files this covers the
 * same file seen through another scheme (a notebook cell, a git or diff view of it), whose path
 * is the file's: `.kestrelignore` applies to those too.
 */
function folderOf(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; relative: string } | undefined {
  const direct = vscode.workspace.getWorkspaceFolder(uri);
  if (direct) return { folder: direct, relative: vscode.workspace.asRelativePath(uri, false) };
  const folder = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => uri.path.startsWith(f.uri.path.replace(/\/+$/, '') + '/'))
    .sort((a, b) => b.uri.path.length - a.uri.path.length)[0];
  return folder ? { folder, relative: uri.path.slice(folder.uri.path.replace(/\/+$/, '').length + 1) } : undefined;
}

/**
 * The real path of `fsPath`, links resolved. A path that does not exist (yet) resolves through its
 * nearest existing folder, so a new file in a linked folder is judged where it will be written.
 */
function realPathOf(fsPath: string): string | undefined {
  let rest: string[] = [];
  let path = fsPath;
  for (let depth = 0; depth < 64; depth++) {
    try {
      return join(realpathSync.native(path), ...rest);
    } catch {
      const parent = dirname(path);
      if (parent === path) return undefined;
      rest = [basename(path), ...rest];
      path = parent;
    }
  }
  return undefined;
}

/**
 * The open excluded document whose text `sent` carries, if any: for text that arrives without the
 * file it came from (VS Code's chat calling Kestrel's models). Every open excluded document is
 * checked by its longer lines; the active editor's, which a chat attaches unasked, by shorter ones too.
 */
export function excludedDocumentIn(sent: string, isExcluded: (uri: vscode.Uri) => boolean): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  return vscode.workspace.textDocuments.find(
    (document) => isExcluded(document.uri) && carriesTextOf(sent, document.getText(), document === active ? RECOGNISED_LINE_ACTIVE : RECOGNISED_LINE),
  );
}

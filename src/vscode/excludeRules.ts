// Which documents may be sent to the provider: `kestrel.exclude` plus a `.kestrelignore` (gitignore
// syntax) at each workspace folder's root, kept up to date as either changes.
//
// A workspace can add exclusions but never remove the user's: a cloned repository's
// `.vscode/settings.json` with `"kestrel.exclude": []` would otherwise replace the user's list (and
// the defaults that keep `.env` files and keys at home), so the user-level value (or the default)
// always applies, and the workspace's and folder's values are added to it.
import * as vscode from 'vscode';
import { createExcludeMatcher, type ExcludeMatcher } from '../core/exclude';

export class ExcludeRules implements vscode.Disposable {
  /** Per workspace folder; a folder missing here is still loading, and counts as excluded. */
  private matchers = new Map<string, ExcludeMatcher>();
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
    const folders = vscode.workspace.workspaceFolders ?? [];
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
    const found = folderOf(uri);
    if (!found) return this.fallback.isExcluded(uri.path);
    const matcher = this.matchers.get(found.folder.uri.toString());
    // The folder's `.kestrelignore` is not read yet (just after start-up, or a folder just added).
    if (!matcher) return true;
    return matcher.isExcluded(uri.path, found.relative);
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

// Which documents may be sent to the provider: `kestrel.exclude` plus a `.kestrelignore` (gitignore
// syntax) at each workspace folder's root, kept up to date as either changes.
import * as vscode from 'vscode';
import { createExcludeMatcher, type ExcludeMatcher } from '../core/exclude';

/** `kestrel.exclude` plus `.kestrelignore` at each workspace folder's root, kept up to date. */
export class ExcludeRules implements vscode.Disposable {
  private matchers = new Map<string, ExcludeMatcher>();
  private fallback: ExcludeMatcher;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.kestrelignore');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly globs: () => string[]) {
    this.fallback = createExcludeMatcher(globs());
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

  reload(): void {
    this.fallback = createExcludeMatcher(this.globs());
    const folders = vscode.workspace.workspaceFolders ?? [];
    void Promise.all(
      folders.map(async (folder) => {
        let text: string | undefined;
        try {
          text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.kestrelignore')));
        } catch {
          text = undefined; // no ignore file in this folder
        }
        return [folder.uri.toString(), createExcludeMatcher(this.globs(), text)] as const;
      }),
    ).then((entries) => {
      this.matchers = new Map(entries);
    });
  }

  isExcluded(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const matcher = (folder && this.matchers.get(folder.uri.toString())) ?? this.fallback;
    const relative = folder ? vscode.workspace.asRelativePath(uri, false) : undefined;
    return matcher.isExcluded(uri.path, relative);
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}

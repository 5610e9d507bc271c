// Kestrel: Generate Commit Message. Reads the staged diff and the recent subjects through VS Code's
// built-in git extension, leaves out every excluded file (the same check as everything else:
// kestrel.exclude, .kestrelignore, real paths), and streams the answer into the repository's
// Source Control input box. The rules are in src/core/commitMessage.ts; docs/commit-message.md
// says what the user sees.
//
// The input box: what it held is kept until the answer is complete. The message streams into it,
// and on an error, a cancel or an empty answer the box gets its old text back. Typing in the box
// while the message streams stops the request and keeps what was typed.
import * as vscode from 'vscode';
import { capDiff, cleanCommitMessage, commitMessagePrompt, excludedNotice, MAX_SUBJECTS, parseDiff, splitExcluded, subjectOf } from '../core/commitMessage';
import { notices } from './errorReporter';
import type { Services } from './services';

/** The few members of the git extension's API (its git.d.ts) this file uses. */
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}
interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  /** `git diff`, or with `cached` `git diff --cached`: the staged changes. */
  diff(cached?: boolean): Promise<string>;
  log(options?: { maxEntries?: number }): Promise<{ message: string; parents: string[] }[]>;
}

const BUSY_CONTEXT = 'kestrel.commitMessageBusy';
/** How often the streamed message is written into the box. */
const WRITE_EVERY_MS = 80;

export function registerCommitMessage(services: Services): vscode.Disposable[] {
  /** The request running, per repository root: running the command again (or Stop) cancels it. */
  const running = new Map<string, AbortController>();
  const setBusy = () => void vscode.commands.executeCommand('setContext', BUSY_CONTEXT, running.size > 0);

  async function generate(arg?: unknown): Promise<void> {
    const git = await gitApi();
    if (typeof git === 'string') return void notices.show('warning', git);
    const repository = await chooseRepository(git, arg);
    if (!repository) return;
    const key = repository.rootUri.toString();
    const previous = running.get(key);
    if (previous) {
      previous.abort();
      return;
    }
    const abort = new AbortController();
    running.set(key, abort);
    setBusy();
    try {
      await write(repository, abort);
    } finally {
      if (running.get(key) === abort) running.delete(key);
      setBusy();
    }
  }

  async function write(repository: GitRepository, abort: AbortController): Promise<void> {
    const name = repositoryName(repository);
    let diffText: string;
    try {
      diffText = await repository.diff(true);
    } catch (error) {
      services.log.warn(`Generate Commit Message: git diff --cached failed in ${repository.rootUri.fsPath}: ${String(error)}`);
      return void notices.show('error', `Kestrel: could not read the staged changes of ${name} from Git.`);
    }
    if (!diffText.trim()) return void notices.show('info', `Kestrel: nothing is staged in ${name}. Stage the changes the commit should hold, then generate the message again.`);
    const files = parseDiff(diffText);
    if (!files.length) return void notices.show('error', `Kestrel: could not read the staged diff of ${name} (is an external diff tool set in Git's settings?).`);
    const handle = await services.clientFor('action', { interactive: true });
    if (!handle || abort.signal.aborted) return;
    // Judged now, after any question about the key: each path as this machine's file, like an open
    // document (globs, .kestrelignore, real path); a rename by both names.
    const { kept, excluded } = splitExcluded(files, (path) => services.isExcluded(vscode.Uri.joinPath(repository.rootUri, path)));
    if (!kept.length) return void notices.show('warning', excludedNotice(excluded, true)!);
    const leftOut = excludedNotice(excluded, false);
    if (leftOut) void notices.show('info', leftOut);
    const recentSubjects = await recent(repository);
    const messages = commitMessagePrompt({ diff: capDiff(kept), recentSubjects, excludedCount: excluded.length });

    const box = repository.inputBox;
    const before = box.value;
    // Every value written: VS Code echoes each write back to the extension host a moment later, so
    // the box may briefly read an earlier one. Any other value is the user's.
    const written = new Set<string>();
    let last: string | undefined;
    let userTyped = false;
    const ours = () => written.has(box.value);
    const put = (text: string) => {
      if (last !== undefined && !ours()) {
        userTyped = true; // the user typed in the box: their text wins and the request stops
        abort.abort();
        return;
      }
      if ((text === '' && last === undefined) || text === last) return;
      written.add(text);
      box.value = text;
      last = text;
    };
    const ok = await vscode.window.withProgress({ location: vscode.ProgressLocation.SourceControl, title: 'Kestrel: writing the commit message…' }, async () => {
      try {
        const stream = handle.client.stream({ model: handle.model, messages, maxTokens: 400, temperature: 0.2 }, { signal: abort.signal });
        let reply = '';
        let wroteAt = 0;
        for await (const delta of stream) {
          reply += delta;
          if (Date.now() - wroteAt >= WRITE_EVERY_MS) {
            wroteAt = Date.now();
            put(cleanCommitMessage(reply));
          }
        }
        await stream.result;
        const message = cleanCommitMessage(reply);
        put(message);
        if (userTyped) return true;
        if (!message) {
          void notices.show('warning', 'Kestrel: the model sent no commit message.');
          return false;
        }
        return true;
      } catch (error) {
        if (userTyped) return true;
        if (!abort.signal.aborted) services.reportError(error, 'action');
        return false;
      }
    });
    // Failed, cancelled or empty: the box holds what it held before (unless the user typed since).
    if (!ok && last !== undefined && ours()) box.value = before;
  }

  async function recent(repository: GitRepository): Promise<string[]> {
    try {
      const commits = await repository.log({ maxEntries: MAX_SUBJECTS * 2 });
      // Merge commits say "Merge branch …" whatever the repository's style is.
      return commits
        .filter((c) => c.parents.length <= 1)
        .map((c) => subjectOf(c.message))
        .filter((s) => s !== '')
        .slice(0, MAX_SUBJECTS);
    } catch {
      return []; // a repository without commits yet
    }
  }

  return [
    vscode.commands.registerCommand('kestrel.generateCommitMessage', generate),
    vscode.commands.registerCommand('kestrel.stopCommitMessage', () => {
      for (const abort of running.values()) abort.abort();
    }),
    { dispose: () => running.forEach((abort) => abort.abort()) },
  ];
}

/** The git extension's API once it has found the repositories, or why there is none. */
async function gitApi(): Promise<GitApi | string> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return 'Kestrel: Generate Commit Message needs VS Code\'s built-in Git extension, which is not installed.';
  let exports: GitExtension;
  try {
    exports = extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return 'Kestrel: VS Code\'s built-in Git extension did not start.';
  }
  if (!exports?.enabled) return 'Kestrel: VS Code\'s Git support is off (git.enabled, or Restricted Mode), so there are no staged changes to read.';
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), 5000);
      const sub = api.onDidChangeState((state) => state === 'initialized' && done());
      function done() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }
  return api;
}

/**
 * The repository meant: the one whose Source Control button was pressed (VS Code passes its
 * SourceControl, which has a `rootUri`), else the active editor's, else the only one, else the
 * user picks.
 */
async function chooseRepository(git: GitApi, arg: unknown): Promise<GitRepository | undefined> {
  const root = rootUriOf(arg);
  if (root) {
    const found = git.repositories.find((r) => r.rootUri.toString() === root.toString()) ?? git.getRepository(root);
    if (found) return found;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const ofEditor = active && active.scheme === 'file' ? git.getRepository(active) : null;
  if (ofEditor) return ofEditor;
  const all = git.repositories;
  if (all.length === 1) return all[0];
  if (all.length === 0) {
    void notices.show('info', 'Kestrel: no Git repository is open. Open a folder that is a Git repository (or run Git: Initialize Repository) and stage the changes to commit.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((repository) => ({ label: repositoryName(repository), description: vscode.workspace.asRelativePath(repository.rootUri), repository })),
    { title: 'Kestrel: Generate Commit Message', placeHolder: 'Which repository?' },
  );
  return picked?.repository;
}

function rootUriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const root = (arg as { rootUri?: unknown } | undefined)?.rootUri;
  return root instanceof vscode.Uri ? root : undefined;
}

function repositoryName(repository: GitRepository): string {
  const path = repository.rootUri.path.replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

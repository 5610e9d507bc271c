// Inline suggestions (ghost text): the VS Code side of the pipeline in src/core/completion. It turns
// the editor into plain data, the CancellationToken into an AbortSignal, and the answer into an
// InlineCompletionItem; every decision about what to suggest lives in the core.
import * as vscode from 'vscode';
import { inlineLanguageEnabled } from '../core/config';
import { AcceptanceWatch } from '../core/completion/acceptance';
import { InlineEngine, type CallTrace } from '../core/completion/pipeline';
import { endsStatement } from '../core/completion/typingRhythm';
import { looksBinary } from '../core/completion/prefilter';
import { createReadonlyMatcher, type GlobMap, type ReadonlyMatcher } from '../core/completion/readonly';
import type { CompletionInput, DocumentView } from '../core/completion/types';
import { notices } from './errorReporter';
import type { Services } from './services';
import { memorySnapshot, testHooksEnabled } from './testApi';

/** Schemes that are not documents a user writes code in. */
const SKIPPED_SCHEMES = new Set(['output', 'debug', 'git', 'gitfs', 'vscode-scm', 'comment', 'walkThroughSnippet', 'vscode-settings', 'kestrel-proposal', 'kestrel-usage']);
/**
 * Schemes without a writable file system that are still documents a user types in. Any other
 * scheme no file system claims belongs to a TextDocumentContentProvider: read-only.
 */
const EDITABLE_SCHEMES = new Set(['untitled', 'vscode-notebook-cell', 'vscode-interactive-input']);
/** Characters of each line kept for a recent-edit snippet. */
const MAX_EDIT_LINE = 300;
/** How long after `Kestrel: Trigger Suggestion` a request counts as asked for. */
const EXPLICIT_MS = 3000;

/** Runs when a suggestion is accepted (the item's command): the next one is asked for at once. */
const ACCEPTED_COMMAND = 'kestrel.inlineAccepted';

export function registerInline(services: Services): vscode.Disposable[] {
  let explicitUntil = 0;
  const readonly = new ReadonlyFiles();
  /** Where each call's timeline goes (the benches read it from the log; only with test hooks). */
  let traceSink: ((trace: CallTrace) => void) | undefined;
  /** The bench's baseline turns the zero-wait levers off (only with test hooks: see below). */
  let leversOff: { ride?: false; hotStreak?: false; prefetch?: false } = {};
  let keyTimes = true;
  /** The model of the newest request, for the acceptance figures. */
  let modelInUse = '';
  const figures = services.suggestionFigures;
  const watch = new AcceptanceWatch(
    (shown) => figures.countSuggestion(shown.languageId, shown.model, 'shown'),
    (settled) => figures.countSuggestion(settled.languageId, settled.model, settled.outcome),
  );
  let shownCount = 0;
  const engine = new InlineEngine(
    async () => {
      const handle = await services.clientFor('inline');
      if (!handle || !handle.model) return undefined;
      modelInUse = handle.model;
      return { client: handle.client, model: handle.model, prefill: handle.prefill };
    },
    () => {
      const s = services.settings().inline;
      return { debounceMs: s.debounceMs, maxTokens: s.maxTokens, multiline: s.multiline, ...leversOff };
    },
    {
      onRequest: (state) => services.status.setInlineState(state === 'start' ? 'working' : 'idle'),
      onError: (error) => {
        services.status.setInlineState('error', error instanceof Error ? error.message : String(error));
        services.reportError(error, 'inline');
      },
      onTrace: (trace) => traceSink?.(trace),
    },
  );

  const provider: vscode.InlineCompletionItemProvider = {
    async provideInlineCompletionItems(document, position, context, token) {
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke || Date.now() < explicitUntil;
      if (!mayComplete(services, document, explicit, readonly)) return undefined;
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        const input: CompletionInput = {
          document: viewOf(document),
          cursor: { line: position.line, character: position.character },
          neighbours: neighbours(services, document),
          explicit,
        };
        // Asked for (Alt+\, or VS Code starting to cycle with Alt+]): up to three to cycle through.
        const suggestions = explicit ? await engine.alternatives(input, abort.signal) : [await engine.suggest(input, abort.signal)].filter((x) => x !== undefined);
        if (!suggestions.length || token.isCancellationRequested) return undefined;
        if (explicit) explicitUntil = 0;
        const id = String(++shownCount);
        const uri = document.uri.toString();
        const command = { title: 'Accepted', command: ACCEPTED_COMMAND, arguments: [uri, id] };
        const items = suggestions.map((s) => new vscode.InlineCompletionItem(s.text, new vscode.Range(position, position.with(undefined, Math.max(position.character, s.replaceEnd))), command));
        const replaces = Math.max(...items.map((item) => item.range!.end.character - position.character));
        const [text, ...others] = suggestions.map((s) => s.text);
        watch.shown({ id, uri, line: position.line, character: position.character, text, others, replaces, languageId: document.languageId, model: modelInUse || services.settings().model }, Date.now());
        return items;
      } finally {
        subscription.dispose();
      }
    },
  };

  // Recent edits are judged when recorded and again when a request reads them: an edit in a
  // language with automatic suggestions off never enters, one of a file excluded since is dropped.
  engine.recentEdits.setPolicy({
    language: (languageId) => inlineLanguageEnabled(services.settings().inline, languageId),
    file: (uri) => !services.isExcluded(vscode.Uri.parse(uri)),
  });

  const disposables: vscode.Disposable[] = [
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    // After an accepted suggestion the user usually pauses to read: ask for the next one now.
    vscode.commands.registerCommand(ACCEPTED_COMMAND, (uri: unknown, id: unknown) => {
      if (typeof id === 'string') watch.accepted(id);
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.uri.toString() !== uri || !mayComplete(services, editor.document, false, readonly)) return;
      const position = editor.selection.active;
      void engine.prefetch({ document: viewOf(editor.document), cursor: { line: position.line, character: position.character }, neighbours: neighbours(services, editor.document) }).catch(() => undefined);
    }),
    vscode.commands.registerCommand('kestrel.triggerInline', async () => {
      explicitUntil = Date.now() + EXPLICIT_MS;
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    }),
    vscode.commands.registerCommand('kestrel.toggleInline', async () => {
      // The user's own setting; a workspace can keep suggestions off, never on (src/core/config.ts).
      const wanted = !services.settings().inline.enabled;
      await vscode.workspace.getConfiguration('kestrel').update('inline.enabled', wanted, vscode.ConfigurationTarget.Global);
      const scopes = vscode.workspace.getConfiguration('kestrel').inspect<boolean>('inline.enabled');
      if (wanted && (scopes?.workspaceValue === false || scopes?.workspaceFolderValue === false)) {
        const open = 'Open Workspace Settings';
        if ((await notices.show('info', 'Kestrel: automatic suggestions stay off in this workspace, because its settings set kestrel.inline.enabled to false.', open)) === open) {
          await vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', { query: 'kestrel.inline.enabled' });
        }
        return;
      }
      void vscode.window.setStatusBarMessage(`Kestrel: automatic suggestions ${wanted ? 'on' : 'off'}.`, 2500);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      const document = event.document;
      // What VS Code's accepting a word or a line, or typing through, did to the suggestion shown.
      if (watch.watches(document.uri.toString())) {
        const changes = event.contentChanges.map((c) => ({ line: c.range.start.line, character: c.range.start.character, rangeLength: c.rangeLength, text: c.text }));
        watch.changed(document.uri.toString(), changes, Date.now());
      }
      if (SKIPPED_SCHEMES.has(document.uri.scheme) || event.contentChanges.length === 0 || services.isExcluded(document.uri)) return;
      // The typing rhythm is read from the keys as they come, before VS Code's own wait.
      // Only where suggestions may come: typing elsewhere must not warm a connection to the provider.
      // (The scheme and the exclusions were checked above.)
      if (keyTimes && !readonly.has(document) && automaticOn(services, document)) engine.keystroke(document.uri.toString(), endsStatement(event.contentChanges[0].text));
      const line = event.contentChanges[0].range.start.line;
      if (document.lineCount > 100_000) return;
      const from = Math.max(0, line - 3);
      const to = Math.min(document.lineCount - 1, line + 3);
      // Line by line and clipped: one edit in a 2 MB minified line must not copy the whole line.
      const lines: string[] = [];
      for (let i = from; i <= to; i++) lines.push(document.lineAt(i).text.slice(0, MAX_EDIT_LINE));
      const text = lines.join('\n').slice(0, 1200);
      if (looksBinary(text)) return;
      engine.recentEdits.record({ uri: document.uri.toString(), path: vscode.workspace.asRelativePath(document.uri), text, line, languageId: document.languageId });
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      engine.forget(document.uri.toString());
      watch.settle(document.uri.toString());
    }),
    figures.settleBeforeShow(() => watch.flush(Date.now())),
    readonly,
    {
      dispose: () => {
        watch.settle();
        engine.dispose();
      },
    },
  ];

  if (KESTREL_TEST_HOOKS && testHooksEnabled(services.context, vscode.ExtensionMode)) {
    services.log.info('Test hooks are on (kestrel._test.* commands).');
    // Each call's timeline on the wall clock, for bench/real-vscode.ts.
    const wall = (t: number | undefined) => (t === undefined ? undefined : Math.round(performance.timeOrigin + t));
    // KESTREL_TEST_LEVERS=off: the bench's baseline, with no riding, hot streak or prefetch, and the
    // rhythm read from VS Code's calls instead of the keys.
    if (process.env.KESTREL_TEST_LEVERS === 'off') {
      leversOff = { ride: false, hotStreak: false, prefetch: false };
      keyTimes = false;
    }
    traceSink = (t) => services.log.info(`inline trace ${JSON.stringify({ ...t, keyAt: wall(t.keyAt), calledAt: wall(t.calledAt), requestAt: wall(t.requestAt), answeredAt: wall(t.answeredAt), returnedAt: wall(t.returnedAt) })}`);
    disposables.push(
      vscode.commands.registerCommand('kestrel._test.inlineStats', () => ({ ...engine.counters, inFlight: engine.requestsInFlight })),
      // The extension host's memory (after a full GC with `gc`), also written to the log so a browser
      // check that runs it from a keybinding can read it.
      vscode.commands.registerCommand('kestrel._test.memory', async (options?: { gc?: boolean; label?: string }) => {
        const snapshot = await memorySnapshot(options?.gc === true);
        services.log.info(`test hook memory ${options?.label ?? ''}: ${JSON.stringify(snapshot)}`);
        return snapshot;
      }),
      // Runs the provider the way VS Code would, for the active editor's cursor or for the open
      // document `uri` at `line`/`character`, and returns the item.
      vscode.commands.registerCommand('kestrel._test.provideInline', async (options?: { explicit?: boolean; cancelAfterMs?: number; uri?: string; line?: number; character?: number }) => {
        const editor = vscode.window.activeTextEditor;
        const document = options?.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === options.uri) : editor?.document;
        if (!document) return undefined;
        const position = options?.line !== undefined ? new vscode.Position(options.line, options.character ?? 0) : editor?.document === document ? editor.selection.active : undefined;
        if (!position) return undefined;
        const source = new vscode.CancellationTokenSource();
        if (options?.cancelAfterMs !== undefined) setTimeout(() => source.cancel(), options.cancelAfterMs);
        const items = await provider.provideInlineCompletionItems(
          document,
          position,
          { triggerKind: options?.explicit ? vscode.InlineCompletionTriggerKind.Invoke : vscode.InlineCompletionTriggerKind.Automatic, selectedCompletionInfo: undefined },
          source.token,
        );
        source.dispose();
        const item = Array.isArray(items) ? items[0] : undefined;
        if (!item || !item.range) return undefined;
        const alternatives = (items as vscode.InlineCompletionItem[]).map((i) => String(i.insertText));
        return { text: String(item.insertText), start: item.range.start.character, end: item.range.end.character, line: item.range.start.line, command: item.command && { command: item.command.command, arguments: item.command.arguments }, alternatives };
      }),
    );
  }
  return disposables;
}

/** Whether this document, now, may get a suggestion at all. */
function mayComplete(services: Services, document: vscode.TextDocument, explicit: boolean, readonly: ReadonlyFiles): boolean {
  if (SKIPPED_SCHEMES.has(document.uri.scheme)) return false;
  if (services.isExcluded(document.uri)) return false;
  // Read-only documents (a diff's original side, a content provider's or a read-only file system's
  // document, a file matched by `files.readonlyInclude`): a suggestion there could not be accepted.
  if (readonly.has(document)) return false;
  return explicit || automaticOn(services, document);
}

/** Whether automatic suggestions are on for this document: settings, language, trust and the cap. */
function automaticOn(services: Services, document: vscode.TextDocument): boolean {
  const settings = services.settings();
  if (!settings.inline.enabled || !inlineLanguageEnabled(settings.inline, document.languageId)) return false;
  if (!vscode.workspace.getConfiguration('editor', document).get<boolean>('inlineSuggest.enabled', true)) return false;
  // Restricted Mode: no automatic suggestions (package.json says so); asking still works.
  if (!vscode.workspace.isTrusted) return false;
  return !services.usageCapReached();
}

function viewOf(document: vscode.TextDocument): DocumentView {
  return {
    uri: document.uri.toString(),
    path: document.uri.scheme === 'untitled' ? document.fileName : vscode.workspace.asRelativePath(document.uri),
    languageId: document.languageId,
    version: document.version,
    lineCount: document.lineCount,
    lineAt: (line) => document.lineAt(line).text,
    eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
  };
}

/**
 * Up to three other visible editors' documents: never excluded ones, and, as for recent edits, none
 * in a language with automatic suggestions off (a plain-text note open beside the code is not
 * related code, and may hold a password).
 */
function neighbours(services: Services, current: vscode.TextDocument): DocumentView[] {
  const inline = services.settings().inline;
  return vscode.window.visibleTextEditors
    .map((e) => e.document)
    .filter((d, i, all) => d !== current && all.indexOf(d) === i && !SKIPPED_SCHEMES.has(d.uri.scheme) && !services.isExcluded(d.uri) && inlineLanguageEnabled(inline, d.languageId))
    .slice(0, 3)
    .map(viewOf);
}

/** Documents the user cannot edit, by scheme and by `files.readonlyInclude` / `files.readonlyExclude`. */
class ReadonlyFiles implements vscode.Disposable {
  private matcher: ReadonlyMatcher = () => false;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.reload();
    // Read once per change of the settings, not per keystroke.
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('files.readonlyInclude') || e.affectsConfiguration('files.readonlyExclude')) this.reload();
    });
  }

  has(document: vscode.TextDocument): boolean {
    const scheme = document.uri.scheme;
    const writable = vscode.workspace.fs.isWritableFileSystem(scheme);
    if (writable === false) return true;
    if (writable === undefined && !EDITABLE_SCHEMES.has(scheme)) return true;
    if (scheme === 'untitled' || document.isUntitled) return false;
    const relative = vscode.workspace.getWorkspaceFolder(document.uri) ? vscode.workspace.asRelativePath(document.uri, false) : undefined;
    return this.matcher(document.uri.path, relative);
  }

  private reload(): void {
    const files = vscode.workspace.getConfiguration('files');
    this.matcher = createReadonlyMatcher(files.get<GlobMap>('readonlyInclude'), files.get<GlobMap>('readonlyExclude'));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

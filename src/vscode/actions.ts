// Palette actions: Explain (into the chat), Refactor…, Add Documentation, Fix and Write Tests.
// Edits never land silently: the proposed code streams into a diff that Accept applies
// (src/vscode/proposals.ts).
import * as vscode from 'vscode';
import { actionMessages, ACTION_TITLES, type ActionId, type ActionTarget, type DiagnosticInfo } from '../core/actions/recipes';
import { enclosingBlock, extractCode, testFileName, TEST_FILE_GLOB } from '../core/actions/code';
import { addInstructions } from '../core/chat/instructions';
import { lastSelectedLine } from '../core/selection';
import type { Services } from './services';
import { notices } from './errorReporter';
import { Proposals } from './proposals';
import { readProjectInstructions } from './projectInstructions';

const RECENT_INSTRUCTIONS = 'kestrel.refactor.recent';
const MAX_TARGET_CHARS = 60_000;

export function registerActions(services: Services): vscode.Disposable[] {
  const proposals = new Proposals();

  async function target(editor: vscode.TextEditor): Promise<{ range: vscode.Range; target: ActionTarget } | undefined> {
    const document = editor.document;
    if (services.isExcluded(document.uri)) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(document.uri)} is excluded (kestrel.exclude or .kestrelignore), so nothing was sent.`);
      return undefined;
    }
    let range: vscode.Range | undefined;
    if (!editor.selection.isEmpty) {
      const s = editor.selection;
      range = new vscode.Range(s.start, new vscode.Position(lastSelectedLine(s.start, s.end), 0));
    } else {
      range = await enclosingSymbol(document, editor.selection.active);
      if (!range) {
        const lines = Array.from({ length: Math.min(document.lineCount, 20_000) }, (_, i) => document.lineAt(i).text);
        const block = enclosingBlock(lines, editor.selection.active.line);
        if (block) range = new vscode.Range(block.start, 0, block.end, 0);
        else if (document.lineCount <= 400) range = new vscode.Range(0, 0, document.lineCount - 1, 0);
      }
    }
    if (!range) {
      void notices.show('info', 'Kestrel: select the code to work on.');
      return undefined;
    }
    // Whole lines: the replacement keeps the original indentation.
    const full = new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length);
    const code = document.getText(full);
    if (code.length > MAX_TARGET_CHARS) {
      void notices.show('warning', `Kestrel: the selection is too large (${Math.round(code.length / 1000)} k characters); select less code.`);
      return undefined;
    }
    return {
      range: full,
      target: { path: vscode.workspace.asRelativePath(document.uri), languageId: document.languageId, code, startLine: full.start.line + 1, endLine: full.end.line + 1 },
    };
  }

  /**
   * Streams the answer; `sources` are the files whose text `messages` carry, judged again right
   * before sending. `stop` ends it early (the proposal's diff was closed or replaced).
   */
  async function stream(action: ActionId, messages: ReturnType<typeof actionMessages>, onCode: (code: string) => void, label: string, sources: vscode.Uri[], stop?: AbortSignal): Promise<string | undefined> {
    const handle = await services.clientFor('action', { interactive: true });
    if (!handle) return undefined;
    const excluded = sources.find((uri) => services.isExcluded(uri));
    if (excluded) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(excluded)} is excluded (kestrel.exclude or .kestrelignore), so nothing was sent.`);
      return undefined;
    }
    // The project's instructions (of the document's folder) after the system text, read now.
    const sent = addInstructions(messages, await readProjectInstructions(services, sources[0]));
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Kestrel: ${ACTION_TITLES[action]} ${label}…`, cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const onStop = () => abort.abort();
      stop?.addEventListener('abort', onStop, { once: true });
      if (stop?.aborted) abort.abort();
      try {
        const s = handle.client.stream({ model: handle.model, messages: sent, maxTokens: 4096, temperature: 0.2 }, { signal: abort.signal });
        let reply = '';
        let last = 0;
        for await (const delta of s) {
          reply += delta;
          if (Date.now() - last > 80) {
            last = Date.now();
            onCode(extractCode(reply));
          }
        }
        await s.result;
        onCode(extractCode(reply));
        return reply;
      } catch (error) {
        services.reportError(error, 'action');
        return undefined;
      } finally {
        sub.dispose();
        stop?.removeEventListener('abort', onStop);
      }
    });
  }

  async function propose(action: 'refactor' | 'document' | 'fix', instruction?: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void notices.show('info', 'Kestrel: open a file first.');
    const found = await target(editor);
    if (!found) return;
    const diagnostics = action === 'fix' ? diagnosticsIn(editor.document, found.range) : undefined;
    const messages = actionMessages(action, found.target, { instruction, diagnostics });
    const proposal = await proposals.create(editor.document, found.range, action);
    const reply = await stream(action, messages, (code) => proposals.update(proposal, code), `lines ${found.target.startLine}–${found.target.endLine}`, [editor.document.uri], proposal.abort.signal);
    proposal.done = true;
    proposal.incomplete = reply === undefined;
    // Nothing arrived (refused, failed before the first line): a diff with no change helps no one.
    if (reply === undefined && !proposal.proposedCode) return proposals.discard(proposal);
    if (reply === undefined || !proposal.proposedCode.trim()) {
      if (reply !== undefined) void notices.show('warning', 'Kestrel: the model sent no code to apply.');
      return;
    }
    proposals.offerDecision(proposal);
  }

  /** Apply from the chat panel: the code replaces the selection, through the same diff. */
  async function proposeReplacement(args: { uri: string; range: [number, number, number, number]; code: string }): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
    let range = new vscode.Range(args.range[0], args.range[1], args.range[2], args.range[3]);
    // Whole lines, so the code keeps the original indentation (an empty selection: the cursor line).
    range = new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length);
    proposals.offerDecision(await proposals.create(document, range, 'from the chat', args.code));
  }

  async function refactor(): Promise<void> {
    const recent = services.context.globalState.get<string[]>(RECENT_INSTRUCTIONS, []);
    const instruction = await askInstruction(recent);
    if (!instruction) return;
    await services.context.globalState.update(RECENT_INSTRUCTIONS, [instruction, ...recent.filter((r) => r !== instruction)].slice(0, 10));
    await propose('refactor', instruction);
  }

  async function explain(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void notices.show('info', 'Kestrel: open a file first.');
    const found = await target(editor);
    if (!found) return;
    await vscode.commands.executeCommand('kestrel.chat.send', {
      prompt: 'Explain this code: what it does, how, and anything surprising in it.',
      attachment: { uri: editor.document.uri.toString(), languageId: editor.document.languageId, startLine: found.range.start.line, endLine: found.range.end.line, text: found.target.code },
    });
  }

  async function generateTests(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void notices.show('info', 'Kestrel: open a file first.');
    const found = await target(editor);
    if (!found) return;
    const testFiles = await vscode.workspace.findFiles(TEST_FILE_GLOB, '**/node_modules/**', 50);
    const existing = testFiles.map((u) => vscode.workspace.asRelativePath(u));
    const testPath = testFileName(found.target.path, editor.document.languageId, existing);
    // Names tell the convention; only a file that may leave the machine is shown as the example.
    const extension = found.target.path.slice(found.target.path.lastIndexOf('.'));
    const example = testFiles.find((u) => u.path.endsWith(extension) && !services.isExcluded(u));
    const exampleText = example ? await readHead(example) : undefined;
    const messages = actionMessages('generateTests', found.target, { testPath, testExample: exampleText });
    const reply = await stream('generateTests', messages, () => {}, found.target.path, example ? [editor.document.uri, example] : [editor.document.uri]);
    if (!reply) return;
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const fileUri = await freeName(folder ? vscode.Uri.joinPath(folder.uri, testPath) : vscode.Uri.file(testPath));
    // An unsaved document at the conventional path: the user reviews it and saves it.
    const document = await vscode.workspace.openTextDocument(fileUri.with({ scheme: 'untitled' }));
    const shown = await vscode.window.showTextDocument(document);
    await shown.edit((b) => b.insert(new vscode.Position(0, 0), extractCode(reply) + '\n'));
  }

  const disposables: vscode.Disposable[] = [
    proposals,
    vscode.commands.registerCommand('kestrel.explain', explain),
    vscode.commands.registerCommand('kestrel.refactor', refactor),
    vscode.commands.registerCommand('kestrel.document', () => propose('document')),
    vscode.commands.registerCommand('kestrel.fix', () => propose('fix')),
    vscode.commands.registerCommand('kestrel.generateTests', generateTests),
    vscode.commands.registerCommand('kestrel.acceptProposal', (uri?: unknown) => proposals.accept(proposals.meant(uri))),
    vscode.commands.registerCommand('kestrel.proposeReplacement', proposeReplacement),
    vscode.commands.registerCommand('kestrel.discardProposal', (uri?: unknown) => proposals.discard(proposals.meant(uri))),
  ];
  if (KESTREL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
    const shown = (p = proposals.current) => (p ? { proposed: proposals.provideTextDocumentContent(proposals.uris(p).proposed), done: p.done } : undefined);
    disposables.push(
      vscode.commands.registerCommand('kestrel._test.proposal', () => shown()),
      vscode.commands.registerCommand('kestrel._test.refactorWith', (instruction: string) => propose('refactor', instruction)),
      vscode.commands.registerCommand('kestrel._test.proposals', () => proposals.all().map((p) => ({ proposed: proposals.uris(p).proposed.toString(), file: p.document.uri.toString(), done: p.done }))),
      vscode.commands.registerCommand('kestrel._test.waitProposal', async () => {
        for (let i = 0; i < 200 && !(proposals.current?.done ?? true); i++) await new Promise((r) => setTimeout(r, 25));
        return shown();
      }),
    );
  }
  return disposables;
}

async function askInstruction(recent: string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick();
  pick.title = 'Kestrel: Refactor';
  pick.placeholder = 'What should change? (e.g. "extract a helper", "use async/await")';
  pick.items = recent.map((label) => ({ label, description: 'recent' }));
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const value = pick.selectedItems[0]?.label ?? pick.value;
      resolve(value.trim() || undefined);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

async function enclosingSymbol(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | undefined> {
  const kinds = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class]);
  let symbols: vscode.DocumentSymbol[] | undefined;
  try {
    symbols = await Promise.race([
      vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 1500)),
    ]);
  } catch {
    return undefined;
  }
  let best: vscode.Range | undefined;
  const walk = (list: vscode.DocumentSymbol[] | undefined) => {
    for (const s of list ?? []) {
      if (!('range' in s) || !s.range.contains(position)) continue;
      if (kinds.has(s.kind)) best = s.range;
      walk(s.children);
    }
  };
  walk(symbols);
  return best;
}

export function diagnosticsIn(document: vscode.TextDocument, range: vscode.Range): DiagnosticInfo[] {
  const severity = ['error', 'warning', 'information', 'hint'] as const;
  return vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.range.intersection(range) && d.severity <= vscode.DiagnosticSeverity.Warning)
    .map((d) => ({
      severity: severity[d.severity],
      message: d.message,
      startLine: d.range.start.line + 1,
      endLine: d.range.end.line + 1,
      source: d.source,
      code: typeof d.code === 'object' ? String(d.code.value) : d.code !== undefined ? String(d.code) : undefined,
    }));
}

/** The conventional path, or `name-2.test.ts`, `-3`… when a file is already there (it is left alone). */
async function freeName(uri: vscode.Uri): Promise<vscode.Uri> {
  const exists = async (u: vscode.Uri) => vscode.workspace.fs.stat(u).then(() => true, () => false);
  if (!(await exists(uri))) return uri;
  const dir = uri.path.slice(0, uri.path.lastIndexOf('/') + 1);
  const file = uri.path.slice(dir.length);
  const dot = file.indexOf('.');
  for (let n = 2; n < 100; n++) {
    const candidate = uri.with({ path: dir + (dot > 0 ? `${file.slice(0, dot)}-${n}${file.slice(dot)}` : `${file}-${n}`) });
    if (!(await exists(candidate))) return candidate;
  }
  return uri;
}

async function readHead(uri: vscode.Uri): Promise<string | undefined> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return new TextDecoder().decode(bytes.slice(0, 1500));
}

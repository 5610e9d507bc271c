// Palette actions: Explain (into the chat), Refactor…, Add Documentation, Fix and Write Tests.
// Edits never land silently: the proposed code streams into a read-only diff (original vs
// proposed) and Accept applies it as one WorkspaceEdit, refused if the file changed meanwhile.
import * as vscode from 'vscode';
import { actionMessages, ACTION_TITLES, type ActionId, type ActionTarget, type DiagnosticInfo } from '../core/actions/recipes';
import { enclosingBlock, extractCode, reindent, testFileName, TEST_FILE_GLOB } from '../core/actions/code';
import type { Services } from './services';
import { notices } from './errorReporter';

export const PROPOSAL_SCHEME = 'kestrel-proposal';
const RECENT_INSTRUCTIONS = 'kestrel.refactor.recent';
const MAX_TARGET_CHARS = 60_000;

interface Proposal {
  id: string;
  document: vscode.TextDocument;
  version: number;
  range: vscode.Range;
  originalText: string;
  /** The whole document when the proposal was made: the diff's left side. */
  originalFull: string;
  proposedCode: string;
  baseIndent: string;
  /** Offsets of the replaced range in `originalFull`. */
  start: number;
  end: number;
  done: boolean;
  /** The answer failed or was cancelled part-way: the diff stays for reading, Accept refuses. */
  incomplete?: boolean;
  abort: AbortController;
}

/** The two read-only sides of a proposal's diff: the file as it was, and with the change. */
class ProposalDocuments implements vscode.TextDocumentContentProvider {
  readonly proposals = new Map<string, Proposal>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  uris(p: Proposal): { original: vscode.Uri; proposed: vscode.Uri } {
    const name = p.document.uri.path.replace(/^.*\//, '') || 'untitled';
    return {
      original: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${p.id}/original/${name}` }),
      proposed: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${p.id}/proposed/${name}` }),
    };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id, side] = uri.path.split('/');
    const p = this.proposals.get(id);
    if (!p) return '';
    if (side === 'original') return p.originalFull;
    return p.originalFull.slice(0, p.start) + this.replacement(p) + p.originalFull.slice(p.end);
  }

  replacement(p: Proposal): string {
    const eol = p.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const code = reindent(p.proposedCode, p.baseIndent, eol);
    return code || p.originalText;
  }

  /** The proposal a diff side belongs to (`/<id>/<side>/<name>`), if it is still open. */
  byUri(uri: vscode.Uri | undefined): Proposal | undefined {
    if (uri?.scheme !== PROPOSAL_SCHEME) return undefined;
    return this.proposals.get(uri.path.split('/')[1]);
  }

  refresh(p: Proposal): void {
    this.changed.fire(this.uris(p).proposed);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerActions(services: Services): vscode.Disposable[] {
  const docs = new ProposalDocuments();
  let counter = 0;
  /** The newest proposal: the one the palette's Accept and Discard mean when no diff is in front. */
  let current: Proposal | undefined;

  const setOpen = () => void vscode.commands.executeCommand('setContext', 'kestrel.proposalOpen', docs.proposals.size > 0);

  /**
   * Which proposal a command means: the diff whose title-bar button was pressed (VS Code passes its
   * URI), else the diff in the active tab, else the newest one.
   */
  function proposalFor(uri: unknown): Proposal | undefined {
    if (uri instanceof vscode.Uri) return docs.byUri(uri);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputTextDiff) return docs.byUri(input.modified) ?? current;
    return current;
  }

  /** A proposal whose diff was closed without a decision is dropped, and its answer stops. */
  function dropClosed(event: vscode.TabChangeEvent): void {
    for (const tab of event.closed) {
      const p = tab.input instanceof vscode.TabInputTextDiff ? docs.byUri(tab.input.modified) : undefined;
      if (p) forget(p);
    }
  }

  function forget(p: Proposal): void {
    p.abort.abort();
    docs.proposals.delete(p.id);
    if (current === p) current = undefined;
    setOpen();
  }

  async function target(editor: vscode.TextEditor): Promise<{ range: vscode.Range; target: ActionTarget } | undefined> {
    const document = editor.document;
    if (services.isExcluded(document.uri)) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(document.uri)} is excluded (kestrel.exclude or .kestrelignore), so nothing was sent.`);
      return undefined;
    }
    let range: vscode.Range | undefined;
    if (!editor.selection.isEmpty) {
      const s = editor.selection;
      // A selection that ends at the start of a line does not include that line.
      range = s.end.character === 0 && s.end.line > s.start.line ? new vscode.Range(s.start, new vscode.Position(s.end.line - 1, 0)) : s;
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

  /** Streams the answer; `sources` are the files whose text `messages` carry, judged again right before sending. */
  async function stream(action: ActionId, messages: ReturnType<typeof actionMessages>, onCode: (code: string) => void, label: string, sources: vscode.Uri[]): Promise<string | undefined> {
    const handle = await services.clientFor('action', { interactive: true });
    if (!handle) return undefined;
    const excluded = sources.find((uri) => services.isExcluded(uri));
    if (excluded) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(excluded)} is excluded (kestrel.exclude or .kestrelignore), so nothing was sent.`);
      return undefined;
    }
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Kestrel: ${ACTION_TITLES[action]} ${label}…`, cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const s = handle.client.stream({ model: handle.model, messages, maxTokens: 4096, temperature: 0.2 }, { signal: abort.signal });
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
    const proposal = await openProposal(editor.document, found.range, action);
    const name = vscode.workspace.asRelativePath(editor.document.uri);
    const reply = await stream(action, messages, (code) => {
      proposal.proposedCode = code;
      docs.refresh(proposal);
    }, `lines ${found.target.startLine}–${found.target.endLine}`, [editor.document.uri]);
    proposal.done = true;
    proposal.incomplete = reply === undefined;
    if (reply === undefined || !proposal.proposedCode.trim()) {
      if (reply !== undefined) void notices.show('warning', 'Kestrel: the model sent no code to apply.');
      return;
    }
    offerDecision(proposal, name);
  }

  /** Opens the diff for a change to `range` of `document`; the caller fills in the proposed code. */
  async function openProposal(document: vscode.TextDocument, range: vscode.Range, label: string, code = ''): Promise<Proposal> {
    current?.abort.abort();
    const proposal: Proposal = {
      id: String(++counter),
      document,
      version: document.version,
      range,
      originalText: document.getText(range),
      originalFull: document.getText(),
      start: document.offsetAt(range.start),
      end: document.offsetAt(range.end),
      proposedCode: code,
      baseIndent: /^[ \t]*/.exec(document.lineAt(range.start.line).text)?.[0] ?? '',
      done: code !== '',
      abort: new AbortController(),
    };
    docs.proposals.set(proposal.id, proposal);
    current = proposal;
    const { original, proposed } = docs.uris(proposal);
    await vscode.commands.executeCommand('vscode.diff', original, proposed, `${vscode.workspace.asRelativePath(document.uri)}: Kestrel's proposal (${label}) ↔`, { preview: false });
    setOpen();
    return proposal;
  }

  function offerDecision(proposal: Proposal, name: string): void {
    // Not awaited: the diff's own Accept and Discard buttons work as well as these.
    void notices.show('info', `Kestrel proposes a change to ${name}.`, 'Accept', 'Discard').then((picked) => {
      if (picked === 'Accept') void accept(proposal);
      else if (picked === 'Discard') void discard(proposal);
    });
  }

  /** Apply from the chat panel: the code replaces the selection, through the same diff. */
  async function proposeReplacement(args: { uri: string; range: [number, number, number, number]; code: string }): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
    let range = new vscode.Range(args.range[0], args.range[1], args.range[2], args.range[3]);
    // Whole lines, so the code keeps the original indentation (an empty selection: the cursor line).
    range = new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length);
    const proposal = await openProposal(document, range, 'from the chat', args.code);
    offerDecision(proposal, vscode.workspace.asRelativePath(document.uri));
  }

  async function accept(p: Proposal | undefined): Promise<boolean> {
    if (!p || !docs.proposals.has(p.id)) return false;
    if (!p.done) {
      void notices.show('info', 'Kestrel: the proposal is still arriving; accept it when it is complete.');
      return false;
    }
    if (p.incomplete) {
      void notices.show('warning', 'Kestrel: the answer stopped part-way, so this proposal was not applied. Run the action again.');
      return false;
    }
    if (p.document.isClosed || p.document.version !== p.version) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(p.document.uri)} changed since the proposal was made, so it was not applied. Run the action again.`);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(p.document.uri, p.range, docs.replacement(p));
    const applied = await vscode.workspace.applyEdit(edit);
    await close(p);
    return applied;
  }

  async function discard(p: Proposal | undefined): Promise<void> {
    if (p) await close(p);
  }

  async function close(p: Proposal): Promise<void> {
    forget(p);
    const { proposed } = docs.uris(p);
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input as { modified?: vscode.Uri } | undefined;
        if (input?.modified?.toString() === proposed.toString()) await vscode.window.tabGroups.close(tab);
      }
    }
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === p.document);
    if (!editor && !p.document.isClosed) await vscode.window.showTextDocument(p.document);
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
    docs,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, docs),
    vscode.commands.registerCommand('kestrel.explain', explain),
    vscode.commands.registerCommand('kestrel.refactor', refactor),
    vscode.commands.registerCommand('kestrel.document', () => propose('document')),
    vscode.commands.registerCommand('kestrel.fix', () => propose('fix')),
    vscode.commands.registerCommand('kestrel.generateTests', generateTests),
    vscode.commands.registerCommand('kestrel.acceptProposal', (uri?: unknown) => accept(proposalFor(uri))),
    vscode.commands.registerCommand('kestrel.proposeReplacement', proposeReplacement),
    vscode.commands.registerCommand('kestrel.discardProposal', (uri?: unknown) => discard(proposalFor(uri))),
    vscode.window.tabGroups.onDidChangeTabs(dropClosed),
  ];
  if (KESTREL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
    disposables.push(
      vscode.commands.registerCommand('kestrel._test.proposal', () => (current ? { proposed: docs.provideTextDocumentContent(docs.uris(current).proposed), done: current.done } : undefined)),
      vscode.commands.registerCommand('kestrel._test.refactorWith', (instruction: string) => propose('refactor', instruction)),
      vscode.commands.registerCommand('kestrel._test.proposals', () => [...docs.proposals.values()].map((p) => ({ proposed: docs.uris(p).proposed.toString(), file: p.document.uri.toString(), done: p.done }))),
      vscode.commands.registerCommand('kestrel._test.waitProposal', async () => {
        for (let i = 0; i < 200 && !(current?.done ?? true); i++) await new Promise((r) => setTimeout(r, 25));
        return current ? { proposed: docs.provideTextDocumentContent(docs.uris(current).proposed), done: current.done } : undefined;
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

function diagnosticsIn(document: vscode.TextDocument, range: vscode.Range): DiagnosticInfo[] {
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

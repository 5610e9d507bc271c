// Proposed edits: the code an action proposes streams into a read-only diff (the file as it was ↔
// with the change), and Accept applies it as one WorkspaceEdit, refused if the file changed since.
// Each proposal belongs to its diff: the diff's own ✓ and Discard act on it, and closing the diff
// without a decision drops it and stops its answer.
import * as vscode from 'vscode';
import { reindent } from '../core/actions/code';
import { notices } from './errorReporter';

export const PROPOSAL_SCHEME = 'kestrel-proposal';

export interface Proposal {
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

export class Proposals implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly open = new Map<string, Proposal>();
  private counter = 0;
  /** The newest proposal: the one the palette's Accept and Discard mean when no diff is in front. */
  private newest: Proposal | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs((event) => this.dropClosed(event)),
    ];
  }

  get current(): Proposal | undefined {
    return this.newest;
  }

  all(): Proposal[] {
    return [...this.open.values()];
  }

  /** Opens the diff for a change to `range` of `document`; the caller fills in the proposed code. */
  async create(document: vscode.TextDocument, range: vscode.Range, label: string, code = ''): Promise<Proposal> {
    // One answer streams at a time: a newer action stops one still arriving.
    this.newest?.abort.abort();
    const proposal: Proposal = {
      id: String(++this.counter),
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
    this.open.set(proposal.id, proposal);
    this.newest = proposal;
    const { original, proposed } = this.uris(proposal);
    await vscode.commands.executeCommand('vscode.diff', original, proposed, `${vscode.workspace.asRelativePath(document.uri)}: Kestrel's proposal (${label}) ↔`, { preview: false });
    this.setContext();
    return proposal;
  }

  /** New proposed code arrived: the diff's right side redraws. */
  update(p: Proposal, code: string): void {
    p.proposedCode = code;
    this.changed.fire(this.uris(p).proposed);
  }

  /** Asks beside the diff; not awaited, as the diff's own buttons work as well. */
  offerDecision(p: Proposal): void {
    void notices.show('info', `Kestrel proposes a change to ${vscode.workspace.asRelativePath(p.document.uri)}.`, 'Accept', 'Discard').then((picked) => {
      if (picked === 'Accept') void this.accept(p);
      else if (picked === 'Discard') void this.discard(p);
    });
  }

  /**
   * Which proposal a command means: the diff whose title-bar button was pressed (VS Code passes its
   * URI), else the diff in the active tab, else the newest one.
   */
  meant(uri: unknown): Proposal | undefined {
    if (uri instanceof vscode.Uri) return this.byUri(uri);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputTextDiff) return this.byUri(input.modified) ?? this.newest;
    return this.newest;
  }

  async accept(p: Proposal | undefined): Promise<boolean> {
    if (!p || !this.open.has(p.id)) return false;
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
    edit.replace(p.document.uri, p.range, this.replacement(p));
    const applied = await vscode.workspace.applyEdit(edit);
    await this.close(p);
    return applied;
  }

  async discard(p: Proposal | undefined): Promise<void> {
    if (p) await this.close(p);
  }

  /** The diff's right side: the file with the proposed code in place of the range. */
  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id, side] = uri.path.split('/');
    const p = this.open.get(id);
    if (!p) return '';
    if (side === 'original') return p.originalFull;
    return p.originalFull.slice(0, p.start) + this.replacement(p) + p.originalFull.slice(p.end);
  }

  uris(p: Proposal): { original: vscode.Uri; proposed: vscode.Uri } {
    const name = p.document.uri.path.replace(/^.*\//, '') || 'untitled';
    return {
      original: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${p.id}/original/${name}` }),
      proposed: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${p.id}/proposed/${name}` }),
    };
  }

  private replacement(p: Proposal): string {
    const eol = p.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const code = reindent(p.proposedCode, p.baseIndent, eol);
    return code || p.originalText;
  }

  /** The proposal a diff side belongs to (`/<id>/<side>/<name>`), if it is still open. */
  private byUri(uri: vscode.Uri | undefined): Proposal | undefined {
    if (uri?.scheme !== PROPOSAL_SCHEME) return undefined;
    return this.open.get(uri.path.split('/')[1]);
  }

  /** A proposal whose diff was closed without a decision is dropped, and its answer stops. */
  private dropClosed(event: vscode.TabChangeEvent): void {
    for (const tab of event.closed) {
      const p = tab.input instanceof vscode.TabInputTextDiff ? this.byUri(tab.input.modified) : undefined;
      if (p) this.forget(p);
    }
  }

  private forget(p: Proposal): void {
    p.abort.abort();
    this.open.delete(p.id);
    if (this.newest === p) this.newest = undefined;
    this.setContext();
  }

  private async close(p: Proposal): Promise<void> {
    this.forget(p);
    const { proposed } = this.uris(p);
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString()) await vscode.window.tabGroups.close(tab);
      }
    }
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === p.document);
    if (!editor && !p.document.isClosed) await vscode.window.showTextDocument(p.document);
  }

  private setContext(): void {
    void vscode.commands.executeCommand('setContext', 'kestrel.proposalOpen', this.open.size > 0);
  }

  dispose(): void {
    for (const p of this.open.values()) p.abort.abort();
    for (const d of this.disposables) d.dispose();
  }
}

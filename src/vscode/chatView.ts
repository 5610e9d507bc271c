// The chat panel: a webview view in Kestrel's activity-bar container. The page only renders; this
// host owns the sessions, the requests and every action on the editor, and acts only on messages
// that pass the protocol's validation.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { stablePrefixEnd } from '../core/chat/cache';
import { cutNote, cutText, fitAttachments } from '../core/chat/context';
import { addUsage, messagesWithinBudget, SYSTEM_PROMPT, titleFor, userContent, withoutExcluded, type Session, type Turn } from '../core/chat/history';
import { formatSize, INSTRUCTION_FILES, instructionsLabel, instructionsTitle, MAX_INSTRUCTIONS_CHARS, withInstructions, type ProjectInstructions } from '../core/chat/instructions';
import { parseWebviewMessage, safeLink, type Attachment, type HostMessage, type TurnView, type WebviewMessage } from '../core/chat/protocol';
import { runToolLoop, ToolSupport } from '../core/chat/toolLoop';
import { TOOL_SPECS, TOOLS_PROMPT } from '../core/chat/tools';
import { KestrelError } from '../core/client/errors';
import { priceFor } from '../core/client/prices';
import type { Usage } from '../core/client/types';
import { chargeFor } from '../core/usage';
import { FIXES, fixFor, type SetupProblem } from '../core/fixes';
import { lastSelectedLine } from '../core/selection';
import { mentionPaths, readDocument, readMentionedFile, readProblems, watchMentionFiles, type ReadFile } from './chatContext';
import { chatPageHtml } from './chatPage';
import { toolsAvailable, WorkspaceTools } from './chatTools';
import { ChatSessions } from './chatSessions';
import { notices, runFix } from './errorReporter';
import { readProjectInstructions } from './projectInstructions';
import type { Services } from './services';

/** Characters of conversation sent per question (~30k tokens): older turns are dropped first. */
const BUDGET_CHARS = 120_000;
const MAX_ATTACHMENT_CHARS = 60_000;
const DELTA_BATCH_MS = 24;

/** What the chat says when nothing could be sent; the fix goes with it (src/core/fixes.ts). */
const NOTHING_SENT: Record<SetupProblem | 'declined', string> = {
  'no-base-url': 'Nothing was sent: the provider needs a base URL (kestrel.baseUrl).',
  'no-model': 'Nothing was sent: choose a model for the chat first.',
  'no-key': 'Nothing was sent: Kestrel needs an API key for this provider.',
  declined: 'Nothing was sent: the API key was kept from the new server, and this provider needs it.',
};

/** Characters of each attachment's heading and fence in the question, counted against the budget. */
const ATTACHMENT_OVERHEAD = 200;

export interface ChatSendArgs {
  prompt: string;
  attachment?: { uri: string; languageId: string; startLine: number; endLine: number; text: string; label?: string; bytes?: number };
  newSession?: boolean;
}

export function registerChat(services: Services): vscode.Disposable[] {
  const panel = new ChatPanel(services);
  const disposables: vscode.Disposable[] = [
    panel,
    vscode.window.registerWebviewViewProvider('kestrel.chat', panel, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('kestrel.openChat', () => panel.reveal()),
    vscode.commands.registerCommand('kestrel.newChat', async () => {
      panel.newSession();
      await panel.reveal();
    }),
    vscode.commands.registerCommand('kestrel.ask', async () => {
      const editor = vscode.window.activeTextEditor;
      if (editor) panel.attachSelection(editor, true);
      await panel.reveal();
    }),
    vscode.commands.registerCommand('kestrel.chat.send', async (args: ChatSendArgs) => {
      if (!args || typeof args.prompt !== 'string') return;
      if (args.newSession) panel.newSession();
      if (args.attachment) panel.attach(args.attachment);
      await panel.reveal();
      await panel.send(args.prompt);
    }),
  ];
  if (KESTREL_TEST_HOOKS && services.context.extensionMode === vscode.ExtensionMode.Test) {
    disposables.push(
      vscode.commands.registerCommand('kestrel._test.chatState', () => panel.snapshot()),
      vscode.commands.registerCommand('kestrel._test.chatMessage', (message: unknown) => panel.receive(message)),
    );
  }
  return disposables;
}

class ChatPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** Whether the page has said `ready` since it was (re)loaded, and whether its input should then take the keyboard. */
  private pageReady = false;
  private focusWanted = false;
  private readonly sessions: ChatSessions;
  /** The conversation on screen. */
  private session: Session;
  private attachments: Attachment[] = [];
  private request: { abort: AbortController; turn: Turn } | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingDelta = '';
  private deltaTimer: ReturnType<typeof setTimeout> | undefined;
  /** Attachments (turn id and label) the user was already told are left out: told once each. */
  private readonly toldLeftOut = new Set<string>();
  /** The project instructions as last read, for the chip; read again at every question. */
  private instructions: ProjectInstructions | undefined;
  private instructionsReads = 0;
  /** The newest read whose result is shown. */
  private instructionsShown = 0;
  /** Sessions whose user removed the instructions chip: their next questions go without them. */
  private readonly withoutInstructions = new Set<string>();
  /** The files last offered for a `#` mention (for the test API). */
  private lastMentions: string[] = [];
  /** The read-only tools the chat may call, and the models known to refuse tools (this session). */
  private readonly tools: WorkspaceTools;
  private readonly toolSupport = new ToolSupport();

  constructor(private readonly services: Services) {
    this.sessions = new ChatSessions(services.context.workspaceState);
    this.tools = new WorkspaceTools(services);
    this.session = this.sessions.latest() ?? ChatSessions.fresh();
    this.lastEditor = vscode.window.activeTextEditor;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && e.document.uri.scheme !== 'output') {
          const folderChanged = vscode.workspace.getWorkspaceFolder(e.document.uri) !== (this.lastEditor && vscode.workspace.getWorkspaceFolder(this.lastEditor.document.uri));
          this.lastEditor = e;
          // Multi-root: the instructions are the active editor's folder's.
          if (folderChanged) void this.readInstructions();
        }
      }),
      services.onDidChangeSettings(() => {
        this.postState();
        void this.readInstructions();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.readInstructions()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.readInstructions()),
    );
    // The chip follows the files as they change; the question reads them again anyway.
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{${INSTRUCTION_FILES.join(',')}}`);
    const changed = () => void this.readInstructions();
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    this.disposables.push(watchMentionFiles());
  }

  /** Reads the instructions again (for the chip, or for the question about to be sent) and shows the result. */
  private async readInstructions(): Promise<ProjectInstructions | undefined> {
    const read = ++this.instructionsReads;
    const instructions = await readProjectInstructions(this.services, this.lastEditor?.document.uri);
    // A later read may have finished first: a read counts unless a newer one already did. (Only the
    // newest read counting left the chip empty while a read a file watcher started was still going.)
    if (read > this.instructionsShown) {
      this.instructionsShown = read;
      const before = this.instructions && instructionsTitle(this.instructions);
      this.instructions = instructions;
      if ((instructions && instructionsTitle(instructions)) !== before) this.postState();
    }
    return instructions;
  }

  /** The instructions the next question of this chat carries: none once the user removed the chip. */
  private instructionsForChat(): ProjectInstructions | undefined {
    return this.withoutInstructions.has(this.session.id) ? undefined : this.instructions;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const root = this.services.context.extensionUri;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media')] };
    this.pageReady = false;
    view.webview.html = chatPageHtml(view.webview, root);
    view.webview.onDidReceiveMessage((m) => void this.receive(m), undefined, this.disposables);
    view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
  }

  /** Shows the chat with the keyboard in its input. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand('kestrel.chat.focus');
    // A page still loading (the view opened just now) would miss the message: it gets it once it
    // says it is ready. Before, Ask About Selection on a closed chat left the keys going nowhere.
    if (this.view && this.pageReady) this.post({ type: 'focus' });
    else this.focusWanted = true;
  }

  newSession(): void {
    this.stop();
    this.session = ChatSessions.fresh();
    this.attachments = [];
    this.postState();
  }

  attach(a: ChatSendArgs['attachment'] & object): void {
    const uri = vscode.Uri.parse(a.uri);
    if (this.services.isExcluded(uri)) {
      void notices.show('warning', `Kestrel: ${vscode.workspace.asRelativePath(uri)} is excluded (kestrel.exclude or .kestrelignore), so it was not attached.`);
      return;
    }
    const name = uri.path.replace(/^.*\//, '') || 'untitled';
    const label = a.label ?? (a.startLine === a.endLine ? `${name}:${a.startLine + 1}` : `${name}:${a.startLine + 1}-${a.endLine + 1}`);
    const cut = a.text.length > MAX_ATTACHMENT_CHARS;
    const text = cut ? `${cutText(a.text, MAX_ATTACHMENT_CHARS)}\n… (cut)` : a.text;
    const attachment: Attachment = { id: randomBytes(4).toString('hex'), uri: a.uri, label, languageId: a.languageId, startLine: a.startLine, endLine: a.endLine, text, bytes: a.bytes ?? Buffer.byteLength(a.text), note: cut ? cutNote(MAX_ATTACHMENT_CHARS) : undefined };
    this.attachments = [...this.attachments.filter((x) => !(x.label === label && x.uri === a.uri)), attachment];
    this.postState();
  }

  /** A whole file (a `#` mention, an open editor) as an attachment, or the message saying why it was refused, naming it. */
  private attachRead(read: ReadFile): void {
    if ('refused' in read) return void notices.show('warning', read.refused);
    const name = read.uri.path.replace(/^.*\//, '') || read.label;
    const lines = read.text.split('\n').length;
    this.attach({ uri: read.uri.toString(), languageId: read.languageId, startLine: 0, endLine: lines - 1, text: read.text, label: name, bytes: read.bytes });
  }

  /** The `+` menu: the Problems list or an open editor's file. */
  private async addContext(): Promise<void> {
    const uris = new Map<string, vscode.Uri>();
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) if (tab.input instanceof vscode.TabInputText) uris.set(tab.input.uri.toString(), tab.input.uri);
    for (const editor of vscode.window.visibleTextEditors) uris.set(editor.document.uri.toString(), editor.document.uri);
    const files = [...uris.values()].filter((u) => (u.scheme === 'file' || u.scheme === 'untitled' || u.scheme === 'vscode-remote') && !this.services.isExcluded(u));
    const problems = readProblems(this.services);
    type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
    const items: Item[] = [
      { label: '$(warning) Problems', description: `${problems.count} in the workspace`, detail: 'Attach the Problems list: file:line severity message' },
      { label: 'Open editors', kind: vscode.QuickPickItemKind.Separator },
      ...files.map((uri) => ({ label: `$(file) ${uri.path.replace(/^.*\//, '')}`, description: vscode.workspace.asRelativePath(uri, false), uri })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Kestrel: Add Context', placeHolder: 'Attach to your next question' });
    if (!picked) return;
    if (!picked.uri) {
      const now = readProblems(this.services);
      this.attach({ uri: 'kestrel-problems:/Problems', languageId: 'text', startLine: 0, endLine: 0, text: now.text, label: 'Problems' });
      return;
    }
    const document = await vscode.workspace.openTextDocument(picked.uri);
    this.attachRead(readDocument(this.services, document));
  }

  /** The selection, or with `selectionOnly` false and nothing selected, the whole file. */
  attachSelection(editor: vscode.TextEditor, selectionOnly: boolean): void {
    const document = editor.document;
    const selection = editor.selection;
    if (selection.isEmpty && selectionOnly) return;
    let range: vscode.Range = selection.isEmpty ? new vscode.Range(0, 0, document.lineCount, 0) : selection;
    const last = lastSelectedLine(selection.start, selection.end);
    if (!selection.isEmpty && last < selection.end.line) range = new vscode.Range(range.start, document.lineAt(last).range.end);
    this.attach({ uri: document.uri.toString(), languageId: document.languageId, startLine: range.start.line, endLine: Math.min(range.end.line, document.lineCount - 1), text: document.getText(range) });
  }

  async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.services.log.warn(`Chat page sent an invalid message; ignored: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'ready') {
      this.pageReady = true;
      if (this.focusWanted) this.post({ type: 'focus' });
      this.focusWanted = false;
    }
    await this.handle(message);
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.postState();
        await this.readInstructions();
        return;
      case 'send':
        return this.send(m.text);
      case 'stop':
        return this.stop();
      case 'retry':
        return this.retry();
      case 'newChat':
        return this.newSession();
      case 'listSessions':
        return this.postSessions();
      case 'openSession': {
        const found = this.sessions.find(m.id);
        if (found) {
          this.stop();
          this.session = found;
          this.postState();
        }
        return;
      }
      case 'deleteSession':
        await this.sessions.delete(m.id);
        if (this.session.id === m.id) this.session = ChatSessions.fresh();
        this.postSessions();
        return this.postState();
      case 'removeAttachment':
        this.attachments = this.attachments.filter((a) => a.id !== m.id);
        return this.postState();
      case 'removeInstructions':
        // For this conversation only: a new chat brings them back.
        this.withoutInstructions.add(this.session.id);
        return this.postState();
      case 'attachFile':
        if (this.lastEditor) this.attachSelection(this.lastEditor, false);
        return;
      case 'addContext':
        return this.addContext();
      case 'mentionQuery':
        this.lastMentions = await mentionPaths(this.services, m.query);
        this.post({ type: 'mentions', requestId: m.requestId, paths: this.lastMentions });
        return;
      case 'attachPath':
        return this.attachRead(await readMentionedFile(this.services, m.path));
      case 'copy':
        await vscode.env.clipboard.writeText(m.code);
        void vscode.window.setStatusBarMessage('Kestrel: code copied.', 2000);
        return;
      case 'insert':
        return this.insert(m.code);
      case 'apply':
        return this.apply(m.code);
      case 'newFile': {
        const document = await vscode.workspace.openTextDocument({ content: m.code, language: m.language || undefined });
        await vscode.window.showTextDocument(document);
        return;
      }
      case 'openLink':
        // openExternal shows VS Code's own confirmation for untrusted domains.
        if (safeLink(m.href)) await vscode.env.openExternal(vscode.Uri.parse(m.href));
        return;
      case 'pickModel':
        await vscode.commands.executeCommand('kestrel.selectModel', 'chat');
        return this.postState();
      case 'errorAction':
        // From the chat, Select Model picks the chat's model.
        await runFix(m.action, m.action === 'selectModel' ? ['chat'] : undefined);
        return;
    }
  }

  async send(text: string): Promise<void> {
    if (this.request) this.stop();
    // The question always goes whole with the system prompt and room for the instructions; its
    // attachments get what is left of the budget, and a chip says which one was cut or left out.
    const room = BUDGET_CHARS - SYSTEM_PROMPT.length - MAX_INSTRUCTIONS_CHARS - text.length - ATTACHMENT_OVERHEAD * this.attachments.length;
    const { kept, leftOut } = fitAttachments(this.attachments, room);
    const question: Turn = {
      id: randomBytes(4).toString('hex'),
      role: 'user',
      content: text,
      attached: kept.length ? kept.map((k) => ({ uri: k.item.uri, label: k.item.label, block: `${k.item.label} (${k.item.languageId}):\n\`\`\`${k.item.languageId}\n${k.text}\n\`\`\``, note: [k.item.note, k.note].filter(Boolean).join(', then ') || undefined })) : undefined,
      attachmentLabels: this.attachments.map((a) => a.label),
      leftOut: leftOut.length ? leftOut.map((l) => `${l.item.label} · ${l.note}`) : undefined,
    };
    this.attachments = [];
    if (!this.session.turns.length) this.session.title = titleFor(text);
    this.session.turns.push(question);
    // Kept before the answer starts: a window reloaded mid-answer still has the question.
    await this.save();
    await this.answer();
  }

  private async retry(): Promise<void> {
    const turns = this.session.turns;
    if (turns.at(-1)?.role === 'assistant' && turns.at(-1)?.error) turns.pop();
    if (turns.at(-1)?.role === 'user') await this.answer();
  }

  private async answer(): Promise<void> {
    const answer: Turn = { id: randomBytes(4).toString('hex'), role: 'assistant', content: '' };
    const conversation = [...this.session.turns];
    this.session.turns.push(answer);
    this.session.updatedAt = Date.now();
    const abort = new AbortController();
    this.request = { abort, turn: answer };
    this.postState(answer.id);
    try {
      const handle = await this.services.openClient('chat', { interactive: true });
      if (typeof handle === 'string') {
        answer.error = { message: NOTHING_SENT[handle], action: handle === 'declined' ? undefined : fixFor(handle) };
        return;
      }
      // Read now, each file judged against the exclusions first; the chip removed: not even read.
      const instructions = this.withoutInstructions.has(this.session.id) ? undefined : await this.readInstructions();
      const question = conversation.at(-1);
      if (question?.role === 'user') question.instructions = instructions && instructionsLabel(instructions);
      if (instructions) this.postState(answer.id);
      // Judged now, not when attached: a file excluded since the question was asked stays home.
      const { turns, leftOut } = withoutExcluded(conversation, (uri) => this.isExcluded(uri));
      this.tellLeftOut(leftOut);
      // The tools are offered only in a trusted workspace with the setting on (docs/tools.md).
      const settings = this.services.settings();
      const withTools = toolsAvailable(settings) && settings.tools.maxSteps > 1;
      // The instructions go right after Kestrel's own system text, in the prompt's stable prefix; the budget counts them.
      const system = withInstructions(withTools ? `${SYSTEM_PROMPT} ${TOOLS_PROMPT}` : SYSTEM_PROMPT, instructions);
      const messages = messagesWithinBudget(turns, BUDGET_CHARS, system);
      // The stable part ends where a prompt-cache breakpoint may go (kept only where caching works).
      const request = { model: handle.model, messages, cacheAfter: stablePrefixEnd(messages, turns), maxTokens: 4096, temperature: 0.3 };
      const onDelta = (delta: string) => {
        answer.content += delta;
        this.queueDelta(answer.id, delta);
      };
      let usage;
      if (withTools) {
        const calls: NonNullable<Turn['calls']> = (answer.calls = []);
        const result = await runToolLoop({
          client: handle.client,
          request,
          tools: TOOL_SPECS,
          executor: this.tools,
          maxSteps: settings.tools.maxSteps,
          provider: handle.providerId,
          support: this.toolSupport,
          signal: abort.signal,
          onDelta,
          // Shown as each step is answered, so a loop stopped part-way still says what it cost.
          onUsage: (sofar) => (answer.usage = this.figures(sofar, handle.model)),
          onCall: (event) => {
            // Calls run one at a time: a summary replaces the running line before it.
            if ('title' in event) calls.push({ label: event.title, detail: '', running: true });
            else calls[calls.length - 1] = { label: event.summary.label, detail: event.summary.detail, ...(event.summary.error ? { error: true } : {}) };
            this.postState(answer.id);
          },
        });
        if (!calls.length) answer.calls = undefined;
        answer.steps = result.steps > 1 ? result.steps : undefined;
        answer.note = result.note;
        usage = result.usage;
      } else {
        const stream = handle.client.stream(request, { signal: abort.signal });
        for await (const delta of stream) onDelta(delta);
        usage = (await stream.result).usage;
      }
      answer.usage = usage && this.figures(usage, handle.model);
    } catch (error) {
      const e = error instanceof KestrelError ? error : undefined;
      if (e?.kind === 'aborted') {
        answer.error = { message: 'Stopped.' };
      } else {
        // The part that arrived stays, marked: nothing is lost.
        answer.error = { message: e?.userMessage ?? `Kestrel hit an unexpected error: ${String(error)}`, action: fixFor(e?.kind ?? 'unexpected') };
        this.services.log.error(`[chat] ${e?.kind ?? 'unexpected'}: ${answer.error.message}`);
      }
    } finally {
      // What the answer cost counts in the session's total, a loop stopped part-way included.
      this.session.usage = addUsage(this.session.usage, answer.usage);
      // A call cut short by Stop or a failure says so; an answer that made none keeps no list.
      answer.calls = answer.calls?.length ? answer.calls.map((c) => (c.running ? { label: `${c.label}: stopped`, detail: 'Stopped before it finished; nothing was sent.', error: true } : c)) : undefined;
      if (this.request?.turn === answer) this.request = undefined;
      this.session.updatedAt = Date.now();
      await this.save();
      this.postState();
    }
  }

  /** An answer's tokens and cost: the provider's cost, else its tokens at the model's known price (marked estimated; $0 on a local server). */
  private figures(usage: Usage, model: string): Turn['usage'] {
    const figures = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens };
    if (usage.costUsd !== undefined) return { ...figures, costUsd: usage.costUsd };
    const settings = this.services.settings();
    const charge = chargeFor({ usage }, priceFor({ model, baseUrl: settings.baseUrl, providerId: settings.provider }));
    return charge.costUnknown ? figures : { ...figures, costUsd: charge.costUsd, ...(charge.costEstimated ? { costEstimated: true } : {}) };
  }

  private isExcluded(uri: string): boolean {
    return this.services.isExcluded(vscode.Uri.parse(uri));
  }

  /** Says once per attachment that it was left out of what was sent, naming it, never its content. */
  private tellLeftOut(leftOut: { turnId: string; label: string }[]): void {
    const labels = leftOut.filter((l) => !this.toldLeftOut.has(`${l.turnId}:${l.label}`)).map((l) => l.label);
    if (!labels.length) return;
    for (const l of leftOut) this.toldLeftOut.add(`${l.turnId}:${l.label}`);
    const one = labels.length === 1;
    void notices.show('info', `Kestrel: ${labels.join(', ')} ${one ? 'was' : 'were'} left out of what was sent: ${one ? 'its file is' : 'their files are'} now excluded (kestrel.exclude or .kestrelignore).`);
  }

  /** The chips under a question: an attachment whose file is now excluded says it is left out. */
  private attachmentLabels(t: Turn): string[] | undefined {
    // Every attachment left out (none sent): the labels of those are the notes.
    if (!t.attached) return t.leftOut ?? t.attachmentLabels;
    return [...t.attached.map((a) => (this.isExcluded(a.uri) ? `${a.label} (left out: excluded)` : a.note ? `${a.label} · ${a.note}` : a.label)), ...(t.leftOut ?? [])];
  }

  /** The chips under a turn: the instructions a question carried, then its attachments. */
  private turnChips(t: Turn): TurnView['attachments'] {
    const chips: NonNullable<TurnView['attachments']> = [
      ...(t.instructions ? [{ label: `Instructions: ${t.instructions}`, kind: 'instructions' as const }] : []),
      ...(this.attachmentLabels(t) ?? []).map((label) => ({ label })),
    ];
    return chips.length ? chips : undefined;
  }

  private stop(): void {
    this.request?.abort.abort();
    this.request = undefined;
  }

  private queueDelta(turnId: string, text: string): void {
    this.pendingDelta += text;
    this.deltaTimer ??= setTimeout(() => {
      this.deltaTimer = undefined;
      this.post({ type: 'delta', turnId, text: this.pendingDelta });
      this.pendingDelta = '';
    }, DELTA_BATCH_MS);
  }

  /** Drops the queued text: only ever called just before a state message, which carries all of it. */
  private dropQueuedDelta(): void {
    clearTimeout(this.deltaTimer);
    this.deltaTimer = undefined;
    this.pendingDelta = '';
  }

  private async insert(code: string): Promise<void> {
    const editor = this.lastEditor && !this.lastEditor.document.isClosed ? await vscode.window.showTextDocument(this.lastEditor.document, this.lastEditor.viewColumn) : undefined;
    if (!editor) return void notices.show('info', 'Kestrel: open a file to insert the code into.');
    await editor.edit((b) => b.replace(editor.selection, code));
  }

  private async apply(code: string): Promise<void> {
    const editor = this.lastEditor;
    if (!editor || editor.document.isClosed) return void notices.show('info', 'Kestrel: select the code to replace in an editor first.');
    const s = editor.selection;
    await vscode.commands.executeCommand('kestrel.proposeReplacement', { uri: editor.document.uri.toString(), range: [s.start.line, s.start.character, s.end.line, s.end.character], code });
  }

  private async save(): Promise<void> {
    await this.sessions.save(this.session);
  }

  private views(streamingId?: string): TurnView[] {
    return this.session.turns.map((t) => ({
      id: t.id,
      role: t.role,
      content: t.content,
      attachments: this.turnChips(t),
      error: t.error && { ...t.error, actionLabel: t.error.action && FIXES[t.error.action]?.label },
      usage: t.usage,
      calls: t.calls,
      steps: t.steps,
      note: t.note,
      streaming: t.id === streamingId,
    }));
  }

  private postState(streamingId = this.request?.turn.id): void {
    // The state carries every delta so far: a queued one would arrive twice.
    this.dropQueuedDelta();
    const settings = this.services.settings();
    this.post({
      type: 'state',
      sessionId: this.session.id,
      turns: this.views(streamingId),
      attachments: this.attachments.map((a) => ({ id: a.id, label: a.label, size: formatSize(a.bytes ?? Buffer.byteLength(a.text)), note: a.note })),
      instructions: ((i) => i && { label: instructionsLabel(i), title: instructionsTitle(i) })(this.instructionsForChat()),
      model: settings.chatModel || settings.model || '(provider default)',
      usage: this.session.usage,
      busy: this.request !== undefined,
    });
  }

  private postSessions(): void {
    this.post({ type: 'sessions', sessions: this.sessions.summaries() });
  }

  private post(message: HostMessage): void {
    void this.view?.webview.postMessage(message);
  }

  snapshot(): { sessionId: string; turns: { role: string; content: string; error?: string; action?: string; attachments?: string[]; instructions?: string; calls?: string[]; details?: string[]; steps?: number; note?: string; usage?: Turn['usage'] }[]; attachments: string[]; chips: string[]; mentions: string[]; instructions?: string; sessions: number; busy: boolean } {
    const instructions = this.instructionsForChat();
    return {
      sessionId: this.session.id,
      turns: this.session.turns.map((t) => ({ role: t.role, content: t.role === 'user' ? userContent(t) : t.content, error: t.error?.message, action: t.error?.action, attachments: this.attachmentLabels(t), instructions: t.instructions, calls: t.calls?.map((c) => c.label), details: t.calls?.map((c) => c.detail), steps: t.steps, note: t.note, usage: t.usage })),
      attachments: this.attachments.map((a) => a.label),
      mentions: this.lastMentions,
      chips: this.attachments.map((a) => [a.label, formatSize(a.bytes ?? Buffer.byteLength(a.text)), a.note].filter(Boolean).join(' · ')),
      instructions: instructions && instructionsLabel(instructions),
      sessions: this.sessions.count(),
      busy: this.request !== undefined,
    };
  }

  dispose(): void {
    this.stop();
    clearTimeout(this.deltaTimer);
    for (const d of this.disposables) d.dispose();
  }
}

// `@kestrel` in VS Code's own chat view (the chat participant API), where this VS Code has one. It
// answers with the panel's system prompt, project instructions and chat model; `/explain`, `/fix`
// and `/tests` ask about the first referenced file or range, else the editor's selection. Every file
// passes the exclusion check before a byte of it is read into the prompt; an excluded one is named
// in the answer and nothing is sent (docs/security.md).
import * as vscode from 'vscode';
import type { ActionTarget } from '../core/actions/recipes';
import { SYSTEM_PROMPT } from '../core/chat/history';
import { withInstructions } from '../core/chat/instructions';
import { errorMessage, fencedTarget, missingFor, participantMessages, type ParticipantQuestion } from '../core/chat/participant';
import { escapeMarkdown } from '../core/inertText';
import { capReachedMessage } from '../core/usage';
import { diagnosticsIn } from './actions';
import { readProjectInstructions } from './projectInstructions';
import type { Services } from './services';
import { testHooksEnabled } from './testApi';

export const PARTICIPANT_ID = 'kestrel.chat.participant';
/** Characters of conversation sent per question, as in the panel. */
const BUDGET_CHARS = 120_000;
/** Characters of one referenced file or range. */
const MAX_REFERENCE_CHARS = 60_000;

export type ParticipantHandler = (request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken) => Promise<vscode.ChatResult>;

/** Registers `@kestrel` where this VS Code has the chat participant API. */
export function registerParticipant(services: Services): vscode.Disposable[] {
  const handler: ParticipantHandler = (request, context, stream, token) => answer(services, request, context, stream, token);
  const disposables: vscode.Disposable[] = [];
  let registered = false;
  const chat = (vscode as { chat?: typeof vscode.chat }).chat;
  if (typeof chat?.createChatParticipant === 'function') {
    try {
      const participant = chat.createChatParticipant(PARTICIPANT_ID, handler);
      participant.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'icon.png');
      disposables.push(participant);
      registered = true;
    } catch (error) {
      services.log.warn(`@kestrel could not join VS Code's chat: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (KESTREL_TEST_HOOKS && testHooksEnabled(services.context, vscode.ExtensionMode)) disposables.push(testHook(handler, registered));
  return disposables;
}

/**
 * The handler run as VS Code's chat runs it, from plain data: a question, its command and references,
 * the turns before it; returns what the answer streamed and the result. The chat view itself is not
 * in every VS Code, so the extension-host tests ask `@kestrel` through this.
 */
function testHook(handler: ParticipantHandler, registered: boolean): vscode.Disposable {
  interface Asked {
    prompt: string;
    command?: string;
    references?: { uri: string; range?: [number, number, number, number] }[];
    history?: { prompt?: string; command?: string; answer?: string }[];
    cancelAfterMs?: number;
  }
  return vscode.commands.registerCommand('kestrel._test.participant', async (asked: Asked) => {
    const references = (asked.references ?? []).map((r, i) => {
      const uri = vscode.Uri.parse(r.uri);
      return { id: `ref${i}`, name: `ref${i}`, value: r.range ? new vscode.Location(uri, new vscode.Range(...r.range)) : uri };
    });
    const request = { prompt: asked.prompt, command: asked.command, references, toolReferences: [], toolInvocationToken: undefined, model: undefined } as unknown as vscode.ChatRequest;
    const history = (asked.history ?? []).map((t) =>
      t.answer !== undefined
        ? { participant: PARTICIPANT_ID, command: t.command, result: {}, response: [new vscode.ChatResponseMarkdownPart(t.answer)] }
        : { participant: PARTICIPANT_ID, command: t.command, prompt: t.prompt ?? '', references: [], toolReferences: [] },
    );
    let markdown = '';
    const referenced: string[] = [];
    const stream = {
      markdown: (value: string | vscode.MarkdownString) => void (markdown += typeof value === 'string' ? value : value.value),
      reference: (value: vscode.Uri | vscode.Location) => void referenced.push(value instanceof vscode.Location ? `${value.uri.toString()}#${value.range.start.line}-${value.range.end.line}` : value.toString()),
    } as unknown as vscode.ChatResponseStream;
    const source = new vscode.CancellationTokenSource();
    if (asked.cancelAfterMs !== undefined) setTimeout(() => source.cancel(), asked.cancelAfterMs);
    try {
      const result = await handler(request, { history } as unknown as vscode.ChatContext, stream, source.token);
      return { registered, markdown, referenced, result };
    } finally {
      source.dispose();
    }
  });
}

async function answer(services: Services, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  if (services.usageCapReached()) return { errorDetails: { message: capReachedMessage(services.settings().usage.dailyLimitUsd) } };
  const refs = await references(services, request.references);
  if ('excluded' in refs) {
    stream.markdown(`Kestrel sent nothing: ${escapeMarkdown(refs.excluded)} is excluded (kestrel.exclude or .kestrelignore). Leave it out of the question.`);
    return {};
  }
  if ('unreadable' in refs) {
    stream.markdown(`Kestrel sent nothing: ${escapeMarkdown(refs.unreadable)} could not be read as a text file (a folder, a binary file or one that is gone). Leave it out of the question.`);
    return {};
  }
  const editor = vscode.window.activeTextEditor;
  let target = refs.targets[0];
  if (!target && editor && !editor.selection.isEmpty) {
    if (services.isExcluded(editor.document.uri)) {
      stream.markdown(`Kestrel sent nothing: ${escapeMarkdown(vscode.workspace.asRelativePath(editor.document.uri))} is excluded (kestrel.exclude or .kestrelignore).`);
      return {};
    }
    target = targetOf(editor.document, editor.selection);
  }
  const question: ParticipantQuestion = {
    prompt: request.prompt,
    command: request.command,
    target: target?.target,
    attached: refs.targets.slice(target === refs.targets[0] ? 1 : 0).map((t) => fencedTarget(t.target)),
    diagnostics: request.command === 'fix' && target ? diagnosticsIn(target.document, target.range) : undefined,
    history: historyOf(context),
  };
  const missing = missingFor(question);
  if (missing) {
    stream.markdown(missing);
    return {};
  }
  const handle = await services.clientFor('chat', { interactive: true });
  if (!handle || !handle.model) {
    stream.markdown('Kestrel sent nothing: it needs an API key and a chat model. Run **Kestrel: Set API Key** or **Kestrel: Select Model**.');
    return {};
  }
  const instructions = await readProjectInstructions(services, target?.document.uri ?? editor?.document.uri);
  const system = withInstructions(SYSTEM_PROMPT, instructions);
  // Referenced files past the prompt budget are cut or left out: the answer says which.
  const { messages, notes } = participantMessages(question, system, BUDGET_CHARS);
  if (notes.length) stream.markdown(`${notes.map((note) => `Kestrel: ${escapeMarkdown(note)}`).join('  \n')}\n\n`);
  if (target) stream.reference(new vscode.Location(target.document.uri, target.range));
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  try {
    const reply = handle.client.stream({ model: handle.model, messages, maxTokens: 4096, temperature: 0.2 }, { signal: abort.signal });
    for await (const delta of reply) stream.markdown(delta);
    await reply.result;
    return { metadata: { model: handle.model } };
  } catch (error) {
    if (token.isCancellationRequested) return {};
    // A provider's words are data: VS Code draws the error message as markdown, so it is escaped.
    return { errorDetails: { message: errorMessage(error) } };
  } finally {
    subscription.dispose();
  }
}

interface Target {
  document: vscode.TextDocument;
  range: vscode.Range;
  target: ActionTarget;
}

/** The files and ranges the user referenced, read only when not excluded. */
async function references(services: Services, refs: readonly vscode.ChatPromptReference[]): Promise<{ targets: Target[] } | { excluded: string } | { unreadable: string }> {
  const targets: Target[] = [];
  for (const ref of refs) {
    const value = ref.value;
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    if (!uri) continue;
    if (services.isExcluded(uri)) return { excluded: vscode.workspace.asRelativePath(uri) };
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch {
      // A #folder, a binary file or a file deleted since: said in the answer, not thrown at VS Code's chat.
      return { unreadable: vscode.workspace.asRelativePath(uri) };
    }
    const range = value instanceof vscode.Location ? value.range : new vscode.Range(0, 0, document.lineCount, 0);
    targets.push(targetOf(document, range));
  }
  return { targets };
}

function targetOf(document: vscode.TextDocument, range: vscode.Range): Target {
  const full = document.validateRange(new vscode.Range(range.start.line, 0, range.end.line, Number.MAX_SAFE_INTEGER));
  const code = document.getText(full).slice(0, MAX_REFERENCE_CHARS);
  return {
    document,
    range: full,
    target: { path: vscode.workspace.asRelativePath(document.uri), languageId: document.languageId, code, startLine: full.start.line + 1, endLine: full.end.line + 1 },
  };
}

/** The conversation so far with `@kestrel`: questions as typed, answers as their markdown text. */
function historyOf(context: vscode.ChatContext): ParticipantQuestion['history'] {
  const history: ParticipantQuestion['history'] = [];
  for (const turn of context.history) {
    if ('prompt' in turn) history.push({ role: 'user', content: turn.command ? `/${turn.command} ${turn.prompt}` : turn.prompt });
    else if ('response' in turn) {
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : '')).join('');
      if (text) history.push({ role: 'assistant', content: text });
    }
  }
  return history;
}

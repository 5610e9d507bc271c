// The chat panel in the real extension host: it opens, a question carries the attached code to the
// provider, the answer lands in the session, Stop closes the connection, excluded files are never
// attached, and messages that fail the protocol are ignored.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeServer } from '../support/fake-server';
import { type ChatState, notices, resetSettings, setSettings, sleep, useFakeServer, waitFor } from './helpers';

const state = () => vscode.commands.executeCommand<ChatState>('kestrel._test.chatState');

describe('Chat panel', () => {
  let server: FakeServer;
  before(async () => {
    server = await useFakeServer({ latency: { firstTokenMs: 50, tokensPerSecond: 200 } });
  });
  after(async () => {
    await server.close();
    await resetSettings(['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model']);
  });

  it('opens from the command palette command', async () => {
    await vscode.commands.executeCommand('kestrel.newChat');
    await vscode.commands.executeCommand('kestrel.openChat');
    assert.equal((await state()).turns.length, 0);
  });

  it('sends the question with the attached code and keeps the streamed answer in the session', async () => {
    server.script({ text: '## Answer\n\n- it adds\n\n```ts\nadd(1, 2);\n```' });
    await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'What does this do?', attachment: { uri: 'untitled:math.ts', languageId: 'typescript', startLine: 0, endLine: 2, text: 'function add(a, b) {\n  return a + b;\n}' } });
    const s = await waitFor(async () => ((await state()).busy ? undefined : state()), 'the answer');
    const sent = server.requests.at(-1)!.body.messages as { role: string; content: string }[];
    assert.equal(sent[0].role, 'system');
    assert.match(sent.at(-1)!.content, /What does this do\?[\s\S]*math\.ts:1-3[\s\S]*return a \+ b;/);
    assert.equal(s.turns.at(-1)!.content, '## Answer\n\n- it adds\n\n```ts\nadd(1, 2);\n```');
    assert.ok(s.sessions >= 1, 'the session is saved');
  });

  it('Stop aborts the request: the server sees the connection close and the partial answer stays', async () => {
    server.script({ text: 'word '.repeat(400), tokensPerSecond: 40 });
    const sending = vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'Tell me a long story' });
    await waitFor(async () => {
      const s = await state();
      return (s.busy && s.turns.at(-2)?.content === 'Tell me a long story' && s.turns.at(-1)!.content.length > 10) || undefined;
    }, 'some streamed text');
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'stop' });
    await sending;
    const s = await state();
    assert.equal(s.turns.at(-1)!.error, 'Stopped.');
    assert.ok(s.turns.at(-1)!.content.length > 0);
    await waitFor(() => server.requests.at(-1)!.aborted || undefined, 'the server to see the abort');
  });

  it('shows a provider error in the conversation with its message, and Retry asks again', async () => {
    server.script({ status: 401 }, { text: 'Works now.' });
    await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'hello?' });
    assert.match((await state()).turns.at(-1)!.error ?? '', /rejected the API key \(401\)/);
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'retry' });
    const s = await state();
    assert.equal(s.turns.at(-1)!.content, 'Works now.');
    assert.equal(s.turns.at(-1)!.error, undefined);
  });

  it('says what is missing when nothing could be sent, and offers that fix, not the key', async () => {
    await notices({ reset: true, answers: {} });
    try {
      await setSettings({ 'kestrel.baseUrl': '' });
      await sleep(150);
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'No server set', newSession: true });
      const noBaseUrl = (await state()).turns.at(-1)!;
      assert.match(noBaseUrl.error ?? '', /Nothing was sent: the provider needs a base URL/);
      assert.equal(noBaseUrl.action, 'openBaseUrl');
      await setSettings({ 'kestrel.baseUrl': server.url, 'kestrel.model': '' });
      await sleep(150);
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'No model set', newSession: true });
      const noModel = (await state()).turns.at(-1)!;
      assert.match(noModel.error ?? '', /choose a model/);
      assert.equal(noModel.action, 'selectModel');
      // The notification beside it offers the same fix.
      assert.deepEqual((await notices()).map((n) => n.actions), [['Open Settings'], ['Select Model']]);
    } finally {
      await setSettings({ 'kestrel.baseUrl': server.url, 'kestrel.model': 'fake-model' });
      await sleep(150);
    }
  });

  it('never attaches an excluded file', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const env = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, '.env'));
    const editor = await vscode.window.showTextDocument(env);
    editor.selection = new vscode.Selection(0, 0, 0, 10);
    await vscode.commands.executeCommand('kestrel.ask');
    assert.deepEqual((await state()).attachments, []);
  });

  it('attaches the selection with Ask About Selection, shown with file and lines', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src', 'cart.ts')));
    editor.selection = new vscode.Selection(6, 0, 8, 1);
    await vscode.commands.executeCommand('kestrel.ask');
    assert.deepEqual((await state()).attachments, ['cart.ts:7-9']);
  });

  it('ignores messages that fail the protocol', async () => {
    const before = server.requests.length;
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'send', text: 42 });
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'openLink', href: 'command:workbench.action.terminal.new' });
    await sleep(100);
    assert.equal(server.requests.length, before);
  });
});

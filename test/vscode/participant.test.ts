// Kestrel in VS Code's own chat, tested as another extension or VS Code's chat would use it: this
// VS Code ships no chat view, so `@kestrel`'s handler is run through the API it is given (a request,
// its references and history, a response stream, a cancellation token), and Kestrel's language
// models are found with `vscode.lm.selectChatModels({ vendor: 'kestrel' })` and asked with
// `sendRequest`, against the fake provider.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeServer } from '../support/fake-server';
import { kestrelChatModels, resetSettings, useFakeServer, waitFor } from './helpers';

interface Answered {
  registered: boolean;
  markdown: string;
  referenced: string[];
  result: { errorDetails?: { message: string }; metadata?: { model?: string } };
}
interface Asked {
  prompt: string;
  command?: string;
  references?: { uri: string; range?: [number, number, number, number] }[];
  history?: { prompt?: string; command?: string; answer?: string }[];
  cancelAfterMs?: number;
}
const ask = (asked: Asked) => vscode.commands.executeCommand<Answered>('kestrel._test.participant', asked);
const file = (relative: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, relative).toString();
type Sent = { role: string; content: string }[];

describe('@kestrel in VS Code\'s chat, and Kestrel\'s models for other extensions', () => {
  let server: FakeServer;
  const model = 'participant-model';
  before(async () => {
    server = await useFakeServer({ latency: { firstTokenMs: 20, tokensPerSecond: 400 } }, { 'kestrel.model': model });
  });
  after(async () => {
    await server.close();
    await resetSettings(['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model']);
  });

  it('/explain on a referenced range: the panel\'s system prompt, the action\'s request about that code, the answer streamed back', async () => {
    server.script({ text: '`applyDiscount` **scales** the total.' });
    const before = server.completions.length;
    const answered = await ask({ prompt: 'briefly', command: 'explain', references: [{ uri: file('src/cart.ts'), range: [10, 0, 15, 1] }] });
    assert.equal(answered.registered, true, '@kestrel is registered with VS Code\'s chat');
    assert.equal(answered.markdown, '`applyDiscount` **scales** the total.');
    assert.equal(answered.result.metadata?.model, model);
    assert.equal(server.completions.length, before + 1);
    const sent = server.completions.at(-1)!.body.messages as Sent;
    assert.equal(sent[0].role, 'system');
    assert.match(sent[0].content, /^You are Kestrel, a concise coding assistant/, 'the panel\'s system prompt');
    const question = sent.at(-1)!.content;
    assert.match(question, /^Explain what this code does/);
    assert.match(question, /src\/cart\.ts \(typescript\), lines 11–16/);
    assert.match(question, /export function applyDiscount\(total: number, percent: number\): number \{/);
    assert.ok(!question.includes('export function subtotal'), 'only the referenced lines');
    assert.match(question, /The user adds: briefly$/);
    assert.deepEqual(answered.referenced, [`${file('src/cart.ts')}#10-15`], 'the answer names the code it is about');
  });

  it('a plain question carries the conversation before it, and a referenced file in full', async () => {
    server.script({ text: 'Yes.' });
    await ask({
      prompt: 'Is it safe?',
      references: [{ uri: file('src/cart.ts') }],
      history: [{ prompt: 'What is subtotal?' }, { answer: 'It sums price × quantity.' }],
    });
    const sent = server.completions.at(-1)!.body.messages as Sent;
    assert.deepEqual(sent.slice(1, 3), [
      { role: 'user', content: 'What is subtotal?' },
      { role: 'assistant', content: 'It sums price × quantity.' },
    ]);
    assert.match(sent.at(-1)!.content, /^Is it safe\?\n\nsrc\/cart\.ts:1-\d+ \(typescript\)\n```typescript\nexport interface Item/);
  });

  it('an excluded file referenced is refused by name: nothing is sent, no byte of it shown', async () => {
    const before = server.completions.length;
    const answered = await ask({ prompt: 'What is in here?', command: 'explain', references: [{ uri: file('src/cart.ts') }, { uri: file('.env') }] });
    assert.match(answered.markdown, /Kestrel sent nothing: \\?\.env is excluded/);
    assert.ok(!answered.markdown.includes('this-file-is-excluded-by-default'));
    assert.equal(server.completions.length, before, 'no request');
  });

  it('a referenced folder or missing file is named in the answer, nothing sent, no error thrown at the chat', async () => {
    const before = server.completions.length;
    for (const uri of [file('src'), file('src/no-such-file.ts')]) {
      const answered = await ask({ prompt: 'What is in here?', references: [{ uri }] });
      assert.match(answered.markdown, /Kestrel sent nothing: .+ could not be read as a text file/);
    }
    assert.equal(server.completions.length, before, 'no request');
  });

  it('/fix with no code selected or referenced says what it needs and sends nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = server.completions.length;
    const answered = await ask({ prompt: '', command: 'fix' });
    assert.match(answered.markdown, /Select the code for \/fix/);
    assert.equal(server.completions.length, before);
  });

  it('/tests on the editor\'s selection asks for the tests of that code', async () => {
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(file('src/cart.ts')));
    editor.selection = new vscode.Selection(17, 0, 19, 1);
    server.script({ text: '```ts\nit("formats", () => {});\n```' });
    await ask({ prompt: '', command: 'tests' });
    const question = (server.completions.at(-1)!.body.messages as Sent).at(-1)!.content;
    assert.match(question, /^Write unit tests for this code/);
    assert.match(question, /export function formatPrice/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a provider error comes back as the result\'s error, as text', async () => {
    server.script({ status: 401 });
    const answered = await ask({ prompt: 'hello?' });
    assert.match(answered.result.errorDetails?.message ?? '', /401/);
  });

  it('cancelling the request (the user pressed Stop) closes the connection', async () => {
    server.script({ text: 'word '.repeat(500), tokensPerSecond: 40 });
    const answered = await ask({ prompt: 'A long story, please.', cancelAfterMs: 400 });
    assert.ok(answered.markdown.length > 0 && answered.markdown.length < 2500, `part of the answer arrived: ${answered.markdown.length} characters`);
    await waitFor(() => server.requests.at(-1)!.aborted || undefined, 'the server to see the abort');
  });

  it('another extension finds Kestrel\'s models with selectChatModels and gets an answer streamed', async function () {
    const models = await kestrelChatModels();
    if (!models) return this.skip(); // this VS Code has no language model API
    const [chatModel] = models;
    assert.equal(chatModel.vendor, 'kestrel');
    assert.equal(chatModel.id, model);
    server.script({ text: 'Streamed from Kestrel.' });
    const response = await chatModel.sendRequest([vscode.LanguageModelChatMessage.User('Say hi')], {});
    const parts: string[] = [];
    for await (const part of response.text) parts.push(part);
    assert.equal(parts.join(''), 'Streamed from Kestrel.');
    assert.ok(parts.length > 1, 'in several parts, as it streamed');
    const sent = server.completions.at(-1)!.body;
    assert.equal(sent.model, model);
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'Say hi' }]);
  });
});

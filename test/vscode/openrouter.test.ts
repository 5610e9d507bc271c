// OpenRouter in the real extension host, against the fake OpenRouter: the chat's prompt cache seen
// in Show Usage, and the offer to switch from a retired default model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { chatState, kestrel, notices, resetSettings, scratch, setSettings, TEST_KEY, waitFor } from './helpers';

const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.chat.model', 'kestrel.inline.debounceMs'];

async function useOpenRouter(server: FakeServer, settings: Record<string, unknown> = {}): Promise<void> {
  await setSettings({ 'kestrel.provider': 'openrouter', 'kestrel.baseUrl': server.url, 'kestrel.model': 'anthropic/claude-3.5-haiku', ...settings });
  // Stored after the base URL moved, so the key is bound to the fake server's origin.
  await (await kestrel()).secrets.store('openrouter', TEST_KEY);
}

const answered = () => waitFor(async () => ((await chatState()).busy ? undefined : chatState()), 'the answer', 10_000);

describe('OpenRouter: prompt caching in the chat', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ flavour: 'openrouter' });
    await useOpenRouter(server);
  });
  after(async () => {
    await server.close();
    await resetSettings(SETTINGS);
  });

  it('a second question about the same big attachment reads it from the cache, and Show Usage says so', async () => {
    // About 3,000 tokens: above Claude 3.5 Haiku's 2,048-token minimum. Unique to this run.
    const run = Date.now().toString(36);
    const code = Array.from({ length: 160 }, (_, i) => `export function helper${i}_${run}(xs: number[]) { return xs.map((x) => x * ${i}); }`).join('\n');
    await vscode.commands.executeCommand('kestrel.newChat');
    await vscode.commands.executeCommand('kestrel.openChat');
    const before = server.completions.length;
    await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'What do these helpers do?', attachment: { uri: 'untitled:helpers.ts', languageId: 'typescript', startLine: 0, endLine: 159, text: code } });
    await answered();
    await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'Which one is the largest?' });
    await answered();
    assert.equal(server.completions.length, before + 2);
    const [first, second] = server.completions.slice(-2).map((r) => r.body.messages as { role: string; content: unknown }[]);
    for (const messages of [first, second]) {
      const marked = messages.findIndex((m) => Array.isArray(m.content));
      assert.equal(marked, 1, 'the breakpoint is on the question that carries the code');
      assert.deepEqual((messages[1].content as { cache_control?: unknown }[])[0].cache_control, { type: 'ephemeral' });
    }
    assert.equal(typeof second.at(-1)!.content, 'string', 'the new question is not part of the cached prefix');

    await vscode.commands.executeCommand('kestrel.showUsage');
    const usage = await vscode.workspace.openTextDocument(vscode.Uri.parse('kestrel-usage:/Kestrel%20Usage.md'));
    const text = await waitFor(() => (/## Prompt cache/.test(usage.getText()) ? usage.getText() : undefined), 'the prompt cache in Show Usage');
    const today = /Today: ([\d,]+) read, ([\d,]+) written\./.exec(text);
    assert.ok(today, text);
    const [read, written] = [today[1], today[2]].map((n) => Number(n.replace(/,/g, '')));
    assert.ok(read >= 2048, `read from the cache today: ${read}`);
    assert.equal(read, written, 'the second question read what the first wrote');
    assert.match(text, /\| anthropic\/claude-3\.5-haiku \| [\d,]+ \| [1-9][\d,]* \| [1-9][\d,]* \|/);
  });
});

describe('OpenRouter: the retired default model', () => {
  const RETIRED = 'anthropic/claude-3.5-haiku';
  const SUCCESSOR = 'anthropic/claude-haiku-4.5';
  let server: FakeServer;
  const provide = () => vscode.commands.executeCommand('kestrel._test.provideInline', { explicit: true });
  const offers = async () => (await notices()).filter((n) => n.actions.includes(`Switch to ${SUCCESSOR}`));

  before(async () => {
    server = await startFakeServer({ flavour: 'openrouter', retired: [RETIRED] });
    // The default model (kestrel.model empty), and a chat model the user set to the retired one.
    await useOpenRouter(server, { 'kestrel.model': '', 'kestrel.chat.model': RETIRED, 'kestrel.inline.debounceMs': 0 });
    await notices({ reset: true, answers: {} });
  });
  after(async () => {
    await notices({ reset: true, answers: null });
    await server.close();
    await resetSettings(SETTINGS);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('failing suggestions offer the successor once; its button switches both models and the next request uses it', async () => {
    const editor = await scratch('export function total(xs: number[]) {\n  return \n}\n');
    editor.selection = new vscode.Selection(1, 9, 1, 9);
    for (let i = 0; i < 3; i++) await provide();
    await waitFor(() => server.completions.length >= 3 || undefined, 'three suggestions to be refused');
    assert.ok(server.completions.slice(0, 3).every((r) => r.body.model === RETIRED));
    await waitFor(async () => ((await offers()).length ? true : undefined), 'the offer');
    const shown = await notices();
    assert.equal((await offers()).length, 1, `one offer for three failing suggestions: ${JSON.stringify(shown)}`);
    assert.match((await offers())[0].message, /no longer offers "anthropic\/claude-3\.5-haiku".*retired.*No endpoints found/);
    assert.ok((await offers())[0].actions.includes('Select Model'));
    assert.equal(shown.filter((n) => /does not offer/.test(n.message)).length, 0, 'and no second notice saying the same');

    // An action the user runs gets its answer: the offer again; this time the button is pressed.
    await notices({ reset: true, answers: { 'no longer offers': `Switch to ${SUCCESSOR}` } });
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel.document');
    const setting = (key: string) => vscode.workspace.getConfiguration().get(key);
    await waitFor(() => (setting('kestrel.model') === SUCCESSOR ? true : undefined), 'kestrel.model to be switched');
    // The chat model named the retired one: switched too.
    await waitFor(() => (setting('kestrel.chat.model') === SUCCESSOR ? true : undefined), 'kestrel.chat.model to be switched');
    assert.equal((await offers()).length, 1);
    await vscode.commands.executeCommand('kestrel.discardProposal');

    const sent = server.completions.length;
    editor.selection = new vscode.Selection(1, 9, 1, 9);
    await waitFor(async () => {
      await provide();
      return server.completions.length > sent || undefined;
    }, 'the next suggestion');
    assert.equal(server.completions.at(-1)!.body.model, SUCCESSOR, 'the next request uses the successor');
    assert.equal(server.completions.at(-1)!.aborted, false);
  });
});

// OpenRouter in the real extension host, against the fake OpenRouter: the chat's prompt cache seen
// in Show Usage.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { chatState, kestrel, resetSettings, setSettings, TEST_KEY, waitFor } from './helpers';

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

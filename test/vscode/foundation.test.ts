// The foundation, inside a real VS Code: activation, commands, the key through SecretStorage, and
// requests that carry the key to the provider and nowhere else.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { TEST_KEY, kestrel, resetSettings, setSettings, sleep, useFakeServer, waitFor } from './helpers';
import type { FakeServer } from '../support/fake-server';

const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model'];

describe('Foundation', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await resetSettings(SETTINGS);
  });

  it('activates and registers every command it contributes', async () => {
    await kestrel();
    const extension = vscode.extensions.getExtension('kestrel-labs.kestrel')!;
    assert.equal(extension.isActive, true);
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
    assert.ok(contributed.length >= 15);
  });

  it('keeps the key in SecretStorage: store, read back, delete', async () => {
    const api = await kestrel();
    await api.secrets.store('aimlapi', `${TEST_KEY}-aiml`);
    assert.equal(await api.secrets.get('aimlapi'), `${TEST_KEY}-aiml`);
    await api.secrets.delete('aimlapi');
    assert.equal(await api.secrets.get('aimlapi'), undefined);
  });

  it('sends the key as a Bearer token to the provider, and returns its answer', async () => {
    server = await useFakeServer();
    server.script({ text: 'pong from the fake provider' });
    const answer = await (await kestrel()).complete('chat', 'ping');
    assert.equal(answer?.text, 'pong from the fake provider');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(server.requests[0].body.messages.at(-1).content, 'ping');
  });

  it('sends nothing when the provider needs a key and none is set', async () => {
    server = await useFakeServer();
    const api = await kestrel();
    // OpenRouter needs a key; pointing its base URL at the fake server proves no request leaves.
    await setSettings({ 'kestrel.provider': 'openrouter', 'kestrel.baseUrl': server.url });
    await api.secrets.delete('openrouter');
    const answer = await api.complete('chat', 'ping');
    assert.equal(answer, undefined);
    await sleep(200);
    assert.equal(server.requests.length, 0);
  });

  it('counts tokens and cost per day and model in Show Usage', async () => {
    // A model no other test uses, so its row holds only these two requests.
    const model = `usage-probe-${Date.now().toString(36)}`;
    server = await useFakeServer({ flavour: 'openrouter', models: [{ id: model }] }, { 'kestrel.model': model });
    server.script({ text: 'one', usage: { prompt_tokens: 100, completion_tokens: 10, cost: 0.25 } }, { text: 'two', usage: { prompt_tokens: 50, completion_tokens: 5, cost: 0.5 } });
    const api = await kestrel();
    await api.complete('chat', 'first');
    await api.complete('chat', 'second');
    await vscode.commands.executeCommand('kestrel.showUsage');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('kestrel-usage:/Kestrel%20Usage.md'));
    const text = await waitFor(() => (doc.getText().includes(model) ? doc.getText() : undefined), 'the usage totals');
    assert.match(text, new RegExp(`\\| ${model} \\| 2 \\| 150 \\| 15 \\| 0\\.7500 \\|`));
  });

  it('never writes the key into settings or the Kestrel log, even after a provider error', async () => {
    server = await useFakeServer();
    server.script({ text: 'fine' }, { status: 401, errorMessage: `invalid key ${TEST_KEY}` });
    const api = await kestrel();
    await api.complete('chat', 'first');
    await api.complete('chat', 'second').catch(() => undefined);
    assert.deepEqual(settingsHolding(TEST_KEY), [], 'the key is in these settings');
    await sleep(500); // The log channel writes asynchronously.
    const logFile = vscode.Uri.joinPath(api.logUri, 'Kestrel.log');
    const candidates = [logFile.fsPath, `${api.logUri.fsPath}.log`];
    const log = candidates.map((p) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } }).join('\n');
    assert.match(log, /POST .*chat\/completions · 200/, 'the requests are in the Kestrel log');
    assert.ok(!log.includes(TEST_KEY), 'the key is in the Kestrel log');
    assert.ok(!/authorization|bearer/i.test(log), 'the Authorization header is in the log');
  });
});

/** Every Kestrel setting whose value at any level (default, user, workspace, folder) contains `text`. */
function settingsHolding(text: string): string[] {
  const extension = vscode.extensions.getExtension('kestrel-labs.kestrel')!;
  const contributed = extension.packageJSON.contributes.configuration as { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
  const names = (Array.isArray(contributed) ? contributed : [contributed]).flatMap((c) => Object.keys(c.properties));
  assert.ok(names.length > 10, 'the manifest lists its settings');
  const config = vscode.workspace.getConfiguration();
  return names.filter((name) => JSON.stringify(config.inspect(name) ?? {}).includes(text));
}

// Project instructions in the real extension host, against the fake server: the workspace folder's
// `.kestrel/instructions.md` and `AGENTS.md` reach the chat's and an action's request after the
// system text; removing the chip leaves them out of that chat (a new chat brings them back); the
// setting off stops them; an excluded instructions file, or a link to an excluded file, is never sent.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeServer, LoggedRequest } from '../support/fake-server';
import { resetSettings, setSettings, sleep, useFakeServer, waitFor } from './helpers';

interface State {
  sessionId: string;
  turns: { role: string; content: string; instructions?: string }[];
  instructions?: string;
  busy: boolean;
}
const state = () => vscode.commands.executeCommand<State>('kestrel._test.chatState');
const system = (r: LoggedRequest) => String((r.body.messages as { role: string; content: string }[])[0]?.role === 'system' ? r.body.messages[0].content : '');
const everything = (r: LoggedRequest) => JSON.stringify(r.body.messages);

const KESTREL_RULE = 'KESTREL-RULE: answer in British English.';
const AGENTS_RULE = 'AGENTS-RULE: run npm test before every commit.';
/** The sample workspace's `.env`, excluded by default. */
const ENV_TEXT = 'this-file-is-excluded-by-default';

describe('Project instructions', () => {
  let server: FakeServer;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;
  const write = (path: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), path), new TextEncoder().encode(text));

  async function ask(prompt: string, newSession = false): Promise<LoggedRequest> {
    const before = server.requests.length;
    await vscode.commands.executeCommand('kestrel.chat.send', { prompt, newSession });
    await waitFor(async () => !(await state()).busy || undefined, 'the answer');
    assert.equal(server.requests.length, before + 1, 'one request');
    return server.requests.at(-1)!;
  }

  async function refactor(): Promise<LoggedRequest> {
    const before = server.requests.length;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'typescript', content: 'export function add(a: number, b: number) {\n  return a + b;\n}\n' }));
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'use an arrow function');
    await waitFor(async () => (await vscode.commands.executeCommand<{ done: boolean } | undefined>('kestrel._test.waitProposal'))?.done, 'the proposal', 10_000);
    await vscode.commands.executeCommand('kestrel.discardProposal');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(server.requests.length, before + 1, 'one request');
    return server.requests.at(-1)!;
  }

  before(async () => {
    server = await useFakeServer({ respond: () => ({ text: '```ts\nexport const add = (a: number, b: number) => a + b;\n```' }) });
    await write('.kestrel/instructions.md', `# House rules\n\n${KESTREL_RULE}\n`);
    await write('AGENTS.md', `${AGENTS_RULE}\n`);
    // A link with an instructions name that points at an excluded file.
    mkdirSync(join(folder().fsPath, '.github'), { recursive: true });
    symlinkSync('../.env', join(folder().fsPath, '.github', 'copilot-instructions.md'));
  });
  after(async () => {
    await server.close();
    for (const path of ['.kestrel', 'AGENTS.md', '.github']) rmSync(vscode.Uri.joinPath(folder(), path).fsPath, { recursive: true, force: true });
    await resetSettings(['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.chat.projectInstructions', 'kestrel.exclude']);
    await vscode.commands.executeCommand('kestrel.newChat');
  });

  it('a chat question carries them after the system text, in order; the chip and the question say so; a link to .env is not read', async () => {
    await vscode.commands.executeCommand('kestrel.newChat');
    const sent = await ask('How should I name things?');
    const text = system(sent);
    assert.match(text, /^You are Kestrel/, "Kestrel's own system text first");
    const kestrel = text.indexOf(KESTREL_RULE);
    const agents = text.indexOf(AGENTS_RULE);
    assert.ok(kestrel > 0 && agents > kestrel, `both files, .kestrel/instructions.md first:\n${text}`);
    assert.ok(!everything(sent).includes(ENV_TEXT), 'the linked .env was sent');
    assert.ok(!text.includes('copilot-instructions'), 'the link is not even named');
    const s = await state();
    const label = `.kestrel/instructions.md, AGENTS.md · ${Buffer.byteLength(`# House rules\n\n${KESTREL_RULE}\n`) + Buffer.byteLength(`${AGENTS_RULE}\n`)} B`;
    assert.equal(s.instructions, label, 'the chip');
    assert.equal(s.turns.at(-2)!.instructions, label, 'the question shows what it carried');
    assert.ok(!s.turns.at(-2)!.content.includes(AGENTS_RULE), 'not in the question itself');
  });

  it('an action carries them too', async () => {
    const text = system(await refactor());
    assert.ok(text.includes(KESTREL_RULE) && text.includes(AGENTS_RULE), text);
    assert.ok(!text.includes(ENV_TEXT));
  });

  it('a changed file is read again at the next question', async () => {
    await write('AGENTS.md', 'AGENTS-RULE-2: prefer small functions.\n');
    try {
      const text = system(await ask('And now?'));
      assert.ok(text.includes('AGENTS-RULE-2') && !text.includes(AGENTS_RULE), text);
    } finally {
      await write('AGENTS.md', `${AGENTS_RULE}\n`);
    }
  });

  it('removing the chip leaves them out of this chat; a new chat brings them back', async () => {
    await vscode.commands.executeCommand('kestrel.newChat');
    await waitFor(async () => (await state()).instructions, 'the chip');
    await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'removeInstructions' });
    assert.equal((await state()).instructions, undefined, 'the chip is gone');
    for (const question of ['First question', 'Second question']) {
      const sent = await ask(question);
      assert.ok(!everything(sent).includes('RULE'), `sent without them: ${system(sent)}`);
    }
    assert.equal((await state()).turns.at(-2)!.instructions, undefined, 'the question carried none');
    await vscode.commands.executeCommand('kestrel.newChat');
    assert.ok((await state()).instructions, 'the chip is back');
    assert.ok(system(await ask('A new chat')).includes(AGENTS_RULE));
  });

  it('kestrel.chat.projectInstructions off: neither the chat nor an action sends them', async () => {
    await setSettings({ 'kestrel.chat.projectInstructions': false });
    try {
      await sleep(150);
      await waitFor(async () => (await state()).instructions === undefined || undefined, 'the chip to go');
      assert.ok(!everything(await ask('Off?', true)).includes('RULE'));
      assert.ok(!everything(await refactor()).includes('RULE'));
    } finally {
      await setSettings({ 'kestrel.chat.projectInstructions': undefined });
      await sleep(150);
    }
    assert.ok(system(await ask('On again', true)).includes(AGENTS_RULE));
  });

  it('an excluded instructions file is never sent: AGENTS.md, then .kestrel/** too', async () => {
    await setSettings({ 'kestrel.exclude': ['**/.env*', 'AGENTS.md'] });
    try {
      await sleep(300);
      let sent = await ask('Excluded?', true);
      assert.ok(system(sent).includes(KESTREL_RULE), 'the other file still goes');
      assert.ok(!everything(sent).includes(AGENTS_RULE), 'AGENTS.md was sent');
      assert.ok(!everything(await refactor()).includes(AGENTS_RULE), 'AGENTS.md was sent with an action');
      assert.equal((await state()).instructions?.startsWith('.kestrel/instructions.md · '), true);
      await setSettings({ 'kestrel.exclude': ['**/.env*', 'AGENTS.md', '.kestrel/**'] });
      await sleep(300);
      sent = await ask('Both excluded?', true);
      assert.ok(!everything(sent).includes('RULE'), system(sent));
      assert.equal((await state()).instructions, undefined);
    } finally {
      await setSettings({ 'kestrel.exclude': undefined });
      await sleep(300);
    }
  });
});

// Context the user chooses in the chat panel, in the real extension host: a `#` mention lists
// workspace files (never an excluded one) and a picked file reaches the request; `.env` is never
// listed, read or sent; the + menu attaches the Problems list with its diagnostics; a huge file is
// cut and the chip says so; attachments over the prompt budget are cut or left out, named.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeServer } from '../support/fake-server';
import { notices, resetSettings, useFakeServer, waitFor } from './helpers';

interface State {
  turns: { role: string; content: string; attachments?: string[] }[];
  attachments: string[];
  chips: string[];
  mentions: string[];
  busy: boolean;
}
const state = () => vscode.commands.executeCommand<State>('kestrel._test.chatState');
const message = (m: unknown) => vscode.commands.executeCommand('kestrel._test.chatMessage', m);
const lastQuestion = (server: FakeServer) => String((server.requests.at(-1)!.body.messages as { role: string; content: string }[]).at(-1)!.content);

async function sendAndWait(server: FakeServer, text: string): Promise<void> {
  const before = server.requests.length;
  await message({ type: 'send', text });
  await waitFor(async () => (server.requests.length > before && !(await state()).busy) || undefined, 'the answer');
}

describe('Chat context: # mentions, the + menu and the budget', () => {
  let server: FakeServer;
  const folder = () => vscode.workspace.workspaceFolders![0].uri;
  const written: vscode.Uri[] = [];
  const write = async (path: string, text: string) => {
    const uri = vscode.Uri.joinPath(folder(), path);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    written.push(uri);
  };

  before(async () => {
    server = await useFakeServer({ latency: { firstTokenMs: 10, tokensPerSecond: 2000 }, respond: () => ({ text: 'Seen.' }) });
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('kestrel.newChat');
  });
  after(async () => {
    for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    await server.close();
    await resetSettings(['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model']);
  });

  it('a #file mention of src/cart.ts is listed, shown as a chip with its size, and reaches the request', async () => {
    await message({ type: 'mentionQuery', requestId: 1, query: 'car' });
    assert.equal((await state()).mentions[0], 'src/cart.ts');
    await message({ type: 'attachPath', path: 'src/cart.ts' });
    const bytes = (await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder(), 'src', 'cart.ts'))).size;
    const chip = (await state()).chips[0];
    assert.match(chip, /^cart\.ts · \d/);
    assert.ok(chip.endsWith(bytes < 1000 ? `${bytes} B` : 'KB'), chip);
    await sendAndWait(server, 'What does cart.ts do?');
    assert.match(lastQuestion(server), /What does cart\.ts do\?[\s\S]*cart\.ts[\s\S]*export function subtotal/);
  });

  it('.env (excluded by default) is never listed, never read and never sent', async () => {
    await notices({ reset: true, answers: {} });
    for (const query of ['env', '.env', 'en']) {
      await message({ type: 'mentionQuery', requestId: 2, query });
      assert.ok(!(await state()).mentions.some((p) => /(^|\/)\.env/.test(p)), `listed for ${query}: ${(await state()).mentions.join(', ')}`);
    }
    // The page is untrusted: it may ask for it anyway.
    await message({ type: 'attachPath', path: '.env' });
    assert.deepEqual((await state()).attachments, []);
    assert.ok((await notices()).some((n) => /\.env is excluded/.test(n.message)), 'the user is told, naming the file');
    await sendAndWait(server, 'Anything there?');
    assert.ok(!JSON.stringify(server.requests.at(-1)!.body).includes('this-file-is-excluded-by-default'));
  });

  it('a path that leaves the workspace is dropped by the protocol', async () => {
    await message({ type: 'attachPath', path: '../../../etc/hostname' });
    await message({ type: 'attachPath', path: '/etc/hostname' });
    assert.deepEqual((await state()).attachments, []);
  });

  it('a link that leads outside the workspace, a link to .env and a binary file are refused, each named', async () => {
    if (folder().scheme !== 'file') return;
    const outside = mkdtempSync(join(tmpdir(), 'kestrel-outside-'));
    try {
      writeFileSync(join(outside, 'elsewhere.ts'), 'export const OUTSIDE_MARKER = 1;\n');
      symlinkSync(join(outside, 'elsewhere.ts'), join(folder().fsPath, 'link-outside.ts'));
      written.push(vscode.Uri.joinPath(folder(), 'link-outside.ts'));
      symlinkSync(join(folder().fsPath, '.env'), join(folder().fsPath, 'notes-link.txt'));
      written.push(vscode.Uri.joinPath(folder(), 'notes-link.txt'));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'image.bin'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
      written.push(vscode.Uri.joinPath(folder(), 'image.bin'));
      await notices({ reset: true, answers: {} });
      for (const path of ['link-outside.ts', 'notes-link.txt', 'image.bin']) await message({ type: 'attachPath', path });
      assert.deepEqual((await state()).attachments, []);
      const told = (await notices()).map((n) => n.message).join('\n');
      assert.match(told, /link-outside\.ts leads outside the workspace/);
      assert.match(told, /notes-link\.txt is excluded/);
      assert.match(told, /image\.bin is not a text file/);
      await write('notes-plain.txt', 'plain notes\n');
      // A new file is offered once the workspace's watcher tells of it.
      const offered = await waitFor(async () => {
        await message({ type: 'mentionQuery', requestId: 3, query: 'notes-' });
        const mentions = (await state()).mentions;
        return mentions.includes('notes-plain.txt') ? mentions : undefined;
      }, 'notes-plain.txt in the # list', 4000);
      assert.deepEqual(offered, ['notes-plain.txt'], 'a link to .env is not offered, the plain file beside it is');
      await message({ type: 'mentionQuery', requestId: 4, query: 'link-' });
      assert.deepEqual((await state()).mentions, [], 'a link leading outside the workspace is not offered');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('the + menu attaches the Problems list, carrying a diagnostic', async () => {
    const diagnostics = vscode.languages.createDiagnosticCollection('kestrel-context-test');
    try {
      const cart = vscode.Uri.joinPath(folder(), 'src', 'cart.ts');
      diagnostics.set(cart, [new vscode.Diagnostic(new vscode.Range(3, 0, 3, 5), "Cannot find name 'Iten'.", vscode.DiagnosticSeverity.Error)]);
      // From the chat, as a person would (the quick pick's keys need the window's focus).
      await vscode.commands.executeCommand('kestrel.openChat');
      // Problems is the menu's first entry: accept it once the quick pick shows. A quick pick the
      // workbench closed before it was accepted (it can, when the window was idle a while) is opened again.
      let menu: Thenable<unknown> | undefined;
      await waitFor(async () => {
        if ((await state()).attachments.includes('Problems')) return true;
        menu ??= message({ type: 'addContext' }).then(() => (menu = undefined));
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return undefined;
      }, 'the Problems chip', 15_000);
      await menu;
      await sendAndWait(server, 'Fix the problems');
      assert.match(lastQuestion(server), /src\/cart\.ts:4 error Cannot find name 'Iten'\./);
    } finally {
      diagnostics.dispose();
    }
  });

  it('a huge file is cut to the attachment limit, and the chip and the question say so', async () => {
    await write('huge-context.ts', `${'// a long file\n'.repeat(10_000)}`);
    await message({ type: 'attachPath', path: 'huge-context.ts' });
    assert.deepEqual((await state()).chips, ['huge-context.ts · 150 KB · cut to 60,000 characters']);
    await sendAndWait(server, 'Summarise it');
    assert.deepEqual((await state()).turns.at(-2)!.attachments, ['huge-context.ts · cut to 60,000 characters']);
    const sent = lastQuestion(server);
    assert.ok(sent.length < 61_000 && sent.length > 60_000, String(sent.length));
  });

  it('attachments over the prompt budget: the next one is cut to fit and the rest left out, each named', async () => {
    await write('huge-a.ts', 'a'.repeat(100_000));
    await write('huge-b.ts', 'b'.repeat(100_000));
    await write('huge-c.ts', 'c'.repeat(100_000));
    for (const path of ['huge-a.ts', 'huge-b.ts', 'huge-c.ts']) await message({ type: 'attachPath', path });
    await sendAndWait(server, 'Compare them');
    const chips = (await state()).turns.at(-2)!.attachments ?? [];
    assert.equal(chips[0], 'huge-a.ts · cut to 60,000 characters');
    assert.match(chips[1], /^huge-b\.ts · cut to 60,000 characters, then cut to [\d,]+ characters to fit the prompt budget$/);
    assert.equal(chips[2], 'huge-c.ts · left out: the prompt budget was used up');
    const sent = lastQuestion(server);
    assert.ok(!sent.includes('ccc'), 'the left-out file was not sent');
    assert.ok(sent.length <= 120_000, String(sent.length));
  });
});

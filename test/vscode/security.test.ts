// Security in the real extension host, against fake servers: a workspace's settings cannot send
// requests or the key elsewhere, the key goes only to the origin it was stored for, plain http to
// another machine asks first (once), excluded and .kestrelignore'd files never reach any request
// body, and what Restricted Mode declares.
import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { chatState, kestrel, kestrelChatModels, notices, resetSettings, scratch, setSettings, sleep, TEST_KEY, useFakeServer, waitFor } from './helpers';


const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.exclude', 'kestrel.inline.debounceMs'];

const folder = () => vscode.workspace.workspaceFolders![0].uri;
const file = (relative: string) => vscode.Uri.joinPath(folder(), relative);
const completions = (server: FakeServer) => server.completions;
const chat = (prompt: string) => vscode.commands.executeCommand('kestrel.chat.send', { prompt, newSession: true });
const provideInline = (explicit: boolean) => vscode.commands.executeCommand<{ text: string } | undefined>('kestrel._test.provideInline', { explicit });
const isExcluded = (uri: vscode.Uri) => vscode.commands.executeCommand<boolean>('kestrel._test.isExcluded', uri.toString());

async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}
async function remove(uri: vscode.Uri): Promise<void> {
  await Promise.resolve(vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false })).catch(() => undefined);
}

/** Settings change, then the extension has re-read them (it listens for the change event). */
async function configure(values: Record<string, unknown>): Promise<void> {
  await setSettings(values);
  await sleep(150);
}

/** Writes `.vscode/settings.json` of the test workspace and waits until VS Code has read it. */
async function workspaceSettings(values: Record<string, unknown>): Promise<void> {
  const marker = 100 + Math.floor(Math.random() * 800);
  // A window-scoped setting in the same file shows when VS Code has loaded it.
  await writeText(file('.vscode/settings.json'), JSON.stringify({ ...values, 'kestrel.inline.debounceMs': marker }, null, 2));
  await waitFor(() => vscode.workspace.getConfiguration('kestrel').inspect('inline.debounceMs')?.workspaceValue === marker || undefined, 'VS Code to read .vscode/settings.json', 15_000);
  await sleep(200);
}
async function removeWorkspaceSettings(): Promise<void> {
  await remove(file('.vscode'));
  await waitFor(() => vscode.workspace.getConfiguration('kestrel').inspect('inline.debounceMs')?.workspaceValue === undefined || undefined, 'VS Code to drop .vscode/settings.json', 15_000);
  await sleep(200);
}

function packageJson(): { contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } }; capabilities: { untrustedWorkspaces: { supported: unknown; description?: string; restrictedConfigurations?: string[] } } } {
  return vscode.extensions.getExtension('kestrel-labs.kestrel')!.packageJSON;
}
/** The default `kestrel.exclude`, as the installed extension declares it. */
const defaultExclude = () => packageJson().contributes.configuration.properties['kestrel.exclude'].default as string[];


describe('Security', () => {
  let first: FakeServer;
  let second: FakeServer;

  before(async () => {
    first = await useFakeServer({}, { 'kestrel.inline.debounceMs': 0 });
    second = await startFakeServer({ flavour: 'openai' });
    await notices({ reset: true, answers: {} });
  });
  after(async () => {
    await notices({ reset: true, answers: null });
    await removeWorkspaceSettings().catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await first.close();
    await second.close();
    await resetSettings(SETTINGS);
  });
  afterEach(async () => {
    await notices({ reset: true, answers: {} });
  });

  it('every setting that chooses where requests and the key go is application- or machine-scoped', () => {
    const properties = packageJson().contributes.configuration.properties;
    const sensitive = Object.keys(properties).filter((key) => /(^|\.)(provider|baseurl|url|model|headers?|proxy|endpoint|host|apikey)$/i.test(key));
    for (const key of ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.chat.model']) assert.ok(sensitive.includes(key), `${key} is contributed`);
    for (const key of sensitive) {
      const scope = properties[key].scope ?? 'window';
      assert.ok(scope === 'application' || scope === 'machine', `${key} is ${scope}-scoped: a workspace could set it`);
    }
  });

  it('a workspace .vscode/settings.json pointing Kestrel at another server sends it nothing', async () => {
    await workspaceSettings({
      'kestrel.provider': 'custom',
      'kestrel.baseUrl': second.url,
      'kestrel.model': 'attacker-model',
      'kestrel.chat.model': 'attacker-model',
      'http.proxy': second.origin,
      'http.proxyStrictSSL': false,
    });
    try {
      const config = vscode.workspace.getConfiguration();
      assert.equal(config.get('kestrel.baseUrl'), first.url, 'the workspace value of kestrel.baseUrl is ignored');
      assert.equal(config.get('kestrel.model'), 'fake-model');
      assert.notEqual(config.get('http.proxy'), second.origin, 'the workspace value of http.proxy is ignored');
      assert.notEqual(config.get('http.proxyStrictSSL'), false, 'the workspace value of http.proxyStrictSSL is ignored');

      const before = completions(first).length;
      assert.ok(await (await kestrel()).complete('inline', 'hello from the test API'));
      await chat('hello from the chat');
      assert.equal((await chatState()).turns.at(-1)!.error, undefined);
      // A document no earlier suite has seen, so the suggestion cannot come from a cache.
      const editor = await scratch(`// settings check ${Date.now()}\nconst total = \n`);
      editor.selection = new vscode.Selection(1, 14, 1, 14);
      await provideInline(true);

      assert.equal(second.requests.length, 0, 'the workspace-named server received nothing');
      const sent = completions(first).slice(before);
      assert.ok(sent.length >= 3, `the user's server got the requests (${sent.length})`);
      for (const request of sent) {
        assert.equal(request.headers.authorization, `Bearer ${TEST_KEY}`);
        assert.equal(request.body.model, 'fake-model');
      }
    } finally {
      await removeWorkspaceSettings();
    }
  });

  it('the key goes only to the origin it was stored for; moving the base URL asks before sending it', async () => {
    const api = await kestrel();
    try {
      await configure({ 'kestrel.baseUrl': second.url });
      // Automatic requests never ask: the custom provider needs no key, so they go without it.
      await api.complete('inline', 'after the move');
      assert.equal(completions(second).length, 1);
      assert.equal(completions(second)[0].headers.authorization, undefined, 'no key to the new origin');
      assert.equal((await notices()).length, 0);

      // A request the user makes asks; dismissing the question sends nothing.
      await chat('dismissed');
      const [question] = await notices();
      assert.ok(question?.modal, 'a modal question');
      assert.ok(question.message.includes(`stored for ${first.origin}`) && question.message.includes(`requests to ${second.origin}`), question.message);
      assert.equal(completions(second).length, 1, 'nothing was sent');
      assert.match((await chatState()).turns.at(-1)!.error ?? '', /Nothing was sent/);

      await notices({ reset: true, answers: { 'was stored for': 'Send Without Key' } });
      await chat('without the key');
      assert.equal(completions(second).length, 2);
      assert.equal(completions(second)[1].headers.authorization, undefined);

      await notices({ reset: true, answers: { 'was stored for': 'Send Key' } });
      await chat('with the key');
      assert.equal(completions(second)[2].headers.authorization, `Bearer ${TEST_KEY}`);
      // The key now belongs to the new origin: the next request does not ask again.
      await notices({ reset: true, answers: {} });
      await chat('again');
      assert.equal(completions(second)[3].headers.authorization, `Bearer ${TEST_KEY}`);
      assert.equal((await notices()).length, 0);
      // …and the old origin no longer gets it unasked.
      await configure({ 'kestrel.baseUrl': first.url });
      const before = completions(first).length;
      await api.complete('inline', 'back');
      assert.equal(completions(first).at(-1)!.headers.authorization, undefined);
      assert.equal(completions(first).length, before + 1);
    } finally {
      await configure({ 'kestrel.baseUrl': first.url });
      await api.secrets.store('custom', TEST_KEY);
    }
  });

  it('a key over plain http to another machine goes only after the user agrees, asked once', async function () {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!address) return this.skip(); // a machine with no network interface but loopback
    const remote = await startFakeServer({ flavour: 'openai', host: address });
    const api = await kestrel();
    try {
      await configure({ 'kestrel.baseUrl': remote.url });
      await api.secrets.store('custom', TEST_KEY); // stored for this very origin
      await api.complete('inline', 'automatic');
      assert.equal(completions(remote).at(-1)!.headers.authorization, undefined, 'automatic requests never send the key over plain http');
      assert.equal((await notices()).length, 0, 'and do not ask');

      await chat('declined');
      const [question] = await notices();
      assert.ok(question?.modal && /over plain http/.test(question.message) && question.message.includes(remote.origin), question?.message);
      assert.equal(completions(remote).at(-1)!.headers.authorization, undefined, 'declined: no key');

      await notices({ reset: true, answers: { 'over plain http': 'Send Over HTTP' } });
      await chat('agreed');
      assert.equal(completions(remote).at(-1)!.headers.authorization, `Bearer ${TEST_KEY}`);
      await chat('agreed, again');
      await api.complete('inline', 'automatic, after agreeing');
      assert.equal(completions(remote).at(-1)!.headers.authorization, `Bearer ${TEST_KEY}`);
      assert.equal((await notices()).length, 1, 'asked once');
    } finally {
      await configure({ 'kestrel.baseUrl': first.url });
      await api.secrets.store('custom', TEST_KEY);
      await remote.close();
    }
  });

  describe('excluded files never leave the machine', () => {
    const CANARY_SETTING = 'KESTREL-CANARY-SETTING-4f1d9';
    const CANARY_IGNORE = 'KESTREL-CANARY-IGNORE-8c2e7';
    const CANARY_ENV = 'this-file-is-excluded-by-default';
    const CONTROL = 'KESTREL-CONTROL-3b6a0';
    // Code that resembles the active file's, so a neighbour snippet of it would be chosen if it were allowed.
    const lookalike = (marker: string) =>
      `import type { Item } from './cart';\n\nexport function cartSubtotal(items: Item[]): number {\n  const label = '${marker}';\n  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n}\n\nexport function cartCount(items: Item[]): number {\n  return items.reduce((sum, item) => sum + item.quantity, 0);\n}\n`;

    before(async () => {
      await writeText(file('secrets/config.ts'), lookalike(CANARY_SETTING));
      await writeText(file('private/notes.ts'), lookalike(CANARY_IGNORE));
      await writeText(file('src/control.ts'), lookalike(CONTROL));
      await writeText(file('src/checkout.ts'), `import type { Item } from './cart';\n\nexport function checkoutTotal(items: Item[]): number {\n  const sum = items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n  return \n}\n`);
      await writeText(file('.kestrelignore'), '# kept at home\nprivate/\n');
      await configure({ 'kestrel.exclude': [...defaultExclude(), '**/secrets/**'] });
      for (const path of ['secrets/config.ts', 'private/notes.ts', '.env']) await waitFor(async () => (await isExcluded(file(path))) || undefined, `${path} to count as excluded`, 10_000);
      assert.equal(await isExcluded(file('src/checkout.ts')), false);
    });
    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const path of ['secrets', 'private', 'src/control.ts', 'src/checkout.ts', '.kestrelignore']) await remove(file(path));
      await configure({ 'kestrel.exclude': undefined });
    });

    const everythingSent = () => JSON.stringify(first.requests.map((r) => r.body));
    const assertNoCanary = () => {
      const sent = everythingSent();
      for (const canary of [CANARY_SETTING, CANARY_IGNORE, CANARY_ENV]) assert.ok(!sent.includes(canary), `${canary} reached the server`);
    };

    it('not as the active file: suggestions, actions, Explain and Ask send nothing', async () => {
      for (const path of ['secrets/config.ts', 'private/notes.ts', '.env']) {
        const before = first.requests.length;
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file(path)));
        editor.selection = new vscode.Selection(0, 0, Math.min(3, editor.document.lineCount - 1), 0);
        assert.equal(await provideInline(true), undefined);
        await vscode.commands.executeCommand('kestrel.document');
        await vscode.commands.executeCommand('kestrel.explain');
        await vscode.commands.executeCommand('kestrel.ask');
        await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'attachFile' });
        assert.deepEqual((await chatState()).attachments, [], `${path} was attached`);
        await sleep(100);
        assert.equal(first.requests.length, before, `a request went out for ${path}`);
      }
      assertNoCanary();
    });

    it('not as context from other open editors, not through recent edits, not attached to the chat', async () => {
      const control = await vscode.workspace.openTextDocument(file('src/control.ts'));
      await vscode.window.showTextDocument(control, vscode.ViewColumn.Two);
      for (const [path, column] of [['secrets/config.ts', vscode.ViewColumn.Three], ['private/notes.ts', vscode.ViewColumn.Four]] as const) {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file(path)), column);
        // An edit there would otherwise be a "recent edit" offered as context.
        await editor.edit((e) => e.insert(new vscode.Position(3, 0), `  // ${path === 'private/notes.ts' ? CANARY_IGNORE : CANARY_SETTING} edited\n`));
      }
      const checkout = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('src/checkout.ts')), vscode.ViewColumn.One);
      checkout.selection = new vscode.Selection(4, 9, 4, 9);
      const before = completions(first).length;
      await provideInline(true);
      // Asked explicitly: the usual request and the two alternatives', all with the same prompt.
      assert.equal(completions(first).length, before + 3, 'the suggestion was asked for');
      const prompt = JSON.stringify(completions(first).slice(before).map((r) => r.body));
      assert.ok(prompt.includes(CONTROL), 'a resembling file that is not excluded is sent as context (so the check below means something)');

      // The chat's attach button and Explain on the allowed file still work, and carry only it.
      await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'attachFile' });
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'What does this file do?' });
      assert.match(JSON.stringify(completions(first).at(-1)!.body), /checkoutTotal/);
      checkout.selection = new vscode.Selection(2, 0, 5, 1);
      await vscode.commands.executeCommand('kestrel.explain');
      await waitFor(async () => !(await chatState()).busy || undefined, 'the explanation');
      // Asking the chat to attach an excluded file by hand is refused too.
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'And this?', attachment: { uri: file('private/notes.ts').toString(), languageId: 'typescript', startLine: 0, endLine: 3, text: CANARY_IGNORE } });
      for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      assertNoCanary();
    });

    it('the same files seen through another scheme (a git view, a notebook cell, an untitled copy) are excluded too', async () => {
      for (const path of ['private/notes.ts', 'secrets/config.ts', '.env']) {
        for (const scheme of ['git', 'vscode-notebook-cell', 'untitled']) {
          const uri = file(path).with({ scheme, query: scheme === 'git' ? '{"ref":"HEAD"}' : '', fragment: scheme === 'vscode-notebook-cell' ? 'W0sZmlsZQ==' : '' });
          assert.equal(await isExcluded(uri), true, uri.toString());
        }
      }
      assert.equal(await isExcluded(file('src/checkout.ts').with({ scheme: 'git' })), false);
    });

    it('not as the example test file Write Tests shows the model', async () => {
      await writeText(file('.kestrelignore'), '# kept at home\nprivate/\ntests/\n');
      await writeText(file('tests/private.test.ts'), `// ${CANARY_IGNORE}\ndescribe('private', () => {});\n`);
      try {
        await waitFor(async () => (await isExcluded(file('tests/private.test.ts'))) || undefined, 'tests/ to count as excluded', 10_000);
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('src/checkout.ts')));
        editor.selection = new vscode.Selection(2, 0, 5, 1);
        const before = completions(first).length;
        await vscode.commands.executeCommand('kestrel.generateTests');
        assert.equal(completions(first).length, before + 1, 'Write Tests asked the model');
        const sent = JSON.stringify(completions(first).at(-1)!.body);
        assert.ok(!sent.includes(CANARY_IGNORE) && !sent.includes('adds price times quantity'), 'an ignored test file was sent as the example');
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await remove(file('tests/private.test.ts'));
        await writeText(file('.kestrelignore'), '# kept at home\nprivate/\n');
      }
      assertNoCanary();
    });

    it('a workspace setting cannot remove the user\'s exclusions', async () => {
      await workspaceSettings({ 'kestrel.exclude': [] });
      try {
        assert.deepEqual(vscode.workspace.getConfiguration('kestrel').get('exclude'), [], 'VS Code applies the workspace value');
        await sleep(200);
        for (const path of ['secrets/config.ts', '.env']) assert.equal(await isExcluded(file(path)), true, `${path} is still excluded`);
        const before = first.requests.length;
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('.env')));
        editor.selection = new vscode.Selection(0, 5, 0, 5);
        assert.equal(await provideInline(true), undefined);
        await sleep(100);
        assert.equal(first.requests.length, before);
      } finally {
        await removeWorkspaceSettings();
      }
      assertNoCanary();
    });

    describe('judged when the text is sent, by the real path', () => {
      const PASSWORD = 'KESTREL-CANARY-PASSWORD-5d0c3';
      const LATER_EDIT = 'KESTREL-CANARY-LATER-EDIT-1e9a4';
      const LATER_ATTACHMENT = 'KESTREL-CANARY-LATER-ATTACHMENT-72b8f';
      const root = () => folder().fsPath;
      const excludeAlso = async (...globs: string[]) => {
        await configure({ 'kestrel.exclude': [...defaultExclude(), '**/secrets/**', ...globs] });
      };
      let asked = 0;
      /** An explicit suggestion after checkout.ts's `return `, in the first column; returns the prompt sent. */
      const suggestInCheckout = async (): Promise<string> => {
        const checkout = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('src/checkout.ts')), vscode.ViewColumn.One);
        // A line no earlier request had, so the answer cannot come from the cache.
        await checkout.edit((e) => e.replace(new vscode.Range(1, 0, 1, checkout.document.lineAt(1).text.length), `// ask ${++asked} ${Date.now()}`));
        checkout.selection = new vscode.Selection(4, 9, 4, 9);
        const before = completions(first).length;
        await provideInline(true);
        // Asked explicitly: the usual request and the two alternatives', all judged alike.
        assert.equal(completions(first).length, before + 3, 'the suggestion was asked for');
        return JSON.stringify(completions(first).slice(before).map((r) => r.body));
      };
      const revertAll = async () => {
        for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
          await vscode.window.showTextDocument(document);
          await vscode.commands.executeCommand('workbench.action.files.revert');
        }
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      };

      afterEach(async () => {
        await revertAll();
        await excludeAlso();
      });
      after(async () => {
        for (const path of ['notes.txt', 'linkdir', 'notes', 'src/later.ts', 'src/attached.ts']) await remove(file(path));
      });

      it('a symlink with a harmless name that points at .env is excluded and sends nothing', async () => {
        symlinkSync('.env', join(root(), 'notes.txt'));
        assert.equal(await isExcluded(file('notes.txt')), true, 'notes.txt -> .env counts as excluded');
        const before = first.requests.length;
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('notes.txt')));
        assert.match(editor.document.getText(), new RegExp(CANARY_ENV), 'the link shows the .env file');
        editor.selection = new vscode.Selection(0, 0, 0, 10);
        assert.equal(await provideInline(true), undefined);
        await vscode.commands.executeCommand('kestrel.explain');
        await vscode.commands.executeCommand('kestrel._test.chatMessage', { type: 'attachFile' });
        assert.deepEqual((await chatState()).attachments, [], 'notes.txt was attached');
        await sleep(100);
        assert.equal(first.requests.length, before, 'a request went out for notes.txt');
        assertNoCanary();
      });

      it('a file reached through a symlinked folder is excluded by .kestrelignore on its real path', async () => {
        symlinkSync(join(root(), 'private'), join(root(), 'linkdir'), 'dir');
        const linked = file('linkdir/notes.ts');
        await waitFor(async () => (await isExcluded(linked)) || undefined, 'linkdir/notes.ts (really private/notes.ts) to count as excluded', 5000);
        const before = first.requests.length;
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(linked), vscode.ViewColumn.Two);
        assert.ok(editor.document.getText().includes(CANARY_IGNORE), 'the link shows private/notes.ts');
        editor.selection = new vscode.Selection(4, 0, 4, 0);
        assert.equal(await provideInline(true), undefined);
        assert.equal(first.requests.length, before, 'a request went out for linkdir/notes.ts');
        // Nor as context: edited (a recent edit) and visible beside the file being completed.
        await editor.edit((e) => e.insert(new vscode.Position(3, 0), `  // ${CANARY_IGNORE} edited through the link\n`));
        const prompt = await suggestInCheckout();
        assert.ok(!prompt.includes(CANARY_IGNORE), 'linkdir/notes.ts was sent as context');
        assertNoCanary();
      });

      it('a password typed into a plain-text note never reaches any request (recent edits)', async () => {
        mkdirSync(join(root(), 'notes'), { recursive: true });
        await writeText(file('notes/todo.txt'), 'To do\n\n');
        const note = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('notes/todo.txt')), vscode.ViewColumn.One);
        assert.equal(note.document.languageId, 'plaintext');
        // Words that resemble checkout.ts, so the edit would be chosen as related code if it were kept.
        await note.edit((e) => e.insert(new vscode.Position(2, 0), `checkout items reduce sum item price quantity number return\nexport function checkoutTotal(items: Item[]) from cart\ndatabase password: ${PASSWORD}\n`));
        const prompt = await suggestInCheckout();
        assert.ok(!prompt.includes(PASSWORD), 'the note typed in plain text was sent as related code');
        // Nor while the note stays open beside the code, as another visible editor.
        await vscode.window.showTextDocument(note.document, vscode.ViewColumn.Two);
        assert.ok(vscode.window.visibleTextEditors.some((e) => e.document === note.document), 'the note is visible');
        assert.ok(!(await suggestInCheckout()).includes(PASSWORD), 'the visible plain-text note was sent as related code');
        assert.ok(!everythingSent().includes(PASSWORD), 'the password reached the server');
      });

      it('an exclusion added after an edit is honoured at the next suggestion (recent edits)', async () => {
        await writeText(file('src/later.ts'), lookalike('later'));
        const later = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('src/later.ts')), vscode.ViewColumn.One);
        await later.edit((e) => e.insert(new vscode.Position(3, 0), `  // ${LATER_EDIT} edited\n`));
        // Shown in the same column: later.ts is no longer visible, only remembered as a recent edit.
        assert.ok((await suggestInCheckout()).includes(LATER_EDIT), 'before the exclusion the edit is sent as related code (so the check below means something)');
        await excludeAlso('**/later.ts');
        await waitFor(async () => (await isExcluded(file('src/later.ts'))) || undefined, 'src/later.ts to count as excluded');
        assert.ok(!(await suggestInCheckout()).includes(LATER_EDIT), 'the edit of a now excluded file was sent');
      });

      it('an attachment whose file became excluded later is left out of the next question, and the chat says so', async () => {
        await writeText(file('src/attached.ts'), `export const marker = '${LATER_ATTACHMENT}';\n`);
        const attachment = { uri: file('src/attached.ts').toString(), languageId: 'typescript', startLine: 0, endLine: 0, text: `export const marker = '${LATER_ATTACHMENT}';` };
        await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'What is this marker?', attachment, newSession: true });
        assert.ok(JSON.stringify(completions(first).at(-1)!.body).includes(LATER_ATTACHMENT), 'the attachment was sent while it was allowed');
        await excludeAlso('**/attached.ts');
        await waitFor(async () => (await isExcluded(file('src/attached.ts'))) || undefined, 'src/attached.ts to count as excluded');
        await notices({ reset: true, answers: {} });
        const before = completions(first).length;
        await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'And why?' });
        assert.equal(completions(first).length, before + 1, 'the follow-up was sent');
        const sent = JSON.stringify(completions(first).at(-1)!.body);
        assert.ok(sent.includes('What is this marker?') && sent.includes('And why?'), 'the conversation itself is still sent');
        assert.ok(!sent.includes(LATER_ATTACHMENT), 'the attachment of a now excluded file was sent again');
        const said = (await notices()).map((n) => n.message).join('\n');
        assert.match(said, /attached\.ts:1.*left out|left out.*attached\.ts:1/, `the chat says what it left out: ${said}`);
        assert.ok(!said.includes(LATER_ATTACHMENT), 'the note names no content');
        const question = (await vscode.commands.executeCommand<{ turns: { role: string; attachments?: string[] }[] }>('kestrel._test.chatState')).turns[0];
        assert.match(question.attachments?.join(' ') ?? '', /attached\.ts:1 \(left out: excluded\)/, 'the question\'s chip says it was left out');
      });

      it('Kestrel\'s models in VS Code\'s chat refuse a request that carries text of an open excluded file', async function () {
        const models = await kestrelChatModels();
        if (!models) return this.skip(); // this VS Code has no language model API
        const [model] = models;
        const ask = async (text: string) => {
          const source = new vscode.CancellationTokenSource();
          try {
            const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(text)], {}, source.token);
            let answer = '';
            for await (const part of response.text) answer += part;
            return answer;
          } finally {
            source.dispose();
          }
        };
        // Allowed text goes (so the refusal below is the rule, not a broken path).
        const before = completions(first).length;
        await ask('What does checkoutTotal do?');
        assert.equal(completions(first).length, before + 1, 'an ordinary question reached the server');

        const env = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('.env')));
        const secretLine = env.document.lineAt(0).text;
        await assert.rejects(ask(`Why does this fail?\n\n${secretLine}\n`), (error: Error) => {
          assert.match(error.message, /excluded/);
          assert.ok(!error.message.includes(CANARY_ENV), 'the refusal repeats no secret');
          return true;
        });
        // The same text from a file that is open but not excluded goes.
        const control = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('src/control.ts')));
        await ask(`Explain:\n${control.document.lineAt(3).text}`);
        assert.equal(completions(first).length, before + 2, 'only the request with excluded text was refused');
        assertNoCanary();
      });
    });
  });

  describe('Restricted Mode', () => {
    it('is declared honestly: limited support, restricted settings that exist and that a workspace could set', () => {
      const { capabilities, contributes } = packageJson();
      const declared = capabilities.untrustedWorkspaces;
      assert.equal(declared.supported, 'limited');
      assert.match(declared.description ?? '', /no automatic inline suggestions/);
      for (const key of declared.restrictedConfigurations ?? []) {
        const property = contributes.configuration.properties[key];
        assert.ok(property, `${key} is a Kestrel setting`);
        assert.ok(!['application', 'machine'].includes(property.scope ?? 'window'), `${key} cannot be set by a workspace anyway`);
      }
    });
    // The behaviour in an untrusted folder is a browser check (test/e2e/restricted.check.ts): these
    // launchers start VS Code with workspace trust off.
  });
});

// Inline suggestions in the real extension host against the fake server: the provider's item for real
// documents in several languages (closers replaced, fences and repeated lines dropped, tabs kept),
// exclusions and the language map honoured, the automatic switch, cancellation, typing-through.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeServer, LoggedRequest } from '../support/fake-server';
import { type InlineStats, type ProvidedItem, notices, resetSettings, setSettings, sleep, useFakeServer, waitFor } from './helpers';



const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.inline.debounceMs', 'kestrel.inline.multiline', 'kestrel.inline.languages', 'kestrel.inline.enabled', 'kestrel.exclude'];

const userText = (r: LoggedRequest) => String(r.body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '');
/** The cursor line as the prompt shows it: from the last newline before the hole to the hole. */
const holeLine = (r: LoggedRequest) => {
  const text = userText(r);
  const before = text.slice(0, text.indexOf('{{HOLE}}'));
  return before.slice(before.lastIndexOf('\n') + 1);
};

/** What the fake model answers, by the cursor line it is shown (quirks included on purpose). */
function answer(request: LoggedRequest): { text: string; firstByteDelayMs?: number } {
  const line = holeLine(request);
  const text = userText(request);
  if (line.includes('formatPrice(')) return { text: '```ts\nsubtotal(items));\n```' };
  if (line.includes('const slow = ')) return { text: 'never seen;', firstByteDelayMs: 30_000 };
  if (line.includes('const count = ')) return { text: 'items.length;' };
  if (line.includes('const total = ')) return { text: 'sum(items) + tax(items);' };
  if (line.includes('const pick = ')) return { text: ({ 0.7: 'items[1];', 1: 'items.at(-1);' } as Record<string, string>)[String(request.body.temperature)] ?? 'items[0];' };
  if (line === '  const first = 1;') return { text: ' // the first' };
  if (line.includes('const first = ')) return { text: '1;' };
  if (text.includes('function streak()') && line === '  ') return { text: 'const a = 1;\n  const b = a + 1;\n  return b;' };
  if (text.includes('(python)') && line === '') return { text: 'Here is the next function:\n\ndef mode(values):' };
  if (text.includes('(go)')) return { text: '\n    name = strings.TrimSpace(name)\n    return fmt.Sprintf("Hello, %s!", name)\n}' };
  return { text: 'fallback();' };
}

const workspaceFile = (relative: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, relative);

async function openAt(document: vscode.TextDocument, line: number, character: number): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(line, character, line, character);
  return editor;
}

async function untitled(language: string, content: string, line: number, character: number): Promise<vscode.TextEditor> {
  return openAt(await vscode.workspace.openTextDocument({ language, content }), line, character);
}

/** Settings change, then the extension has re-read them (it listens for the change event). */
async function configure(values: Record<string, unknown>): Promise<void> {
  await setSettings(values);
  await sleep(150);
}

const provide = (options: { explicit?: boolean; cancelAfterMs?: number } = {}) => vscode.commands.executeCommand<ProvidedItem | undefined>('kestrel._test.provideInline', options);
const stats = () => vscode.commands.executeCommand<InlineStats>('kestrel._test.inlineStats');
/** What the item puts where, without its accept command. */
const placed = (item: ProvidedItem | undefined) => item && { text: item.text, line: item.line, start: item.start, end: item.end };

describe('Inline suggestions', () => {
  let server: FakeServer;
  const completions = () => server.completions;

  before(async () => {
    server = await useFakeServer({ respond: answer }, { 'kestrel.inline.debounceMs': 0, 'kestrel.inline.multiline': 'never' });
  });
  after(async () => {
    await server.close();
    await resetSettings(SETTINGS);
  });
  /** A test that switched the model sets what to switch back to. */
  let modelAfter: string | undefined;
  afterEach(async () => {
    if (modelAfter) await configure({ 'kestrel.model': modelAfter });
    modelAfter = undefined;
    await configure({ 'kestrel.inline.multiline': 'never', 'kestrel.inline.languages': undefined, 'kestrel.inline.enabled': undefined, 'kestrel.exclude': undefined });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('TypeScript: the answer out of its fence, replacing the closers after the cursor', async () => {
    const editor = await untitled('typescript', 'const label = formatPrice();\n', 0, 26);
    const item = await provide();
    assert.deepEqual(placed(item), { text: 'subtotal(items));', line: 0, start: 26, end: 28 });
    const request = completions().at(-1)!;
    assert.match(userText(request), /\(typescript\)/);
    assert.ok(request.body.stop.length <= 4);
    // Accepting it leaves exactly one pair of closers.
    await editor.edit((e) => e.replace(new vscode.Range(0, item!.start, 0, item!.end), item!.text));
    assert.equal(editor.document.lineAt(0).text, 'const label = formatPrice(subtotal(items));');
  });

  it('Python: a file on disk, prose before the code dropped, the next line suggested', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('py/stats.py'));
    const last = document.lineCount - 1;
    assert.equal(document.lineAt(last).text, '', 'the sample ends with a newline');
    await openAt(document, last, 0);
    const item = await provide();
    assert.equal(item?.text, 'def mode(values):');
    assert.match(userText(completions().at(-1)!), /py\/stats\.py \(python\)/);
  });

  it('Go: a block body in tabs, without the lines that already follow', async () => {
    await configure({ 'kestrel.inline.multiline': 'auto' });
    const document = await vscode.workspace.openTextDocument(workspaceFile('go/greet.go'));
    const line = document.getText().split('\n').findIndex((l) => l.startsWith('func Greeting'));
    await openAt(document, line, document.lineAt(line).text.length);
    const item = await provide();
    assert.equal(item?.text, '\n\tname = strings.TrimSpace(name)');
  });

  it('never sends an excluded file, even when asked explicitly', async () => {
    const before = completions().length;
    await openAt(await vscode.workspace.openTextDocument(workspaceFile('.env')), 0, 5);
    assert.equal(await provide({ explicit: true }), undefined);
    await configure({ 'kestrel.exclude': ['**/src/cart.ts'] });
    const cart = await vscode.workspace.openTextDocument(workspaceFile('src/cart.ts'));
    await openAt(cart, 9, 0);
    assert.equal(await provide({ explicit: true }), undefined);
    await sleep(100);
    assert.equal(completions().length, before);
  });

  it('follows the language map for automatic suggestions; asking still works', async () => {
    await configure({ 'kestrel.inline.languages': { '*': true, typescript: false } });
    const before = completions().length;
    await untitled('typescript', 'const count = \n', 0, 14);
    assert.equal(await provide(), undefined);
    assert.equal(completions().length, before);
    const asked = await provide({ explicit: true });
    assert.equal(asked?.text, 'items.length;');
  });

  it('makes no automatic suggestion when turned off with Toggle, and asking still works', async () => {
    await untitled('typescript', 'const count = \n', 0, 14);
    await vscode.commands.executeCommand('kestrel.toggleInline');
    await sleep(150);
    try {
      assert.equal(vscode.workspace.getConfiguration('kestrel').get('inline.enabled'), false);
      const before = completions().length;
      assert.equal(await provide(), undefined);
      assert.equal(completions().length, before);
      assert.equal((await provide({ explicit: true }))?.text, 'items.length;');
    } finally {
      await vscode.commands.executeCommand('kestrel.toggleInline');
      await sleep(150);
    }
    assert.equal(vscode.workspace.getConfiguration('kestrel').get('inline.enabled'), true);
  });

  it("a workspace's own settings can make automatic suggestions only more conservative, and Toggle says when it keeps them off", async () => {
    const workspace = vscode.workspace.getConfiguration();
    const setWorkspace = async (values: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(values)) await workspace.update(key, value, vscode.ConfigurationTarget.Workspace);
      await sleep(150);
    };
    let fresh = 0;
    const maxTokensSent = async () => {
      // A new document each time, so no earlier answer can be served from the cache.
      await untitled('typescript', `// try ${++fresh}\nconst count = \n`, 1, 14);
      const before = completions().length;
      assert.equal((await provide())?.text, 'items.length;');
      assert.equal(completions().length, before + 1);
      return Number(completions().at(-1)!.body.max_tokens);
    };
    const keys = ['kestrel.inline.enabled', 'kestrel.inline.maxTokens', 'kestrel.inline.multiline', 'kestrel.inline.debounceMs'];
    await untitled('typescript', 'const count = \n', 0, 14);
    try {
      const usual = await maxTokensSent();
      // A cloned repository asks for more tokens and no pause: the user's values still hold.
      await setWorkspace({ 'kestrel.inline.maxTokens': 1024, 'kestrel.inline.debounceMs': 0, 'kestrel.inline.multiline': 'always' });
      assert.equal(await maxTokensSent(), usual);
      // Asking for fewer is honoured.
      await setWorkspace({ 'kestrel.inline.maxTokens': 16 });
      assert.ok((await maxTokensSent()) < usual);

      // The user turned suggestions off; the workspace turning them on sends nothing.
      await configure({ 'kestrel.inline.enabled': false });
      await setWorkspace({ 'kestrel.inline.enabled': true });
      const before = completions().length;
      assert.equal(await provide(), undefined);
      assert.equal(completions().length, before);

      // The workspace keeps them off: Toggle turns the user's setting on and says why nothing changed.
      await setWorkspace({ 'kestrel.inline.enabled': false });
      await notices({ reset: true, answers: {} });
      await vscode.commands.executeCommand('kestrel.toggleInline');
      await sleep(150);
      assert.equal(workspace.inspect('kestrel.inline.enabled')?.globalValue, true);
      const shown = await notices();
      assert.ok(shown.some((n) => /stay off in this workspace/.test(n.message)), JSON.stringify(shown));
      assert.equal(await provide(), undefined);
      assert.equal(completions().length, before);
    } finally {
      await setWorkspace(Object.fromEntries(keys.map((k) => [k, undefined])));
      await configure({ 'kestrel.inline.enabled': true });
    }
    assert.equal((await provide())?.text, 'items.length;');
  });

  it('cancellation ends the call at once and closes the connection', async () => {
    await untitled('typescript', 'const slow = \n', 0, 13);
    const before = completions().length;
    // The server would answer after 30 s; cancelled a second in, the call must end long before.
    const item = await provide({ cancelAfterMs: 1000 });
    assert.equal(item, undefined);
    const request = completions().slice(before).at(-1);
    assert.ok(request, 'the request reached the server before the cancellation');
    assert.equal(holeLine(request), 'const slow = ');
    assert.equal(request.completed, false, 'the call ended before the answer did');
    await waitFor(async () => request.aborted || undefined, 'the server to see the connection closed');
  });

  it('typing the start of the suggestion answers from it, with no new request', async () => {
    const editor = await untitled('typescript', 'function f(items: string[]) {\n  const count = \n}\n', 1, 16);
    const first = await provide({ explicit: true });
    assert.equal(first?.text, 'items.length;');
    const before = completions().length;
    const hitsBefore = (await stats()).typingThroughHits;
    await editor.edit((e) => e.insert(new vscode.Position(1, 16), 'ite'));
    editor.selection = new vscode.Selection(1, 19, 1, 19);
    const rest = await provide();
    assert.deepEqual(placed(rest), { text: 'ms.length;', line: 1, start: 19, end: 19 });
    assert.ok((await stats()).typingThroughHits > hitsBefore);
    await sleep(100);
    assert.equal(completions().length, before);
  });

  it('accepting a suggestion asks for the next one at once, and the call after it is served from that answer', async () => {
    const editor = await untitled('typescript', 'function g() {\n  const first = \n}\n', 1, 16);
    const item = await provide({ explicit: true });
    assert.equal(item?.text, '1;');
    assert.equal(item?.command?.command, 'kestrel.inlineAccepted', 'the item says when it is accepted');
    const before = completions().length;
    const statsBefore = await stats();
    // What VS Code does on Tab: the text goes in, then the item's command runs.
    await editor.edit((e) => e.replace(new vscode.Range(1, item!.start, 1, item!.end), item!.text));
    editor.selection = new vscode.Selection(1, 18, 1, 18);
    await vscode.commands.executeCommand(item!.command!.command, ...(item!.command!.arguments ?? []));
    const prefetch = await waitFor(async () => completions().slice(before).find((r) => holeLine(r) === '  const first = 1;'), 'the next suggestion to be asked for at once');
    assert.ok(prefetch);
    const next = await provide();
    assert.equal(next?.text, ' // the first');
    const after = await stats();
    assert.equal(after.prefetches, statsBefore.prefetches + 1);
    assert.equal(after.prefetchHits, statsBefore.prefetchHits + 1);
    await sleep(100);
    assert.equal(completions().length, before + 1, 'one request: the prefetch');
  });

  it('asked explicitly, up to three distinct suggestions to cycle through; typing asks for one', async () => {
    await untitled('typescript', 'function p(items: string[]) {\n  const pick = \n}\n', 1, 15);
    const before = completions().length;
    const asked = await provide({ explicit: true });
    assert.deepEqual(asked?.alternatives, ['items[0];', 'items[1];', 'items.at(-1);']);
    assert.deepEqual(completions().slice(before).map((r) => r.body.temperature).sort(), [0.1, 0.7, 1]);
    await untitled('typescript', 'function q(items: string[]) {\n  const pick = \n}\n', 1, 15);
    const automatic = completions().length;
    const typed = await provide();
    assert.deepEqual(typed?.alternatives, ['items[0];']);
    assert.equal(completions().length, automatic + 1, 'an automatic suggestion is one request');
  });

  it('Show Usage counts what became of each suggestion VS Code showed: Tab, Accept Line, Accept Word, dismissed', async () => {
    // A model no other test uses, so its row holds only these suggestions.
    const model = `acceptance-probe-${Date.now().toString(36)}`;
    await configure({ 'kestrel.model': model, 'kestrel.inline.multiline': 'auto' });
    modelAfter = 'fake-model';
    // Show Usage open beside: its document redraws as suggestions settle. Read afresh each time, as
    // VS Code may let the document go while other editors open and close.
    await vscode.commands.executeCommand('kestrel.showUsage');
    const usageText = async () => (await vscode.workspace.openTextDocument(vscode.Uri.parse('kestrel-usage:/Kestrel%20Usage.md'))).getText();
    const row = new RegExp(`^\\| typescript \\| ${model} \\| (.*) \\|$`, 'm');
    /** The row's figures once they are `expected`: shown, Tab, by line, by word, typed, dismissed, accepted. */
    const figures = async (expected: string, what: string) => {
      let seen: string | undefined;
      await waitFor(async () => ((seen = row.exec(await usageText())?.[1]) === expected ? true : undefined), `${what}: ${expected}`).catch((error: Error) => {
        throw new Error(`${error.message}; the row says ${seen}`);
      });
    };
    /** VS Code's own commands on the ghost it shows: asked for, then `command` once it is there. */
    const onGhost = async (editor: vscode.TextEditor, command: string) => {
      const before = editor.document.getText();
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await waitFor(async () => {
        await vscode.commands.executeCommand(command);
        return editor.document.getText() !== before || undefined;
      }, `${command} to change the document`, 10_000);
    };
    /** The user hides what shows and edits elsewhere. */
    const moveOn = async (editor: vscode.TextEditor) => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// '));
    };

    const tab = await untitled('typescript', 'function a() {\n  const count = \n}\n', 1, 16);
    await onGhost(tab, 'editor.action.inlineSuggest.commit');
    assert.equal(tab.document.lineAt(1).text, '  const count = items.length;');
    // After Tab the next suggestion shows at once (the prefetch); moving on dismisses it.
    await figures('2 | 1 | 0 | 0 | 0 | 0 | 100%', 'Tab, and the next one shown');
    await moveOn(tab);
    await figures('2 | 1 | 0 | 0 | 0 | 1 | 50%', 'the next one dismissed');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const line = await untitled('typescript', 'function streak() {\n  \n}\n', 1, 2);
    await onGhost(line, 'editor.action.inlineSuggest.acceptNextLine');
    assert.equal(line.document.lineAt(1).text, '  const a = 1;', 'one line accepted');
    await moveOn(line);
    await figures('3 | 1 | 1 | 0 | 0 | 1 | 67%', 'Accept Line');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const word = await untitled('typescript', 'function b() {\n  const total = \n}\n', 1, 16);
    await onGhost(word, 'editor.action.inlineSuggest.acceptNextWord');
    assert.match(word.document.lineAt(1).text, /^ {2}const total = sum\(?$/, 'one word accepted');
    await moveOn(word);
    await figures('4 | 1 | 1 | 1 | 0 | 1 | 75%', 'Accept Word');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const dismissed = await untitled('typescript', 'function c() {\n  const first = \n}\n', 1, 16);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await figures('5 | 1 | 1 | 1 | 0 | 1 | 75%', 'shown');
    await dismissed.edit((e) => e.insert(new vscode.Position(1, 16), 'null;'));
    await figures('5 | 1 | 1 | 1 | 0 | 2 | 60%', 'typed over');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('the hot streak: after the first line of a multi-line suggestion and Enter, the next lines show with no request', async () => {
    await configure({ 'kestrel.inline.multiline': 'auto' });
    try {
      const editor = await untitled('typescript', 'function streak() {\n  \n}\n', 1, 2);
      const block = await provide({ explicit: true });
      assert.equal(block?.text, 'const a = 1;\n  const b = a + 1;\n  return b;');
      const before = completions().length;
      const hits = (await stats()).hotStreakHits;
      // The user types the start of the first line: the rest of the block is served.
      await editor.edit((e) => e.insert(new vscode.Position(1, 2), 'c'));
      editor.selection = new vscode.Selection(1, 3, 1, 3);
      assert.equal((await provide())?.text, 'onst a = 1;\n  const b = a + 1;\n  return b;');
      // The rest of the first line and Enter; VS Code indents the new line.
      await editor.edit((e) => e.insert(new vscode.Position(1, 3), 'onst a = 1;\n  '));
      editor.selection = new vscode.Selection(2, 2, 2, 2);
      const next = await provide();
      assert.deepEqual(next && { text: next.text, line: next.line, start: next.start }, { text: 'const b = a + 1;\n  return b;', line: 2, start: 2 });
      assert.equal((await stats()).hotStreakHits, hits + 1);
      await sleep(100);
      assert.equal(completions().length, before);
    } finally {
      await configure({ 'kestrel.inline.multiline': 'never' });
    }
  });
});

// Palette actions in the real extension host against the fake server: the diff shows the proposed
// code, Accept changes the document in one undo step, Discard leaves it, a changed file refuses,
// Fix sends the diagnostics, Write Tests opens an unsaved test file named by convention.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeServer, LoggedRequest } from '../support/fake-server';
import { resetSettings, sleep, useFakeServer, waitFor } from './helpers';

const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model'];
const userText = (r: LoggedRequest) => String(r.body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '');

async function open(language: string, content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  return vscode.window.showTextDocument(document);
}

async function proposal(): Promise<{ proposed: string; done: boolean }> {
  return waitFor(async () => {
    const p = await vscode.commands.executeCommand<{ proposed: string; done: boolean } | undefined>('kestrel._test.waitProposal');
    return p?.done ? p : undefined;
  }, 'the proposal', 10_000);
}

describe('Palette actions', () => {
  let server: FakeServer;
  before(async () => {
    server = await useFakeServer({
      respond: (request) => {
        const text = userText(request);
        if (text.includes('def median') && text.includes('Refactor this code')) return { text: '```python\ndef median(values):\n    return statistics.median(values)\n```' };
        if (text.includes('def median') && text.includes('Fix')) return { text: 'The list must be sorted first:\n```python\ndef median(values):\n    ordered = sorted(values)\n    return ordered[len(ordered) // 2]\n```' };
        if (text.includes('def mean') && text.includes('Write unit tests')) return { text: '```python\nfrom stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n```' };
        if (text.includes('take your time')) return { text: '```ts\n' + 'export const slow = 1;\n'.repeat(200) + '```', tokensPerSecond: 20 };
        if (text.includes('Refactor this code')) return { text: 'Here is the refactor:\n```ts\nexport const add = (a: number, b: number): number => a + b;\n```\nDone.' };
        if (text.includes('Add documentation') && text.includes('docstrings')) return { text: '```python\ndef mean(values):\n    """Return the arithmetic mean."""\n    return sum(values) / len(values)\n```' };
        if (text.includes('Fix')) return { text: '```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```' };
        if (text.includes('Write unit tests')) return { text: "```ts\nimport { add } from './math';\n\ndescribe('add', () => {});\n```" };
        return { text: 'Explanation.' };
      },
    });
  });
  after(async () => {
    await server.close();
    await resetSettings(SETTINGS);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('kestrel.discardProposal');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Refactor streams the proposal into a diff, and Accept applies it in one undo step', async () => {
    const original = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const editor = await open('typescript', original);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'use an arrow function');
    const p = await proposal();
    assert.equal(p.proposed, 'export const add = (a: number, b: number): number => a + b;\n');
    const diff = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(diff instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    assert.equal(diff.modified.scheme, 'kestrel-proposal');
    assert.match(userText(server.requests.at(-1)!), /use an arrow function/);
    await vscode.commands.executeCommand('kestrel.acceptProposal');
    assert.equal(editor.document.getText(), 'export const add = (a: number, b: number): number => a + b;\n');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the original');
  });

  it("a diff's own Accept applies that diff's proposal, not the newest; closing a diff drops its proposal", async () => {
    const proposals = () => vscode.commands.executeCommand<{ proposed: string; file: string; done: boolean }[]>('kestrel._test.proposals');
    const original = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const first = await open('typescript', original);
    first.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'the first change');
    await proposal();
    const second = await open('typescript', `// second file\n${original}`);
    second.selection = new vscode.Selection(1, 0, 3, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'the second change');
    await proposal();
    const open2 = await proposals();
    assert.equal(open2.length, 2);
    const firstDiff = open2.find((p) => p.file === first.document.uri.toString())!;
    // The ✓ in the first diff's title bar passes that diff's URI.
    await vscode.commands.executeCommand('kestrel.acceptProposal', vscode.Uri.parse(firstDiff.proposed));
    assert.equal(first.document.getText(), 'export const add = (a: number, b: number): number => a + b;\n');
    assert.equal(second.document.getText(), `// second file\n${original}`, 'the newer proposal is untouched');
    assert.deepEqual((await proposals()).map((p) => p.file), [second.document.uri.toString()]);
    // Closing the second diff without a decision forgets it (and its document with it).
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'kestrel-proposal');
    assert.ok(tab, 'the second diff is open');
    await vscode.window.tabGroups.close(tab);
    await waitFor(async () => ((await proposals()).length === 0) || undefined, 'the closed proposal to be dropped');
    await vscode.commands.executeCommand('kestrel.acceptProposal');
    assert.equal(second.document.getText(), `// second file\n${original}`, 'nothing left to accept');
  });

  it('closing the diff while the answer still arrives stops the request', async () => {
    const editor = await open('typescript', 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    const before = server.completions.length;
    const running = vscode.commands.executeCommand('kestrel._test.refactorWith', 'take your time');
    const request = await waitFor(() => server.completions[before], 'the request to reach the server');
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'kestrel-proposal'), 'the diff');
    await sleep(300);
    assert.equal(request.completed, false, 'the answer is still arriving');
    await vscode.window.tabGroups.close(tab);
    await waitFor(() => request.aborted || undefined, 'the server to see the request stopped');
    await running;
    assert.deepEqual(await vscode.commands.executeCommand('kestrel._test.proposals'), []);
  });

  it('Discard leaves the document as it was', async () => {
    const original = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const editor = await open('typescript', original);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'anything');
    await proposal();
    await vscode.commands.executeCommand('kestrel.discardProposal');
    assert.equal(editor.document.getText(), original);
    assert.equal(await vscode.commands.executeCommand('kestrel._test.proposal'), undefined);
  });

  it('Accept refuses when the document changed underneath', async () => {
    const editor = await open('typescript', 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel._test.refactorWith', 'anything');
    await proposal();
    const meanwhile = new vscode.WorkspaceEdit();
    meanwhile.insert(editor.document.uri, new vscode.Position(3, 0), '// edited meanwhile\n');
    await vscode.workspace.applyEdit(meanwhile);
    const before = editor.document.getText();
    await vscode.commands.executeCommand('kestrel.acceptProposal');
    assert.equal(editor.document.getText(), before);
  });

  it('Add Documentation on Python keeps the original indentation', async () => {
    const editor = await open('python', 'class Stats:\n    def mean(values):\n        return sum(values) / len(values)\n');
    editor.selection = new vscode.Selection(1, 4, 2, 40);
    void vscode.commands.executeCommand('kestrel.document');
    const p = await proposal();
    assert.equal(p.proposed, 'class Stats:\n    def mean(values):\n        """Return the arithmetic mean."""\n        return sum(values) / len(values)\n');
    await vscode.commands.executeCommand('kestrel.acceptProposal');
    assert.match(editor.document.getText(), /^ {8}"""Return the arithmetic mean\."""$/m);
  });

  it('Fix sends the diagnostics in range with their messages', async () => {
    const editor = await open('typescript', 'export function add(a: number, b: number): number {\n  return a + c;\n}\n');
    const collection = vscode.languages.createDiagnosticCollection('kestrel-test');
    collection.set(editor.document.uri, [new vscode.Diagnostic(new vscode.Range(1, 13, 1, 14), "Cannot find name 'c'.", vscode.DiagnosticSeverity.Error)]);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    void vscode.commands.executeCommand('kestrel.fix');
    await proposal();
    collection.dispose();
    assert.match(userText(server.requests.at(-1)!), /error at line 2: Cannot find name 'c'\./);
  });

  it('Explain sends the code to the chat panel and the explanation lands there', async () => {
    const editor = await open('typescript', 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand('kestrel.explain');
    const state = await waitFor(async () => {
      const s = await vscode.commands.executeCommand<{ turns: { role: string; content: string }[]; busy: boolean }>('kestrel._test.chatState');
      return s.busy ? undefined : s;
    }, 'the explanation');
    assert.match(state.turns.at(-2)!.content, /Explain this code[\s\S]*return a \+ b;/);
    assert.equal(state.turns.at(-1)!.content, 'Explanation.');
    assert.match(userText(server.requests.at(-1)!), /return a \+ b;/);
  });

  it('Write Tests opens an unsaved test file named by the workspace convention', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src', 'cart.ts'));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(6, 0, 8, 1);
    await vscode.commands.executeCommand('kestrel.generateTests');
    const opened = await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === 'untitled' ? vscode.window.activeTextEditor.document : undefined, 'the test file');
    // tests/cart.test.ts already exists in the sample workspace: it is left alone.
    assert.match(opened.uri.path, /tests\/cart-2\.test\.ts$/);
    assert.match(opened.getText(), /describe\('add'/);
    assert.equal(opened.isDirty, true);
    await sleep(50);
  });

  describe('on a Python file', () => {
    const source = () => readFileSync(join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'py', 'stats.py'), 'utf8');

    it('Refactor with the cursor inside a function proposes that function and Accept replaces only it', async () => {
      const original = source();
      const editor = await open('python', original);
      const line = original.split('\n').findIndex((l) => l.includes('middle = len(ordered)'));
      editor.selection = new vscode.Selection(line, 4, line, 4);
      await vscode.commands.executeCommand('kestrel._test.refactorWith', 'use the statistics module');
      await proposal();
      assert.match(userText(server.requests.at(-1)!), /def median\(values\):[\s\S]*return \(ordered\[middle - 1\]/);
      assert.doesNotMatch(userText(server.requests.at(-1)!), /Refactor this code[\s\S]*def mean/, 'only the enclosing function is sent as the code to change');
      await vscode.commands.executeCommand('kestrel.acceptProposal');
      const after = editor.document.getText();
      assert.match(after, /def mean\(values\):\n {4}"""Return the arithmetic mean/);
      assert.match(after, /def median\(values\):\n {4}return statistics\.median\(values\)\n/);
      assert.doesNotMatch(after, /ordered\[middle/);
    });

    it('Fix sends the diagnostic and takes the code out of the prose around it', async () => {
      const original = source();
      const editor = await open('python', original);
      const line = original.split('\n').findIndex((l) => l.includes('return ordered[middle]'));
      const collection = vscode.languages.createDiagnosticCollection('kestrel-test-py');
      collection.set(editor.document.uri, [new vscode.Diagnostic(new vscode.Range(line, 8, line, 29), 'Possibly unsorted input', vscode.DiagnosticSeverity.Warning)]);
      const start = original.split('\n').findIndex((l) => l.startsWith('def median'));
      editor.selection = new vscode.Selection(start, 0, line + 2, 0);
      void vscode.commands.executeCommand('kestrel.fix');
      const p = await proposal();
      collection.dispose();
      assert.match(userText(server.requests.at(-1)!), /warning at line \d+: Possibly unsorted input/);
      assert.match(p.proposed, /def median\(values\):\n {4}ordered = sorted\(values\)\n {4}return ordered\[len\(ordered\) \/\/ 2\]\n/);
      assert.doesNotMatch(p.proposed, /must be sorted/);
    });

    it('Write Tests names the file test_stats.py and opens it unsaved', async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri;
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'py', 'stats.py')));
      editor.selection = new vscode.Selection(0, 0, 2, 36);
      await vscode.commands.executeCommand('kestrel.generateTests');
      const opened = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.scheme === 'untitled' ? vscode.window.activeTextEditor.document : undefined), 'the test file');
      assert.match(opened.uri.path, /\/test_stats\.py$/);
      assert.match(opened.getText(), /def test_mean\(\):/);
      assert.equal(opened.isDirty, true);
    });
  });
});

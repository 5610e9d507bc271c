// Inline suggestions on inputs that break naive extensions, in the real extension host: empty,
// huge, minified, binary, broken UTF-16, CRLF and mixed line endings, a notebook cell, untitled,
// read-only and diff editors. For each: no crash, the work is bounded (the prompt stays within the
// context budget however big the file), and no request goes out where a suggestion makes no sense
// (checked on the fake server's request log). What each case did and how long the provider took is
// written to test-results/bad-input.md (reported, never asserted: speed belongs in the benchmarks).
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ALTERNATIVE_TEMPERATURES } from '../../src/core/completion/pipeline';
import type { FakeServer, LoggedRequest } from '../support/fake-server';
import { type InlineStats, type ProvidedItem, resetSettings, setSettings, sleep, useFakeServer } from './helpers';



const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.inline.debounceMs', 'kestrel.inline.multiline', 'files.readonlyInclude'];
/** Characters a prompt may have whatever the file: context budget (4,500 + 1,500), snippets (1,500), instructions, tags and prefill. */
const MAX_PROMPT_CHARS = 10_000;
const RO_SCHEME = 'kestrel-readonly-test';

const userText = (r: LoggedRequest) => String(r.body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '');
const promptChars = (r: LoggedRequest) => (r.body.messages as { content: string }[]).reduce((n, m) => n + String(m.content).length, 0);
const holeLine = (r: LoggedRequest) => {
  const text = userText(r);
  const before = text.slice(0, text.indexOf('{{HOLE}}'));
  return before.slice(before.lastIndexOf('\n') + 1);
};

function answer(request: LoggedRequest): { text: string } {
  const line = holeLine(request);
  if (line.startsWith('function two() {')) return { text: '\n  const x = 2;\n  return x;\n}' };
  return { text: 'done();' };
}

const provide = (options: { uri: string; line: number; character: number; explicit?: boolean }) => vscode.commands.executeCommand<ProvidedItem | undefined>('kestrel._test.provideInline', options);
const stats = () => vscode.commands.executeCommand<InlineStats>('kestrel._test.inlineStats');
const workspaceFile = (relative: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, relative);

async function writeWorkspaceFile(relative: string, content: string | Uint8Array): Promise<vscode.Uri> {
  const uri = workspaceFile(relative);
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return uri;
}

/** A new untitled document with `content` (checked: VS Code can hand back an older untitled model). */
async function untitled(language: string, content: string): Promise<vscode.TextDocument> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const document = await vscode.workspace.openTextDocument({ language, content });
    if (document.getText().length === content.length && document.languageId === language) return document;
    await sleep(200);
  }
  throw new Error(`VS Code did not open an untitled ${language} document with the given text.`);
}

/** Closes every editor, reverting untitled documents first so no save prompt keeps one open. */
async function closeEverything(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isUntitled || !document.isDirty || document.isClosed) continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function configure(values: Record<string, unknown>): Promise<void> {
  await setSettings(values);
  await sleep(150);
}

interface Row {
  input: string;
  size: string;
  asked: string;
  requests: number;
  prompt: string;
  ms: number;
  /** Kestrel's own work in that call (context, snippets, prompt), without waits and network. */
  workMs?: number;
  outcome: string;
}

const rows: Row[] = [];

describe('Bad input', () => {
  let server: FakeServer;
  const completions = () => server.completions;
  let provider: vscode.Disposable;

  /** Runs the provider at a position and returns what it answered and every request it sent. */
  async function attempt(input: string, document: vscode.TextDocument, line: number, character: number, explicit: boolean): Promise<{ item: ProvidedItem | undefined; sent: LoggedRequest[] }> {
    const before = completions().length;
    const statsBefore = await stats();
    const started = performance.now();
    const item = await provide({ uri: document.uri.toString(), line, character, explicit });
    const ms = Math.round(performance.now() - started);
    await sleep(100);
    const all = completions().slice(before);
    // Asked explicitly, the alternatives' requests go too: the same prompt at higher temperatures.
    const sent = all.filter((r) => !ALTERNATIVE_TEMPERATURES.includes(r.body.temperature));
    const alternatives = all.filter((r) => ALTERNATIVE_TEMPERATURES.includes(r.body.temperature));
    assert.ok(explicit ? [0, ALTERNATIVE_TEMPERATURES.length].includes(alternatives.length) : alternatives.length === 0, `${alternatives.length} alternatives' requests`);
    for (const r of alternatives) if (sent[0]) assert.deepEqual(r.body.messages, sent[0].body.messages, 'an alternative has the same prompt');
    const after = await stats();
    assert.equal(after.inFlight, 0, 'no request left running');
    assert.equal(after.errors, statsBefore.errors, 'no error');
    for (const r of sent) assert.ok(promptChars(r) <= MAX_PROMPT_CHARS, `${input}: a prompt of ${promptChars(r)} characters`);
    const chars = document.getText().length;
    rows.push({
      input,
      size: chars >= 1e6 ? `${(chars / 1e6).toFixed(1)} M chars, ${document.lineCount.toLocaleString('en')} lines` : `${chars.toLocaleString('en')} chars, ${document.lineCount.toLocaleString('en')} lines`,
      asked: explicit ? 'asked' : 'typing',
      requests: all.length,
      prompt: sent.length ? sent.map((r) => promptChars(r).toLocaleString('en')).join(', ') : '–',
      ms,
      // Declined before the pipeline (read-only, excluded): no work to speak of.
      workMs: after.calls > statsBefore.calls ? after.lastWorkMs : undefined,
      outcome: item ? `suggestion ${JSON.stringify(item.text)}` : 'none',
    });
    return { item, sent };
  }

  before(async () => {
    server = await useFakeServer({ respond: answer }, { 'kestrel.inline.debounceMs': 0, 'kestrel.inline.multiline': 'never' });
    provider = vscode.workspace.registerTextDocumentContentProvider(RO_SCHEME, { provideTextDocumentContent: () => 'export const a = 1;\nexport const b = \n' });
  });
  after(async () => {
    // The files it wrote (one of them 10 MB) would only slow the suites that run after it.
    for (const folder of ['bad', 'locked']) await vscode.workspace.fs.delete(workspaceFile(folder), { recursive: true }).then(undefined, () => undefined);
    provider.dispose();
    await server.close();
    await resetSettings(SETTINGS);
    const table = [
      '| input | size | trigger | requests | prompt chars | provider call ms | Kestrel work ms | result |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.input} | ${r.size} | ${r.asked} | ${r.requests} | ${r.prompt} | ${r.ms} | ${r.workMs === undefined ? '–' : r.workMs.toFixed(1)} | ${r.outcome.replace(/\|/g, '\\|').replace(/\r/g, '\\r').replace(/\n/g, '\\n')} |`),
    ].join('\n');
    const dir = join(__dirname, '..', '..', '..', 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad-input.md'), `${table}\n`);
  });
  afterEach(closeEverything);

  it('an empty document: no request while typing; asking sends a tiny prompt', async () => {
    const document = await untitled('typescript', '');
    await vscode.window.showTextDocument(document);
    const typing = await attempt('empty untitled document', document, 0, 0, false);
    assert.equal(typing.sent.length, 0, 'nothing to continue in an empty file');
    const asked = await attempt('empty untitled document', document, 0, 0, true);
    assert.equal(asked.sent.length, 1);
    assert.ok(promptChars(asked.sent[0]) < 1000);
  });

  it('a 10 MB file: the prompt stays within the budget wherever the cursor is', async function () {
    this.timeout(120_000);
    const line = (i: number) => `  const value${i} = compute(${i}, items); // ${'pad'.repeat(4)}\n`;
    const lines: string[] = ['export function big(items: number[]) {\n'];
    let size = lines[0].length;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      lines.push(line(i));
      size += lines[lines.length - 1].length;
    }
    lines.push('}\n');
    const uri = await writeWorkspaceFile('bad/big.ts', lines.join(''));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.ok(document.getText().length >= 10 * 1024 * 1024);
    await vscode.window.showTextDocument(document);
    const middle = Math.floor(document.lineCount / 2);
    const { sent } = await attempt('10 MB file, middle', document, middle, document.lineAt(middle).text.length, false);
    assert.equal(sent.length, 1);
    assert.match(userText(sent[0]), /bad\/big\.ts \(typescript\)/);
    const last = document.lineCount - 2;
    const end = await attempt('10 MB file, near the end', document, last, document.lineAt(last).text.length, true);
    assert.equal(end.sent.length, 1);
  });

  it('a 2 MB minified single line: no request at its end, even when asked; the next line gets it clipped', async function () {
    this.timeout(60_000);
    const piece = 'var a=1;function b(c){return c+a}';
    const minified = piece.repeat(Math.ceil((2 * 1024 * 1024) / piece.length));
    const uri = await writeWorkspaceFile('bad/bundle.min.js', `${minified}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const width = document.lineAt(0).text.length;
    assert.ok(width >= 2 * 1024 * 1024);
    assert.equal((await attempt('2 MB minified line, at its end', document, 0, width, false)).sent.length, 0);
    assert.equal((await attempt('2 MB minified line, at its end', document, 0, width, true)).sent.length, 0);
    assert.equal((await attempt('2 MB minified line, in the middle', document, 0, 1_000_000, true)).sent.length, 0);
    const next = await attempt('2 MB minified line, the line after it', document, 1, 0, true);
    assert.equal(next.sent.length, 1);
    assert.ok(userText(next.sent[0]).length < 3000, 'the minified line is clipped in the prompt');
  });

  it('binary content: no request near NUL bytes or with them in the window, even when asked', async () => {
    const blob = Array.from({ length: 40 }, (_, i) => `\u0000\u0001${String.fromCharCode(0x80 + i)}\u0002PK\u0003\u0004`).join('');
    const document = await untitled('typescript', `const a = 1;\n${blob}\nconst b = 2;\nconst c = 3;\nconst d = \n`);
    await vscode.window.showTextDocument(document);
    assert.equal((await attempt('NUL bytes on the line above', document, 1, 4, true)).sent.length, 0);
    assert.equal((await attempt('NUL bytes three lines above', document, 4, 10, true)).sent.length, 0);
    assert.equal((await attempt('NUL bytes three lines above', document, 4, 10, false)).sent.length, 0);
    // A binary file on disk: VS Code may refuse to open it as text; either way nothing is sent.
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const uri = await writeWorkspaceFile('bad/image.bin', bytes);
    let file: vscode.TextDocument | undefined;
    try {
      file = await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      assert.match(String((error as Error).message), /binary/i);
      rows.push({ input: 'binary file on disk', size: '4,096 bytes', asked: '–', requests: 0, prompt: '–', ms: 0, outcome: 'VS Code refuses to open it as text (binary)' });
    }
    if (file) {
      const last = file.lineCount - 1;
      assert.equal((await attempt('binary file on disk', file, last, file.lineAt(last).text.length, true)).sent.length, 0);
    }
  });

  it('lone UTF-16 surrogates: the request is well-formed; never a suggestion inside a surrogate pair', async () => {
    const document = await untitled('typescript', 'const broken = "\uD800 and \uDC00";\nconst smile = "😀";\nconst next = \n');
    await vscode.window.showTextDocument(document);
    const { sent, item } = await attempt('lone surrogates in the file', document, 2, 13, false);
    assert.equal(sent.length, 1);
    // The text reaches the server exactly as the extension host holds it (VS Code may already have
    // replaced lone surrogates with U+FFFD when the document crossed into the extension host).
    const line0 = document.lineAt(0).text;
    assert.ok(userText(sent[0]).includes(line0), `sent ${JSON.stringify(userText(sent[0]).split('\n').find((l) => l.startsWith('const broken')))} for ${JSON.stringify(line0)}`);
    assert.equal(item?.text, 'done();');
    const inside = await attempt('cursor between the halves of a surrogate pair', document, 1, 16, true);
    assert.equal(inside.sent.length, 0);
    assert.equal(inside.item, undefined);
    const afterLone = await untitled('typescript', 'const s = "\uD800');
    const lone = await attempt('cursor right after a lone high surrogate', afterLone, 0, 12, true);
    assert.equal(lone.sent.length, 1, 'a lone surrogate is not a pair: asking still works');
  });

  it('CRLF: the prompt has no carriage returns and a several-line suggestion uses CRLF', async () => {
    await configure({ 'kestrel.inline.multiline': 'always' });
    try {
      const document = await untitled('typescript', 'function one() {\r\n  return 1;\r\n}\r\n\r\nfunction two() {\r\n');
      assert.equal(document.eol, vscode.EndOfLine.CRLF);
      await vscode.window.showTextDocument(document);
      const { sent, item } = await attempt('CRLF document', document, 4, 16, true);
      assert.equal(sent.length, 1);
      assert.ok(!userText(sent[0]).includes('\r'), 'no \\r in the prompt');
      assert.ok(item, 'a suggestion');
      assert.ok(item.text.includes('\r\n'), `several lines: ${JSON.stringify(item.text)}`);
      assert.ok(!/[^\r]\n/.test(item.text), `only CRLF line breaks: ${JSON.stringify(item.text)}`);
    } finally {
      await configure({ 'kestrel.inline.multiline': 'never' });
    }
  });

  it('mixed line endings in a file on disk: one line per line, no stray carriage returns sent', async () => {
    const uri = await writeWorkspaceFile('bad/mixed.ts', 'const a = 1;\r\nconst b = 2;\nconst c = 3;\rconst d = 4;\r\nconst e = \n');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const line = document.lineCount - 2;
    assert.equal(document.lineAt(line).text, 'const e = ');
    const { sent, item } = await attempt('mixed CRLF / LF / CR file', document, line, 10, false);
    assert.equal(sent.length, 1);
    assert.ok(!userText(sent[0]).includes('\r'));
    assert.match(userText(sent[0]), /const b = 2;\nconst c = 3;\nconst d = 4;\nconst e = \{\{HOLE\}\}/);
    assert.equal(item?.text, 'done();');
  });

  it('a notebook cell gets suggestions from its own text', async function () {
    let notebook: vscode.NotebookDocument;
    try {
      notebook = await vscode.workspace.openNotebookDocument(
        'jupyter-notebook',
        new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'values = [3, 1, 2]\ntotal = ', 'python')]),
      );
    } catch (error) {
      const reason = `no Jupyter notebook serializer in this VS Code (${String((error as Error).message).slice(0, 80)})`;
      console.log(`Skipping the notebook case: ${reason}`);
      rows.push({ input: 'notebook cell', size: '–', asked: '–', requests: 0, prompt: '–', ms: 0, outcome: `skipped: ${reason}` });
      this.skip();
    }
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(0).document;
    assert.equal(cell.uri.scheme, 'vscode-notebook-cell');
    const { sent, item } = await attempt('notebook cell (untitled .ipynb)', cell, 1, 8, false);
    assert.equal(sent.length, 1);
    assert.match(userText(sent[0]), /\(python\)/);
    assert.match(userText(sent[0]), /values = \[3, 1, 2\]\ntotal = \{\{HOLE\}\}/);
    assert.equal(item?.text, 'done();');
  });

  it('an untitled document is named by its title in the prompt', async () => {
    const document = await untitled('python', 'def mean(values):\n    return \n');
    await vscode.window.showTextDocument(document);
    const { sent } = await attempt('untitled document', document, 1, 11, false);
    assert.equal(sent.length, 1);
    assert.match(userText(sent[0]), /File: Untitled-\d+ \(python\)/);
  });

  it('read-only documents: a content provider\'s and a files.readonlyInclude file get no request, even when asked', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(`${RO_SCHEME}:/generated/readonly.ts`));
    await vscode.window.showTextDocument(document);
    assert.equal((await attempt('read-only (content provider)', document, 1, 17, false)).sent.length, 0);
    assert.equal((await attempt('read-only (content provider)', document, 1, 17, true)).sent.length, 0);

    const uri = await writeWorkspaceFile('locked/config.ts', 'export const retries = 3;\nexport const timeout = \n');
    await configure({ 'files.readonlyInclude': { '**/locked/**': true } });
    try {
      const locked = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(locked);
      assert.equal((await attempt('read-only (files.readonlyInclude)', locked, 1, 23, true)).sent.length, 0);
    } finally {
      await configure({ 'files.readonlyInclude': undefined });
    }
    const unlocked = await vscode.workspace.openTextDocument(uri);
    assert.equal((await attempt('the same file once writable again', unlocked, 1, 23, true)).sent.length, 1);
  });

  it('a diff editor: none on the read-only original side, suggestions on the editable side', async () => {
    const right = await writeWorkspaceFile('bad/diffed.ts', 'export const a = 1;\nexport const b = \n');
    const left = vscode.Uri.parse(`${RO_SCHEME}:/bad/diffed.ts`);
    await vscode.commands.executeCommand('vscode.diff', left, right, 'diffed.ts (HEAD ↔ working tree)');
    await sleep(300);
    const original = vscode.workspace.textDocuments.find((d) => d.uri.toString() === left.toString());
    const modified = vscode.workspace.textDocuments.find((d) => d.uri.toString() === right.toString());
    assert.ok(original && modified, 'both sides are open');
    assert.equal((await attempt('diff editor, original side', original, 1, 17, true)).sent.length, 0);
    const { sent, item } = await attempt('diff editor, modified side', modified, 1, 17, false);
    assert.equal(sent.length, 1);
    assert.equal(item?.text, 'done();');
  });

  it('after all of that the provider still works and nothing is left running', async () => {
    const document = await untitled('typescript', 'const total = \n');
    await vscode.window.showTextDocument(document);
    const { item } = await attempt('an ordinary line afterwards', document, 0, 14, false);
    assert.equal(item?.text, 'done();');
    assert.equal((await stats()).inFlight, 0);
  });
});

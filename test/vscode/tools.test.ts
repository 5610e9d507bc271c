// The chat's read-only workspace tools in the real extension host, run through the test hook
// (`kestrel._test.runTool`, the executor the chat panel uses) and as VS Code language model tools
// (`vscode.lm.invokeTool`, as another extension calls them): a file read by range with numbered lines,
// `.env`, a .kestrelignore'd file and links to either refused without their text, links and paths
// leading outside the workspace refused, huge and binary files refused, a search with 100,000 hits
// bounded, excluded files never searched or listed, symbols, definitions and references from the
// TypeScript language service, the Problems list, and the tools refused when kestrel.chat.tools is off.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isExcluded, kestrel, runTool, setSettings, sleep, waitFor, workspaceFile as file, workspaceFolder as folder, workspaceRoot as root, type ToolResult as Result } from './helpers';

const ENV_CANARY = 'this-file-is-excluded-by-default';
const IGNORE_CANARY = 'KESTREL-TOOLS-CANARY-IGNORED-51c3';
const OUTSIDE_CANARY = 'KESTREL-TOOLS-CANARY-OUTSIDE-7d20';

async function remove(relative: string): Promise<void> {
  rmSync(join(root(), relative), { recursive: true, force: true });
}

/** Retries while the language service warms up: its first answers can be empty. */
async function settled(name: string, args: unknown, ready: (r: Result) => boolean, what: string): Promise<Result> {
  let last: Result | undefined;
  try {
    return await waitFor(
      async () => {
        last = await runTool(name, args);
        if (ready(last)) return last;
        await sleep(500);
        return undefined;
      },
      what,
      20_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} Last result: ${JSON.stringify(last)}`);
  }
}

describe('Chat tools: the workspace tools in the extension host', () => {
  const created: string[] = [];
  const write = (relative: string, content: string | Uint8Array) => {
    mkdirSync(join(root(), relative, '..'), { recursive: true });
    writeFileSync(join(root(), relative), content);
    created.push(relative);
  };
  let outside: string;

  before(async function () {
    if (folder().scheme !== 'file') this.skip();
    await kestrel();
    outside = mkdtempSync(join(tmpdir(), 'kestrel-tools-outside-'));
    writeFileSync(join(outside, 'elsewhere.ts'), `export const marker = '${OUTSIDE_CANARY}';\n`);
    write('.kestrelignore', '# kept at home\nprivate-tools/\n');
    write('private-tools/secret.ts', `export const secret = '${IGNORE_CANARY}';\n`);
    write('tools-fixture/long.txt', Array.from({ length: 1200 }, (_, i) => `r${i + 1}`).join('\n') + '\n');
    write('tools-fixture/wide.ts', Array.from({ length: 1200 }, (_, i) => `export const line${i + 1} = ${i + 1};`).join('\n') + '\n');
    write('tools-fixture/shapes.ts', 'export function kestrelArea(width: number, height: number): number {\n  return width * height;\n}\n');
    write('tools-fixture/usesShapes.ts', "import { kestrelArea } from './shapes';\n\nexport const small = kestrelArea(1, 2);\nexport const large = kestrelArea(10, 20);\n");
    symlinkSync(join(root(), '.env'), join(root(), 'tools-env-link.txt'));
    created.push('tools-env-link.txt');
    symlinkSync(join(root(), 'private-tools', 'secret.ts'), join(root(), 'tools-ignored-link.ts'));
    created.push('tools-ignored-link.ts');
    symlinkSync(join(outside, 'elsewhere.ts'), join(root(), 'tools-outside-link.ts'));
    created.push('tools-outside-link.ts');
    for (const path of ['.env', 'private-tools/secret.ts', 'tools-env-link.txt', 'tools-ignored-link.ts']) {
      await waitFor(async () => (await isExcluded(file(path))) || undefined, `${path} to count as excluded`, 10_000);
    }
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const path of created.reverse()) await remove(path);
    await remove('private-tools');
    await remove('tools-fixture');
    await remove('tools-search');
    if (outside) rmSync(outside, { recursive: true, force: true });
    await setSettings({ 'kestrel.chat.tools': undefined });
  });

  describe('read_file', () => {
    it('reads a range with numbered lines under a header', async () => {
      const result = await runTool('read_file', { path: 'src/cart.ts', startLine: 7, endLine: 9 });
      assert.equal(result.error, undefined, result.text);
      assert.equal(result.title, 'Read src/cart.ts 7–9', 'the line names the lines read');
      assert.equal(result.text, 'src/cart.ts, lines 7–9 of 20:\n7: export function subtotal(items: Item[]): number {\n8:   return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n9: }');
    });

    it('reads a whole short file, and an absolute path inside the workspace or ./path the same way', async () => {
      const whole = await runTool('read_file', { path: './src/cart.ts' });
      assert.equal(whole.outcome, '20 lines');
      assert.match(whole.text, /^src\/cart\.ts, lines 1–20 of 20:\n1: export interface Item \{/);
      const absolute = await runTool('read_file', { path: join(root(), 'src', 'cart.ts') });
      assert.equal(absolute.text, whole.text);
    });

    it('a long file gives its first 400 lines and says how to read the rest', async () => {
      const result = await runTool('read_file', { path: 'tools-fixture/long.txt' });
      assert.equal(result.title, 'Read tools-fixture/long.txt 1–400');
      assert.match(result.text, /^tools-fixture\/long\.txt, lines 1–400 of 1,200:\n1: r1\n2: r2\n/);
      assert.match(result.text, /\n400: r400\n\(lines 401–1,200 not shown: read them in ranges of at most 400 lines\)$/);
      const ranged = await runTool('read_file', { path: 'tools-fixture/long.txt', startLine: 1000, endLine: 1005 });
      assert.equal(ranged.title, 'Read tools-fixture/long.txt 1,000–1,005');
      assert.match(ranged.text, /\n1000: r1000\n[\s\S]*1005: r1005$/);
    });

    it('a file of long lines gives what fits in a result and says where to go on, never clipped', async () => {
      const result = await runTool('read_file', { path: 'tools-fixture/wide.ts' });
      const shown = Number(/^Read tools-fixture\/wide\.ts 1–(\d+)$/.exec(result.title ?? '')?.[1]);
      assert.ok(shown > 100 && shown < 400, result.title);
      assert.ok(result.text.length <= 8_000, `${result.text.length} characters`);
      assert.ok(result.text.endsWith(`(lines ${shown + 1}–1,200 not shown: read them in ranges, such as startLine ${shown + 1})`), result.text.slice(-200));
    });

    it('a range past the end says how many lines the file has', async () => {
      const result = await runTool('read_file', { path: 'src/cart.ts', startLine: 500, endLine: 510 });
      assert.equal(result.error, true);
      assert.match(result.text, /^Error: src\/cart\.ts has 20 lines; line 500 is past the end\./);
    });

    it('.env, a .kestrelignored file and links to them are refused, their text never read', async () => {
      for (const path of ['.env', 'private-tools/secret.ts', 'tools-env-link.txt', 'tools-ignored-link.ts']) {
        const result = await runTool('read_file', { path });
        assert.equal(result.error, true, path);
        assert.equal(result.outcome, 'refused: excluded', path);
        assert.match(result.text, /is excluded from what Kestrel may send \(kestrel\.exclude or \.kestrelignore\); its content was not read\./);
        for (const canary of [ENV_CANARY, IGNORE_CANARY]) assert.ok(!result.text.includes(canary), `${path} leaked its text`);
      }
    });

    it('a link leading outside the workspace, ../ and /etc/passwd are refused as outside the workspace', async () => {
      for (const path of ['tools-outside-link.ts', '../outside.ts', 'src/../../x.ts', '/etc/passwd', join(outside, 'elsewhere.ts')]) {
        const result = await runTool('read_file', { path });
        assert.equal(result.outcome, 'refused: outside the workspace', `${path}: ${result.text}`);
        assert.match(result.text, /is outside the workspace/);
        assert.ok(!result.text.includes(OUTSIDE_CANARY) && !result.text.includes('root:'), path);
      }
    });

    it('a 10 MB file is refused by its size, a binary file as binary, a folder as a folder, a missing file as not found', async () => {
      write('tools-fixture/huge.txt', 'x'.repeat(10_000_000));
      write('tools-fixture/image.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
      const huge = await runTool('read_file', { path: 'tools-fixture/huge.txt' });
      assert.equal(huge.outcome, 'refused: too large');
      assert.equal(huge.text, 'Error: tools-fixture/huge.txt is too large to read (10.0 MB; at most 1 MB).');
      const binary = await runTool('read_file', { path: 'tools-fixture/image.bin' });
      assert.equal(binary.outcome, 'refused: binary');
      assert.match(binary.text, /image\.bin is a binary file/);
      const dir = await runTool('read_file', { path: 'src' });
      assert.match(dir.text, /src is a folder\. Use list_files/);
      const missing = await runTool('read_file', { path: 'src/nowhere.ts' });
      assert.equal(missing.outcome, 'not found');
      assert.match(missing.text, /list_files or search_text/);
    });

    it('an open editor is read with its unsaved changes', async () => {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('tools-fixture/long.txt')));
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'UNSAVED-EDIT\n'));
      try {
        const result = await runTool('read_file', { path: 'tools-fixture/long.txt', startLine: 1, endLine: 2 });
        assert.match(result.text, /\n1: UNSAVED-EDIT\n2: r1$/);
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    });

    it('bad arguments are an error the model reads, not a crash', async () => {
      const result = await runTool('read_file', { startLine: 3 });
      assert.equal(result.error, true);
      assert.match(result.text, /^Error: read_file needs `path`/);
    });
  });

  describe('search_text', () => {
    it('a search with 100,000 hits stops at 10,000, lists 50 and says to narrow it, in a few seconds', async () => {
      for (let f = 0; f < 20; f++) {
        write(`tools-search/hits-${String(f).padStart(2, '0')}.txt`, Array.from({ length: 5000 }, (_, i) => `row ${i} has the NeedleWord in it`).join('\n') + '\n');
      }
      await waitFor(async () => ((await vscode.workspace.findFiles('tools-search/**')).length === 20) || undefined, 'the search files to be listed', 10_000);
      const started = Date.now();
      const result = await runTool('search_text', { query: 'needleword' });
      const took = Date.now() - started;
      assert.ok(took < 10_000, `took ${took} ms`);
      assert.equal(result.outcome, '10,000+ matches');
      const hits = result.text.split('\n').filter((l) => /^tools-search\/hits-\d+\.txt:\d+: row \d+ has the NeedleWord in it$/.test(l));
      assert.equal(hits.length, 50);
      assert.match(result.text, /^10,000\+ matches for "needleword" in 2\+ files \(the search stopped there\); the first 50 are listed:/);
      assert.match(result.text, /narrow the search/);
      assert.ok(result.text.length <= 8_200, `${result.text.length} characters`);
    });

    it('finds plain text case-insensitively, with path and line; a regular expression is plain text', async () => {
      const result = await runTool('search_text', { query: 'APPLYDISCOUNT(total', include: 'src/cart.ts' });
      assert.equal(result.outcome, '1 match in 1 file');
      assert.match(result.text, /\nsrc\/cart\.ts:11: export function applyDiscount\(total: number, percent: number\): number \{/);
      const regex = await runTool('search_text', { query: '(a+)+$' });
      assert.equal(regex.outcome, 'no matches');
    });

    it('never searches excluded files: a secret only in .env or a .kestrelignored file is not found, and the files are not named', async () => {
      for (const query of [ENV_CANARY, IGNORE_CANARY]) {
        const result = await runTool('search_text', { query });
        assert.equal(result.outcome, 'no matches', result.text);
        assert.match(result.text, /\d+ excluded files? (was|were) not searched/);
        assert.ok(!/\.env|secret\.ts|tools-env-link|tools-ignored-link/.test(result.text), result.text);
      }
      const outsideHit = await runTool('search_text', { query: OUTSIDE_CANARY });
      assert.equal(outsideHit.outcome, 'no matches', 'a link leading outside the workspace is not searched');
    });
  });

  describe('language service tools', () => {
    before(async () => {
      // The TypeScript service loads the project of an open file.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('tools-fixture/usesShapes.ts')), { preview: false });
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('tools-fixture/shapes.ts')), { preview: false });
    });

    it('find_symbol lists kind, name, path and line', async () => {
      const result = await settled('find_symbol', { query: 'kestrelArea' }, (r) => r.outcome !== 'no symbols', 'the workspace symbol provider');
      assert.match(result.text, /\nfunction kestrelArea(\(\))? — tools-fixture\/shapes\.ts:1(\n|$)/);
      assert.match(result.outcome, /^\d+ symbols?$/);
    });

    it('find_definition from a use in another file, and by name alone', async () => {
      const fromUse = await settled('find_definition', { symbol: 'kestrelArea', path: 'tools-fixture/usesShapes.ts', line: 3 }, (r) => r.outcome !== 'not found', 'the definition provider');
      assert.equal(fromUse.outcome, 'tools-fixture/shapes.ts:1');
      assert.match(fromUse.text, /tools-fixture\/shapes\.ts:1: export function kestrelArea\(width: number, height: number\): number \{/);
      // By name alone: the workspace's symbol of that name (the TypeScript service knows the files of the projects open).
      const byName = await settled('find_definition', { symbol: 'kestrelArea()' }, (r) => r.outcome !== 'not found', 'the definition by name');
      assert.equal(byName.outcome, 'tools-fixture/shapes.ts:1');
    });

    it('find_references lists each reference by path and line, sorted by file', async () => {
      const result = await settled('find_references', { symbol: 'kestrelArea', path: 'tools-fixture/shapes.ts', line: 1 }, (r) => /in 2 files$/.test(r.outcome), 'references in both files');
      assert.equal(result.outcome, '4 in 2 files');
      assert.deepEqual(
        result.text.split('\n').slice(1).map((l) => l.replace(/: .*$/, '')),
        ['tools-fixture/shapes.ts:1', 'tools-fixture/usesShapes.ts:1', 'tools-fixture/usesShapes.ts:3', 'tools-fixture/usesShapes.ts:4'],
      );
    });

    it('a symbol asked in an excluded file is refused without reading it', async () => {
      const result = await runTool('find_references', { symbol: 'secret', path: 'private-tools/secret.ts', line: 1 });
      assert.equal(result.outcome, 'refused: excluded');
      assert.ok(!result.text.includes(IGNORE_CANARY));
    });
  });

  describe('list_files and get_problems', () => {
    it('list_files lists sorted relative paths and leaves excluded files out', async () => {
      const result = await runTool('list_files', { glob: '**/*' });
      const listed = result.text.split('\n');
      for (const path of ['src/cart.ts', 'tests/cart.test.ts', 'README.md']) assert.ok(listed.includes(path), `${path} is listed`);
      for (const path of ['.env', 'private-tools/secret.ts', 'tools-env-link.txt']) assert.ok(!listed.includes(path), `${path} is listed`);
      // Left out uncounted: a count per glob would tell which excluded files exist (test/vscode/toolsHostile.test.ts).
      assert.ok(!/excluded/.test(result.text), result.text);
      const code = await runTool('list_files', { glob: 'tools-fixture/**/*.ts' });
      assert.equal(code.outcome, '3 files');
      assert.equal(code.text, '3 files match "tools-fixture/**/*.ts":\ntools-fixture/shapes.ts\ntools-fixture/usesShapes.ts\ntools-fixture/wide.ts');
    });

    it("get_problems reads a file's diagnostics and the workspace's, never an excluded file's", async () => {
      const diagnostics = vscode.languages.createDiagnosticCollection('kestrel-tools-test');
      try {
        diagnostics.set(file('src/cart.ts'), [new vscode.Diagnostic(new vscode.Range(2, 2, 2, 6), 'KESTREL-DIAG price is never negative', vscode.DiagnosticSeverity.Error)]);
        diagnostics.set(file('.env'), [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 3), `KESTREL-DIAG ${ENV_CANARY}`, vscode.DiagnosticSeverity.Warning)]);
        const one = await runTool('get_problems', { path: 'src/cart.ts' });
        assert.match(one.outcome, /^\d+ problems?$/);
        assert.match(one.text, /\nsrc\/cart\.ts:3 error KESTREL-DIAG price is never negative/);
        const all = await runTool('get_problems', {});
        assert.match(all.text, /src\/cart\.ts:3 error KESTREL-DIAG/);
        assert.ok(!all.text.includes(ENV_CANARY), 'the excluded file\'s problem was left out');
        assert.match(all.text, /The problems of \d+ excluded files? were left out/);
        assert.ok(!all.text.includes('.env'), all.text);
        const env = await runTool('get_problems', { path: '.env' });
        assert.equal(env.outcome, 'refused: excluded');
      } finally {
        diagnostics.dispose();
      }
      const none = await runTool('get_problems', { path: 'tools-fixture/long.txt' });
      assert.equal(none.outcome, 'no problems');
    });
  });

  describe('as VS Code language model tools', () => {
    const lm = () => vscode.lm as typeof vscode.lm | undefined;
    const invoke = async (name: string, input: object) => {
      const source = new vscode.CancellationTokenSource();
      try {
        const result = await lm()!.invokeTool(name, { input, toolInvocationToken: undefined }, source.token);
        return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      } finally {
        source.dispose();
      }
    };

    before(function () {
      if (typeof lm()?.invokeTool !== 'function') this.skip();
    });
    afterEach(async () => {
      await setSettings({ 'kestrel.chat.tools': undefined });
      await sleep(150);
    });

    it('lists every Kestrel tool in vscode.lm.tools with its schema and read-only tag', async () => {
      const tools = await waitFor(() => {
        const found = lm()!.tools.filter((t) => t.name.startsWith('kestrel_'));
        return found.length === 7 ? found : undefined;
      }, "Kestrel's tools in vscode.lm.tools", 10_000);
      const read = tools.find((t) => t.name === 'kestrel_read_file')!;
      assert.ok(read.tags.includes('read-only'));
      assert.deepEqual((read.inputSchema as { required?: string[] }).required, ['path']);
    });

    it('kestrel_read_file reads a range as another extension calls it, and refuses .env without its text', async () => {
      const text = await invoke('kestrel_read_file', { path: 'src/cart.ts', startLine: 1, endLine: 3 });
      assert.equal(text, 'src/cart.ts, lines 1–3 of 20:\n1: export interface Item {\n2:   name: string;\n3:   price: number;');
      const env = await invoke('kestrel_read_file', { path: '.env' });
      assert.match(env, /^Error: \.env is excluded/);
      assert.ok(!env.includes(ENV_CANARY));
      const search = await invoke('kestrel_search_text', { query: ENV_CANARY });
      assert.match(search, /^No matches/);
    });

    it('every tool is refused while kestrel.chat.tools is off', async () => {
      await setSettings({ 'kestrel.chat.tools': false });
      await sleep(200);
      await assert.rejects(invoke('kestrel_read_file', { path: 'src/cart.ts' }), /kestrel\.chat\.tools/);
      await assert.rejects(invoke('kestrel_list_files', { glob: '**/*' }), /kestrel\.chat\.tools/);
      await setSettings({ 'kestrel.chat.tools': undefined });
      await sleep(200);
      assert.match(await invoke('kestrel_list_files', { glob: 'src/**' }), /src\/cart\.ts/);
    });
  });
});

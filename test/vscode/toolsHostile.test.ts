// The chat's workspace tools (src/vscode/chatTools.ts) against hostile arguments, as a prompt-injected
// model would send them: paths and globs that try to leave the workspace or reach excluded files
// (encoded, backslashed, through linked folders, inside braces), providers that answer with places in
// excluded or outside files, globs used as an oracle for the names of excluded files, `.git/config`,
// a search over more bytes than it should read, and pathological globs. Run through the test hook
// (`kestrel._test.runTool`), the executor the chat panel uses.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isExcluded, kestrel, runTool, setSettings, sleep, waitFor, workspaceFile as file, workspaceFolder as folder, workspaceRoot as root } from './helpers';

const SECRET = 'KESTREL-HOSTILE-CANARY-SECRET-9e1f';
const OUTSIDE = 'KESTREL-HOSTILE-CANARY-OUTSIDE-44ab';
const GIT_TOKEN = 'ghp_KESTRELHOSTILECANARYTOKEN0000';
const CANARIES = [SECRET, OUTSIDE, GIT_TOKEN, 'root:x:0:0'];
const leaks = (text: string) => CANARIES.filter((c) => text.includes(c));

describe('Chat tools: hostile arguments', function () {
  this.timeout(60_000);
  const created: string[] = [];
  const write = (relative: string, content: string | Uint8Array) => {
    mkdirSync(join(root(), relative, '..'), { recursive: true });
    writeFileSync(join(root(), relative), content);
    created.push(relative);
  };
  const link = (target: string, relative: string) => {
    symlinkSync(target, join(root(), relative));
    created.push(relative);
  };
  let outside: string;
  const disposables: vscode.Disposable[] = [];

  before(async function () {
    if (folder().scheme !== 'file') this.skip();
    await kestrel();
    outside = mkdtempSync(join(tmpdir(), 'kestrel-hostile-outside-'));
    writeFileSync(join(outside, 'elsewhere.ts'), `export const marker = '${OUTSIDE}';\n`);
    mkdirSync(join(outside, 'deep'));
    writeFileSync(join(outside, 'deep', 'outside-only-name.ts'), `export const other = '${OUTSIDE}';\n`);
    write('.kestrelignore', 'hostile-private/\n');
    write('hostile-private/acme-contract.ts', `export const acmeSecretTotal = '${SECRET}';\n`);
    write('hostile-private/zeta.ts', `export const zetaSecret = '${SECRET}';\n`);
    write('hostile/uses.ts', "export function hostileTarget(): number {\n  return 1;\n}\nexport const used = hostileTarget();\n");
    write('hostile/dir/inner.ts', 'export const inner = 1;\n');
    link(outside, 'hostile-outlink');
    link(join(root(), 'hostile-private'), 'hostile-privlink');
    link(join(root(), 'hostile', 'dir'), 'hostile/loop-a');
    // A loop: hostile/dir/back -> hostile/dir
    link(join(root(), 'hostile', 'dir'), 'hostile/dir/back');
    // The repository's own store, with a token in a remote's URL.
    mkdirSync(join(root(), '.git'), { recursive: true });
    write('.git/config', `[remote "origin"]\n\turl = https://kestrel:${GIT_TOKEN}@example.com/repo.git\n`);
    for (const path of ['hostile-private/acme-contract.ts', 'hostile-privlink/zeta.ts']) {
      await waitFor(async () => (await isExcluded(file(path))) || undefined, `${path} to count as excluded`, 10_000);
    }
    await waitFor(async () => ((await vscode.workspace.findFiles('hostile/**')).length > 0) || undefined, 'the files to be listed', 10_000);
  });
  after(async () => {
    disposables.forEach((d) => d.dispose());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const path of created.reverse()) rmSync(join(root(), path), { recursive: true, force: true });
    for (const dir of ['hostile', 'hostile-private', '.git']) rmSync(join(root(), dir), { recursive: true, force: true });
    if (outside) rmSync(outside, { recursive: true, force: true });
    await setSettings({ 'kestrel.chat.tools': undefined });
  });

  it('read_file: encoded, backslashed, doubled-slash, URL and folder-name paths never leave the workspace or reach an excluded file', async () => {
    const name = vscode.workspace.workspaceFolders![0].name;
    const paths = [
      'src/%2e%2e/%2e%2e/etc/passwd',
      '%2e%2e/%2e%2e/etc/passwd',
      'src\\..\\..\\etc\\passwd',
      '..\\..\\etc\\passwd',
      '//etc/passwd',
      'file:///etc/passwd',
      '~/.bashrc',
      `${name}/../../etc/passwd`,
      `${name}/hostile-private/zeta.ts`,
      'hostile-outlink/elsewhere.ts',
      'hostile-outlink/deep/outside-only-name.ts',
      'hostile-privlink/zeta.ts',
      'hostile-private/./zeta.ts',
      'hostile//..//hostile-private/zeta.ts',
      './hostile-private/zeta.ts',
      'HOSTILE-PRIVATE/zeta.ts',
      'hostile-private/zeta.ts ',
      `${join(root(), 'hostile-private', 'zeta.ts')}`,
      `${join(root(), 'hostile', '..', 'hostile-private', 'zeta.ts')}`,
      join(outside, 'elsewhere.ts'),
      '.git/config',
      `${join(root(), '.git', 'config')}`,
    ];
    for (const path of paths) {
      const result = await runTool('read_file', { path });
      assert.deepEqual(leaks(result.text), [], `${path}: ${result.text}`);
      assert.equal(result.error, true, `${path}: ${result.text}`);
    }
  });

  it('read_file: a missing excluded file is refused as excluded, like one that exists (no oracle of which excluded files exist)', async () => {
    const present = await runTool('read_file', { path: 'hostile-private/zeta.ts' });
    const missing = await runTool('read_file', { path: 'hostile-private/not-there.ts' });
    assert.equal(present.outcome, 'refused: excluded');
    assert.equal(missing.outcome, 'refused: excluded', missing.text);
    const env = await runTool('read_file', { path: '.env.production-not-there' });
    assert.equal(env.outcome, 'refused: excluded', env.text);
  });

  it('read_file: a missing file behind a link leading outside is refused as outside, like one that exists', async () => {
    for (const path of ['hostile-outlink/elsewhere.ts', 'hostile-outlink/not-there.ts', 'hostile-outlink/deep/nope/x.ts', 'hostile-outlink/.env.nope']) {
      const result = await runTool('read_file', { path });
      assert.equal(result.outcome, 'refused: outside the workspace', `${path}: ${result.text}`);
    }
    const missing = await runTool('read_file', { path: 'hostile/not-there.ts' });
    assert.equal(missing.outcome, 'not found', 'a missing file in the workspace is still not found');
  });

  it('search_text and list_files: globs that try to climb out or start at the root find nothing outside', async () => {
    const globs = ['{../**,**}', '{..,.}/**', '{/etc/**,**}', '/**', '**/../**', '../**', '**/..', '{**/*,../../../../../../etc/passwd}', 'hostile-outlink/**', '**/outside-only-name.ts', 'hostile-privlink/**', '.git/**', '**/config'];
    for (const glob of globs) {
      const search = await runTool('search_text', { query: 'KESTREL-HOSTILE-CANARY', include: glob });
      assert.deepEqual(leaks(search.text), [], `search ${glob}: ${search.text}`);
      assert.ok(!/KESTREL-HOSTILE-CANARY-[A-Z]+-/.test(search.text.replace(/"KESTREL-HOSTILE-CANARY"/g, '')), `search ${glob}: ${search.text}`);
      const token = await runTool('search_text', { query: 'ghp_', include: glob });
      assert.deepEqual(leaks(token.text), [], `search ${glob}: ${token.text}`);
      const list = await runTool('list_files', { glob });
      // The glob itself is said back (in a refusal too): only what was listed counts.
      const listed = list.text.split('\n').slice(1).join('\n');
      assert.ok(!/outside-only-name|elsewhere\.ts|acme-contract|zeta\.ts|\.git\/config|passwd/.test(listed), `list ${glob}: ${list.text}`);
    }
    const all = await runTool('search_text', { query: 'KESTREL-HOSTILE-CANARY' });
    assert.deepEqual(leaks(all.text), [], all.text);
  });

  it('list_files: files under a linked folder that leads outside are not listed', async () => {
    const result = await runTool('list_files', { glob: '**/*.ts' });
    assert.ok(!/hostile-outlink/.test(result.text), result.text);
  });

  it('list_files and search_text: a glob cannot tell which excluded files exist (no count that depends on the glob)', async () => {
    const hit = await runTool('list_files', { glob: 'hostile-private/a*' });
    const miss = await runTool('list_files', { glob: 'hostile-private/b*' });
    assert.equal(hit.text.replace('a*', 'b*'), miss.text, 'the answers differ only by the glob');
    const searchHit = await runTool('search_text', { query: 'anything', include: 'hostile-private/a*' });
    const searchMiss = await runTool('search_text', { query: 'anything', include: 'hostile-private/b*' });
    assert.equal(searchHit.text.replace('a*', 'b*'), searchMiss.text, 'the answers differ only by the glob');
    const linkHit = await runTool('search_text', { query: 'anything', include: 'hostile-outlink/deep/o*' });
    const linkMiss = await runTool('search_text', { query: 'anything', include: 'hostile-outlink/deep/p*' });
    assert.equal(linkHit.text.replace('o*', 'p*'), linkMiss.text, 'the answers differ only by the glob');
  });

  it('list_files: "more than 200" is never said of excluded files', async () => {
    for (let i = 0; i < 205; i++) write(`hostile-private/many/m${i}.ts`, 'x\n');
    await waitFor(async () => ((await vscode.workspace.findFiles('hostile-private/many/**')).length === 205) || undefined, 'the excluded files to be listed', 10_000);
    const many = await runTool('list_files', { glob: 'hostile-private/many/**' });
    const none = await runTool('list_files', { glob: 'hostile-private/none/**' });
    assert.equal(many.text.replace('many', 'none'), none.text);
  });

  it('find_symbol: a query cannot tell whether an excluded file declares a symbol of that name', async () => {
    const provider = vscode.languages.registerWorkspaceSymbolProvider({
      provideWorkspaceSymbols(query) {
        const all = [new vscode.SymbolInformation('acmeSecretTotal', vscode.SymbolKind.Constant, '', new vscode.Location(file('hostile-private/acme-contract.ts'), new vscode.Position(0, 13)))];
        return all.filter((s) => s.name.toLowerCase().startsWith(query.toLowerCase()));
      },
    });
    disposables.push(provider);
    const hit = await runTool('find_symbol', { query: 'acmeSecretT' });
    const miss = await runTool('find_symbol', { query: 'acmeSecretQ' });
    assert.equal(hit.text.replace('acmeSecretT', 'acmeSecretQ'), miss.text);
    assert.ok(!hit.text.includes('acme-contract'), hit.text);
    provider.dispose();
  });

  it('find_definition and find_references: places in excluded files, outside the workspace and through links are left out, their lines never read', async () => {
    const places = () => [
      new vscode.Location(file('.env'), new vscode.Position(0, 0)),
      new vscode.Location(file('hostile-private/zeta.ts'), new vscode.Position(0, 0)),
      new vscode.Location(file('hostile-privlink/zeta.ts'), new vscode.Position(0, 0)),
      new vscode.Location(file('hostile-outlink/elsewhere.ts'), new vscode.Position(0, 0)),
      new vscode.Location(vscode.Uri.file(join(outside, 'elsewhere.ts')), new vscode.Position(0, 0)),
      new vscode.Location(vscode.Uri.file(`${root()}/hostile/../hostile-private/zeta.ts`), new vscode.Position(0, 0)),
      new vscode.Location(vscode.Uri.file(`${root()}/hostile/../../${outside.split('/').pop()}/elsewhere.ts`), new vscode.Position(0, 0)),
      new vscode.Location(file('.git/config'), new vscode.Position(1, 0)),
      new vscode.Location(vscode.Uri.from({ scheme: 'untitled', path: `${root()}/hostile-private/zeta.ts` }), new vscode.Position(0, 0)),
    ];
    const selector = { pattern: new vscode.RelativePattern(folder(), 'hostile/uses.ts') };
    disposables.push(
      vscode.languages.registerDefinitionProvider(selector, { provideDefinition: () => places() }),
      vscode.languages.registerReferenceProvider(selector, { provideReferences: () => places() }),
    );
    for (const tool of ['find_definition', 'find_references']) {
      const result = await runTool(tool, { symbol: 'hostileTarget', path: 'hostile/uses.ts', line: 4 });
      assert.deepEqual(leaks(result.text), [], `${tool}: ${result.text}`);
      assert.ok(!/zeta|elsewhere|\.env|\.git/.test(result.text), `${tool}: ${result.text}`);
    }
  });

  it('a reference provider answering with 20,000 places is answered in seconds', async () => {
    const selector = { pattern: new vscode.RelativePattern(folder(), 'hostile/many-refs.ts') };
    write('hostile/many-refs.ts', 'export const manyRefs = 1;\n');
    const provider = vscode.languages.registerReferenceProvider(selector, {
      provideReferences: () => Array.from({ length: 20_000 }, (_, i) => new vscode.Location(file(i % 2 ? 'hostile/uses.ts' : 'hostile-private/zeta.ts'), new vscode.Position(i, 0))),
    });
    disposables.push(provider);
    const started = Date.now();
    const result = await runTool('find_references', { symbol: 'manyRefs', path: 'hostile/many-refs.ts', line: 1 });
    const took = Date.now() - started;
    // Each file is judged once, not once per place (about 4 s here when each place was judged;
    // most of what is left is VS Code carrying 20,000 places between processes).
    assert.ok(took < 5_000, `${took} ms`);
    assert.deepEqual(leaks(result.text), []);
    provider.dispose();
  });

  it('get_problems: a file reached through a link leading outside is left out', async () => {
    const diagnostics = vscode.languages.createDiagnosticCollection('kestrel-hostile');
    disposables.push(diagnostics);
    diagnostics.set(file('hostile-outlink/elsewhere.ts'), [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `quoted: ${OUTSIDE}`)]);
    diagnostics.set(file('hostile-privlink/zeta.ts'), [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `quoted: ${SECRET}`)]);
    const all = await runTool('get_problems', {});
    assert.deepEqual(leaks(all.text), [], all.text);
    diagnostics.clear();
  });

  it('pathological globs and queries end in seconds', async () => {
    write(`hostile/${'a'.repeat(120)}.txt`, 'aaaa\n');
    const star = `${'*a'.repeat(99)}*b`;
    const braces = '{a,b}'.repeat(40);
    const globstars = `${'**/a'.repeat(49)}/b`;
    for (const glob of [star, braces, globstars]) {
      for (const [tool, args] of [
        ['list_files', { glob }],
        ['search_text', { query: 'a', include: glob }],
      ] as const) {
        const started = Date.now();
        const result = await runTool(tool, args);
        const took = Date.now() - started;
        assert.ok(took < 10_000, `${tool} ${glob.slice(0, 20)}…: ${took} ms (${result.outcome})`);
      }
    }
  });

  it('a file of one 1 MB line: searched in linear time, read cut to what a result holds and saying so', async () => {
    write('hostile/oneline.txt', 'x'.repeat(999_000));
    await waitFor(async () => ((await vscode.workspace.findFiles('hostile/oneline.txt')).length === 1) || undefined, 'the file to be listed', 10_000);
    for (const query of ['y' + 'x'.repeat(199), 'x'.repeat(199) + 'y', 'x'.repeat(100) + 'y' + 'x'.repeat(99), 'x'.repeat(200)]) {
      const started = Date.now();
      const result = await runTool('search_text', { query, include: 'hostile/oneline.txt' });
      assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
      assert.ok(result.text.length < 2_000, result.outcome);
    }
    const read = await runTool('read_file', { path: 'hostile/oneline.txt' });
    assert.ok(read.text.length <= 8_000, `${read.text.length} characters`);
    assert.ok(!read.text.includes('[Clipped'), read.text.slice(-200));
    assert.match(read.text, /\(line 1 has 999,000 characters; only the first [\d,]+ are shown\)$/);
    const started = Date.now();
    await runTool('find_definition', { symbol: 'x'.repeat(150), path: 'hostile/oneline.txt', line: 1 });
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
  });

  it('a named pipe in the workspace is not read: read_file and search_text answer instead of waiting for a writer', async function () {
    const fifo = join(root(), 'hostile', 'pipe.txt');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    created.push('hostile/pipe.txt');
    const withinTime = async (name: string, args: unknown) => {
      const result = await Promise.race([runTool(name, args), sleep(8_000).then(() => undefined)]);
      assert.ok(result, `${name} ${JSON.stringify(args)} was still waiting after 8 s`);
      return result;
    };
    const read = await withinTime('read_file', { path: 'hostile/pipe.txt' });
    assert.equal(read.error, true, read.text);
    await withinTime('search_text', { query: 'anything', include: 'hostile/**' });
    await withinTime('find_references', { symbol: 'x', path: 'hostile/pipe.txt' });
  });

  it('a search reads a bounded number of bytes, and says it stopped', async function () {
    this.timeout(120_000);
    const line = `${'x'.repeat(99)}\n`;
    const big = line.repeat(9_900); // 990,000 bytes, under the 1 MB a file may have
    for (let i = 0; i < 60; i++) write(`hostile-bulk/f${String(i).padStart(2, '0')}.txt`, big);
    created.push('hostile-bulk');
    await waitFor(async () => ((await vscode.workspace.findFiles('hostile-bulk/**')).length === 60) || undefined, 'the bulk files to be listed', 10_000);
    const started = Date.now();
    const result = await runTool('search_text', { query: 'x'.repeat(199) + 'y' });
    const took = Date.now() - started;
    assert.equal(result.outcome, 'no matches', result.text);
    assert.match(result.text, /stopped after reading \d+ MB/, result.text);
    assert.ok(took < 30_000, `${took} ms`);
  });

  it('tools asked while kestrel.chat.tools is off are refused, however they are reached', async () => {
    await setSettings({ 'kestrel.chat.tools': false });
    await sleep(200);
    try {
      const result = await runTool('read_file', { path: 'hostile/uses.ts' });
      assert.equal(result.error, true, result.text);
      assert.match(result.text, /kestrel\.chat\.tools/);
    } finally {
      await setSettings({ 'kestrel.chat.tools': undefined });
      await sleep(200);
    }
  });
});

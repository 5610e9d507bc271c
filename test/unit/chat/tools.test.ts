// The chat tools' pure rules: which calls pass, what a bad one is told, the compact line's title,
// and how a result is clipped (src/core/chat/tools.ts).
import * as assert from 'node:assert/strict';
import { DEFAULT_TOOL_STEPS, readSettings, type ScopedGetter } from '../../../src/core/config';
import { callTitle, clipResult, count, MAX_RESULT_CHARS, numberedLines, parseToolCall, TOOL_SPECS, toolPath, type ParsedCall } from '../../../src/core/chat/tools';

const call = (name: string, args: unknown) => parseToolCall({ id: 'c', name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
const ok = (name: string, args: unknown): ParsedCall => {
  const parsed = call(name, args);
  if (!parsed.ok) assert.fail(`expected ${name} ${JSON.stringify(args)} to pass: ${parsed.error}`);
  return parsed.call;
};
const error = (name: string, args: unknown): string => {
  const parsed = call(name, args);
  if (parsed.ok) assert.fail(`expected ${name} ${JSON.stringify(args)} to fail`);
  return parsed.error;
};

describe('tool calls: argument checks', () => {
  it('passes each tool with its required fields, dropping what was not given', () => {
    assert.deepEqual(ok('read_file', { path: 'src/cart.ts', startLine: 1, endLine: 40 }), { tool: 'read_file', path: 'src/cart.ts', startLine: 1, endLine: 40 });
    assert.deepEqual(ok('read_file', { path: './src/cart.ts' }), { tool: 'read_file', path: 'src/cart.ts' });
    assert.deepEqual(ok('search_text', { query: 'applyDiscount', include: 'src\\**' }), { tool: 'search_text', query: 'applyDiscount', include: 'src/**' });
    assert.deepEqual(ok('find_symbol', { query: 'Cart' }), { tool: 'find_symbol', query: 'Cart' });
    assert.deepEqual(ok('find_definition', { symbol: 'subtotal', path: 'src/cart.ts', line: 3 }), { tool: 'find_definition', symbol: 'subtotal', path: 'src/cart.ts', line: 3 });
    assert.deepEqual(ok('find_references', { symbol: 'subtotal' }), { tool: 'find_references', symbol: 'subtotal' });
    assert.deepEqual(ok('list_files', { glob: '**/*.ts' }), { tool: 'list_files', glob: '**/*.ts' });
    assert.deepEqual(ok('get_problems', {}), { tool: 'get_problems' });
    assert.deepEqual(ok('get_problems', ''), { tool: 'get_problems' }, 'no arguments at all for a tool that needs none');
  });

  it('reads a line number sent as a string of digits, and refuses 0, a fraction or words', () => {
    assert.deepEqual(ok('read_file', { path: 'a.ts', startLine: '7' }), { tool: 'read_file', path: 'a.ts', startLine: 7 });
    for (const bad of [0, -1, 2.5, 'seven', true]) assert.match(error('read_file', { path: 'a.ts', startLine: bad }), /`startLine` of read_file must be a line number/);
    assert.deepEqual(ok('read_file', { path: 'a.ts', startLine: 1 }), { tool: 'read_file', path: 'a.ts', startLine: 1 }, 'line 1 is a line');
  });

  it('refuses a range that ends before it starts, and takes a one-line range', () => {
    assert.match(error('read_file', { path: 'a.ts', startLine: 9, endLine: 3 }), /endLine.*before.*startLine/);
    assert.deepEqual(ok('read_file', { path: 'a.ts', startLine: 3, endLine: 3 }), { tool: 'read_file', path: 'a.ts', startLine: 3, endLine: 3 });
  });

  it('tells the model what was wrong: bad JSON, not an object, an unknown tool, a missing or mistyped field', () => {
    assert.match(error('read_file', '{"path": "src/ca'), /not valid JSON.*\{"path": "src\/cart\.ts"/);
    assert.match(error('read_file', '["src/cart.ts"]'), /must be a JSON object/);
    assert.match(error('read_file', 'null'), /must be a JSON object/);
    assert.match(error('run_shell', { command: 'rm -rf /' }), /no tool named "run_shell".*read_file, search_text/);
    assert.match(error('read_file', {}), /read_file needs `path`/);
    assert.match(error('search_text', { query: '' }), /search_text needs `query`/);
    assert.match(error('search_text', { query: 42 }), /`query` of search_text must be a string/);
    assert.match(error('list_files', { pattern: '*.ts' }), /list_files needs `glob`/);
    assert.match(error('find_references', { path: 'a.ts' }), /find_references needs `symbol`/);
  });

  it('refuses a call whose arguments the client cut off', () => {
    const parsed = parseToolCall({ id: 'c', name: 'read_file', arguments: '{"path": "a.ts"}', cut: true });
    assert.equal(parsed.ok, false);
    assert.match((parsed as { error: string }).error, /longer than Kestrel reads/);
  });

  it('refuses a query longer than 200 characters, and takes one of exactly 200', () => {
    assert.match(error('search_text', { query: 'x'.repeat(201) }), /longer than 200/);
    ok('search_text', { query: 'x'.repeat(200) });
  });

  it('refuses a glob that climbs out of the workspace or starts at the root', () => {
    for (const glob of ['../**', 'src/../../x', '/etc/*', 'C:/x/*']) assert.match(error('list_files', { glob }), /not a workspace glob/);
    ok('list_files', { glob: 'a..b/*.ts' });
  });

  it('refuses a path that is no path (control characters, only dots), and leaves `..` for the host to judge', () => {
    assert.match(error('read_file', { path: 'a\u0000b' }), /not a workspace path/);
    assert.match(error('read_file', { path: './' }), /not a workspace path/);
    assert.equal(toolPath('../secret'), '../secret');
    assert.equal(toolPath(' .\\src\\a.ts '), 'src/a.ts');
  });

  it('takes an optional field sent as null as not given', () => {
    assert.deepEqual(ok('search_text', { query: 'x', include: null }), { tool: 'search_text', query: 'x' });
    assert.deepEqual(ok('read_file', { path: 'a.ts', startLine: null, endLine: null }), { tool: 'read_file', path: 'a.ts' });
    assert.deepEqual(ok('find_definition', { symbol: 's', path: null, line: null }), { tool: 'find_definition', symbol: 's' });
  });

  it('takes a path longer than the 200 characters a query may have', () => {
    const long = `${'dir/'.repeat(60)}a.ts`;
    assert.deepEqual(ok('read_file', { path: long }), { tool: 'read_file', path: long });
  });

  it('refuses a glob with a control character in it', () => {
    assert.match(error('list_files', { glob: 'src/\n*.ts' }), /not a workspace glob/);
    assert.match(error('search_text', { query: 'x', include: 'src/\u0007*' }), /not a workspace glob/);
  });

  it('takes a path of 1,024 characters and refuses one of 1,025; refuses DEL and a bare dot; strips every leading ./', () => {
    assert.equal(toolPath('a'.repeat(1024)), 'a'.repeat(1024));
    assert.equal(toolPath('a'.repeat(1025)), undefined);
    assert.equal(toolPath('a\u007fb'), undefined);
    assert.equal(toolPath('.'), undefined);
    assert.equal(toolPath('././src/a.ts'), 'src/a.ts');
  });

  it('offers exactly the tools it can check, each with an object schema', () => {
    for (const spec of TOOL_SPECS) {
      assert.equal((spec.parameters as { type: string }).type, 'object');
      const required = ((spec.parameters as { required?: string[] }).required ?? [])[0];
      assert.equal(call(spec.name, {}).ok, required === undefined, `${spec.name} with no arguments`);
    }
  });
});

describe('tool calls: the compact line and clipping', () => {
  it('titles each call as the chat shows it', () => {
    assert.equal(callTitle({ tool: 'read_file', path: 'src/cart.ts', startLine: 1, endLine: 40 }), 'Read src/cart.ts 1–40');
    assert.equal(callTitle({ tool: 'read_file', path: 'src/cart.ts' }), 'Read src/cart.ts');
    assert.equal(callTitle({ tool: 'read_file', path: 'a.ts', startLine: 5 }), 'Read a.ts 5–end');
    assert.equal(callTitle({ tool: 'search_text', query: 'applyDiscount' }), 'Searched for `applyDiscount`');
    assert.equal(callTitle({ tool: 'search_text', query: 'x', include: 'src/**' }), 'Searched for `x` in src/**');
    assert.equal(callTitle({ tool: 'list_files', glob: '**/*.ts' }), 'Listed `**/*.ts`');
    assert.equal(callTitle({ tool: 'get_problems' }), 'Read the problems');
  });

  it('leaves a result within the limit alone and clips a longer one at a line break, saying how much', () => {
    assert.deepEqual(clipResult('x'.repeat(MAX_RESULT_CHARS)), { text: 'x'.repeat(MAX_RESULT_CHARS), clipped: false });
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const clipped = clipResult(lines, 1000, 'read a smaller line range');
    assert.equal(clipped.clipped, true);
    const [kept, notice] = [clipped.text.slice(0, clipped.text.lastIndexOf('\n')), clipped.text.slice(clipped.text.lastIndexOf('\n') + 1)];
    assert.ok(kept.length <= 1000 && kept.length > 800, `kept ${kept.length}`);
    assert.ok(lines.startsWith(kept) && lines[kept.length] === '\n', 'cut at a line break');
    assert.equal(notice, `[Clipped: showing ${kept.length} of ${lines.length.toLocaleString('en-US')} characters; read a smaller line range.]`);
  });

  it('clips one long line at the limit when no line break is near', () => {
    const text = `a\n${'y'.repeat(5000)}`;
    assert.equal(clipResult(text, 1000).text.split('\n')[1].length, 998, 'the first 1,000 characters: "a", the line break and 998 more');
  });

  it('cuts at a line break only past 80% of the limit: at exactly 80% it cuts at the limit', () => {
    const at = (n: number) => clipResult(`${'x'.repeat(n)}\n${'y'.repeat(2000)}`, 1000).text.split('\n[Clipped')[0];
    assert.equal(at(800).length, 1000, 'a line break at 800 of 1,000 is too early');
    assert.equal(at(801), 'x'.repeat(801), 'a line break at 801 is used');
  });

  it('counts with the noun: one is singular, zero and more plural', () => {
    assert.equal(count(0, 'file'), '0 files');
    assert.equal(count(1, 'file'), '1 file');
    assert.equal(count(2, 'match', 'matches'), '2 matches');
    assert.equal(count(1234, 'file'), '1,234 files');
  });

  it('titles a read with only an end line from line 1, and the problems of one file with its path', () => {
    assert.equal(callTitle({ tool: 'read_file', path: 'a.ts', endLine: 20 }), 'Read a.ts 1–20');
    assert.equal(callTitle({ tool: 'get_problems', path: 'src/cart.ts' }), 'Read the problems in src/cart.ts');
  });

  it('numbers lines from the first line read', () => {
    assert.equal(numberedLines(['a', 'b'], 11), '11: a\n12: b');
  });
});

describe('tool settings (kestrel.chat.tools, kestrel.chat.maxToolSteps)', () => {
  const read = (user: Record<string, unknown>, workspace: Record<string, unknown>[] = []) => {
    const scoped: ScopedGetter = (key) => ({ user: user[key], workspace: workspace.map((w) => w[key]).filter((v) => v !== undefined) });
    return readSettings((key) => workspace.map((w) => w[key]).filter((v) => v !== undefined).at(-1) ?? user[key], scoped).tools;
  };

  it('are on with 6 steps by default, and a wrong type is the default', () => {
    assert.deepEqual(readSettings(() => undefined).tools, { enabled: true, maxSteps: DEFAULT_TOOL_STEPS });
    assert.equal(DEFAULT_TOOL_STEPS, 6);
    assert.deepEqual(read({ 'kestrel.chat.tools': 'yes', 'kestrel.chat.maxToolSteps': '9' }), { enabled: true, maxSteps: 6 });
  });

  it('keep the steps within 1 to 20, rounded', () => {
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 0 }).maxSteps, 1);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 1 }).maxSteps, 1);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 20 }).maxSteps, 20);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 21 }).maxSteps, 20);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 3.6 }).maxSteps, 4);
  });

  it('a workspace can turn the tools off and lower the steps, never turn them on or raise the steps', () => {
    assert.equal(read({}, [{ 'kestrel.chat.tools': false }]).enabled, false);
    assert.equal(read({ 'kestrel.chat.tools': false }, [{ 'kestrel.chat.tools': true }]).enabled, false);
    assert.equal(read({ 'kestrel.chat.tools': true }, [{ 'kestrel.chat.tools': true }]).enabled, true);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 4 }, [{ 'kestrel.chat.maxToolSteps': 12 }]).maxSteps, 4);
    assert.equal(read({ 'kestrel.chat.maxToolSteps': 4 }, [{ 'kestrel.chat.maxToolSteps': 2 }]).maxSteps, 2);
    assert.equal(read({}, [{ 'kestrel.chat.maxToolSteps': 20 }]).maxSteps, 6, 'the default is the user’s value');
    assert.equal(read({}, [{ 'kestrel.chat.maxToolSteps': 3 }, { 'kestrel.chat.maxToolSteps': 5 }]).maxSteps, 3, 'the lowest of the workspace and its folders');
  });
});

import * as assert from 'node:assert/strict';
import { enclosingBlock, extractCode, reindent, testFileName } from '../../../src/core/actions/code';
import { actionMessages, type ActionTarget } from '../../../src/core/actions/recipes';

const target: ActionTarget = { path: 'src/cart.ts', languageId: 'typescript', code: 'function add(a, b) {\n  return a + b;\n}', startLine: 3, endLine: 5 };

describe('action recipes', () => {
  it('Fix sends each diagnostic with its severity, line and message', () => {
    const [system, user] = actionMessages('fix', target, { diagnostics: [{ severity: 'error', message: "Cannot find name 'c'.", startLine: 4, endLine: 4, source: 'ts', code: '2304' }] });
    assert.equal(system.role, 'system');
    assert.match(user.content, /- error at line 4 \(ts 2304\): Cannot find name 'c'\./);
    assert.match(user.content, /```typescript\nfunction add\(a, b\) \{\n {2}return a \+ b;\n\}\n```/);
    assert.match(user.content, /lines 3–5/);
  });
  it("Document asks for the language's doc-comment style", () => {
    assert.match(actionMessages('document', target)[1].content, /JSDoc/);
    assert.match(actionMessages('document', { ...target, languageId: 'python' })[1].content, /docstrings/);
    assert.match(actionMessages('document', { ...target, languageId: 'go' })[1].content, /Go doc comments/);
  });
  it("Refactor carries the user's instruction; Write Tests names the file", () => {
    assert.match(actionMessages('refactor', target, { instruction: 'use arrow functions' })[1].content, /Refactor this code: use arrow functions/);
    assert.match(actionMessages('generateTests', target, { testPath: 'src/cart.test.ts' })[1].content, /saved as src\/cart\.test\.ts/);
  });
});

describe('extractCode', () => {
  it('takes the first fenced block out of prose', () => {
    assert.equal(extractCode('Here you go:\n```ts\nconst a = 1;\n```\nThis sets a.'), 'const a = 1;');
  });
  it('takes the first of several blocks', () => {
    assert.equal(extractCode('```py\nx = 1\n```\nand\n```py\ny = 2\n```'), 'x = 1');
  });
  it('reads a block still streaming (no closing fence yet)', () => {
    assert.equal(extractCode('Sure.\n```go\nfunc a() {\n\treturn'), 'func a() {\n\treturn');
  });
  it('accepts bare code and CRLF', () => {
    assert.equal(extractCode('\nconst b = 2;\r\nconst c = 3;\r\n'), 'const b = 2;\nconst c = 3;');
    assert.equal(extractCode('   \n'), '');
  });
});

describe('reindent', () => {
  it('moves the code to the original indentation and keeps its inner structure', () => {
    assert.equal(reindent('def f():\n    return 1', '    '), '    def f():\n        return 1');
    assert.equal(reindent('      a();\n        b();', '  '), '  a();\n    b();');
  });
  it('uses tabs in a tab-indented file and keeps CRLF', () => {
    assert.equal(reindent('if x {\n    y()\n}', '\t', '\r\n'), '\tif x {\r\n\t\ty()\r\n\t}');
  });
});

describe('testFileName', () => {
  it('follows the language convention', () => {
    assert.equal(testFileName('pkg/greet.go', 'go'), 'pkg/greet_test.go');
    assert.equal(testFileName('py/stats.py', 'python'), 'py/test_stats.py');
    assert.equal(testFileName('src/cart.ts', 'typescript'), 'src/cart.test.ts');
  });
  it("follows the workspace's own tests: folder and .spec vs .test", () => {
    assert.equal(testFileName('src/cart.ts', 'typescript', ['tests/a.test.ts', 'tests/b.test.ts']), 'tests/cart.test.ts');
    assert.equal(testFileName('src/cart.ts', 'typescript', ['src/a.spec.ts', 'src/b.spec.ts', 'src/c.test.ts']), 'src/cart.spec.ts');
    assert.equal(testFileName('app/stats.py', 'python', ['tests/test_x.py']), 'tests/test_stats.py');
  });
});

describe('enclosingBlock', () => {
  it('finds the TypeScript function around the cursor, with its closing brace', () => {
    const lines = ['import x;', '', 'export function f(a: number) {', '  const b = a * 2;', '  return b;', '}', '', 'const z = 1;'];
    assert.deepEqual(enclosingBlock(lines, 4), { start: 2, end: 5 });
  });
  it('finds the Python function around the cursor', () => {
    const lines = ['def mean(values):', '    total = sum(values)', '    return total / len(values)', '', 'def other():', '    pass'];
    assert.deepEqual(enclosingBlock(lines, 1), { start: 0, end: 2 });
    assert.deepEqual(enclosingBlock(lines, 5), { start: 4, end: 5 });
  });
  it('finds nothing at the top level of a flat file', () => {
    assert.equal(enclosingBlock(['a = 1', 'b = 2'], 1), undefined);
  });
});

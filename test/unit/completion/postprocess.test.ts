// The post-processing stages one by one (docs/ghost-text-rules.md); the corpus in test/fixtures/inline
// runs them together through the engine. Each rule's boundary is pinned from both sides, so a flipped
// condition or threshold fails here.
import * as assert from 'node:assert/strict';
import { detectIndentUnit, postprocess, reindent } from '../../../src/core/completion/postprocess';

const ctx = (linePrefix: string, lineSuffix: string, more = '', over: Partial<Parameters<typeof postprocess>[1]> = {}) => ({
  linePrefix,
  lineSuffix,
  suffix: lineSuffix + more,
  indentUnit: '  ',
  eol: '\n' as const,
  multiline: false,
  ...over,
});

describe('post-processing', () => {
  it('replaces closing brackets after the cursor rather than doubling them', () => {
    assert.deepEqual(postprocess('a, b)', ctx('foo(', ')')), { text: 'a, b)', replaceLength: 1 });
    assert.deepEqual(postprocess('a, b', ctx('foo(', ')')), { text: 'a, b', replaceLength: 0 });
    assert.deepEqual(postprocess('x]);', ctx('arr.push([', ']);')), { text: 'x]);', replaceLength: 3 });
  });

  it('never offers blank or unchanged text', () => {
    assert.equal(postprocess('   \n\t\n', ctx('x = ', '')), undefined);
    assert.equal(postprocess('<fill></fill>', ctx('x = ', '')), undefined);
    assert.equal(postprocess(' + 1;', ctx('x = a', ' + 1;')), undefined);
  });

  it("matches the file's indentation and line endings", () => {
    assert.equal(reindent('{\n    a();\n        b();\n}', '\t'), '{\n\ta();\n\t\tb();\n}');
    assert.equal(reindent('{\n\ta();\n}', '  '), '{\n  a();\n}');
    assert.equal(detectIndentUnit(['function f() {', '\tif (x) {', '\t\ty();', '\t}', '}']), '\t');
    assert.equal(detectIndentUnit(['def f():', '    if x:', '        y()']), '    ');
    assert.equal(detectIndentUnit(['a', '  b', '    c']), '  ');
    const crlf = postprocess('\n  a();\n  b();\n}', ctx('function f() {', '', '', { multiline: true, eol: '\r\n' }));
    assert.equal(crlf?.text, '\r\n  a();\r\n  b();\r\n}');
  });

  it('keeps astral-plane characters whole', () => {
    const out = postprocess('"🦅 𝒦estrel");', ctx('log(', ');'));
    assert.deepEqual(out, { text: '"🦅 𝒦estrel");', replaceLength: 2 });
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out!.text), 'a lone high surrogate');
  });
});

// The post-processing helpers one by one; the fixture corpus runs them together through the engine.
import * as assert from 'node:assert/strict';
import { closesAll, detectIndentUnit, isProse, postprocess, reindent, stripFences, stripTags, trimSuffixOverlap } from '../../../src/core/completion/postprocess';

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
  it('takes the code out of a fence, and drops a stray fence line', () => {
    assert.equal(stripFences('Here you go:\n```ts\nreturn 1;\n```\nHope it helps.'), 'return 1;');
    assert.equal(stripFences('~~~\nx\n~~~'), 'x');
    assert.equal(stripFences('return 1;'), 'return 1;');
  });

  it('strips the prompt tags the model echoes', () => {
    assert.equal(stripTags('<fill>a + b</fill> trailing'), 'a + b');
    assert.equal(stripTags('{{HOLE}}a + b'), 'a + b');
    assert.equal(stripTags('<completion>x</completion>'), 'x');
    assert.equal(stripTags('a < b && c > d'), 'a < b && c > d', 'comparisons are not tags');
  });

  it('tells prose from code', () => {
    assert.equal(isProse("Here's the completed function:"), true);
    assert.equal(isProse('This returns the total of all items.'), true);
    assert.equal(isProse('return items.length;'), false);
    assert.equal(isProse('Console.log(value);'), false);
    assert.equal(isProse('// Here is a comment in the code'), false);
  });

  it('knows when a line writes the closers that follow the cursor', () => {
    assert.equal(closesAll('a, b)', ')'), true);
    assert.equal(closesAll('a, b', ')'), false);
    assert.equal(closesAll('x))', '))'), true);
    assert.equal(closesAll('g(x))', '))'), false, 'its own parenthesis pair closes only one of the two');
    assert.equal(closesAll('g(x)', ')'), false, 'its own parenthesis does not close the outer one');
    assert.equal(closesAll('hello"', '"'), true);
    assert.equal(closesAll('value;', ';'), true);
  });

  it('drops the end that repeats the text after the cursor, on the line and the lines below', () => {
    assert.equal(trimSuffixOverlap('total + tax;', ' + tax;'), 'total');
    assert.equal(trimSuffixOverlap('  return a;\n}', '\n}\n'), '  return a;');
    assert.equal(trimSuffixOverlap('return a;', '\nfoo();'), 'return a;');
  });

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

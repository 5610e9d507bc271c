// The post-processing stages one by one (docs/ghost-text-rules.md); the corpus in test/fixtures/inline
// runs them together through the engine. Each rule's boundary is pinned from both sides, so a flipped
// condition or threshold fails here.
import * as assert from 'node:assert/strict';
import { addsNothing, AnswerReader, detectIndentUnit, joinEnd, postprocess, reindent, trimLineOverlap } from '../../../src/core/completion/postprocess';

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

  describe('joinEnd', () => {
    it('keeps the answer’s trailing space before text that needs it', () => {
      // `await ` before `fetch(url)`: without the space the file reads `awaitfetch(url)`.
      assert.equal(joinEnd('await ', 'fetch(url)'), 'await ');
      assert.equal(joinEnd('error, ', 'message)'), 'error, ');
      assert.equal(joinEnd('a ', '"b"'), 'a ');
    });

    it('drops it before a closer or punctuation, before a space, and at the end of a line', () => {
      for (const next of [')', ']', '}', '>', ',', ';', ':', '.']) assert.equal(joinEnd('a ', next), 'a', next);
      assert.equal(joinEnd('a ', ' b'), 'a', 'the file has its own space');
      assert.equal(joinEnd('a ', ''), 'a');
    });

    it('keeps the space before `}` after a padded `{ `', () => {
      assert.equal(joinEnd(' return n * 2; ', '}'), ' return n * 2; ');
      assert.equal(joinEnd('return n * 2; ', '}'), 'return n * 2;');
    });

    it('always drops trailing blank lines', () => {
      assert.equal(joinEnd('a \n', 'b'), 'a');
      assert.equal(joinEnd('a();\n\n', ''), 'a();');
    });
  });

  describe('trimLineOverlap', () => {
    it('drops the end that repeats the whole rest of the line', () => {
      // `total + tax;` before ` + tax;`: the file would read `total + tax; + tax;`.
      assert.equal(trimLineOverlap('total + tax;', ' + tax;'), 'total ');
      assert.equal(trimLineOverlap('fooab', 'ab'), 'foo', 'a short rest, all of it');
    });

    it('drops a partial overlap of 3 characters, keeps one of 2', () => {
      // Two characters meet by chance (`x + ab` before `ab + c`); three are a repetition.
      assert.equal(trimLineOverlap('x + ab', 'ab + c'), 'x + ab');
      assert.equal(trimLineOverlap('x + abc', 'abc + d'), 'x + ');
      assert.equal(trimLineOverlap('x + abcd', 'abcd + e'), 'x + ');
      assert.equal(trimLineOverlap('fooa', 'ab'), 'fooa');
    });

    it('leaves closers after the cursor to the replace range', () => {
      assert.equal(trimLineOverlap('foo)', ')'), 'foo)');
      assert.equal(trimLineOverlap('a, b);', ');'), 'a, b);');
      assert.equal(trimLineOverlap('foo', ''), 'foo');
    });
  });

  describe('addsNothing', () => {
    it('is a suggestion that only repeats what follows the cursor', () => {
      assert.equal(addsNothing('foo', 'foo()', 0), true);
      assert.equal(addsNothing(')', ')', 1), true, 'replaces `)` with `)`');
      assert.equal(addsNothing('x', 'y', 0), false);
    });

    it('is not a suggestion that replaces more than it repeats', () => {
      // `)` in place of `))`: the file changes.
      assert.equal(addsNothing(')', '));', 2), false);
      assert.equal(addsNothing('a)', ')', 1), false);
    });

    it('is not text before a blank rest of the line', () => {
      assert.equal(addsNothing(' ', '  ', 0), false);
    });
  });

  describe('AnswerReader.end (streaming early stop)', () => {
    const reader = (linePrefix: string, more: string, over: Partial<Parameters<typeof postprocess>[1]> = {}) => new AnswerReader(ctx(linePrefix, '', more, { prefix: `function f() {\n${linePrefix}`, ...over }));

    it('on a single line, stops after the first complete line, not before', () => {
      const one = reader('x = ', '');
      assert.equal(one.end('a + b;'), -1);
      assert.equal(one.end('a + b;\nnext'), 7);
      assert.equal(one.end('\n'), -1, 'an answer on the next line: that line decides');
    });

    it('stops at once at a closing tag', () => {
      assert.equal(reader('x = ', '').end('a + b;</fill>'), 13);
    });

    it('stops at once on a line growing into a repetition', () => {
      const one = reader('x = ', '');
      assert.equal(one.end('foo = '.repeat(5)), -1);
      assert.equal(one.end('foo = '.repeat(6)), 36);
    });

    it('in a block, stops once the closing line is complete', () => {
      const inBody = reader('  ', '\n}\n', { multiline: true });
      assert.equal(inBody.end('a();\n'), -1);
      assert.equal(inBody.end('a();\n  b();\n'), -1);
      // `}` could still become `} else {`.
      assert.equal(inBody.end('a();\n  b();\n}'), -1);
      assert.equal(inBody.end('a();\n  b();\n}\n'), 14);
      assert.equal(inBody.end('a();\n  b();\n}\nafter();'), 14);
    });

    it('stops at the file’s next line once it is complete', () => {
      const beforeReturn = reader('  ', '\n  return x;\n}\n', { multiline: true });
      assert.equal(beforeReturn.end('a();\n  return x;'), -1);
      assert.equal(beforeReturn.end('a();\n  return x;\n'), 17);
    });

    it('does not take three copies read so far for the end of the answer', () => {
      // Three copies at the end are cut only when the answer is all there; six stop the stream.
      const beforeReturn = reader('  ', '\n  return x;\n}\n', { multiline: true });
      const copies = (n: number) => `x++;\n${'  x++;\n'.repeat(n - 1)}`;
      assert.equal(beforeReturn.end(copies(3)), -1);
      assert.equal(beforeReturn.end(copies(6)), copies(6).length);
    });

    it('waits while the lines so far may be the file written out again', () => {
      // `const a = 1;` is a line above the cursor: the model may be copying the file down to it.
      const echo = new AnswerReader(ctx('  return ', '', '\n}\n', { prefix: 'function f() {\n  const a = 1;\n  const b = 2;\n  return ' }));
      assert.equal(echo.end('const a = 1;\n'), -1);
      assert.equal(echo.finish('const a = 1;\n  const b = 2;\n  return a + b;\n')?.text, 'a + b;');
      assert.equal(reader('x = ', '').end('const z = 1;\n'), 13);
    });

    it('stops at a line of prose below the block', () => {
      // Like any line indented less than the block, a dedented sentence ends it.
      const inBody = reader('  ', '\n}\n', { multiline: true });
      assert.equal(inBody.end('a();\nThis returns the total.\n'), 29);
    });

    it('stops at a closing fence', () => {
      const inBody = reader('  ', '\n}\n', { multiline: true });
      assert.equal(inBody.end('```ts\na();\n```'), -1);
      assert.equal(inBody.end('```ts\na();\n```\n'), 15);
    });
  });

  describe('AnswerReader.finish', () => {
    it('drops the cut last line of an answer that stopped at its token limit', () => {
      const c = ctx('  ', '', '\n}\n', { multiline: true });
      assert.equal(postprocess('a();\n  b();\n  c', c)?.text, 'a();\n  b();\n  c');
      assert.equal(postprocess('a();\n  b();\n  c', { ...c, truncated: true })?.text, 'a();\n  b();');
      assert.equal(postprocess('abc', ctx('x = ', '', '', { truncated: true })), undefined);
    });

    it('judges a last line that grew into a repetition as the model sent it', () => {
      // `foo = ` six times is a loop, even though after the echoed `foo = ` five copies are left.
      assert.equal(postprocess('foo = '.repeat(6), ctx('  foo = ', '')), undefined);
      assert.equal(postprocess('bar = '.repeat(5), ctx('  foo = ', ''))?.text, 'bar = bar = bar = bar = bar =');
    });

    it('drops a last line that grew into a repetition', () => {
      assert.equal(postprocess('a();\nfoo = foo = foo = foo = foo = foo = fo', ctx('  ', '', '\n}\n', { multiline: true }))?.text, 'a();');
    });

    it('leaves the whitespace of a template literal’s lines alone', () => {
      const body = ctx('  ', '', '\n}\n', { multiline: true, prefix: 'function f() {\n  ', languageId: 'typescript' });
      assert.equal(postprocess('const s = `\n\tindented\n`;', body)?.text, 'const s = `\n\tindented\n`;');
      assert.equal(postprocess('if (a) {\n\tx();\n}', body)?.text, 'if (a) {\n    x();\n  }', 'code lines get the file’s unit');
    });

    it('keeps `+ tax` in brackets going on over lines, drops a diff marker elsewhere', () => {
      assert.equal(postprocess('+ tax', ctx('  ', '', '\n);\n', { prefix: 'const total = (\n  price\n  ', multiline: true }))?.text, '+ tax');
      assert.equal(postprocess('+ tax', ctx('  ', '', '\n}\n', { prefix: 'function f() {\n  price;\n  ', multiline: true }))?.text, 'tax');
    });

    it('keeps a sentence between JSX tags, drops it in plain code', () => {
      const at = (languageId: string, prefix: string) => ctx('  ', '', '\n}\n', { prefix, multiline: true, languageId });
      assert.equal(postprocess('Welcome to the site.', at('typescriptreact', '<p>\n  '))?.text, 'Welcome to the site.');
      assert.equal(postprocess('Welcome to the site.', at('typescript', 'function f() {\n  ')), undefined);
    });

    it('puts the closer after a body written on lines of its own on a line of its own', () => {
      // `function f() {|}` + `\n  return 1;`: `}` goes below the body, not after `return 1;`.
      const between = ctx('function f() {', '}', '\n', { multiline: true });
      assert.deepEqual(postprocess('\n  return 1;', between), { text: '\n  return 1;\n', replaceLength: 0 });
      assert.deepEqual(postprocess('return 1;', between), { text: 'return 1;', replaceLength: 0 });
    });

    it('cuts three copies at the end of the answer to one', () => {
      assert.equal(postprocess('x++;\n  x++;\n  x++;', ctx('  ', '', '\n  return x;\n}\n', { multiline: true }))?.text, 'x++;');
    });
  });
});


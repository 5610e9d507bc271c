// Join, scope, what already follows the cursor, and repetition (src/core/completion/scope.ts;
// docs/ghost-text-rules.md sections 2 to 5). Each rule says where the suggestion ends: one line too
// many duplicates the file, one too few leaves the code unfinished.
import * as assert from 'node:assert/strict';
import { CODE, syntaxOf, type LexState } from '../../../src/core/completion/lexical';
import { block, cutRepetition, dropCursorIndent, isDegenerate, isOpenLine, joinStart, MAX_LINES, scope, singleLine, untilSuffix, type ScopeView } from '../../../src/core/completion/scope';

const view = (linePrefix: string, over: Partial<ScopeView> = {}): ScopeView => ({
  linePrefix,
  lineSuffix: '',
  nextLines: [],
  multiline: true,
  syntax: syntaxOf(over.languageId ?? 'typescript'),
  languageId: 'typescript',
  cursorState: CODE,
  pairedOnLine: 0,
  ...over,
});
const open = (linePrefix: string, languageId = 'typescript', cursorState: LexState = CODE) => isOpenLine({ linePrefix, syntax: syntaxOf(languageId), cursorState, languageId });
const lines = (n: number, text = 'x++;') => Array<string>(n).fill(text).join('\n');
/** `n` statements, the first continuing a blank cursor line at column 2, the others at column 2. */
const statements = (n: number) => Array.from({ length: n }, (_, i) => `${i ? '  ' : ''}s${i}();`);

describe('scope', () => {
  describe('joinStart', () => {
    it('drops the answer’s indentation up to the cursor on a blank line, keeps deeper indentation', () => {
      assert.equal(joinStart('    return x;', '    '), 'return x;');
      assert.equal(joinStart('      return x;', '    '), '  return x;');
      assert.equal(joinStart('\treturn x;', '    '), 'return x;', 'other whitespace: all of it goes');
    });

    it('drops the answer’s leading spaces after a space on the cursor line', () => {
      // `return ` + ` this;` is `return this;`, not `return  this;`.
      assert.equal(joinStart(' this;', '  return '), 'this;');
      assert.equal(joinStart(' this;', '  return'), ' this;', 'no space typed: the answer’s space is needed');
    });

    it('leaves an answer that starts on the next line alone', () => {
      assert.equal(joinStart('\n    a();', '  if (x) {'), '\n    a();');
      assert.equal(joinStart('  \n    a();', '  '), '  \n    a();');
    });

    it('dropCursorIndent: only leading whitespace goes', () => {
      assert.equal(dropCursorIndent('x = 1;', '    '), 'x = 1;');
      assert.equal(dropCursorIndent('  x = 1;', '    '), 'x = 1;');
    });
  });

  describe('singleLine', () => {
    it('takes the first line, complete once a newline is read', () => {
      assert.deepEqual(singleLine('a + b;\nmore();', view('x = ', { multiline: false }), true), { text: 'a + b;', complete: true });
      assert.deepEqual(singleLine('a + b;', view('x = ', { multiline: false }), false), { text: 'a + b;', complete: false });
    });

    it('keeps an answer on the next line after a complete cursor line', () => {
      // `password: pass` + `\n  db: main`: the next key goes on its own line.
      const yaml = view('  password: pass', { multiline: false, languageId: 'yaml' });
      assert.deepEqual(singleLine('\n  db: main\n  port: 1', yaml, true), { text: '\n  db: main', complete: true });
    });

    it('joins the next line onto an open cursor line', () => {
      // `x =` + `\n42;`: the value belongs on the cursor line, with a space.
      assert.equal(singleLine('\n42;', view('x =', { multiline: false }), true).text, ' 42;');
      assert.equal(singleLine('\n42;', view('x = ', { multiline: false }), true).text, '42;', 'a space already typed');
      assert.equal(singleLine('\n  b);', view('foo(a,', { multiline: false }), true).text, ' b);');
      assert.equal(singleLine('\nb', view('x.', { multiline: false }), true).text, 'b', 'no space after `.`');
    });

    it('never joins a block’s body onto the `{` that opens it', () => {
      assert.deepEqual(singleLine('\n  return 1;', view('function f() {', { multiline: false }), true), { text: '', complete: false });
      assert.equal(singleLine('\n  1;', view('x = (', { multiline: false }), true).text, '1;');
    });

    it('decides the next line only once it is read', () => {
      assert.deepEqual(singleLine('\n42', view('x =', { multiline: false }), false), { text: '\n42', complete: false });
      assert.deepEqual(singleLine('\n42\n', view('x =', { multiline: false }), false), { text: ' 42', complete: true });
    });
  });

  describe('isOpenLine', () => {
    it('is open after an operator, an opening bracket, `.`, an arrow or a keyword that takes an operand', () => {
      for (const line of ['x =>', 'x ->', 'a +', 'x = a ?', 'x = !', 'foo(', 'x = [', 'x.', 'a >>', 'x >', 'case 1:', 'a *', 'return ', 'yield ', 'await', 'x = new', 'const', 'if', 'for']) {
        assert.equal(open(line), true, line);
      }
    });

    it('is complete after a value, a name, a closer or `;`', () => {
      for (const line of ['done', 'foo()', 'x;', 'List<T>', 'a >= b', 'x = [1, 2],', 'a,', 'return', 'a < b']) assert.equal(open(line), false, line);
    });

    it('is complete after endings that only look like operators', () => {
      // `i++`, `as const`, `user!`, Ruby's `shipped?`, Python's `...`.
      for (const line of ['i++', 'x--', 'x as const', 'user!', 'shipped?', '...']) assert.equal(open(line), false, line);
      for (const line of ['a ||', 'x ??', 'a ? ', 'foo(...', 'x = a +']) assert.equal(open(line), true, line);
    });

    it('reads a comma as open only inside brackets opened on the line, or in a CSS declaration', () => {
      assert.equal(open('foo(a,'), true);
      assert.equal(open('a,'), false);
      assert.equal(open('  color: red,', 'css'), true);
      assert.equal(open('  color: red,', 'typescript'), false);
    });

    it('reads `:` as complete in Python and YAML, where it ends a header or a key', () => {
      assert.equal(open('case 1:'), true);
      assert.equal(open('def f():', 'python'), false);
      assert.equal(open('key:', 'yaml'), false);
    });

    it('reads `*` as a wildcard after import, select, a comma or a bracket', () => {
      for (const line of ['import *', 'select *', 'SELECT *', 'foo(*', 'a, *', '*']) assert.equal(open(line), false, line);
      assert.equal(open('a *'), true);
    });

    it('is never open inside a comment or a string', () => {
      assert.equal(open('// x =', 'typescript', { kind: 'line-comment' }), false);
    });
  });

  describe('block', () => {
    it('keeps the cursor’s block and its closing line, nothing after it', () => {
      // On a blank line at column 2, `}` at column 0 closes the block: it is the last line.
      assert.deepEqual(block('a();\n  b();\n}\nafter();', view('  '), true), { text: 'a();\n  b();\n}', complete: true });
    });

    it('counts a line at the block’s own column as inside it', () => {
      // `b();` at column 2, where the first line lands, is the same block.
      assert.equal(block('a();\n  b();', view('  '), true).text, 'a();\n  b();');
      assert.equal(block('a();\n b();', view('  '), true).text, 'a();');
      // A first line that kept deeper indentation lands deeper: the block is where it lands.
      assert.equal(block('  a();\n    b();\n  c();', view('  '), true).text, '  a();\n    b();');
    });

    it('after a line that opens a block, ends at that line’s own level', () => {
      const after = view('  if (x) {');
      assert.deepEqual(block('\n    a();\n  }\n  after();', after, true), { text: '\n    a();\n  }', complete: true });
      assert.equal(block('\n    a();\n  } else {\n    b();\n  }\n  after();', after, true).text, '\n    a();\n  } else {\n    b();\n  }', '`} else {` goes on');
      // After a statement that opens nothing, the next statement at its level is still in the block.
      assert.equal(block('\n  b();\n}', view('  a();'), true).text, '\n  b();\n}');
    });

    it('opens no block after a comment ending in `:`', () => {
      const comment = view('  // Steps:', { cursorState: { kind: 'line-comment' } });
      assert.equal(block('\n  a();\n  b();', comment, true).text, '\n  a();\n  b();');
      assert.equal(block('\n  a();\n  b();', view('  case 1:'), true).text, '', 'in code it opens one');
    });

    it('passes over lines inside a string that spans lines', () => {
      // A template literal's text at column 0 does not end the block.
      assert.deepEqual(block('const s = `\nline\n`;\n  x();\n}', view('  '), true), { text: 'const s = `\nline\n`;\n  x();\n}', complete: true });
    });

    it('leaves the closer to the file when the file’s block goes on after the cursor', () => {
      assert.equal(block('a();\n}', view('  ', { nextLines: ['  more();', '}'] }), true).text, 'a();');
      assert.equal(block('a();\n}', view('  ', { nextLines: ['}'] }), true).text, 'a();\n}');
      assert.equal(block('a();\n}', view('  ', { nextLines: [' more();', '}'] }), true).text, 'a();\n}');
    });

    it('goes on at a Python clause and stops at the dedent', () => {
      const py = view('    if a:', { languageId: 'python' });
      assert.equal(block('\n        b()\n    else:\n        c()\n    d()', py, true).text, '\n        b()\n    else:\n        c()');
    });

    it(`stops at ${MAX_LINES} lines`, () => {
      assert.equal(MAX_LINES, 16);
      assert.deepEqual(block(statements(16).join('\n'), view('  '), true), { text: statements(16).join('\n'), complete: true });
      assert.equal(block(statements(17).join('\n'), view('  '), true).text, statements(16).join('\n'));
      // A closing line after 16 lines is not taken either.
      assert.equal(block([...statements(16), '}'].join('\n'), view('  '), true).text, statements(16).join('\n'));
    });

    it('while streaming, decides only on complete lines', () => {
      assert.deepEqual(block('a();\n  b();', view('  '), false), { text: 'a();\n  b();', complete: false });
      // `}` could still grow into `} else {`.
      assert.deepEqual(block('a();\n}', view('  '), false), { text: 'a();\n}', complete: false });
      assert.deepEqual(block('a();\n}\n', view('  '), false), { text: 'a();\n}', complete: true });
      assert.deepEqual(block(statements(15).join('\n') + '\n', view('  '), false).complete, false);
      assert.deepEqual(block(statements(16).join('\n') + '\n', view('  '), false), { text: statements(16).join('\n'), complete: true });
    });
  });

  describe('untilSuffix', () => {
    it('ends the suggestion at the file’s next line, ignoring indentation and a trailing `;` or `,`', () => {
      const v = view('  ', { nextLines: ['  return x;', '}'] });
      assert.deepEqual(untilSuffix('a();\n  b();\n  return x;', v, true), { text: 'a();\n  b();', complete: true });
      assert.equal(untilSuffix('a();\n  b();\n    return x', v, true).text, 'a();\n  b();');
      assert.deepEqual(untilSuffix('a();\n  b();\n  return y;', v, true), { text: 'a();\n  b();\n  return y;', complete: false });
    });

    it('compares the first line on a blank cursor line, where it lands at the cursor’s column', () => {
      assert.equal(untilSuffix('return x;', view('  ', { nextLines: ['  return x;'] }), true).text, '');
      // In Python indentation is meaning: the same text one level deeper is another line.
      const py = (linePrefix: string) => view(linePrefix, { nextLines: ['  return x'], languageId: 'python' });
      assert.equal(untilSuffix('return x', py('  '), true).text, '');
      assert.equal(untilSuffix('return x', py('    '), true).text, 'return x');
    });

    it('never compares the rest of a written cursor line', () => {
      // `x = ` + `compute();` above a line `compute();` is a new statement, not the file's.
      assert.equal(untilSuffix('compute();', view('  x = ', { nextLines: ['  compute();'] }), true).text, 'compute();');
    });

    it('keeps the closer of a bracket the suggestion opened itself', () => {
      // The suggestion's `if` needs its own `}`, even though the file's next line is `}`.
      const v = view('  ', { nextLines: ['}'] });
      assert.equal(untilSuffix('if (y) {\n    z();\n  }\n}', v, true).text, 'if (y) {\n    z();\n  }');
      assert.equal(untilSuffix('if (y) {\n    z();\n  }\n  w();', v, true).text, 'if (y) {\n    z();\n  }\n  w();');
    });

    it('ends at a closing line that the file’s next line starts with', () => {
      assert.equal(untilSuffix('a();\n}', view('  ', { nextLines: ['} else {'] }), true).text, 'a();');
      assert.equal(untilSuffix('a();\n})', view('  ', { nextLines: ['}'] }), true).text, 'a();\n})');
    });

    it('counts the pairs closed after the cursor as the suggestion’s own', () => {
      // `useEffect(() => {` + `})`: inside the callback, a line like the file's next one is new code.
      const v = view('  useEffect(() => {', { nextLines: ['  return x;'], pairedOnLine: 2 });
      assert.equal(untilSuffix('\n    return x;\n  }', v, true).text, '\n    return x;\n  }');
      assert.equal(untilSuffix('\n    return x;\n  }', { ...v, pairedOnLine: 0 }, true).text, '');
    });

    it('while streaming, compares only complete lines', () => {
      const v = view('  ', { nextLines: ['  b();'] });
      assert.deepEqual(untilSuffix('a();\n  b();', v, false), { text: 'a();\n  b();', complete: false });
      assert.deepEqual(untilSuffix('a();\n  b();\n', v, false), { text: 'a();', complete: true });
    });
  });

  describe('cutRepetition', () => {
    it('keeps two identical lines, cuts three at the end of the answer to one', () => {
      assert.deepEqual(cutRepetition(lines(2), true), { text: lines(2), complete: false });
      assert.deepEqual(cutRepetition(lines(3), true), { text: 'x++;', complete: true });
      assert.equal(cutRepetition('a;\n  a;\n    a;', true).text, 'a;', 'indentation aside');
    });

    it('keeps three copies followed by more code, cuts six anywhere', () => {
      // Three placeholders then real code are real code; six are a loop.
      assert.equal(cutRepetition(`${lines(3)}\ny();`, true).text, `${lines(3)}\ny();`);
      assert.equal(cutRepetition(`${lines(5)}\ny();`, true).text, `${lines(5)}\ny();`);
      assert.deepEqual(cutRepetition(`${lines(6)}\ny();`, true), { text: 'x++;', complete: true });
    });

    it('finds repeated blocks of up to four lines', () => {
      const twice = (unit: string[], n: number) => Array<string[]>(n).fill(unit).flat().join('\n');
      assert.equal(cutRepetition(twice(['a();', 'b();'], 3), true).text, 'a();\nb();');
      assert.equal(cutRepetition(twice(['a();', 'b();', 'c();', 'd();'], 3), true).text, 'a();\nb();\nc();\nd();');
      const five = twice(['a();', 'b();', 'c();', 'd();', 'e();'], 3);
      assert.equal(cutRepetition(five, true).text, five);
    });

    it('does not count lines without a letter or digit', () => {
      // Closing braces repeat in real code.
      assert.equal(cutRepetition('}\n}\n}', true).text, '}\n}\n}');
      assert.equal(cutRepetition('1,\n1,\n1,', true).text, '1,');
    });

    it('while streaming, counts only complete lines and never "to the end"', () => {
      // Three copies read so far may be followed by more code.
      assert.deepEqual(cutRepetition(lines(3), false), { text: lines(3), complete: false });
      assert.deepEqual(cutRepetition(`${lines(3)}\n`, false), { text: `${lines(3)}\n`, complete: false });
      assert.deepEqual(cutRepetition(`${lines(6)}\n`, false), { text: 'x++;', complete: true });
    });

    it('drops a degenerate line and all after it, and catches one while it grows', () => {
      assert.deepEqual(cutRepetition('ok();\nfoo = foo = foo = foo = foo = foo = \nbar();', true), { text: 'ok();', complete: true });
      assert.deepEqual(cutRepetition('ok();\nfoo = foo = foo = foo = foo = foo = ', false), { text: 'ok();', complete: true });
      assert.deepEqual(cutRepetition('ok();\nfoo = foo = foo = foo = foo = ', false), { text: 'ok();\nfoo = foo = foo = foo = foo = ', complete: false });
    });
  });

  describe('isDegenerate', () => {
    it('is a fragment with a letter repeated six times back to back, not five', () => {
      assert.equal(isDegenerate('foo = '.repeat(5)), false);
      assert.equal(isDegenerate(`${'foo = '.repeat(5)}foo =`), false);
      assert.equal(isDegenerate('foo = '.repeat(6)), true);
      assert.equal(isDegenerate(`${'foo = '.repeat(5)}bar(1, 2);`), false, 'five copies and more code');
      assert.equal(isDegenerate('ab'.repeat(6)), true, 'two-character fragments count');
      assert.equal(isDegenerate(`${'ab'.repeat(5)}a`), false);
      // One character over and over is a placeholder (`xxxxxxxxxxxx`), not a loop.
      assert.equal(isDegenerate('x'.repeat(40)), false);
    });

    it('needs a letter in the fragment', () => {
      // A separator line (`-- -- -- …`) or digits are not a model looping.
      assert.equal(isDegenerate('-- '.repeat(10)), false);
      assert.equal(isDegenerate('12'.repeat(10)), false);
      assert.equal(isDegenerate('=-'.repeat(10)), false);
    });

    it('looks at fragments of up to 40 characters', () => {
      const forty = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';
      assert.equal(isDegenerate(forty.repeat(6)), true);
      assert.equal(isDegenerate(`${forty}E`.repeat(6)), false);
    });
  });

  describe('scope', () => {
    it('chains the line or block, the file’s next line and repetition', () => {
      const v = view('  ', { nextLines: ['  return x;'] });
      assert.deepEqual(scope('a();\n  b();\n  return x;\n}', v, true), { text: 'a();\n  b();', complete: true });
      assert.deepEqual(scope('a();\nb();', { ...v, multiline: false }, true), { text: 'a();', complete: true });
      assert.deepEqual(scope(lines(3), view(''), true), { text: 'x++;', complete: true });
    });
  });
});

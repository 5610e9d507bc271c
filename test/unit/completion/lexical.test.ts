// The lexer the post-processing stages read code with (src/core/completion/lexical.ts): where comments
// and strings are, how brackets balance, how deep a line is indented. A wrong answer here moves every
// rule built on it, so each boundary is pinned from both sides.
import * as assert from 'node:assert/strict';
import { autoClosed, bracketBalance, CODE, columns, hasMarkup, isClause, isCloserLine, lineStart, linesInText, openBrackets, reopens, scanLine, syntaxOf, tagBalance, type LexState } from '../../../src/core/completion/lexical';

/** The lexical state at the end of `text`, as the answer reader finds it at the cursor. */
const stateAt = (text: string, syntax: ReturnType<typeof syntaxOf>) => openBrackets(text.split('\n'), CODE, syntax).state;

const ts = syntaxOf('typescript');
const python = syntaxOf('python');
const shortString: LexState = { kind: 'string', close: '"', long: false };

describe('lexical', () => {
  describe('syntaxOf', () => {
    it('knows each language family’s comments and strings, C-like by default', () => {
      // `#` starts a comment in Python but not in TypeScript: a `#` in a TS line is code.
      assert.deepEqual(python.lineComments, ['#']);
      assert.deepEqual(python.longStrings, ['"""', "'''"]);
      assert.equal(python.indentSignificant, true);
      assert.deepEqual(ts.longStrings, ['`']);
      assert.equal(ts.indentSignificant, false);
      // An unknown language reads like C, not like plain text.
      assert.deepEqual(syntaxOf('cobol'), syntaxOf(undefined));
      assert.deepEqual(syntaxOf('cobol').lineComments, ['//']);
      assert.equal(syntaxOf('cobol').textual, false);
      // YAML and HTML are text by default: a sentence there is content.
      assert.equal(syntaxOf('yaml').textual, true);
      assert.equal(syntaxOf('html').textual, true);
    });

    it('reads a Rust lifetime as code, not as an open string', () => {
      // `&'static str {` opens the function body in Rust; read as a C quote, the `{` would be inside a string.
      const line = "fn name(&self) -> &'static str {";
      assert.deepEqual(scanLine(line, CODE, syntaxOf('rust')), CODE);
      assert.equal(bracketBalance([line], CODE, syntaxOf('rust')).balance, 1);
      assert.equal(scanLine(line, CODE, ts).kind, 'string');
      assert.equal(bracketBalance([line], CODE, ts).balance, 0);
    });
  });

  describe('lineStart and scanLine', () => {
    it('ends a line comment and a one-line string with their line, not a block comment or long string', () => {
      // After `// note` the next line is code again: a sentence there is prose, a `{` a bracket.
      assert.deepEqual(lineStart({ kind: 'line-comment' }), CODE);
      assert.deepEqual(lineStart(shortString), CODE);
      const template: LexState = { kind: 'string', close: '`', long: true };
      assert.deepEqual(lineStart(template), template);
      const block: LexState = { kind: 'comment', close: '*/' };
      assert.deepEqual(lineStart(block), block);
    });

    it('tells where the cursor stands from the lines before it', () => {
      assert.deepEqual(stateAt('// note\nx = ', ts), CODE);
      assert.deepEqual(stateAt('x = "abc\ny = ', ts), CODE);
      assert.deepEqual(stateAt('x = `a\nb', ts), { kind: 'string', close: '`', long: true });
      assert.deepEqual(stateAt('/* a\n b', ts), { kind: 'comment', close: '*/' });
      assert.deepEqual(stateAt('"""\ndoc', python), { kind: 'string', close: '"""', long: true });
      assert.deepEqual(stateAt('<!-- a\nb', syntaxOf('html')), { kind: 'comment', close: '-->' });
      // A quote inside a comment opens nothing.
      assert.deepEqual(stateAt('# a "quote\nx', python), CODE);
      assert.deepEqual(stateAt('log("x', ts), shortString);
    });

    it('skips an escaped quote inside a string', () => {
      // `"say \"hi\""` is one string: what follows is code again.
      const seen: string[] = [];
      assert.deepEqual(
        scanLine('"say \\"hi\\"" + x', CODE, ts, (ch) => seen.push(ch)),
        CODE,
      );
      assert.equal(seen.join(''), ' + x');
    });

    it('shows only code characters to onCode', () => {
      const seen: string[] = [];
      scanLine('f("a(b", /* ( */ c) // (', CODE, ts, (ch) => seen.push(ch));
      assert.equal(seen.join(''), 'f(,  c) ');
    });

    it('tells which lines of an answer start inside a string or comment that spans lines', () => {
      assert.deepEqual(linesInText(['const s = `a', '  b', '  c`;', '  d'], CODE, ts, false), [false, true, true, false]);
      assert.deepEqual(linesInText(['x', '/* a', ' b */', 'c'], CODE, ts, false), [false, false, true, false]);
      // The first line goes on from the cursor inside a template literal.
      assert.deepEqual(linesInText(['a`;', 'b'], { kind: 'string', close: '`', long: true }, ts, true), [false, false]);
      // A backtick inside the string the cursor is in opens no template literal.
      assert.deepEqual(linesInText(['a `b', 'c'], shortString, ts, true), [false, false]);
    });

    it('continues the state in the middle of a line only when told', () => {
      // At the cursor inside `"hello `, the rest `world"` closes the string; from a line start the same
      // text opens one.
      assert.deepEqual(scanLine('world"', shortString, ts, undefined, true), CODE);
      assert.deepEqual(scanLine('world"', shortString, ts, undefined, false), shortString);
    });
  });

  describe('literals', () => {
    it('reads a Rust character literal as one token and a lone quote as a lifetime', () => {
      const rust = syntaxOf('rust');
      assert.equal(bracketBalance(["let c = '(';"], CODE, rust).balance, 0, 'the `(` is a character');
      assert.equal(bracketBalance(["fn f<'a>(x: &'a str) -> &'a str {"], CODE, rust).balance, 1);
    });

    it('reads a JavaScript regular expression after an operator, a division elsewhere', () => {
      assert.equal(bracketBalance(['const re = /[(]/;'], CODE, ts).balance, 0);
      assert.equal(bracketBalance(['const half = a / (b + c) / 2;'], CODE, ts).balance, 0);
      assert.equal(bracketBalance(['const re = /[(]/;'], CODE, syntaxOf('go')).balance, 1, 'Go has no regex literals');
    });

    it('starts a `#` comment only after a space where a `#` can be part of a word', () => {
      // `http://x.com#frag` is a YAML value; ` # note` a comment.
      assert.deepEqual(scanLine('url: http://x.com#frag', CODE, syntaxOf('yaml')), CODE);
      assert.deepEqual(scanLine('key: value # note', CODE, syntaxOf('yaml')), { kind: 'line-comment' });
      assert.deepEqual(scanLine('echo a#b', CODE, syntaxOf('shellscript')), CODE);
      assert.deepEqual(scanLine('x = 1 # note', CODE, python), { kind: 'line-comment' });
      assert.deepEqual(scanLine('x = a#b', CODE, python), { kind: 'line-comment' }, 'in Python `#` always starts one');
    });

    it('reads a C# verbatim string without escapes', () => {
      // `@"C:\dir\"` ends at its quote: the backslash escapes nothing.
      assert.deepEqual(scanLine('var p = @"C:\\dir\\";', CODE, syntaxOf('csharp')), CODE);
      assert.deepEqual(scanLine('var p = "C:\\dir\\";', CODE, ts), shortString, 'in a C string `\\"` escapes the quote');
      assert.deepEqual(scanLine('var p = @"line', CODE, syntaxOf('csharp')), { kind: 'string', close: '"', long: true, verbatim: true });
    });
  });

  describe('brackets', () => {
    it('balances brackets in code only', () => {
      assert.equal(bracketBalance(['f(a, "(", [1,', '  2]'], CODE, ts).balance, 1);
      assert.equal(bracketBalance(['f(a) // )'], CODE, ts).balance, 0);
    });

    it('lists the brackets still open, innermost last, and closers with nothing to close', () => {
      assert.deepEqual(openBrackets(['a)]', 'f({['], CODE, ts), { stack: ['(', '{', '['], unmatched: [')', ']'], state: CODE });
      // From the middle of a string (the cursor), its closing quote comes first.
      assert.deepEqual(openBrackets(['x", (a'], shortString, ts, [], true).stack, ['(']);
      assert.deepEqual(openBrackets(['x", (a'], shortString, ts, [], false).stack, []);
      // Only the first line continues: the next starts after the one-line string the first left open.
      assert.deepEqual(openBrackets(['x", "open', '(a'], shortString, ts, [], true).stack, ['(']);
    });

    it('counts the pairs VS Code closed automatically after the cursor', () => {
      assert.equal(autoClosed('foo({', '})', CODE, ts), 2);
      assert.equal(autoClosed('foo(', ' )', CODE, ts), 1, 'spaces between closers are skipped');
      assert.equal(autoClosed('foo({', ')', CODE, ts), 0, 'a closer that does not match the innermost bracket ends the count');
      assert.equal(autoClosed('"(" + f(', ')', CODE, ts), 1, 'a bracket in a string opens nothing');
      assert.equal(autoClosed('foo(', 'x)', CODE, ts), 0, 'text before the closer: it is not an auto-closed pair');
      assert.equal(autoClosed('foo', ')', CODE, ts), 0);
    });
  });

  describe('columns', () => {
    it('counts a tab to the next multiple of four', () => {
      // The block rule compares these widths: a tab-indented answer must land where a 4-space one does.
      assert.equal(columns('    x'), 4);
      assert.equal(columns('\tx'), 4);
      assert.equal(columns('  \tx'), 4);
      assert.equal(columns('\t  x'), 6);
      assert.equal(columns('\t\tx'), 8);
      assert.equal(columns('\tx', 8), 8);
      assert.equal(columns('x   '), 0, 'only leading whitespace counts');
    });
  });

  describe('block lines', () => {
    it('knows a line that closes a block', () => {
      for (const line of ['}', '  )', ']', '});', '</div>', 'end', '  end;', '} else {']) assert.equal(isCloserLine(line), true, line);
      for (const line of ['endpoint()', 'x }', 'return;', '']) assert.equal(isCloserLine(line), false, line);
    });

    it('knows a closing line that opens the next part of the same statement', () => {
      // `} else {` lets a suggestion go on after the block closes; `}` ends it.
      for (const line of ['} else {', '}, {', '{', ']).then((r) => {', '} => {', '  else:', 'elif x > 1:', 'except ValueError as e:', 'finally:']) {
        assert.equal(reopens(line), true, line);
      }
      for (const line of ['}', '})', '});', '</div>', '</span>{', 'else_value = 1', 'elif x', 'elsewhere:']) assert.equal(reopens(line), false, line);
    });

    it('knows a Python clause and a switch case', () => {
      for (const line of ['else:', '  elif x:', 'except:', 'except ValueError as e:', 'finally :', 'case 1:', '  case "a", "b":', 'default:']) assert.equal(isClause(line), true, line);
      for (const line of ['else_value = 1', 'elif x', 'elsewhere:', 'finally_done:', 'casey:', 'defaults:']) assert.equal(isClause(line), false, line);
    });
  });

  describe('markup', () => {
    it('counts opening and closing tags, not void elements, comparisons or type arguments', () => {
      assert.equal(tagBalance('<div class="a">'), 1);
      assert.equal(tagBalance('</div>'), -1);
      assert.equal(tagBalance('<div><span>x</span>'), 1);
      assert.equal(tagBalance('(<div>'), 1);
      assert.equal(tagBalance('return <Item key={i}>'), 1);
      for (const line of ['<br>', '<img src="x">', '<Foo />', '<!doctype html>', 'if (a < b && c > d)', 'Array<string>', 'x<T>(y)', 'f()<a>']) {
        assert.equal(tagBalance(line), 0, line);
      }
    });

    it('knows the languages where tags nest', () => {
      for (const id of ['html', 'xml', 'typescriptreact', 'javascriptreact', 'vue']) assert.equal(hasMarkup(id), true, id);
      for (const id of ['typescript', 'javascript', 'python', 'markdown']) assert.equal(hasMarkup(id), false, id);
    });
  });
});

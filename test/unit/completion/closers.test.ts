// The replace range (src/core/completion/closers.ts): which closers after the cursor the suggestion
// writes itself. Replacing one too many loses a bracket the code needs; one too few doubles it.
import * as assert from 'node:assert/strict';
import { replaceLength, type ClosersView } from '../../../src/core/completion/closers';
import { CODE, syntaxOf } from '../../../src/core/completion/lexical';

const at = (linePrefix: string, lineSuffix: string, languageId = 'typescript'): ClosersView => ({ linePrefix, lineSuffix, lineState: CODE, syntax: syntaxOf(languageId) });

describe('closers after the cursor', () => {
  it('replaces nothing when the rest of the line is blank or more than closers', () => {
    assert.equal(replaceLength('a, b)', at('foo(', '')), 0);
    assert.equal(replaceLength('a, b)', at('foo(', '   ')), 0);
    assert.equal(replaceLength('a, b)', at('foo(', 'c)')), 0, 'text after the cursor is never replaced');
  });

  it('replaces the closer the suggestion writes, keeps the one it leaves to the file', () => {
    // `foo(` + `a, b)` before `)`: one `)` in the file, not two.
    assert.equal(replaceLength('a, b)', at('foo(', ')')), 1);
    assert.equal(replaceLength('a, b', at('foo(', ')')), 0);
    // A function body that closes the parameter list first.
    assert.equal(replaceLength(') {\n  return 1;\n}', at('function hello(', ')')), 1);
    assert.equal(replaceLength('\n  return 1;\n}', at('function hello(', ')')), 0);
  });

  it('keeps closers the inner call still needs', () => {
    // `Math.max(Math.min(` + `n, max), min` leaves `);` to close `Math.max(`.
    assert.equal(replaceLength('n, max), min', at('Math.max(Math.min(', ');')), 0);
    assert.equal(replaceLength('n, max), min)', at('Math.max(Math.min(', ');')), 1);
    assert.equal(replaceLength('n, max), min);', at('Math.max(Math.min(', ');')), 2);
  });

  it('replaces punctuation after the closers only when the suggestion ends with it too', () => {
    // `arr.push([` + `x]);` before `]);`: all of it is the suggestion's own.
    assert.equal(replaceLength('x]);', at('arr.push([', ']);')), 3);
    assert.equal(replaceLength('x])', at('arr.push([', ']);')), 2, 'the `;` stays');
    assert.equal(replaceLength('x]', at('arr.push([', ']);')), 1);
    assert.equal(replaceLength('return x;', at('  ', ';')), 1, 'a lone `;` the statement ends with');
    assert.equal(replaceLength('return x', at('  ', ';')), 0);
  });

  it('keeps a closer that closes a bracket from an earlier line', () => {
    // `const xs = [` on the line above, `  foo(` + `x` before `)]`: `)` is needed, `]` too.
    assert.equal(replaceLength('x', at('  foo(', ')]')), 0);
    // Both written by the suggestion (its `]` closes the earlier line's bracket): both replaced.
    assert.equal(replaceLength('x)]', at('  foo(', ')]')), 2);
  });

  it('keeps the quote of a string the suggestion leaves open', () => {
    assert.equal(replaceLength('hi")', at('log("', '")')), 2);
    assert.equal(replaceLength('hi"', at('log("', '")')), 1);
    assert.equal(replaceLength('hi', at('log("', '")')), 0);
    // A `)` inside a string the suggestion opened and left open closes nothing.
    assert.equal(replaceLength('"hi)', at('log(', ')')), 0);
  });

  it('follows quotes in markup, where the lexer does not', () => {
    assert.equal(replaceLength('x">', at('<a href="', '">', 'html')), 2);
    assert.equal(replaceLength('x"', at('<a href="', '">', 'html')), 1);
    assert.equal(replaceLength('x', at('<a href="', '">', 'html')), 0);
  });

  it('treats `<` before a name as a bracket `>` closes', () => {
    assert.equal(replaceLength('string>', at('const xs: Array<', '>')), 1);
    assert.equal(replaceLength('string', at('const xs: Array<', '>')), 0);
    // The `>` of an arrow inside the type arguments closes nothing.
    assert.equal(replaceLength('Req, (e: Event) => void', at('const f: Handler<', '>')), 0);
    assert.equal(replaceLength('Req, (e: Event) => void>', at('const f: Handler<', '>')), 1);
  });

  it('keeps the rest of a template string the suggestion leaves open, an interpolation’s `}` too', () => {
    assert.equal(replaceLength('name', at('const s = `${', '}`')), 0);
    assert.equal(replaceLength('name}`', at('const s = `${', '}`')), 2);
    assert.equal(replaceLength('b', at('const s = `a ', '`;')), 0);
    assert.equal(replaceLength('b`', at('const s = `a ', '`;')), 1);
    assert.equal(replaceLength('b`;', at('const s = `a ', '`;')), 2);
  });
});

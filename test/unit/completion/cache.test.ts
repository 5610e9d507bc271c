import * as assert from 'node:assert/strict';
import { cacheKey, LruCache, TypingThrough } from '../../../src/core/completion/cache';
import type { Suggestion } from '../../../src/core/completion/types';

describe('suggestion cache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });

  it('keys by the text around the cursor and the model', () => {
    const near = 'total += item.price;\n'.repeat(100);
    assert.equal(cacheKey(`// version a\n${near}const a = `, '\n}', 'm'), cacheKey(`// version b\n${near}const a = `, '\n}', 'm'), 'text far from the cursor does not matter');
    assert.notEqual(cacheKey('const a = ', '\n}', 'm'), cacheKey('const b = ', '\n}', 'm'));
    assert.notEqual(cacheKey('const a = ', '\n}', 'm'), cacheKey('const a = ', ';\n}', 'm'));
    assert.notEqual(cacheKey('const a = ', '\n}', 'm'), cacheKey('const a = ', '\n}', 'other-model'));
  });
});

describe('typing-through', () => {
  /** A suggestion made at the cursor `at`, replacing up to `replaceEnd` (absolute characters). */
  const shown = (text: string, replaceEnd: number): Suggestion => ({ text, replaceEnd, source: 'network' });
  const at = (uri: string, line: number, linePrefix: string, lineSuffix: string, above: string) => ({ uri, line, linePrefix, lineSuffix, above });

  it('answers with the rest of a shown suggestion while its start is typed', () => {
    const tt = new TypingThrough();
    tt.remember({ uri: 'u', line: 3, linePrefix: 'const n = ', lineSuffix: '', above: 'x', suggestion: shown('items.length;', 10) });
    assert.deepEqual(tt.lookup(at('u', 3, 'const n = it', '', 'x')), { text: 'ems.length;', replaceEnd: 12, source: 'typing-through' });
    assert.equal(tt.lookup(at('u', 3, 'const n = items.length;', '', 'x')), undefined, 'fully typed: nothing left to show');
  });

  it('does not answer when the typed text departs from it, or the code around changed', () => {
    const tt = new TypingThrough();
    tt.remember({ uri: 'u', line: 3, linePrefix: 'const n = ', lineSuffix: '', above: 'x', suggestion: shown('items.length;', 10) });
    assert.equal(tt.lookup(at('u', 3, 'const n = iz', '', 'x')), undefined);
    assert.equal(tt.lookup(at('u', 3, 'const n = it', '', 'changed above')), undefined);
    assert.equal(tt.lookup(at('u', 4, 'const n = it', '', 'x')), undefined);
    assert.equal(tt.lookup(at('other', 3, 'const n = it', '', 'x')), undefined);
    assert.equal(tt.lookup(at('u', 3, 'const n = it', ' + 1', 'x')), undefined, 'the rest of the line changed');
  });

  it('keeps the replaced closers in the answer while typing through', () => {
    const tt = new TypingThrough();
    // `foo(|)` showed `a, b)` replacing the `)` (characters 4 to 5); the user typed `a`.
    tt.remember({ uri: 'u', line: 0, linePrefix: 'foo(', lineSuffix: ')', above: '', suggestion: shown('a, b)', 5) });
    assert.deepEqual(tt.lookup(at('u', 0, 'foo(a', ')', '')), { text: ', b)', replaceEnd: 6, source: 'typing-through' });
    assert.equal(tt.lookup(at('u', 0, 'foo(a', '', '')), undefined, 'the closer it replaced is gone');
  });

  describe('the hot streak: the next lines of a multi-line suggestion', () => {
    // The document after the user typed the first line of `if (ok) {\n  run();\n}` and pressed Enter.
    const body = 'if (ok) {\n  run();\n  done();\n}';
    const doc = (lines: string[]) => ({ lineAt: (i: number) => lines[i], eol: '\n' as const });
    const aboveOf = (lines: string[]) => (line: number) => lines.slice(Math.max(0, line - 20), line).join('\n');
    const remembered = () => {
      const tt = new TypingThrough();
      tt.remember({ uri: 'u', line: 1, linePrefix: '', lineSuffix: '', above: 'function f() {', suggestion: shown(body, 0) });
      return tt;
    };

    it('serves the rest of the block on the next line, with no request', () => {
      const lines = ['function f() {', 'if (ok) {', '  '];
      assert.deepEqual(remembered().lookup(at('u', 2, '  ', '', lines.slice(0, 2).join('\n')), doc(lines), aboveOf(lines)), { text: 'run();\n  done();\n}', replaceEnd: 2, source: 'hot-streak' });
      // Two lines down, half of the second line typed.
      const further = ['function f() {', 'if (ok) {', '  run();', '  do'];
      assert.deepEqual(remembered().lookup(at('u', 3, '  do', '', further.slice(0, 3).join('\n')), doc(further), aboveOf(further)), { text: 'ne();\n}', replaceEnd: 4, source: 'hot-streak' });
    });

    it('serves nothing when a line typed differs, the lines above changed, or the block has no more lines', () => {
      const differs = ['function f() {', 'if (ok) { // yes', '  '];
      assert.equal(remembered().lookup(at('u', 2, '  ', '', differs.slice(0, 2).join('\n')), doc(differs), aboveOf(differs)), undefined);
      const aboveChanged = ['function g() {', 'if (ok) {', '  '];
      assert.equal(remembered().lookup(at('u', 2, '  ', '', aboveChanged.slice(0, 2).join('\n')), doc(aboveChanged), aboveOf(aboveChanged)), undefined);
      const deeper = ['function f() {', 'if (ok) {', '    '];
      assert.equal(remembered().lookup(at('u', 2, '    ', '', deeper.slice(0, 2).join('\n')), doc(deeper), aboveOf(deeper)), undefined, 'an indent deeper than the suggestion\'s cannot be shown as ghost text');
      const past = ['function f() {', 'if (ok) {', '  run();', '  done();', '}', ''];
      assert.equal(remembered().lookup(at('u', 5, '', '', past.slice(0, 5).join('\n')), doc(past), aboveOf(past)), undefined, 'typed past its last line');
      const lines = ['function f() {', 'if (ok) {', '  '];
      assert.equal(remembered().lookup(at('u', 2, '  ', '', lines.slice(0, 2).join('\n'))), undefined, 'no document: same-line typing-through only');
    });
  });
});

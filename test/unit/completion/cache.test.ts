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

  it('answers with the rest of a shown suggestion while its start is typed', () => {
    const tt = new TypingThrough();
    tt.remember({ uri: 'u', line: 3, linePrefix: 'const n = ', lineSuffix: '', above: 'x', suggestion: shown('items.length;', 10) });
    assert.deepEqual(tt.lookup('u', 3, 'const n = it', '', 'x'), { text: 'ems.length;', replaceEnd: 12, source: 'typing-through' });
    assert.equal(tt.lookup('u', 3, 'const n = items.length;', '', 'x'), undefined, 'fully typed: nothing left to show');
  });

  it('does not answer when the typed text departs from it, or the code around changed', () => {
    const tt = new TypingThrough();
    tt.remember({ uri: 'u', line: 3, linePrefix: 'const n = ', lineSuffix: '', above: 'x', suggestion: shown('items.length;', 10) });
    assert.equal(tt.lookup('u', 3, 'const n = iz', '', 'x'), undefined);
    assert.equal(tt.lookup('u', 3, 'const n = it', '', 'changed above'), undefined);
    assert.equal(tt.lookup('u', 4, 'const n = it', '', 'x'), undefined);
    assert.equal(tt.lookup('other', 3, 'const n = it', '', 'x'), undefined);
    assert.equal(tt.lookup('u', 3, 'const n = it', ' + 1', 'x'), undefined, 'the rest of the line changed');
  });

  it('keeps the replaced closers in the answer while typing through', () => {
    const tt = new TypingThrough();
    // `foo(|)` showed `a, b)` replacing the `)` (characters 4 to 5); the user typed `a`.
    tt.remember({ uri: 'u', line: 0, linePrefix: 'foo(', lineSuffix: ')', above: '', suggestion: shown('a, b)', 5) });
    assert.deepEqual(tt.lookup('u', 0, 'foo(a', ')', ''), { text: ', b)', replaceEnd: 6, source: 'typing-through' });
    assert.equal(tt.lookup('u', 0, 'foo(a', '', ''), undefined, 'the closer it replaced is gone');
  });
});

import * as assert from 'node:assert/strict';
import { DEFAULT_BUDGET, gatherContext } from '../../../src/core/completion/context';
import { MAX_LINE_LENGTH } from '../../../src/core/completion/prefilter';
import { documentOf } from './support';

describe('context windows', () => {
  const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

  it('keeps more prefix than suffix, each within its budget, nearest lines first', () => {
    const doc = documentOf(numbered(500));
    const ctx = gatherContext({ document: doc, cursor: { line: 250, character: 4 } }, { prefixChars: 400, suffixChars: 100 });
    assert.ok(ctx.prefix.length <= 400 && ctx.prefix.length > 300, `prefix ${ctx.prefix.length}`);
    assert.ok(ctx.suffix.length <= 100 && ctx.suffix.length > 50, `suffix ${ctx.suffix.length}`);
    assert.ok(ctx.prefix.endsWith('line 249\nline'));
    assert.ok(ctx.suffix.startsWith(' 250\nline 251'));
    assert.equal(ctx.prefixComplete, false);
    assert.ok(DEFAULT_BUDGET.prefixChars > DEFAULT_BUDGET.suffixChars);
  });

  it('takes the whole of a small file and says so', () => {
    const doc = documentOf(['a', 'b', 'c']);
    const ctx = gatherContext({ document: doc, cursor: { line: 1, character: 1 } });
    assert.equal(ctx.prefix, 'a\nb');
    assert.equal(ctx.suffix, '\nc');
    assert.equal(ctx.prefixComplete, true);
  });

  it('reads only the lines it needs, whatever the file size', () => {
    const small = documentOf(numbered(2_000));
    const huge = documentOf(Array.from({ length: 300_000 }, (_, i) => `const value${i} = compute(${i}); // padding to make ten megabytes`));
    gatherContext({ document: small, cursor: { line: 1_000, character: 3 } });
    gatherContext({ document: huge, cursor: { line: 150_000, character: 3 } });
    assert.ok(huge.reads < 400, `${huge.reads} line reads in a 300,000-line file`);
  });

  it('clips a minified line near the cursor instead of sending it whole', () => {
    const doc = documentOf(['x'.repeat(2_000_000), 'const a = ', '']);
    const ctx = gatherContext({ document: doc, cursor: { line: 1, character: 10 } }, { prefixChars: 100_000, suffixChars: 100 });
    assert.ok(ctx.prefix.length <= MAX_LINE_LENGTH + 20, `prefix ${ctx.prefix.length}`);
  });
});

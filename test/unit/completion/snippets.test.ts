import * as assert from 'node:assert/strict';
import { RecentEdits } from '../../../src/core/completion/recentEdits';
import { jaccard, NeighbourWindows, selectSnippets, tokenSet, windowsOf } from '../../../src/core/completion/snippets';
import { documentOf } from './support';

describe('snippets from other files', () => {
  const pricing = ['function subtotal(items) {', '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);', '}'];
  const filler = Array.from({ length: 40 }, (_, i) => `renderWidget${i}(canvas, palette);`);
  const around = 'const total = items.reduce((sum, item) => sum + item.price';

  it('scores by shared identifiers (Jaccard)', () => {
    assert.equal(jaccard(tokenSet('alpha beta gamma'), tokenSet('alpha beta gamma')), 1);
    assert.equal(jaccard(tokenSet('alpha beta'), tokenSet('delta epsilon')), 0);
    assert.equal(jaccard(tokenSet('alpha beta gamma'), tokenSet('alpha beta delta')), 0.5);
    assert.equal(jaccard(tokenSet(''), tokenSet('alpha')), 0);
  });

  it('picks the similar window, best first, and leaves unrelated code out', () => {
    const other = documentOf([...filler, ...pricing, ...filler], '\n', 'file:///project/pricing.ts');
    const snippets = selectSnippets(around, windowsOf(other), 2000);
    assert.ok(snippets.length >= 1);
    assert.match(snippets[0].text, /item\.quantity/);
    assert.equal(snippets[0].path, 'pricing.ts');
    assert.ok(snippets.every((s) => /items|price/.test(s.text)), 'an unrelated window was chosen');
    for (let i = 1; i < snippets.length; i++) assert.ok(snippets[i - 1].score >= snippets[i].score);
  });

  it('de-duplicates the same code from two sources, and skips what the prompt already holds', () => {
    const other = documentOf(pricing);
    const twice = selectSnippets(around, [...windowsOf(other), ...windowsOf(other)], 2000);
    assert.equal(twice.length, 1);
    const inside = selectSnippets(`${pricing.join('\n')}\n${around}`, windowsOf(other), 2000);
    assert.equal(inside.length, 0);
  });

  it('stays within its character budget', () => {
    const sources = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}.ts`, text: `const total${i} = items.reduce((sum, item) => sum + item.price, ${i});` }));
    const chosen = selectSnippets(around, sources, 200);
    assert.ok(chosen.reduce((n, s) => n + s.text.length, 0) <= 200);
    assert.ok(chosen.length >= 1);
  });

  it('scans a bounded part of a huge open file', () => {
    const huge = documentOf(Array.from({ length: 200_000 }, (_, i) => `row${i}();`));
    windowsOf(huge);
    assert.ok(huge.reads < 5_000, `${huge.reads} line reads`);
  });
});

describe('neighbour windows across keystrokes', () => {
  it('reads an unchanged open document once, and again after it changes', () => {
    const windows = new NeighbourWindows();
    const doc = { ...documentOf(Array.from({ length: 300 }, (_, i) => `row${i}();`)), version: 1 };
    let reads = 0;
    const counted = { ...doc, lineAt: (i: number) => (reads++, doc.lineAt(i)) };
    const first = windows.of(counted);
    const afterFirst = reads;
    assert.ok(afterFirst > 0);
    assert.equal(windows.of(counted), first);
    assert.equal(reads, afterFirst, 'read again although unchanged');
    windows.of({ ...counted, version: 2 });
    assert.equal(reads, afterFirst * 2);
  });
});

describe('recent edits', () => {
  it('keeps a bounded ring, newest first, one region per nearby run of edits', () => {
    const edits = new RecentEdits(3);
    edits.record({ uri: 'a', path: 'a.ts', text: 'first', line: 10 });
    edits.record({ uri: 'a', path: 'a.ts', text: 'first, edited again', line: 12 });
    assert.equal(edits.size, 1, 'two edits three lines apart are one region');
    edits.record({ uri: 'b', path: 'b.ts', text: 'second', line: 1 });
    edits.record({ uri: 'c', path: 'c.ts', text: 'third', line: 1 });
    edits.record({ uri: 'd', path: 'd.ts', text: 'fourth', line: 1 });
    assert.deepEqual(edits.sources().map((s) => s.text), ['fourth', 'third', 'second']);
  });

  it("leaves out the cursor's own neighbourhood, and forgets a closed file", () => {
    const edits = new RecentEdits();
    edits.record({ uri: 'a', path: 'a.ts', text: 'near', line: 100 });
    edits.record({ uri: 'a', path: 'a.ts', text: 'far', line: 500 });
    edits.record({ uri: 'b', path: 'b.ts', text: 'other file', line: 100 });
    assert.deepEqual(edits.sources('a', 110).map((s) => s.text), ['other file', 'far']);
    edits.forget('a');
    assert.deepEqual(edits.sources().map((s) => s.text), ['other file']);
  });
});

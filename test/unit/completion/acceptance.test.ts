// What became of each suggestion shown, read from the document's changes and the accept command:
// each rule from both sides (one key or an accept, a line's end or a word's, the confirm window,
// the same suggestion's rest or a new one), then the ledger and the Show Usage table.
import * as assert from 'node:assert/strict';
import { AcceptanceLedger, AcceptanceWatch, CONFIRM_MS, acceptanceMarkdown, acceptedShare, type Change, type Settled, type ShownSuggestion } from '../../../src/core/completion/acceptance';

const URI = 'file:///w/a.ts';

function harness() {
  const shown: ShownSuggestion[] = [];
  const settled: Settled[] = [];
  const watch = new AcceptanceWatch((s) => shown.push(s), (s) => settled.push(s));
  let ids = 0;
  let now = 1_000;
  const show = (text: string, line = 0, character = 10, replaces = 0, uri = URI) => {
    const id = String(++ids);
    watch.shown({ id, uri, line, character, text, replaces, languageId: 'typescript', model: 'm' }, now);
    return id;
  };
  const change = (text: string, line = 0, character = 10, rangeLength = 0, uri = URI) => watch.changed(uri, [{ line, character, rangeLength, text }], now);
  const outcomes = () => settled.map((s) => s.outcome);
  return { watch, shown, settled, show, change, outcomes, tick: (ms: number) => (now += ms), now: () => now };
}

describe('acceptance: what became of a suggestion', () => {
  it('Tab: the whole text inserted, then the command: accepted whole, counted once', () => {
    const h = harness();
    const id = h.show('foo(bar);');
    h.change('foo(bar);');
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
    assert.equal(h.shown.length, 1);
  });

  it('Tab over the closer the editor added: the replaced range is the one the item covers', () => {
    const h = harness();
    const id = h.show('bar);', 0, 10, 1);
    h.change('bar);', 0, 10, 1);
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
  });

  it('the rest shown again over a closer the editor added since: Tab on it is accepted whole', () => {
    const h = harness();
    h.show('foo(a);');
    for (const [i, ch] of [...'foo'].entries()) h.change(ch, 0, 10 + i);
    h.change('()', 0, 13);
    const id = h.show('a);', 0, 14, 1);
    h.change('a);', 0, 14, 1);
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
    assert.equal(h.shown.length, 1);
  });

  it('a change that replaces more than the item covers is not an accept: dismissed', () => {
    const h = harness();
    h.show('bar);', 0, 10, 1);
    h.change('bar);', 0, 10, 2);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('the command for an older item does not settle the one shown now', () => {
    const h = harness();
    const old = h.show('one');
    h.change('x');
    h.show('two', 0, 11);
    h.watch.accepted(old);
    assert.deepEqual(h.outcomes(), ['dismissed'], 'only the first, replaced by the second');
  });

  it('Accept Word: more than one key inserted, ending inside a line, then something else: by word', () => {
    const h = harness();
    h.show('const total = sum(items);');
    h.change('const ');
    assert.deepEqual(h.outcomes(), [], 'still showing the rest');
    h.change('y', 0, 16);
    assert.deepEqual(h.outcomes(), ['word']);
  });

  it('Accept Line: the first line of a block inserted, ending at its line end: by line', () => {
    const h = harness();
    h.show('let sum = 0;\n  return sum;');
    h.change('let sum = 0;');
    h.change('z', 5, 0);
    assert.deepEqual(h.outcomes(), ['line']);
  });

  it('Accept Line that takes the line break and the next indentation too: by line', () => {
    const h = harness();
    h.show('let sum = 0;\n  return sum;');
    h.change('let sum = 0;\n  ');
    h.watch.settle();
    assert.deepEqual(h.outcomes(), ['line']);
  });

  it('Accept Word at a line end that takes the line break and the next word: by word', () => {
    const h = harness();
    h.show('x\n    return sum;');
    h.change('x');
    h.change('\n    return', 0, 11);
    h.watch.settle();
    assert.deepEqual(h.outcomes(), ['word']);
  });

  it('a word that ends the rest of the suggestion counts as a line', () => {
    const h = harness();
    h.show('a + b');
    h.change('a + b');
    h.tick(CONFIRM_MS);
    h.watch.flush(h.now());
    assert.deepEqual(h.outcomes(), ['line']);
  });

  it('one character typed is typing, not an accept: typing part then something else is dismissed', () => {
    const h = harness();
    h.show('count;');
    h.change('c');
    h.change('o', 0, 11);
    h.change('x', 0, 12);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('typing the whole suggestion out: typed as shown, once the confirm window passes without the command', () => {
    const h = harness();
    h.show('ab');
    h.change('a');
    h.change('b', 0, 11);
    h.tick(CONFIRM_MS - 1);
    h.watch.flush(h.now());
    assert.deepEqual(h.outcomes(), [], 'the command may still come');
    h.tick(1);
    h.watch.flush(h.now());
    assert.deepEqual(h.outcomes(), ['typed']);
  });

  it('Tab on the last character (done by the edit, the command right after): accepted whole', () => {
    const h = harness();
    const id = h.show('ab');
    h.change('a');
    h.change('b', 0, 11);
    h.tick(CONFIRM_MS - 1);
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
  });

  it('Enter with the indentation the editor adds is one key', () => {
    const h = harness();
    h.show('{\n    x();\n}');
    h.change('{');
    h.change('\n    ', 0, 11);
    h.change('q', 1, 4);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('a bracket with the closer the editor added is one key; the ghost goes on after the bracket', () => {
    const h = harness();
    h.show('(a, b);');
    h.change('()');
    assert.deepEqual(h.outcomes(), []);
    h.change('a', 0, 11);
    assert.deepEqual(h.outcomes(), [], 'typing on inside the brackets follows the suggestion');
    h.change('?', 0, 12);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('two characters that are not a bracket pair are an accept', () => {
    const h = harness();
    h.show('(a, b);');
    h.change('(a');
    h.change('?', 0, 12);
    assert.deepEqual(h.outcomes(), ['word']);
  });

  it('the rest of the same suggestion shown again (typing-through) is not a new one', () => {
    const h = harness();
    h.show('items.length;');
    h.change('i');
    h.change('t', 0, 11);
    h.show('ems.length;', 0, 12);
    assert.equal(h.shown.length, 1);
    assert.deepEqual(h.outcomes(), []);
  });

  it('the hot streak: the next lines after the first line and Enter are the same suggestion', () => {
    const h = harness();
    h.show('let s = 0;\n  return s;');
    for (const [i, ch] of [...'let s = 0;'].entries()) h.change(ch, 0, 10 + i);
    h.change('\n  ', 0, 20);
    h.show('return s;', 1, 2);
    assert.equal(h.shown.length, 1, 'one suggestion');
    const id = h.show('return s;', 1, 2);
    h.change('return s;', 1, 2);
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
  });

  it('a different answer at the same place is a new suggestion; the old one was dismissed', () => {
    const h = harness();
    h.show('items.length;');
    h.show('items.size;');
    assert.equal(h.shown.length, 2);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('alternatives: typing what the second one shows follows it; accepting it is accepted whole', () => {
    const h = harness();
    h.watch.shown({ id: 'a', uri: URI, line: 0, character: 10, text: 'items.length;', others: ['count(items);'], replaces: 0, languageId: 'typescript', model: 'm' }, h.now());
    h.change('c');
    assert.deepEqual(h.outcomes(), [], 'the second suggestion agrees');
    h.watch.shown({ id: 'b', uri: URI, line: 0, character: 11, text: 'ount(items);', replaces: 0, languageId: 'typescript', model: 'm' }, h.now());
    assert.equal(h.shown.length, 1, 'its rest is the same suggestion');
    h.change('ount(items);', 0, 11);
    h.watch.accepted('b');
    assert.deepEqual(h.outcomes(), ['full']);
  });

  it('alternatives: a key none of them shows dismisses them all', () => {
    const h = harness();
    h.watch.shown({ id: 'a', uri: URI, line: 0, character: 10, text: 'items.length;', others: ['count(items);'], replaces: 0, languageId: 'typescript', model: 'm' }, h.now());
    h.change('z');
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('the same text at another place is a new suggestion', () => {
    const h = harness();
    h.show('x;', 0, 10);
    h.show('x;', 1, 10);
    assert.equal(h.shown.length, 2);
  });

  it('a change elsewhere in the document dismisses it; a change in another document does not', () => {
    const h = harness();
    assert.equal(h.watch.watches(URI), false, 'nothing watched yet');
    h.show('abc');
    assert.equal(h.watch.watches(URI), true);
    assert.equal(h.watch.watches('file:///w/other.ts'), false, 'another document need not be told');
    h.change('zz', 3, 0, 0, 'file:///w/other.ts');
    assert.deepEqual(h.outcomes(), []);
    h.change('a', 4, 0);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('several changes at once (a multi-cursor edit, a format) dismiss it', () => {
    const h = harness();
    h.show('abc');
    const changes: Change[] = [
      { line: 0, character: 10, rangeLength: 0, text: 'a' },
      { line: 2, character: 0, rangeLength: 0, text: 'a' },
    ];
    h.watch.changed(URI, changes, h.now());
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('a deletion at the ghost dismisses it', () => {
    const h = harness();
    h.show('abc');
    h.change('', 0, 9, 1);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('a partly accepted suggestion whose document closes is settled with what it got', () => {
    const h = harness();
    h.show('first line\nsecond');
    h.change('first line');
    h.watch.settle('file:///w/other.ts');
    assert.deepEqual(h.outcomes(), []);
    h.watch.settle(URI);
    assert.deepEqual(h.outcomes(), ['line']);
  });

  it('a line accepted, then a word: still by line', () => {
    const h = harness();
    h.show('one two\nthree four');
    h.change('one two');
    h.change('\nthree ', 0, 17);
    h.watch.settle();
    assert.deepEqual(h.outcomes(), ['line']);
  });

  it('the same text at the same place in another document, or further along the line, is a new suggestion', () => {
    const h = harness();
    h.show('x;', 0, 10);
    h.show('x;', 0, 10, 0, 'file:///w/b.ts');
    h.show('x;', 0, 12, 0, 'file:///w/b.ts');
    assert.equal(h.shown.length, 3);
    assert.deepEqual(h.outcomes(), ['dismissed', 'dismissed']);
  });

  it('an event with no content change (saved, dirty state) leaves it showing', () => {
    const h = harness();
    const id = h.show('abc');
    h.watch.changed(URI, [], h.now());
    assert.deepEqual(h.outcomes(), []);
    h.change('abc');
    h.watch.accepted(id);
    assert.deepEqual(h.outcomes(), ['full']);
  });

  it('the suggestion\'s text inserted at the same column of another line, or elsewhere on its line, dismisses it', () => {
    const h = harness();
    h.show('abc');
    h.change('a', 1, 10);
    assert.deepEqual(h.outcomes(), ['dismissed']);
    h.show('abc');
    h.change('a', 0, 9);
    assert.deepEqual(h.outcomes(), ['dismissed', 'dismissed']);
  });

  it('a change over the closers that inserts only part of the rest is not an accept', () => {
    const h = harness();
    h.show('bar);', 0, 10, 1);
    h.change('ba', 0, 10, 1);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('two characters starting like the suggestion but not a bracket pair are not its bracket', () => {
    const h = harness();
    h.show('(b);');
    h.change('(a');
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('CRLF: Enter with its indentation is one key, and Accept Line ends at a CRLF line end', () => {
    const h = harness();
    h.show('{\r\n    x();\r\n}');
    h.change('{');
    h.change('\r\n    ', 0, 11);
    h.change('q', 1, 4);
    assert.deepEqual(h.outcomes(), ['dismissed']);
    h.show('let a = 1;\r\nlet b = 2;');
    h.change('let a = 1;');
    h.watch.settle();
    assert.deepEqual(h.outcomes(), ['dismissed', 'line']);
  });

  it('after a line break, typing replaces nothing: a change over text at the new line is not an accept', () => {
    const h = harness();
    h.show('a\nbc', 0, 10, 1);
    h.change('a');
    h.change('\n', 0, 11);
    h.change('bc', 1, 0, 1);
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });

  it('the rest shown again alone: the others it was shown with are no longer offered', () => {
    const h = harness();
    h.watch.shown({ id: 'a', uri: URI, line: 0, character: 10, text: 'items.length;', others: ['count(items);'], replaces: 0, languageId: 'typescript', model: 'm' }, h.now());
    h.show('items.length;');
    h.change('c');
    assert.deepEqual(h.outcomes(), ['dismissed']);
  });
});

describe('acceptance: the ledger and the Show Usage table', () => {
  it('counts per language and model, summed over days, most shown first', () => {
    const ledger = new AcceptanceLedger();
    ledger.count('2026-11-29', 'python', 'm1', 'shown');
    for (const day of ['2026-11-29', '2026-11-30']) {
      ledger.count(day, 'typescript', 'm1', 'shown');
      ledger.count(day, 'typescript', 'm1', 'full');
    }
    ledger.count('2026-11-30', 'typescript', 'm2', 'shown');
    const rows = ledger.totals();
    assert.deepEqual(rows.map((r) => [r.languageId, r.model, r.counts.shown, r.counts.full]), [
      ['typescript', 'm1', 2, 2],
      ['python', 'm1', 1, 0],
      ['typescript', 'm2', 1, 0],
    ]);
  });

  it('keeps 90 days, and what comes from storage only when well-formed', () => {
    const ledger = new AcceptanceLedger();
    for (let d = 1; d <= 95; d++) ledger.count(`2026-${String(1 + Math.floor(d / 28)).padStart(2, '0')}-${String(1 + (d % 28)).padStart(2, '0')}`, 'go', 'm', 'shown');
    assert.equal(Object.keys(ledger.toJSON()).length, 90);
    const restored = new AcceptanceLedger({ '2026-11-30': { go: { m: { shown: 3, full: -1, line: 'x', word: 1.7 } } }, nonsense: { go: { m: { shown: 9 } } } });
    assert.deepEqual(restored.totals()[0].counts, { shown: 3, full: 0, line: 0, word: 1, typed: 0, dismissed: 0 });
    assert.equal(restored.totals().length, 1);
  });

  it('a model or language id named like an object property is a row like any other', () => {
    const ledger = new AcceptanceLedger();
    ledger.count('2026-11-30', '__proto__', 'constructor', 'shown');
    assert.equal(ledger.totals()[0].counts.shown, 1);
    assert.equal(({} as Record<string, unknown>).shown, undefined);
  });

  it('bounds the rows of a day: past 100 language and model pairs they are counted as (other)', () => {
    const ledger = new AcceptanceLedger();
    for (let i = 0; i < 105; i++) ledger.count('2026-11-30', 'ts', `model-${i}`, 'shown');
    ledger.count('2026-11-30', 'ts', 'model-3', 'shown');
    const rows = ledger.totals();
    assert.equal(rows.length, 101);
    assert.equal(rows.find((r) => r.model === '(other)')?.counts.shown, 5);
    assert.equal(rows.find((r) => r.model === 'model-3')?.counts.shown, 2, 'a pair already kept keeps counting');
  });

  it('the accepted share counts whole and partial accepts over the settled ones', () => {
    assert.equal(acceptedShare({ shown: 9, full: 2, line: 1, word: 1, typed: 2, dismissed: 2 }), '50%');
    assert.equal(acceptedShare({ shown: 1, full: 0, line: 0, word: 0, typed: 0, dismissed: 0 }), '–');
  });

  it('rows shown as often are in order of language and model; the language is escaped too', () => {
    const ledger = new AcceptanceLedger();
    for (const [language, model] of [['ts', 'b'], ['ts', 'a'], ['go', 'z']]) ledger.count('2026-11-30', language, model, 'shown');
    assert.deepEqual(ledger.totals().map((r) => `${r.languageId}/${r.model}`), ['go/z', 'ts/a', 'ts/b']);
    const odd = new AcceptanceLedger();
    odd.count('2026-11-30', 'lang|[x](http://e)', 'm', 'shown');
    assert.ok(!acceptanceMarkdown(odd).includes('[x](http://e)'));
  });

  it('the table escapes model ids and names each outcome', () => {
    const ledger = new AcceptanceLedger();
    ledger.count('2026-11-30', 'typescript', 'evil|[x](http://e)', 'shown');
    ledger.count('2026-11-30', 'typescript', 'evil|[x](http://e)', 'word');
    const text = acceptanceMarkdown(ledger);
    assert.match(text, /\| language \| model \| shown \| accepted \(Tab\) \| by line \| by word \| typed as shown \| dismissed \| accepted \|/);
    assert.ok(!text.includes('[x](http://e)'), 'the model id is escaped');
    assert.match(text, /\| typescript \| .+ \| 1 \| 0 \| 0 \| 1 \| 0 \| 0 \| 100% \|/);
    assert.match(acceptanceMarkdown(new AcceptanceLedger()), /No suggestions shown yet/);
  });
});

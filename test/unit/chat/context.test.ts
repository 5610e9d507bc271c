import * as assert from 'node:assert/strict';
import { cutNote, decodeText, fitAttachments, mentionAt, problemsText, rankMentions, safeRelativePath } from '../../../src/core/chat/context';
import { parseWebviewMessage } from '../../../src/core/chat/protocol';

describe('chat context: # mentions, the + menu and the budget', () => {
  describe('the new page messages', () => {
    it('accepts a mention query, a workspace-relative path and the + menu, with exactly their fields', () => {
      assert.deepEqual(parseWebviewMessage({ type: 'mentionQuery', requestId: 3, query: 'car', extra: 1 }), { type: 'mentionQuery', requestId: 3, query: 'car' });
      assert.deepEqual(parseWebviewMessage({ type: 'attachPath', path: 'src/cart.ts', extra: 1 }), { type: 'attachPath', path: 'src/cart.ts' });
      assert.deepEqual(parseWebviewMessage({ type: 'addContext', path: 'x' }), { type: 'addContext' });
    });
    it('drops a path that could leave the workspace and a malformed query', () => {
      for (const bad of [
        { type: 'attachPath', path: '../secret.ts' },
        { type: 'attachPath', path: 'src/../../etc/passwd' },
        { type: 'attachPath', path: '/etc/passwd' },
        { type: 'attachPath', path: 'C:/Windows/win.ini' },
        { type: 'attachPath', path: 'src\\..\\..\\x' },
        { type: 'attachPath', path: 'src//cart.ts' },
        { type: 'attachPath', path: './src/cart.ts' },
        { type: 'attachPath', path: 'src/cart.ts\u0000.png' },
        { type: 'attachPath', path: '' },
        { type: 'attachPath', path: 'a/'.repeat(600) + 'b' },
        { type: 'attachPath', path: 42 },
        { type: 'mentionQuery', requestId: -1, query: 'car' },
        { type: 'mentionQuery', requestId: 1.5, query: 'car' },
        { type: 'mentionQuery', requestId: '1', query: 'car' },
        { type: 'mentionQuery', requestId: 1, query: '' },
        { type: 'mentionQuery', requestId: 1, query: '**/*' },
        { type: 'mentionQuery', requestId: 1, query: 'x'.repeat(101) },
      ]) {
        assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
      }
    });
    it('safeRelativePath keeps ordinary paths as they are', () => {
      assert.equal(safeRelativePath('src/cart.ts'), 'src/cart.ts');
      assert.equal(safeRelativePath('.env'), '.env');
      assert.equal(safeRelativePath('a/..b/c..'), 'a/..b/c..');
    });
  });

  describe('mentionAt', () => {
    it('finds the # being typed at the caret, at the start or after a space', () => {
      assert.deepEqual(mentionAt('#car', 4), { start: 0, query: 'car' });
      assert.deepEqual(mentionAt('look at #src/ca', 15), { start: 8, query: 'src/ca' });
      assert.deepEqual(mentionAt('look at #car and more', 12), { start: 8, query: 'car' });
    });
    it('is not a mention inside a word, after a space, or a bare #', () => {
      assert.equal(mentionAt('issue#12', 8), undefined);
      assert.equal(mentionAt('#car ', 5), undefined);
      assert.equal(mentionAt('#', 1), undefined);
      assert.equal(mentionAt('#car', 2)?.query, 'c');
    });
  });

  describe('rankMentions', () => {
    const paths = ['docs/cartography.md', 'src/cart.ts', 'src/scart.ts', 'lib/car/index.ts', 'src/shop/cartesian/deep/cart.test.ts', 'README.md'];
    it('the file name starting with the query first, then containing it, then the path; case ignored; bounded', () => {
      assert.deepEqual(rankMentions(paths, 'CAR'), ['src/cart.ts', 'docs/cartography.md', 'src/shop/cartesian/deep/cart.test.ts', 'src/scart.ts', 'lib/car/index.ts']);
      assert.deepEqual(rankMentions(paths, 'car', 2), ['src/cart.ts', 'docs/cartography.md']);
      assert.deepEqual(rankMentions(paths, 'zzz'), []);
    });
  });

  describe('decodeText', () => {
    it('refuses binary: a NUL or bytes that are not UTF-8', () => {
      assert.deepEqual(decodeText(new Uint8Array([0x61, 0, 0x62])), { refused: 'binary' });
      assert.deepEqual(decodeText(new Uint8Array([0xff, 0xfe, 0x41])), { refused: 'binary' });
      assert.deepEqual(decodeText(new TextEncoder().encode('\uFEFFconst a = 1;')), { text: 'const a = 1;' });
    });
  });

  describe('problemsText', () => {
    it('one file:line severity message a line, errors first, bounded', () => {
      const problems = [
        { path: 'src/b.ts', line: 9, severity: 'warning' as const, message: 'unused   variable\n x' },
        { path: 'src/cart.ts', line: 0, severity: 'error' as const, message: "Cannot find name 'Iten'.", source: 'ts' },
      ];
      assert.equal(problemsText(problems).text, "src/cart.ts:1 error Cannot find name 'Iten'. (ts)\nsrc/b.ts:10 warning unused variable x");
      const many = Array.from({ length: 5 }, (_, i) => ({ path: 'a.ts', line: i, severity: 'error' as const, message: 'm' }));
      assert.equal(problemsText(many, 3).text.split('\n').at(-1), '… and 2 more');
      assert.equal(problemsText([]).text, 'No problems.');
    });
  });

  describe('fitAttachments: what the prompt budget cut or left out, and why', () => {
    const a = (label: string, n: number) => ({ label, text: 'x'.repeat(n) });
    it('keeps whole what fits', () => {
      const { kept, leftOut } = fitAttachments([a('one.ts', 100), a('two.ts', 100)], 1000);
      assert.deepEqual(kept.map((k) => [k.item.label, k.text.length, k.note]), [['one.ts', 100, undefined], ['two.ts', 100, undefined]]);
      assert.deepEqual(leftOut, []);
    });
    it('cuts the first that does not fit to the room left, names it, and leaves the rest out', () => {
      const { kept, leftOut } = fitAttachments([a('cart.ts', 60_000), a('big.ts', 60_000), a('late.ts', 10)], 100_000);
      assert.deepEqual(kept.map((k) => [k.item.label, k.text.length, k.note]), [['cart.ts', 60_000, undefined], ['big.ts', 40_000, 'cut to 40,000 characters to fit the prompt budget']]);
      assert.deepEqual(leftOut.map((l) => [l.item.label, l.note]), [['late.ts', 'left out: the prompt budget was used up']]);
    });
    it('leaves out rather than sending a scrap, and never cuts a surrogate pair in half', () => {
      assert.deepEqual(fitAttachments([a('one.ts', 1000)], 100).leftOut.map((l) => l.item.label), ['one.ts']);
      const emoji = { label: 'e.md', text: '😀'.repeat(600) };
      const cut = fitAttachments([emoji], 1001).kept[0].text;
      assert.equal(cut.length, 1000);
      assert.equal(fitAttachments([a('n.ts', 10)], -5).leftOut.length, 1);
    });
    it('the attachment limit note', () => {
      assert.equal(cutNote(60_000), 'cut to 60,000 characters');
    });
  });
});

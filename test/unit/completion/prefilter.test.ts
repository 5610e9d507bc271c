import * as assert from 'node:assert/strict';
import { looksBinary, MAX_LINE_LENGTH, prefilter } from '../../../src/core/completion/prefilter';
import { documentOf, inputAt } from './support';

describe('prefilter', () => {
  it('skips typing inside a word, unless the user asked', () => {
    assert.equal(prefilter(inputAt('const na', 'me = 1;\n', { explicit: false })), 'mid-word');
    assert.equal(prefilter(inputAt('const ', 'ñame = 1;\n', { explicit: false })), 'mid-word', 'non-ASCII identifiers count as words');
    assert.equal(prefilter(inputAt('const na', 'me = 1;\n', { explicit: true })), undefined);
  });

  it('lets positions before closers, punctuation and spaces through', () => {
    for (const rest of [')\n', '");\n', '];\n', ' + b;\n', '\n', '']) {
      assert.equal(prefilter(inputAt('call(a', rest, { explicit: false })), undefined, JSON.stringify(rest));
    }
  });

  it('skips inside and at the end of a minified line', () => {
    const minified = 'var a=1;'.repeat(MAX_LINE_LENGTH);
    assert.equal(prefilter(inputAt(minified.slice(0, 300), minified.slice(300))), 'long-line');
    assert.equal(prefilter(inputAt(minified, '')), 'long-line');
    assert.equal(prefilter(inputAt('x'.repeat(MAX_LINE_LENGTH - 10), '')), undefined, 'a long but ordinary line is fine');
  });

  it('skips binary-looking text: NUL bytes or many control characters, on the line or the one above', () => {
    assert.equal(prefilter(inputAt('abc\u0000', '\n')), 'binary');
    assert.equal(prefilter(inputAt('\u0001\u0002\u0003\u0004 header bytes \u0005\u0006\n', '\n')), 'binary');
    assert.equal(looksBinary('\tindented\twith\ttabs\tonly'), false);
    assert.equal(looksBinary('plain text with a é and 🦅'), false);
  });

  it('skips an empty document view', () => {
    assert.equal(prefilter({ document: documentOf([]), cursor: { line: 0, character: 0 } }), 'empty-document');
  });
});

import * as assert from 'node:assert/strict';
import { anyOf, blockEnd, columns, firstLine, marker, takeUntil } from '../../../src/core/completion/streamTransforms';

/** An upstream that records whether the reader closed it early. */
function upstream(chunks: string[]) {
  const state = { read: 0, closed: false };
  async function* gen(): AsyncGenerator<string> {
    try {
      for (const c of chunks) {
        state.read++;
        yield c;
      }
    } finally {
      state.closed = state.read < chunks.length;
    }
  }
  return { state, deltas: gen() };
}

async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const d of source) text += d;
  return text;
}

describe('stream early stop', () => {
  it('stops at the first complete line and closes the upstream (the rest is never generated)', async () => {
    const { state, deltas } = upstream(['const a', ' = 1;\nconst b', ' = 2;\n', 'more\n', 'and more\n']);
    assert.equal(await collect(takeUntil(deltas, firstLine)), 'const a = 1;');
    assert.equal(state.read, 2);
    assert.equal(state.closed, true);
  });

  it('reads to the end when no rule fires', async () => {
    const { state, deltas } = upstream(['a', 'b', 'c']);
    assert.equal(await collect(takeUntil(deltas, firstLine)), 'abc');
    assert.equal(state.closed, false);
  });

  it('single line: leading newlines are not the end of the line', () => {
    assert.equal(firstLine('\n\n  return x;\nnext'), '\n\n  return x;'.length);
    assert.equal(firstLine('\n\n'), -1);
  });

  it('a block ends before the first line that leaves it, keeping its closing bracket', () => {
    const rule = blockEnd(2);
    const body = '\n  const a = 1;\n  return a;\n}\n';
    assert.equal(body.slice(0, rule(body)), '\n  const a = 1;\n  return a;\n}');
    const python = '\n    total = 0\n    return total\ndef other():\n';
    assert.equal(python.slice(0, blockEnd(4)(python)), '\n    total = 0\n    return total');
    assert.equal(blockEnd(2)('\n  const a = 1;'), -1, 'an unfinished line is not the end');
  });

  it('a block is cut after its line limit', () => {
    const many = 'x();\n'.repeat(50);
    assert.equal(many.slice(0, blockEnd(0, 5)(many)).split('\n').length, 5);
  });

  it('stops at an echoed closing tag, whichever rule fires first', () => {
    const rule = anyOf(marker('</fill>'), firstLine);
    assert.equal(rule('abc</fill>\n'), 3);
    assert.equal(rule('abc\n</fill>'), 3);
    assert.equal(rule('abc'), -1);
  });

  it('counts indentation columns with tabs to the next stop', () => {
    assert.equal(columns('    x'), 4);
    assert.equal(columns('\tx'), 4);
    assert.equal(columns('  \tx'), 4);
    assert.equal(columns('\t  x'), 6);
  });
});

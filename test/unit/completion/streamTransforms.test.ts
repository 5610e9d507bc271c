import * as assert from 'node:assert/strict';
import { columns } from '../../../src/core/completion/lexical';
import { takeUntil, type StopRule } from '../../../src/core/completion/streamTransforms';

/** Ends at the first newline after some code. */
const firstLine: StopRule = (text) => {
  const code = text.search(/\S/);
  return code < 0 ? -1 : text.indexOf('\n', code);
};

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

  it('counts indentation columns with tabs to the next stop', () => {
    assert.equal(columns('    x'), 4);
    assert.equal(columns('\tx'), 4);
    assert.equal(columns('  \tx'), 4);
    assert.equal(columns('\t  x'), 6);
  });
});

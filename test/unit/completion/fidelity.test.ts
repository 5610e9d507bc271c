// The fidelity corpus (test/fixtures/inline/, rules in docs/ghost-text-rules.md): every case, in every
// answer style a chat model uses and every stream chunking, must leave exactly the expected file
// after Tab, through the real inline engine.
import * as assert from 'node:assert/strict';
import { CHUNKINGS, CLASSES, loadCorpus, replay, STYLES } from '../../support/fidelity';

const corpus = loadCorpus();

describe('ghost-text fidelity corpus', () => {
  it('holds at least 250 cases, in twelve languages, covering every class with near misses', () => {
    assert.ok(corpus.length >= 250, `${corpus.length} cases`);
    const languages = new Set(corpus.map((c) => c.language));
    assert.ok(languages.size >= 12, [...languages].join(', '));
    for (const cls of CLASSES) assert.ok(corpus.some((c) => c.class === cls), `no case of class ${cls}`);
    for (const cls of CLASSES.filter((c) => c !== 'plain' && c !== 'prose-only')) assert.ok(corpus.some((c) => c.class === cls && c.nearMiss), `no near miss of class ${cls}`);
  });

  for (const c of corpus) {
    it(`${c.file}: ${c.name}`, async () => {
      const wrong: string[] = [];
      for (const style of c.styles ?? STYLES) {
        for (const chunk of CHUNKINGS) {
          const { file, raw } = await replay(c, style, chunk);
          if (file !== c.expected) wrong.push(`${style}, ${chunk === Infinity ? 'whole' : chunk}-character chunks:\n  raw      ${JSON.stringify(raw)}\n  got      ${JSON.stringify(file)}\n  expected ${JSON.stringify(c.expected)}`);
        }
      }
      assert.equal(wrong.length, 0, wrong.slice(0, 3).join('\n') + (wrong.length > 3 ? `\n… and ${wrong.length - 3} more` : ''));
    });
  }
});

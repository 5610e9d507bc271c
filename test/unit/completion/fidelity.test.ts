// The fidelity corpus (test/fixtures/inline/, rules in docs/ghost-text-rules.md): every case, in every
// answer style a chat model uses and every stream chunking, must leave exactly the expected file
// after Tab, through the real inline engine.
import * as assert from 'node:assert/strict';
import { CHUNKINGS, CLASSES, loadCorpus, replay, ROUTES, STYLES } from '../../support/fidelity';

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

  // The zero-wait levers serve the same suggestions: every case through each route, in every style
  // (3-character chunks), must leave the expected file too.
  describe('through each zero-wait lever', () => {
    for (const route of ROUTES.filter((r) => r !== 'request')) {
      it(`${route}: every case leaves the expected file, and the lever serves where it applies`, async function () {
        this.timeout(60_000);
        const wrong: string[] = [];
        let served = 0;
        let applicable = 0;
        for (const c of corpus) {
          for (const style of c.styles ?? STYLES) {
            const result = await replay(c, style, 3, route);
            if (result.file !== c.expected) wrong.push(`${c.file}: ${c.name} (${style}):\n  got      ${JSON.stringify(result.file)}\n  expected ${JSON.stringify(c.expected)}`);
            if (c.expected !== null) {
              applicable++;
              if (result.served) served++;
            }
          }
        }
        assert.equal(wrong.length, 0, `${wrong.length} wrong:\n` + wrong.slice(0, 3).join('\n'));
        // The share each lever serves: prefetch serves every suggestion, riding all but a call that came
        // before the request left (then it is its own); typing-through
        // those with a first line of 3 or more characters; the hot streak the multi-line ones.
        const floor = { 'levers-off': 1, ride: 0.99, prefetch: 1, 'typing-through': 0.5, 'hot-streak': 0.1 }[route];
        assert.ok(served >= floor * applicable, `${route} served ${served} of ${applicable}`);
      });
    }
  });
});

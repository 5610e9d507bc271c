// The fixture corpus: each file is a (prefix, suffix, raw model output, expected insert) case run
// through the whole pipeline (prompt, stream with early stop, post-processing) with a scripted model.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InlineEngine } from '../../../src/core/completion/pipeline';
import type { MultilineMode } from '../../../src/core/config';
import { inputAt, scriptedClient } from './support';

interface Fixture {
  name: string;
  prefix: string;
  suffix: string;
  raw: string;
  expected: { text: string | null; replace: number };
  multiline?: MultilineMode;
  eol?: '\n' | '\r\n';
  prefill?: boolean;
}

const dir = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'completion', 'fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture) }));

describe('inline fixture corpus', () => {
  it('has at least 40 cases', () => assert.ok(fixtures.length >= 40, `${fixtures.length} fixtures`));

  for (const fx of fixtures) {
    it(`${fx.file}: ${fx.name}`, async () => {
      const client = scriptedClient(() => fx.raw);
      const engine = new InlineEngine(
        async () => ({ client, model: 'fake', prefill: fx.prefill ? 'yes' : 'no' }),
        () => ({ debounceMs: 0, maxTokens: 128, multiline: fx.multiline ?? 'never' }),
      );
      const input = inputAt(fx.prefix, fx.suffix, { eol: fx.eol });
      const suggestion = await engine.suggest(input, new AbortController().signal);
      if (fx.expected.text === null) {
        assert.equal(suggestion, undefined, `expected no suggestion, got ${JSON.stringify(suggestion?.text)}`);
        return;
      }
      assert.ok(suggestion, 'expected a suggestion');
      assert.equal(suggestion.text, fx.expected.text);
      assert.equal(suggestion.replaceEnd - input.cursor.character, fx.expected.replace, 'replaced characters after the cursor');
      if (fx.prefill) {
        const last = client.requests[0].messages.at(-1)!;
        assert.equal(last.role, 'assistant');
        assert.ok(!/\s$/.test(last.content), 'a prefill never ends in whitespace');
      }
    });
  }
});

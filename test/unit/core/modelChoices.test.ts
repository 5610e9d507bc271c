import * as assert from 'node:assert/strict';
import { modelChoices, pushRecent } from '../../../src/core/modelChoices';

describe('model choices', () => {
  const models = [
    { id: 'openai/gpt-4o-mini', name: 'GPT-4o mini', contextLength: 128000, pricePerMillion: { prompt: 0.15, completion: 0.6 } },
    { id: 'anthropic/claude-3.5-haiku', name: 'Claude 3.5 Haiku', contextLength: 200000, pricePerMillion: { prompt: 0.8, completion: 4 }, expirationDate: '2026-02-19' },
    { id: 'anthropic/claude-haiku-4.5', name: 'Claude Haiku 4.5', contextLength: 200000, pricePerMillion: { prompt: 1, completion: 5 }, expirationDate: '2027-06-01' },
    { id: 'local/llama', contextLength: 1048576, pricePerMillion: { prompt: 0, completion: 0 } },
    { id: 'openai/gpt-4o-mini' },
  ];

  it('shows context and price per million tokens, and marks retired models', () => {
    const c = modelChoices(models, { recents: [], today: '2026-11-24', current: 'anthropic/claude-haiku-4.5' });
    const haiku35 = c.find((x) => x.id === 'anthropic/claude-3.5-haiku')!;
    assert.equal(haiku35.retired, true);
    assert.match(haiku35.description, /^retired 2026-02-19 · 200K context · \$0\.80 in \/ \$4\.00 out per M tokens$/);
    assert.match(haiku35.label, /warning/);
    const h45 = c.find((x) => x.id === 'anthropic/claude-haiku-4.5')!;
    assert.match(h45.description, /^retires 2027-06-01/);
    assert.equal(h45.retired, false);
    assert.match(h45.label, /check/, 'the current model is ticked');
    assert.match(c.find((x) => x.id === 'local/llama')!.description, /^1M context · free in \/ free out/);
    assert.equal(c.filter((x) => x.id === 'openai/gpt-4o-mini').length, 1, 'duplicates dropped');
  });

  it('puts recents first in their order, retired models last', () => {
    const c = modelChoices(models, { recents: ['local/llama', 'openai/gpt-4o-mini'], today: '2026-11-24' });
    assert.deepEqual(c.map((x) => x.id), ['local/llama', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5', 'anthropic/claude-3.5-haiku']);
  });

  it('remembers a few recents, newest first, without repeats', () => {
    assert.deepEqual(pushRecent(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
    assert.deepEqual(pushRecent(['a', 'b', 'c', 'd', 'e'], 'f'), ['f', 'a', 'b', 'c', 'd']);
  });
});

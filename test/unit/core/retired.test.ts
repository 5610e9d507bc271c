// The retired default model: each provider's 404 for it (played by the fake server in that
// provider's own shape) leads to the offer of its successor; any other missing model does not.
import * as assert from 'node:assert/strict';
import { createChatClient } from '../../../src/core/client/client';
import { KestrelError } from '../../../src/core/client/errors';
import { PRESETS } from '../../../src/core/client/presets';
import { inertText } from '../../../src/core/inertText';
import { isRetiredDefault, successorFor, switchedSettings } from '../../../src/core/retired';
import { startFakeServer, type Flavour } from '../../support/fake-server';

/** The error a request for `model` gets from a fake provider that retired `retired`. */
async function refusal(flavour: Flavour, model: string, retired: string[]): Promise<KestrelError> {
  const server = await startFakeServer({ flavour, retired });
  const client = createChatClient({ baseUrl: server.url, apiKey: 'sk-test-key' });
  try {
    await client.stream({ model, messages: [{ role: 'user', content: 'hi' }] }).result;
    throw new Error('the request was answered');
  } catch (error) {
    assert.ok(error instanceof KestrelError, String(error));
    return error;
  } finally {
    await client.dispose();
    await server.close();
  }
}

describe('the retired default model', () => {
  const cases: [Flavour, 'openrouter' | 'aimlapi' | 'anthropic', string][] = [
    ['openrouter', 'openrouter', 'anthropic/claude-haiku-4.5'],
    ['aimlapi', 'aimlapi', 'claude-haiku-4-5'],
    ['anthropic', 'anthropic', 'claude-haiku-4-5'],
  ];

  for (const [flavour, providerId, successor] of cases) {
    it(`${providerId}: its 404 for the default model offers "${successor}"`, async () => {
      const model = PRESETS[providerId].model;
      const error = await refusal(flavour, model, [model]);
      assert.equal(error.kind, 'model-not-found');
      assert.equal(error.status, 404);
      const offer = successorFor(error, providerId);
      assert.ok(offer, 'an offer');
      assert.equal(offer.successor, successor);
      assert.equal(offer.action, `Switch to ${successor}`);
      assert.match(offer.message, new RegExp(`"${model.replace(/[.]/g, '\\.')}".*retired.*"${successor.replace(/[.]/g, '\\.')}"`));
      assert.ok(error.providerMessage && offer.message.includes(error.providerMessage), "the provider's own words are in the message");
    });
  }

  it('not for a model the user typed that the provider does not know: that is an unknown model (Select Model)', async () => {
    const error = await refusal('openrouter', 'anthropic/claude-made-up', ['anthropic/claude-3.5-haiku']);
    assert.equal(error.kind, 'model-not-found');
    assert.equal(successorFor(error, 'openrouter'), undefined);
  });

  it('not for other failures, other providers, or the successor itself', () => {
    const missing = (model: string) => new KestrelError('model-not-found', 'gone', { status: 404, model });
    assert.equal(successorFor(new KestrelError('server', 'down', { status: 502, model: 'anthropic/claude-3.5-haiku' }), 'openrouter'), undefined);
    assert.equal(successorFor(missing('claude-3-5-haiku-20241022'), 'custom'), undefined, 'a custom server has no default');
    assert.equal(successorFor(missing('claude-3-5-haiku-20241022'), 'ollama'), undefined);
    assert.equal(successorFor(missing('anthropic/claude-haiku-4.5'), 'openrouter'), undefined, 'no loop to the successor');
    assert.equal(successorFor(new Error('x'), 'openrouter'), undefined);
  });

  it("the provider's words are outside text: shown as the notification shows them, nothing in them is a link", () => {
    const hostile = 'No endpoints. [Fix it](command:kestrel.clearApiKey) $(alert)';
    const offer = successorFor(new KestrelError('model-not-found', 'gone', { status: 404, model: 'anthropic/claude-3.5-haiku', providerMessage: hostile }), 'openrouter')!;
    const shown = inertText(offer.message);
    assert.doesNotMatch(shown, /\]\(command:/);
    assert.doesNotMatch(shown, /\$\(alert\)/);
    assert.ok(shown.replace(/\u200b/g, '').includes(hostile), 'and reads as what the provider said');
  });

  it('knows the default under its other spellings', () => {
    assert.ok(isRetiredDefault('anthropic', 'claude-3-5-haiku-latest'));
    assert.ok(isRetiredDefault('openrouter', 'anthropic/claude-3.5-haiku:beta'));
    assert.ok(!isRetiredDefault('openrouter', 'anthropic/claude-3-haiku'), 'Claude 3 Haiku is another model');
  });

  it('the switch sets the model, and the chat model only when it named the retired one', () => {
    const offer = successorFor(new KestrelError('model-not-found', 'gone', { status: 404, model: 'anthropic/claude-3.5-haiku' }), 'openrouter')!;
    assert.deepEqual(switchedSettings(offer, ''), { 'kestrel.model': 'anthropic/claude-haiku-4.5' });
    assert.deepEqual(switchedSettings(offer, 'anthropic/claude-3.5-haiku'), { 'kestrel.model': 'anthropic/claude-haiku-4.5', 'kestrel.chat.model': 'anthropic/claude-haiku-4.5' });
    assert.deepEqual(switchedSettings(offer, 'anthropic/claude-sonnet-4'), { 'kestrel.model': 'anthropic/claude-haiku-4.5' });
  });
});

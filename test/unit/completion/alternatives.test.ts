// Alternatives on an explicit ask: the usual suggestion first, then one request of its own at each
// higher temperature, distinct texts only, stopped together, asked once per cursor.
import * as assert from 'node:assert/strict';
import { ALTERNATIVE_TEMPERATURES, InlineEngine } from '../../../src/core/completion/pipeline';
import { KestrelError } from '../../../src/core/client/errors';
import { inputAt, scriptedClient, type ScriptedClient } from './support';

const engineWith = (client: ScriptedClient) => new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const }));
const byTemperature = (answers: Record<string, string>) => scriptedClient((r) => answers[String(r.temperature)] ?? 'other();', { delayMs: 2 });

describe('alternatives on an explicit ask', () => {
  it('the usual suggestion first, then one per higher temperature, each its own request', async () => {
    const client = byTemperature({ '0.1': 'items.length;', '0.7': 'items.size;', '1': 'count(items);' });
    const engine = engineWith(client);
    const shown = await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(shown.map((s) => s.text), ['items.length;', 'items.size;', 'count(items);']);
    assert.deepEqual(client.requests.map((r) => r.temperature).sort(), [0.1, ...ALTERNATIVE_TEMPERATURES].sort());
    assert.equal(engine.counters.alternativeRequests, ALTERNATIVE_TEMPERATURES.length);
    assert.ok(client.requests.every((r) => JSON.stringify(r.messages) === JSON.stringify(client.requests[0].messages)), 'the same prompt for each');
  });

  it('the same text twice is offered once; an empty answer not at all', async () => {
    const client = byTemperature({ '0.1': 'items.length;', '0.7': 'items.length;', '1': '' });
    const shown = await engineWith(client).alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(shown.map((s) => s.text), ['items.length;']);
  });

  it('one of the others failing leaves the rest', async () => {
    const client = scriptedClient((r) => (r.temperature === 0.7 ? new Error('boom') : r.temperature === 1 ? 'b;' : 'a;'));
    const shown = await engineWith(client).alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(shown.map((s) => s.text), ['a;', 'b;']);
  });

  it('cancelled together: the others stop at once and nothing is offered', async () => {
    const client = byTemperature({ '0.1': 'a'.repeat(30) + ';', '0.7': 'b'.repeat(30) + ';', '1': 'c'.repeat(30) + ';' });
    const engine = engineWith(client);
    const abort = new AbortController();
    const asking = engine.alternatives(inputAt('const n = ', '\n'), abort.signal);
    await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    assert.deepEqual(await asking, []);
    assert.equal(client.requests.length, 3);
    assert.equal(client.aborted, 2, 'the other two stop at once');
    // The usual one is kept a moment for the next call to ride, as any call's (RIDE_GRACE_MS).
  });

  it('asking again at the same cursor sends nothing: the answers are known', async () => {
    const client = byTemperature({ '0.1': 'a;', '0.7': 'b;', '1': 'c;' });
    const engine = engineWith(client);
    await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    const again = await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(again.map((s) => s.text), ['a;', 'b;', 'c;']);
    assert.equal(client.requests.length, 3);
  });

  it('one of the others failed: asking again at the same cursor asks for it again', async () => {
    let failing = true;
    const client = scriptedClient((r) => (r.temperature === 0.7 ? (failing ? new Error('overloaded') : 'b;') : r.temperature === 1 ? 'c;' : 'a;'));
    const engine = engineWith(client);
    assert.deepEqual((await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal)).map((s) => s.text), ['a;', 'c;']);
    failing = false;
    const again = await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(again.map((s) => s.text), ['a;', 'b;', 'c;']);
  });

  it('the answers kept are per cursor: another text after the cursor, or another model, asks again', async () => {
    const client = byTemperature({ '0.1': 'a;', '0.7': 'b;', '1': 'c;' });
    const engine = engineWith(client);
    await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    await engine.alternatives(inputAt('const n = ', '\nfoo();\n'), new AbortController().signal);
    assert.equal(client.requests.filter((r) => r.temperature !== 0.1).length, 2 * ALTERNATIVE_TEMPERATURES.length);
    let model = 'm';
    const switching = new InlineEngine(async () => ({ client, model, prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const }));
    await switching.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    model = 'm2';
    await switching.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.equal(client.requests.filter((r) => r.temperature !== 0.1).length, 4 * ALTERNATIVE_TEMPERATURES.length);
  });

  it('with the cache off, asking again asks again', async () => {
    const client = byTemperature({ '0.1': 'a;', '0.7': 'b;', '1': 'c;' });
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const, cache: false }));
    await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.equal(engine.counters.alternativeRequests, 2 * ALTERNATIVE_TEMPERATURES.length);
  });

  it('cancelled while the client is looked up: no other request is sent', async () => {
    const client = byTemperature({ '0.1': 'a;', '0.7': 'b;', '1': 'c;' });
    const abort = new AbortController();
    const engine = new InlineEngine(
      async () => {
        abort.abort();
        return { client, model: 'm', prefill: 'no' };
      },
      () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const }),
    );
    assert.deepEqual(await engine.alternatives(inputAt('const n = ', '\n'), abort.signal), []);
    assert.equal(engine.counters.alternativeRequests, 0);
  });

  it('nothing to continue (binary content in the prompt, a line too long): no other request either', async () => {
    const client = byTemperature({ '0.1': 'a;', '0.7': 'b;', '1': 'c;' });
    const engine = engineWith(client);
    assert.deepEqual(await engine.alternatives(inputAt('\u0000\u0001\n\n\n\nconst n = ', '\n'), new AbortController().signal), []);
    assert.deepEqual(await engine.alternatives(inputAt(`const n = ${'x'.repeat(20_000)}`, '\n'), new AbortController().signal), []);
    assert.equal(client.requests.length, 0);
  });

  it('each other replaces the closers after the cursor as the usual one does', async () => {
    const client = byTemperature({ '0.1': 'a)', '0.7': 'b)', '1': 'c)' });
    const shown = await engineWith(client).alternatives(inputAt('f(', ')\n'), new AbortController().signal);
    assert.deepEqual(shown.map((s) => [s.text, s.replaceEnd]), [['a)', 3], ['b)', 3], ['c)', 3]]);
  });

  it('a model that refuses a prefill: each other asks again without one, and once learnt none sends one', async () => {
    const names: Record<string, string> = { '0.1': 'a;', '0.7': 'b;', '1': 'c;' };
    const client = scriptedClient((r) =>
      r.messages.at(-1)!.role === 'assistant' ? new KestrelError('bad-request', 'no', { status: 400, providerMessage: 'This model does not support assistant message prefill.' }) : `<fill>${names[String(r.temperature)]}</fill>`,
    );
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'unknown' }), () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const }));
    const shown = await engine.alternatives(inputAt('const n = ', '\n'), new AbortController().signal);
    assert.deepEqual(shown.map((s) => s.text), ['a;', 'b;', 'c;']);
    const before = client.requests.length;
    await engine.alternatives(inputAt('const m = ', '\n'), new AbortController().signal);
    assert.deepEqual(client.requests.slice(before).map((r) => r.messages.at(-1)!.role), ['user', 'user', 'user']);
  });

  it('an automatic call is one request', async () => {
    const client = byTemperature({ '0.1': 'a;' });
    await engineWith(client).suggest(inputAt('const n = ', '\n', { explicit: false }), new AbortController().signal);
    assert.equal(client.requests.length, 1);
  });
});

describe('alternatives: nothing left running', () => {
  it('dispose() and a closed document stop the others\' requests too', async () => {
    for (const end of ['dispose', 'forget'] as const) {
      const client = scriptedClient((r) => (r.temperature === 0.1 ? 'a;' : 'x'.repeat(200) + ';'), { delayMs: 5 });
      const engine = engineWith(client);
      const input = inputAt('const n = ', '\n');
      const asking = engine.alternatives(input, new AbortController().signal);
      await new Promise((r) => setTimeout(r, 30));
      assert.ok(engine.requestsInFlight >= 2, `${end}: the others are counted in flight (${engine.requestsInFlight})`);
      if (end === 'dispose') engine.dispose();
      else engine.forget(input.document.uri);
      await asking;
      assert.equal(engine.requestsInFlight, 0, `${end}: nothing left in flight`);
      assert.ok(client.aborted >= 2, `${end}: the others' requests were stopped (${client.aborted})`);
    }
  });
});

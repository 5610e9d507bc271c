import * as assert from 'node:assert/strict';
import { KestrelError } from '../../../src/core/client/errors';
import { createChatClient } from '../../../src/core/client/client';
import { InlineEngine, RIDE_GRACE_MS, WARM_AFTER_IDLE_MS, wantsMultiline, type EngineSettings } from '../../../src/core/completion/pipeline';
import type { Suggestion } from '../../../src/core/completion/types';
import { TypingRhythm } from '../../../src/core/completion/typingRhythm';
import { startFakeServer } from '../../support/fake-server';
import { documentOf, FakeClock, inputAt, scriptedClient, type ScriptedClient } from './support';

const settings = (over: Partial<EngineSettings> = {}) => () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const, ...over });
const engineWith = (client: ScriptedClient, over: Partial<EngineSettings> = {}, prefill: 'yes' | 'no' | 'unknown' = 'no') =>
  new InlineEngine(async () => ({ client, model: 'm', prefill }), settings(over));
const signal = () => new AbortController().signal;

describe('inline engine', () => {
  it('the newest call wins: a call superseded in its wait sends nothing, and only the newest is answered', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => ' = 42;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings({ debounceMs: 150 }), {}, clock);
    // Mid-burst (the first keys of a burst ask at once), the wait is the predicted pause.
    for (const text of ['const v', 'const va', 'const val']) {
      void engine.suggest(inputAt(text, '\n', { explicit: false }), signal());
      await clock.advance(50);
    }
    const sent = client.requests.length;
    const older = engine.suggest(inputAt('const valu', '\n', { explicit: false }), signal());
    await clock.advance(5);
    const newer = engine.suggest(inputAt('const value', '\n', { explicit: false }), signal());
    await clock.advance(1000);
    assert.equal(await older, undefined);
    assert.equal((await newer)?.text, ' = 42;');
    assert.equal(client.requests.length - sent, 1, 'the superseded calls never sent a request');
  });

  it('aborts the request in flight when the user types on (one request per document)', async () => {
    const client = scriptedClient(() => 'a long answer that keeps streaming;', { delayMs: 15, chunk: 1 });
    const engine = engineWith(client);
    const first = engine.suggest(inputAt('let x = ', '\n'), signal());
    await new Promise((r) => setTimeout(r, 40));
    const second = engine.suggest(inputAt('let xy = ', '\n'), signal());
    assert.equal(await first, undefined);
    assert.ok(await second);
    assert.equal(client.aborted, 1);
    assert.equal(engine.requestsInFlight, 0);
  });

  it('cancellation from the editor ends the call at once with nothing, and the request once nobody rides it', async () => {
    const client = scriptedClient(() => 'slow answer;', { delayMs: 50, chunk: 1 });
    const engine = engineWith(client);
    const controller = new AbortController();
    const pending = engine.suggest(inputAt('let y = ', '\n'), controller.signal);
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    assert.equal(await pending, undefined);
    assert.ok(performance.now() - started < 60, 'the cancelled call settled at once');
    assert.equal(client.aborted, 0, 'kept for the call VS Code makes after the next key');
    await new Promise((r) => setTimeout(r, RIDE_GRACE_MS + 80));
    assert.equal(client.aborted, 1, 'aborted once nobody came for it');
    assert.equal(engine.requestsInFlight, 0);
  });

  it('typing the start of a shown suggestion sends no request', async () => {
    const client = scriptedClient(() => 'items.length;');
    const engine = engineWith(client);
    const shown = await engine.suggest(inputAt('const n = ', '\n'), signal());
    assert.equal(shown?.text, 'items.length;');
    const typed = await engine.suggest(inputAt('const n = ite', '\n'), signal());
    assert.equal(typed?.text, 'ms.length;');
    assert.equal(typed?.source, 'typing-through');
    const more = await engine.suggest(inputAt('const n = items.le', '\n'), signal());
    assert.equal(more?.text, 'ngth;');
    assert.equal(client.requests.length, 1);
    assert.equal(engine.counters.typingThroughHits, 2);
  });

  it('typing something else asks again', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('const n = x{{HOLE}}') ? ' + 1;' : 'items.length;'));
    const engine = engineWith(client);
    await engine.suggest(inputAt('const n = ', '\n'), signal());
    const other = await engine.suggest(inputAt('const n = x', '\n'), signal());
    assert.equal(other?.text, ' + 1;');
    assert.equal(client.requests.length, 2);
  });

  it('answers the same position from the cache, and typing through a suggestion the cache gave', async () => {
    const client = scriptedClient(() => 'cached();');
    const engine = engineWith(client);
    await engine.suggest(inputAt('run', '\nnext();\n'), signal());
    // Elsewhere in between: typing-through forgets nothing it needs, the cache still knows.
    for (let i = 0; i < 10; i++) await engine.suggest(inputAt(`other${i} = `, '\n', { uri: `file:///project/o${i}.ts` }), signal());
    const again = await engine.suggest(inputAt('run', '\nnext();\n'), signal());
    assert.equal(again?.source, 'cache');
    const typed = await engine.suggest(inputAt('runc', '\nnext();\n'), signal());
    assert.deepEqual(typed, { text: 'ached();', replaceEnd: 4, source: 'typing-through' });
    assert.equal(client.requests.length, 11);
  });

  it('falls back to a prompt without prefill when the model refuses one, and remembers it', async () => {
    const client = scriptedClient((r) =>
      r.messages.at(-1)!.role === 'assistant' ? new KestrelError('bad-request', 'no', { status: 400, providerMessage: 'This model does not support assistant message prefill.' }) : '<fill>42;</fill>',
    );
    const engine = engineWith(client, {}, 'unknown');
    assert.equal((await engine.suggest(inputAt('const a = ', '\n'), signal()))?.text, '42;');
    assert.equal((await engine.suggest(inputAt('const b = ', '\n'), signal()))?.text, '42;');
    assert.deepEqual(client.requests.map((r) => r.messages.at(-1)!.role), ['assistant', 'user', 'user']);
  });

  it('stops reading at the end of the first line in single-line mode', async () => {
    const long = 'first();\n' + 'more();\n'.repeat(200);
    const client = scriptedClient(() => long);
    const engine = engineWith(client);
    assert.equal((await engine.suggest(inputAt('', '\n'), signal()))?.text, 'first();');
    assert.ok(client.delivered < 30, `read ${client.delivered} characters of ${long.length}`);
  });

  it('stops a block at its end in multi-line mode', async () => {
    const client = scriptedClient(() => '\n  const a = 1;\n  return a;\n}\n\nfunction other() {\n  lots();\n}\n');
    const engine = engineWith(client, { multiline: 'auto' });
    const suggestion = await engine.suggest(inputAt('function f() {', '\n'), signal());
    assert.equal(suggestion?.text, '\n  const a = 1;\n  return a;\n}');
    assert.ok(client.delivered < 60);
  });

  it('reads a bounded number of lines of a 10 MB file and of a minified one', async () => {
    const lines = Array.from({ length: 250_000 }, (_, i) => `const value${i} = compute(${i}); // padding padding`);
    const doc = documentOf(lines);
    const client = scriptedClient(() => 'x;');
    const engine = engineWith(client);
    await engine.suggest({ document: doc, cursor: { line: 120_000, character: 10 }, explicit: true }, signal());
    assert.ok(doc.reads < 2000, `${doc.reads} line reads`);
    const minified = documentOf(['var a=' + 'x'.repeat(2_000_000)]);
    const none = await engine.suggest({ document: minified, cursor: { line: 0, character: 1_000_000 }, explicit: true }, signal());
    assert.equal(none, undefined);
    assert.equal(client.requests.length, 1, 'no request inside a minified line');
  });

  it('sends at most 4 stop sequences, none blank, and a prefill without trailing whitespace', async () => {
    const client = scriptedClient(() => '1;');
    await engineWith(client, {}, 'yes').suggest(inputAt('  let a = ', '\n'), signal());
    const request = client.requests[0];
    assert.ok(request.stop!.length <= 4 && request.stop!.every((s) => s.trim() !== ''));
    assert.equal(request.messages.at(-1)!.content, '<fill>  let a =');
    assert.ok(request.temperature! <= 0.2);
    assert.equal(request.maxTokens, 64);
  });
});

describe('inline engine: rhythm, connection and errors', () => {
  const BURST = 'const subtotal = items.filter((item) => item.quantity > 0).length;';

  it('40 fast keystrokes send at most two requests (the first key asks at once), the last at the end; every call settles and the last one is answered', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => ' * 2;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings({ debounceMs: 150 }), {}, clock);
    const settled: (Suggestion | undefined | 'pending')[] = [];
    let previous: AbortController | undefined;
    for (let i = 1; i <= 40; i++) {
      previous?.abort(); // VS Code cancels the previous call on each keystroke.
      const controller = (previous = new AbortController());
      const index = settled.push('pending') - 1;
      void engine.suggest(inputAt(BURST.slice(0, i), '\n', { explicit: false }), controller.signal).then((s) => (settled[index] = s));
      await clock.advance(60 + ((i * 37) % 41));
    }
    await clock.advance(1000);
    assert.ok(!settled.includes('pending'), 'a call was left hanging');
    assert.ok(client.requests.length <= 2, `${client.requests.length} requests`);
    assert.ok(client.requests.at(-1)!.messages[1].content.includes(BURST.slice(0, 40) + '{{HOLE}}'), 'the last request is for the line as typed');
    assert.equal((settled.at(-1) as Suggestion | undefined)?.text, '* 2;', 'the space after "=>" is not doubled');
    assert.ok(settled.filter((s) => s !== undefined).length <= client.requests.length, 'a superseded call was answered without a request of its own');
  });

  it('waits less after a pause than between fast keys, and not at all when asked explicitly', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => 'x;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings({ debounceMs: 150 }), {}, clock);
    void engine.suggest(inputAt('let a = ', '\n', { explicit: false }), signal());
    await clock.advance(2000);
    const afterPause = engine.counters.lastDebounceMs;
    void engine.suggest(inputAt('let a = 1;\nl', '\n', { explicit: false }), signal());
    await clock.advance(2000);
    assert.equal(engine.counters.lastDebounceMs, 0, 'a letter after a pause asks at once');
    for (const text of ['let b', 'let bb', 'let bbb']) {
      void engine.suggest(inputAt(text, '\n', { explicit: false }), signal());
      await clock.advance(80);
    }
    await clock.advance(1000);
    assert.ok(afterPause < engine.counters.lastDebounceMs, `${afterPause} ms after a pause, ${engine.counters.lastDebounceMs} ms while typing`);
    assert.ok(engine.counters.lastDebounceMs >= 80, 'would fire between two keys');
    void engine.suggest(inputAt('let c = ', '\n', { explicit: true }), signal());
    await clock.advance(0);
    assert.equal(engine.counters.lastDebounceMs, 0);
  });

  it('warms the connection when typing starts after an idle gap, not on every key', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => 'x;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings(), {}, clock);
    const ask = async (prefix: string) => {
      const pending = engine.suggest(inputAt(prefix, '\n'), signal());
      await clock.advance(0);
      return pending;
    };
    await ask('const a = ');
    await clock.advance(100);
    await ask('const b = ');
    assert.equal(client.warms, 1);
    await clock.advance(WARM_AFTER_IDLE_MS + 1);
    await ask('const c = ');
    assert.equal(client.warms, 2);
  });

  it('sends nothing when there is no usable connection (a provider that needs a key without one)', async () => {
    const client = scriptedClient(() => 'x;');
    const engine = new InlineEngine(async () => undefined, settings());
    assert.equal(await engine.suggest(inputAt('const a = ', '\n'), signal()), undefined);
    assert.equal(client.requests.length, 0);
  });

  it('reports a provider error through its event and answers nothing; a cancellation is not an error', async () => {
    const errors: unknown[] = [];
    const client = scriptedClient((r) => (r.messages[1].content.includes('fail') ? new KestrelError('server', 'The provider failed.', { status: 500 }) : 'x;'));
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings(), { onError: (e) => errors.push(e) });
    assert.equal(await engine.suggest(inputAt('fail = ', '\n'), signal()), undefined);
    assert.equal(errors.length, 1);
    assert.equal(engine.counters.errors, 1);
    const controller = new AbortController();
    controller.abort();
    assert.equal(await engine.suggest(inputAt('other = ', '\n'), controller.signal), undefined);
    assert.equal(errors.length, 1);
  });

  it('keeps replacing the closer while the user types through a suggestion that replaced it', async () => {
    const client = scriptedClient(() => 'a, b)');
    const engine = engineWith(client);
    const first = await engine.suggest(inputAt('foo(', ')\n'), signal());
    assert.deepEqual(first && { text: first.text, replaceEnd: first.replaceEnd }, { text: 'a, b)', replaceEnd: 5 });
    const typed = await engine.suggest(inputAt('foo(a', ')\n'), signal());
    assert.deepEqual(typed, { text: ', b)', replaceEnd: 6, source: 'typing-through' });
    assert.equal(client.requests.length, 1);
  });

  it('uses similar code from other open files in the prompt', async () => {
    const client = scriptedClient(() => 'x;');
    const engine = engineWith(client);
    const neighbour = documentOf(['export function subtotal(items: Item[]) {', '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);', '}'], '\n', 'file:///project/pricing.ts');
    await engine.suggest({ ...inputAt('const total = items.reduce((sum, item) => sum + item.price', '\n'), neighbours: [neighbour] }, signal());
    assert.match(client.requests[0].messages[1].content, /pricing\.ts[\s\S]*item\.quantity/);
  });

  it('closes the connection once the first line is complete: the server sees the abort', async () => {
    const server = await startFakeServer({
      flavour: 'openai',
      latency: { firstTokenMs: 5, tokensPerSecond: 200 },
      respond: () => ({ text: `<fill>first();\n${'more();\n'.repeat(100)}</fill>` }),
    });
    const client = createChatClient({ baseUrl: server.url, apiKey: 'unit-test' });
    try {
      const engine = new InlineEngine(async () => ({ client, model: 'fake-model', prefill: 'no' }), settings());
      const suggestion = await engine.suggest(inputAt('', '\n'), signal());
      assert.equal(suggestion?.text, 'first();');
      const completions = () => server.completions;
      for (let i = 0; i < 40 && !completions()[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(completions().length, 1);
      assert.equal(completions()[0].aborted, true, 'the server kept streaming');
      assert.equal(completions()[0].completed, false, 'the whole answer was read');
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});

describe('multi-line decision', () => {
  it('multi-line only when the cursor opens an empty block or line', () => {
    assert.equal(wantsMultiline('auto', 'function f() {', ''), true);
    assert.equal(wantsMultiline('auto', 'def f():', ''), true);
    assert.equal(wantsMultiline('auto', '    ', ''), true);
    assert.equal(wantsMultiline('auto', 'items.map((x) =>', ''), true);
    assert.equal(wantsMultiline('auto', 'const a = b', ''), false);
    assert.equal(wantsMultiline('auto', 'if (x) {', 'return; }'), false, 'code after the cursor');
    assert.equal(wantsMultiline('never', 'function f() {', ''), false);
    assert.equal(wantsMultiline('always', 'x', 'y'), true);
  });
});

describe('inline engine: zero-wait levers', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A call as VS Code makes it: each new one cancels the one before. */
  const editor = (engine: InlineEngine) => {
    let previous: AbortController | undefined;
    return (prefix: string, suffix = '\n', explicit = false) => {
      previous?.abort();
      const controller = (previous = new AbortController());
      return engine.suggest(inputAt(prefix, suffix, { explicit }), controller.signal);
    };
  };

  it('keeps the request in flight while the typed characters agree with what it streamed, and serves them from it', async () => {
    const client = scriptedClient(() => 'items.length;', { delayMs: 20, chunk: 3 });
    const engine = engineWith(client, { debounceMs: 150 });
    const ask = editor(engine);
    const first = ask('const n = ');
    await sleep(35); // `ite` has streamed
    const typed = await ask('const n = it');
    assert.equal(await first, undefined, 'VS Code cancelled the first call');
    assert.deepEqual(typed, { text: 'ems.length;', replaceEnd: 12, source: 'in-flight' });
    assert.equal(client.requests.length, 1);
    assert.equal(client.aborted, 0);
    assert.equal(engine.counters.rides, 1);
  });

  it('aborts the request at the first streamed character that disagrees, and asks at once for what was typed', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('const n = ix{{HOLE}}') ? ' + 1;' : 'items.length;'), { delayMs: 20, chunk: 1 });
    const engine = engineWith(client, { debounceMs: 150 });
    const ask = editor(engine);
    void ask('const n = ');
    await sleep(30); // only `i` has streamed: `ix` may still agree
    const started = performance.now();
    const typed = await ask('const n = ix');
    assert.equal(typed?.text, ' + 1;');
    assert.equal(typed?.source, 'network');
    assert.equal(client.requests.length, 2);
    assert.equal(client.aborted, 1, 'the first request stopped when its `t` disagreed with `x`');
    assert.ok(performance.now() - started < 150 + 5 * 25, 'no debounce after riding');
  });

  it('before the first token nothing is known: a call that typed on sends its own request and the old one stops', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('const n = i{{HOLE}}') ? 'tems.size;' : 'items.length;'), { delayMs: 60, chunk: 3 });
    const engine = engineWith(client, { debounceMs: 150 });
    const ask = editor(engine);
    void ask('const n = ');
    await sleep(10);
    assert.equal((await ask('const n = i'))?.text, 'tems.size;');
    assert.equal(client.requests.length, 2);
    assert.equal(client.aborted, 1);
  });

  it('with riding off, a call that typed on always aborts the request in flight', async () => {
    const client = scriptedClient(() => 'items.length;', { delayMs: 20, chunk: 3 });
    const engine = engineWith(client, { debounceMs: 150, ride: false, typingThrough: false });
    const ask = editor(engine);
    void ask('const n = ');
    await sleep(35);
    assert.equal((await ask('const n = it'))?.source, 'network');
    assert.equal(client.requests.length, 2);
  });

  it('a prefetch asks once, at once, and the next call at that cursor is served from it', async () => {
    const client = scriptedClient(() => 'next();', { delayMs: 5 });
    const engine = engineWith(client, { debounceMs: 150 });
    await engine.prefetch(inputAt('done();\n', '\n'));
    await engine.prefetch(inputAt('done();\n', '\n'));
    assert.equal(client.requests.length, 1, 'one request for one cursor');
    await sleep(40);
    const served = await engine.suggest(inputAt('done();\n', '\n', { explicit: false }), signal());
    assert.deepEqual(served, { text: 'next();', replaceEnd: 0, source: 'prefetch' });
    assert.equal(client.requests.length, 1);
    assert.equal(engine.counters.shownWithoutWait, 1);
    // A call while the prefetch still streams rides it.
    const slow = scriptedClient(() => 'later();', { delayMs: 20 });
    const riding = engineWith(slow, { debounceMs: 150 });
    await riding.prefetch(inputAt('a();\n', '\n'));
    assert.equal((await riding.suggest(inputAt('a();\n', '\n', { explicit: false }), signal()))?.source, 'prefetch');
    assert.equal(slow.requests.length, 1);
    assert.equal(riding.counters.shownWithoutWait, 0, 'it waited for the network');
  });

  it('a prefetch sends nothing when switched off or when the answer is already known', async () => {
    const client = scriptedClient(() => 'items.length;');
    await engineWith(client, { prefetch: false }).prefetch(inputAt('const n = ', '\n'));
    assert.equal(client.requests.length, 0);
    const engine = engineWith(client);
    await engine.suggest(inputAt('const n = ', '\n'), signal());
    await engine.prefetch(inputAt('const n = it', '\n'));
    await engine.prefetch(inputAt('const n = ', '\n'));
    assert.equal(client.requests.length, 1, 'typing-through and the cache know both');
  });

  it('a prefetch nobody comes for is aborted after the grace', async () => {
    const client = scriptedClient(() => 'x'.repeat(50) + ';', { delayMs: 30, chunk: 1 });
    const engine = engineWith(client);
    await engine.prefetch(inputAt('const n = ', '\n'));
    await sleep(RIDE_GRACE_MS + 100);
    assert.equal(client.aborted, 1);
    assert.equal(engine.requestsInFlight, 0);
  });

  it('the hot streak: after the first line of a multi-line suggestion is typed and Enter pressed, the next line shows with no request', async () => {
    const client = scriptedClient(() => 'const a = 1;\n  return a;\n}');
    const engine = engineWith(client, { multiline: 'auto' });
    const block = await engine.suggest(inputAt('function f() {\n  ', '\n'), signal());
    assert.equal(block?.text, 'const a = 1;\n  return a;\n}');
    const next = await engine.suggest(inputAt('function f() {\n  const a = 1;\n  ', '\n'), signal());
    assert.deepEqual(next, { text: 'return a;\n}', replaceEnd: 2, source: 'hot-streak' });
    assert.equal(client.requests.length, 1);
    assert.equal(engine.counters.hotStreakHits, 1);
    const off = scriptedClient(() => 'const a = 1;\n  return a;\n}');
    const without = engineWith(off, { multiline: 'auto', hotStreak: false });
    await without.suggest(inputAt('function f() {\n  ', '\n'), signal());
    await without.suggest(inputAt('function f() {\n  const a = 1;\n  ', '\n'), signal());
    assert.equal(off.requests.length, 2, 'with the hot streak off the next line is asked for');
  });

  it('counts the time since the keystroke against the wait (VS Code has waited before calling)', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => 'x;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings({ debounceMs: 150 }), {}, clock);
    const uri = inputAt('', '\n').document.uri;
    for (const text of ['let b', 'let bb', 'let bbb']) {
      engine.keystroke(uri);
      void engine.suggest(inputAt(text, '\n', { explicit: false }), signal());
      await clock.advance(80);
    }
    engine.keystroke(uri);
    await clock.advance(50);
    void engine.suggest(inputAt('let bbbb', '\n', { explicit: false }), signal());
    await clock.advance(0);
    // The same calls told to a rhythm of its own: the engine waits what is left 50 ms after the key.
    const rhythm = new TypingRhythm();
    for (const [key, call] of [[0, 0], [80, 80], [160, 160], [240, 290]]) {
      rhythm.keyTold(key);
      rhythm.call(call, 'word');
    }
    assert.equal(engine.counters.lastDebounceMs, rhythm.delay(150, 'word', 50));
    assert.ok(engine.counters.lastDebounceMs < rhythm.delay(150, 'word', 0));
  });
});

describe('inline engine: the connection after an idle gap', () => {
  it('a keystroke in a document that has asked before warms the connection, before VS Code calls', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => 'x;');
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings({ debounceMs: 150 }), {}, clock);
    const uri = inputAt('', '\n').document.uri;
    engine.keystroke(uri);
    await clock.advance(0);
    assert.equal(client.warms, 0, 'a document that never asked (suggestions off, say) opens no connection');
    void engine.suggest(inputAt('const a = ', '\n', { explicit: false }), new AbortController().signal);
    await clock.advance(1000);
    const before = client.warms;
    engine.keystroke(uri);
    await clock.advance(0);
    assert.equal(client.warms, before, 'not idle yet');
    await clock.advance(WARM_AFTER_IDLE_MS);
    engine.keystroke(uri);
    await clock.advance(0);
    assert.equal(client.warms, before + 1);
  });
});

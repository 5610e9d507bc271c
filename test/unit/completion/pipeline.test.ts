import * as assert from 'node:assert/strict';
import { KestrelError } from '../../../src/core/client/errors';
import { LruCache } from '../../../src/core/completion/cache';
import { gatherContext } from '../../../src/core/completion/context';
import { Debouncer } from '../../../src/core/completion/debounce';
import { InlineEngine, wantsMultiline, type EngineSettings } from '../../../src/core/completion/pipeline';
import { prefilter } from '../../../src/core/completion/prefilter';
import { selectSnippets, windowsOf } from '../../../src/core/completion/snippets';
import { documentOf, inputAt, scriptedClient, type ScriptedClient } from './support';

const settings = (over: Partial<EngineSettings> = {}) => () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const, ...over });
const engineWith = (client: ScriptedClient, over: Partial<EngineSettings> = {}, prefill: 'yes' | 'no' | 'unknown' = 'no') =>
  new InlineEngine(async () => ({ client, model: 'm', prefill }), settings(over));
const signal = () => new AbortController().signal;

describe('debounce', () => {
  it('settles every wait: the superseded one says so, the newest is ready', async () => {
    const d = new Debouncer();
    const first = d.wait(50);
    const second = d.wait(50);
    assert.equal(await first, 'superseded');
    assert.equal(await second, 'ready');
  });
  it('settles at once when cancelled', async () => {
    const d = new Debouncer();
    const controller = new AbortController();
    const wait = d.wait(10_000, controller.signal);
    controller.abort();
    assert.equal(await wait, 'cancelled');
  });
});

describe('inline engine', () => {
  it('the newest call wins: the older request is aborted and only the newest is answered', async () => {
    const client = scriptedClient(() => 'value;', { delayMs: 20 });
    const engine = engineWith(client, { debounceMs: 30 });
    const older = engine.suggest(inputAt('const a = ', '\n', { explicit: false }), signal());
    await new Promise((r) => setTimeout(r, 5));
    const newer = engine.suggest(inputAt('const ab = ', '\n', { explicit: false }), signal());
    assert.equal(await older, undefined);
    assert.equal((await newer)?.text, 'value;');
    assert.equal(client.requests.length, 1, 'the superseded call never sent a request');
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

  it('cancellation from the editor ends the call promptly with nothing', async () => {
    const client = scriptedClient(() => 'slow answer;', { delayMs: 50, chunk: 1 });
    const engine = engineWith(client);
    const controller = new AbortController();
    const pending = engine.suggest(inputAt('let y = ', '\n'), controller.signal);
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < 300);
    assert.equal(client.aborted, 1);
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

  it('answers the same position from the cache', async () => {
    const client = scriptedClient(() => 'cached();');
    const engine = engineWith(client);
    await engine.suggest(inputAt('run', '\nnext();\n'), signal());
    const again = await engine.suggest(inputAt('run', '\nnext();\n'), signal());
    assert.equal(again?.source, 'cache');
    assert.equal(client.requests.length, 1);
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

describe('prefilter and context', () => {
  it('skips mid-word, binary and minified positions', () => {
    assert.equal(prefilter(inputAt('const na', 'me = 1;\n', { explicit: false })), 'mid-word');
    assert.equal(prefilter(inputAt('abc\u0000\u0001', '\n')), 'binary');
    assert.equal(prefilter(inputAt('x'.repeat(5000), '')), 'long-line');
    assert.equal(prefilter(inputAt('const a = ', ';\n', { explicit: false })), undefined);
  });
  it('keeps more prefix than suffix within the budget', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const doc = documentOf(lines);
    const ctx = gatherContext({ document: doc, cursor: { line: 250, character: 4 } }, { prefixChars: 400, suffixChars: 100 });
    assert.ok(ctx.prefix.length <= 400 && ctx.prefix.length > 300);
    assert.ok(ctx.suffix.length <= 100 && ctx.suffix.length > 50);
    assert.ok(ctx.prefix.endsWith('line'));
  });
  it('multi-line only when the cursor opens an empty block or line', () => {
    assert.equal(wantsMultiline('auto', 'function f() {', ''), true);
    assert.equal(wantsMultiline('auto', '    ', ''), true);
    assert.equal(wantsMultiline('auto', 'const a = b', ''), false);
    assert.equal(wantsMultiline('never', 'function f() {', ''), false);
    assert.equal(wantsMultiline('always', 'x', 'y'), true);
  });
});

describe('snippets and cache', () => {
  it('picks similar code from other files, best first, de-duplicated', () => {
    const other = documentOf(['function subtotal(items) {', '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);', '}', ...Array.from({ length: 40 }, (_, i) => `unrelated${i}();`)]);
    const snippets = selectSnippets('const total = items.reduce((sum, item) => sum + item.price', [...windowsOf(other), ...windowsOf(other)], 2000);
    assert.ok(snippets.length >= 1);
    assert.match(snippets[0].text, /item\.quantity/);
    assert.equal(new Set(snippets.map((s) => s.text)).size, snippets.length);
  });
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.size, 2);
  });
});

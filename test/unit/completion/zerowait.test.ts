// The zero-wait levers' near misses: the hot streak next to lines already in the file, a prefetch
// and a call racing for one cursor, an answer read while a call looked up the client, the counters,
// and nothing sent after dispose().
import * as assert from 'node:assert/strict';
import { InlineEngine, type EngineClient, type EngineSettings } from '../../../src/core/completion/pipeline';
import { FakeClock, inputAt, scriptedClient, type ScriptedClient } from './support';

const settings = (over: Partial<EngineSettings> = {}) => () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' as const, ...over });
const engineWith = (client: ScriptedClient, over: Partial<EngineSettings> = {}) => new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), settings(over));
const signal = () => new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zero-wait levers: near misses', () => {
  it('hot streak: Enter in the middle of an accepted block does not offer the lines already below again', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('const a = 1;\n  {{HOLE}}') ? 'log(a);' : 'const a = 1;\n  return a;\n}'));
    const engine = engineWith(client, { multiline: 'auto' });
    const block = await engine.suggest(inputAt('function f() {\n  ', '\n'), signal());
    assert.equal(block?.text, 'const a = 1;\n  return a;\n}');
    // Tab accepted the whole block; the user goes to the end of its first line and presses Enter.
    const after = await engine.suggest(inputAt('function f() {\n  const a = 1;\n  ', '\n  return a;\n}\n'), signal());
    assert.notDeepEqual(after, { text: 'return a;\n}', replaceEnd: 2, source: 'hot-streak' }, 'served `return a;\\n}` again right above `return a;\\n}`: Tab duplicates them');
  });

  it('hot streak: retyping the end of the second line of an accepted block does not offer the `}` already below', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('return a;{{HOLE}}') ? ' // done' : 'const a = 1;\n  return a;\n}'));
    const engine = engineWith(client, { multiline: 'auto' });
    await engine.suggest(inputAt('function f() {\n  ', '\n'), signal());
    const after = await engine.suggest(inputAt('function f() {\n  const a = 1;\n  return a;', '\n}\n'), signal());
    assert.notEqual(after?.source, 'hot-streak', `served ${JSON.stringify(after?.text)} above the \`}\` already there`);
  });

  it('a prefetch does not abort the request a call at the same cursor sent while the prefetch awaited the client', async () => {
    const client = scriptedClient(() => 'next();', { delayMs: 5 });
    const connection: EngineClient = { client, model: 'm', prefill: 'no' };
    // The client handle takes a moment (secret storage): the prefetch's look-up resolves after the call's.
    const pending: Array<() => void> = [];
    const engine = new InlineEngine(() => new Promise((resolve) => pending.push(() => resolve(connection))), settings({ debounceMs: 150 }));
    const input = () => inputAt('done();\n', '\n', { explicit: false });
    // VS Code calls at the new cursor after Tab; the accept command's prefetch comes right after.
    const call = engine.suggest(input(), signal());
    const prefetch = engine.prefetch(input());
    pending.shift()!(); // the call's client
    await sleep(0);
    pending.shift()!(); // the prefetch's client
    await prefetch;
    const shown = await call;
    assert.equal(shown?.text, 'next();', 'the call was left with nothing: the prefetch aborted its request');
    assert.equal(client.requests.length, 1, `${client.requests.length} requests for one cursor`);
  });

  it('counters: a call whose ride disagreed and that sent its own request is not counted as a ride', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('const n = ix{{HOLE}}') ? ' + 1;' : 'items.length;'), { delayMs: 20, chunk: 1 });
    const engine = engineWith(client, { debounceMs: 150 });
    let previous: AbortController | undefined;
    const ask = (prefix: string) => {
      previous?.abort();
      previous = new AbortController();
      return engine.suggest(inputAt(prefix, '\n', { explicit: false }), previous.signal);
    };
    void ask('const n = ');
    await sleep(30);
    const typed = await ask('const n = ix');
    assert.equal(typed?.source, 'network');
    assert.equal(client.requests.length, 2);
    assert.equal(engine.counters.rides, 0, '`rides`: "calls that rode a request in flight instead of sending their own"');
  });

  it('dispose() while a prefetch awaits the client: no request is sent afterwards', async () => {
    const clock = new FakeClock();
    const client = scriptedClient(() => 'next();');
    let release!: () => void;
    const engine = new InlineEngine(
      () => new Promise<EngineClient>((resolve) => (release = () => resolve({ client, model: 'm', prefill: 'no' }))),
      settings(),
      {},
      clock,
    );
    const prefetch = engine.prefetch(inputAt('done();\n', '\n'));
    engine.dispose();
    release();
    await prefetch;
    await clock.advance(0);
    assert.equal(client.requests.length, 0, 'a request was sent after dispose()');
  });

  it('a call then the accept command\'s prefetch at the same cursor (same client timing) send one request, not two', async () => {
    const client = scriptedClient(() => 'next();', { delayMs: 5 });
    const engine = engineWith(client, { debounceMs: 150 });
    const input = () => inputAt('done();\n', '\n', { explicit: false });
    const call = engine.suggest(input(), signal());
    await engine.prefetch(input());
    assert.equal((await call)?.text, 'next();');
    assert.equal(client.requests.length, 1, `${client.requests.length} requests, ${client.aborted} aborted`);
  });

  it('an answer that arrives while a call awaits the client serves that call (typing-through), with no second request', async () => {
    const client = scriptedClient(() => 'items.length;', { delayMs: 5 });
    const connection: EngineClient = { client, model: 'm', prefill: 'no' };
    let slow = false;
    const engine = new InlineEngine(async () => {
      if (slow) await sleep(100);
      return connection;
    }, settings());
    const a = engine.suggest(inputAt('let m = ', '\n'), signal());
    await sleep(1);
    slow = true; // the client handle takes a moment for the next call (secret storage)
    const b = engine.suggest(inputAt('let m = it', '\n'), signal());
    assert.equal((await a)?.text, 'items.length;');
    assert.equal((await b)?.text, 'ems.length;');
    assert.equal(client.requests.length, 1, `${client.requests.length} requests`);
  });
});

describe('zero-wait levers: one request per document on the wire', () => {
  it('a new request is sent only once the one it replaces has let go', async () => {
    const client = scriptedClient((r) => (r.messages[1].content.includes('let q = z{{HOLE}}') ? '9;' : 'a long answer that streams for a while;'), { delayMs: 10, chunk: 1 });
    const stream = client.stream.bind(client);
    const settledAtSend: boolean[] = [];
    const results: Promise<unknown>[] = [];
    let settled = 0;
    client.stream = (request, options) => {
      settledAtSend.push(settled === results.length);
      const s = stream(request, options);
      results.push(s.result.then(() => settled++, () => settled++));
      return s;
    };
    const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 64, multiline: 'never' }));
    void engine.suggest(inputAt('let q = ', '\n'), new AbortController().signal);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal((await engine.suggest(inputAt('let q = z', '\n'), new AbortController().signal))?.text, '9;');
    assert.deepEqual(settledAtSend, [true, true], 'the second request went out while the first was still open');
  });
});

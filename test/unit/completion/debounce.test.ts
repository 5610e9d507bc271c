import * as assert from 'node:assert/strict';
import { Debouncer, type DebounceOutcome } from '../../../src/core/completion/debounce';
import { DEFAULT_RHYTHM, endsStatement, keyKind, TypingRhythm } from '../../../src/core/completion/typingRhythm';
import { FakeClock } from './support';

describe('debounce', () => {
  it('settles every wait: each superseded one says so, only the newest is ready', async () => {
    const clock = new FakeClock();
    const d = new Debouncer(clock);
    const outcomes: (DebounceOutcome | undefined)[] = [];
    for (let i = 0; i < 50; i++) {
      const index = i;
      outcomes.push(undefined);
      void d.wait(100, undefined).then((o) => (outcomes[index] = o));
      await clock.advance(30);
    }
    await clock.advance(100);
    assert.ok(outcomes.every((o) => o !== undefined), 'a wait was left hanging');
    assert.deepEqual(outcomes.slice(0, 49), Array(49).fill('superseded'));
    assert.equal(outcomes[49], 'ready');
    assert.equal(clock.pendingTimers, 0, 'a superseded wait left its timer behind');
  });

  it('is ready only after the full wait', async () => {
    const clock = new FakeClock();
    let outcome: DebounceOutcome | undefined;
    void new Debouncer(clock).wait(150).then((o) => (outcome = o));
    await clock.advance(149);
    assert.equal(outcome, undefined);
    await clock.advance(1);
    assert.equal(outcome, 'ready');
  });

  it('settles at once when cancelled, before or during the wait', async () => {
    const d = new Debouncer(new FakeClock());
    const controller = new AbortController();
    const during = d.wait(10_000, controller.signal);
    controller.abort();
    assert.equal(await during, 'cancelled');
    assert.equal(await d.wait(10_000, controller.signal), 'cancelled');
  });

  it('settles a pending wait when disposed, and a zero wait at once', async () => {
    const d = new Debouncer(new FakeClock());
    const pending = d.wait(10_000);
    d.dispose();
    assert.equal(await pending, 'cancelled');
    assert.equal(await d.wait(0), 'ready');
  });
});

describe('typing rhythm (adaptive debounce)', () => {
  const typeAt = (rhythm: TypingRhythm, times: number[]) => times.forEach((t) => rhythm.keystroke(t));

  it('tells a change that ended a statement: Enter (with its indentation, or between brackets), ;, { and }', () => {
    for (const text of [';', '{', '}', '{}', '\n', '\n    ', '\r\n\t', '\n  \n']) assert.ok(endsStatement(text), JSON.stringify(text));
    for (const text of ['a', ' ', '(', '()', ';;', '\n  x', 'foo();\n', '\n\n\n', '', '{ }']) assert.ok(!endsStatement(text), JSON.stringify(text));
  });

  it('tells the key kinds apart: Enter and statement ends, word characters, the rest', () => {
    for (const prefix of ['', '    ', 'foo();', 'if (ok) {', '}', 'x = 1; ']) assert.equal(keyKind(prefix), 'statement-end', JSON.stringify(prefix));
    for (const prefix of ['const a', 'x1', 'my_var', '$', 'été']) assert.equal(keyKind(prefix), 'word', prefix);
    for (const prefix of ['const ', 'foo(', 'a =', 'obj.', 'x:', 'a, ']) assert.equal(keyKind(prefix), 'boundary', prefix);
  });

  it('asks at once for the first key of a burst: the very first, after a pause, after a statement end', () => {
    const rhythm = new TypingRhythm();
    rhythm.keystroke(0);
    assert.equal(rhythm.delay(150, 'word'), 0, 'the first key');
    typeAt(rhythm, [100]);
    assert.ok(rhythm.delay(150, 'word') > 0, 'the second key types on');
    typeAt(rhythm, [200, 300]);
    assert.ok(rhythm.delay(150, 'word') > 0, 'typing on');
    rhythm.keystroke(300 + DEFAULT_RHYTHM.pauseMs);
    assert.equal(rhythm.idleBefore, DEFAULT_RHYTHM.pauseMs);
    assert.equal(rhythm.delay(150, 'word'), 0, 'a gap of the pause threshold starts a burst');
    // Mid-burst, Enter or a `;` asks at once, and so does the key after it.
    const lines = new TypingRhythm();
    [0, 100, 200, 300].forEach((t) => lines.call(t, 'word'));
    lines.call(400, 'statement-end');
    assert.equal(lines.delay(150, 'statement-end'), 0);
    lines.call(500, 'word');
    assert.equal(lines.delay(150, 'word'), 0, 'the first letter of a new statement');
    lines.call(600, 'word');
    assert.ok(lines.delay(150, 'word') > 0, 'the second letter types on');
  });

  it('predicts the pause at the usual gap plus three times its spread, so a burst asks once', () => {
    const even = new TypingRhythm();
    typeAt(even, [0, 80]);
    assert.equal(even.delay(500, 'word'), 80 + DEFAULT_RHYTHM.spreads * 40, 'the spread starts at half the first gap');
    typeAt(even, [160]);
    assert.equal(even.delay(500, 'word'), 80 + DEFAULT_RHYTHM.spreads * 40 * 0.75);
    typeAt(even, [240, 320, 400, 480, 560, 640, 720, 800, 880, 960, 1040, 1120, 1200, 1280, 1360, 1440, 1520, 1600, 1680, 1760]);
    assert.ok(even.delay(500, 'word') - 80 < 2, 'even keys: the spread dies away');
    const uneven = new TypingRhythm();
    typeAt(uneven, [0, 100, 160, 260, 320, 420, 480]);
    const delay = uneven.delay(500, 'word');
    assert.ok(delay > 100, `${delay} ms would fire between keys 60 and 100 ms apart`);
    assert.ok(delay < 200, `${delay} ms`);
    const twoSpreads = new TypingRhythm({ ...DEFAULT_RHYTHM, spreads: 2 });
    typeAt(twoSpreads, [0, 100, 160, 260, 320, 420, 480]);
    assert.ok(twoSpreads.delay(500, 'word') < delay, 'each spread counts');
  });

  it('a hesitation longer than the predicted pause starts a burst, and does not stretch the rhythm', () => {
    const keys = Array.from({ length: 30 }, (_, i) => i * 80);
    const rhythm = new TypingRhythm();
    typeAt(rhythm, keys);
    const expected = rhythm.delay(500, 'word');
    rhythm.keystroke(keys.at(-1)! + expected + 1);
    assert.equal(rhythm.delay(500, 'word'), 0, 'a gap just over the predicted pause is a hesitation');
    rhythm.keystroke(keys.at(-1)! + expected + 1 + 80);
    assert.equal(rhythm.delay(500, 'word'), expected, 'the hesitation taught the rhythm nothing');
    const within = new TypingRhythm();
    typeAt(within, keys);
    within.keystroke(keys.at(-1)! + expected);
    assert.ok(within.delay(500, 'word') > 0, 'a gap of exactly the predicted pause is typing on');
  });

  it('counts the time since the key against the predicted pause (VS Code has already waited)', () => {
    const rhythm = new TypingRhythm();
    typeAt(rhythm, Array.from({ length: 40 }, (_, i) => i * 40));
    const pause = rhythm.delay(150, 'word', 0);
    assert.ok(pause >= 40 && pause < 42, `${pause}`);
    assert.equal(rhythm.delay(150, 'word', 30), pause - 30);
    assert.equal(rhythm.delay(150, 'word', pause), 0);
    assert.equal(rhythm.delay(150, 'word', 500), 0, 'never below zero');
  });

  it('predicts the pause from the keys the editor tells when VS Code passes on only a few of them', () => {
    // Keys 40 ms apart; VS Code called once mid-burst (a 60 ms gap let it) and once 50 ms after the last key.
    const keys = Array.from({ length: 40 }, (_, i) => i * 40 + (i >= 30 ? 20 : 0));
    const told = new TypingRhythm();
    const untold = new TypingRhythm();
    for (const t of keys) told.keyTold(t);
    for (const rhythm of [told, untold]) {
      rhythm.call(30 * 40 + 20 + 50, 'word');
      rhythm.call(keys.at(-1)! + 50, 'word');
    }
    assert.ok(told.delay(150, 'word', 50) < 30, `${told.delay(150, 'word', 50)} ms after keys 40 ms apart`);
    assert.ok(untold.delay(150, 'word', 50) > 200, 'from the calls alone the gap looks like 370 ms');
  });

  it('a mid-burst call after VS Code saw 50 ms of quiet is no pause when the keys told say the user types on', () => {
    // Keys 40 and 50 ms apart in turn, then one 55 ms after the one before: VS Code's 50 ms passed.
    const keys = Array.from({ length: 20 }, (_, i) => i * 45 + (i % 2) * 5);
    const told = new TypingRhythm();
    const untold = new TypingRhythm();
    for (const rhythm of [told, untold]) rhythm.call(0, 'word');
    for (const t of keys.slice(1)) told.keyTold(t);
    told.keyTold(keys.at(-1)! + 55);
    for (const rhythm of [told, untold]) rhythm.call(keys.at(-1)! + 55 + 50, 'word');
    assert.equal(untold.delay(150, 'word', 50), 0, 'from the calls alone: a pause, ask at once');
    assert.ok(told.delay(150, 'word', 50) > 0, 'the keys say the burst goes on: wait for the next one');
    // A real pause in the keys too: ask at once.
    const paused = new TypingRhythm();
    paused.call(0, 'word');
    for (const t of keys.slice(1)) paused.keyTold(t);
    paused.keyTold(keys.at(-1)! + 700);
    paused.call(keys.at(-1)! + 750, 'word');
    assert.equal(paused.delay(150, 'word', 50), 0);
  });

  it('the key after a told Enter starts a burst, even when VS Code made no call for the Enter', () => {
    const rhythm = new TypingRhythm();
    const keys = Array.from({ length: 20 }, (_, i) => i * 45 + (i % 2) * 5);
    rhythm.call(0, 'word');
    for (const t of keys.slice(1)) rhythm.keyTold(t);
    rhythm.call(keys.at(-1)! + 50, 'word');
    const enter = keys.at(-1)! + 2000;
    rhythm.keyTold(enter, true);
    rhythm.keyTold(enter + 40);
    rhythm.call(enter + 40 + 50, 'word');
    assert.equal(rhythm.delay(150, 'word', 50), 0);
    const noEnter = new TypingRhythm();
    noEnter.call(0, 'word');
    for (const t of keys.slice(1)) noEnter.keyTold(t);
    noEnter.call(keys.at(-1)! + 50, 'word');
    noEnter.keyTold(enter);
    noEnter.keyTold(enter + 40);
    noEnter.call(enter + 40 + 50, 'word');
    assert.ok(noEnter.delay(150, 'word', 50) > 0, 'a letter 40 ms after a letter types on');
  });

  it('stays under the cap the base sets, and a base of 0 turns the waiting off', () => {
    const crawling = new TypingRhythm();
    typeAt(crawling, [0, 500, 1000, 1500]);
    assert.equal(crawling.delay(150, 'word'), Math.round(150 * DEFAULT_RHYTHM.maxShare));
    assert.equal(crawling.delay(0, 'word'), 0);
  });

  it('reads the rhythm from the calls, and the key\'s time from the one told, else the call itself', () => {
    const untold = new TypingRhythm();
    assert.equal(untold.call(100), 100);
    assert.equal(untold.call(180), 180);
    assert.equal(untold.idleBefore, 80);
    const told = new TypingRhythm();
    told.keyTold(100);
    assert.equal(told.call(160), 100, 'the call answers the key told 60 ms before');
    assert.equal(told.call(400), 400, 'a second call with no key since is its own keystroke');
  });
});

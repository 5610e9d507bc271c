import * as assert from 'node:assert/strict';
import { Debouncer, type DebounceOutcome } from '../../../src/core/completion/debounce';
import { DEFAULT_RHYTHM, TypingRhythm } from '../../../src/core/completion/typingRhythm';
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

  it('waits briefly for Enter, a space or a bracket after a pause, and the base for a letter', () => {
    const rhythm = new TypingRhythm();
    rhythm.keystroke(0);
    assert.equal(rhythm.delay(150), Math.round(150 * DEFAULT_RHYTHM.afterPause));
    rhythm.keystroke(5000);
    assert.equal(rhythm.idleBefore, 5000);
    assert.ok(rhythm.delay(150) < 150);
    assert.equal(rhythm.delay(150, true), 150, 'a letter after a pause starts a word the user goes on typing');
  });

  it('waits just over the gap between keys while the user types, so a burst asks once', () => {
    const fast = new TypingRhythm();
    typeAt(fast, [0, 80, 160, 240, 320, 400, 480]);
    const fastDelay = fast.delay(150);
    assert.ok(fastDelay > 80, `${fastDelay} ms would fire between two keys 80 ms apart`);

    const slow = new TypingRhythm();
    typeAt(slow, [0, 180, 360, 540, 720, 900]);
    const slowDelay = slow.delay(150);
    assert.ok(slowDelay > 180, `${slowDelay} ms would fire between two keys 180 ms apart`);
    assert.ok(slowDelay > fastDelay);
  });

  it('stays within the bounds the base sets', () => {
    const crawling = new TypingRhythm();
    typeAt(crawling, [0, 500, 1000, 1500]);
    assert.equal(crawling.delay(150), Math.round(150 * DEFAULT_RHYTHM.maxShare));
    const racing = new TypingRhythm();
    typeAt(racing, [0, 5, 10, 15, 20]);
    assert.equal(racing.delay(150), Math.round(150 * DEFAULT_RHYTHM.minShare));
    assert.equal(racing.delay(0), 0, 'a base of 0 turns the debounce off');
  });
});

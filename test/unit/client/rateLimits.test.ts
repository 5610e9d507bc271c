// The pauses providers ask for: which failures ask for one, for how long, for which origin, and
// the one message a request refused during a pause carries. All on a fake clock.
import * as assert from 'node:assert/strict';
import { KestrelError, type ErrorKind } from '../../../src/core/client/errors';
import { DEFAULT_RATE_PAUSE_MS, createRateLimits, refusal } from '../../../src/core/client/rateLimits';
import { fakeClock } from './fakeClock';

const ORIGIN = 'https://openrouter.ai';
const OTHER = 'http://127.0.0.1:11434';
const failure = (kind: ErrorKind, status?: number, retryAfterMs?: number) => new KestrelError(kind, `failed (${status})`, { status, retryAfterMs });

describe('rate limits: the pauses providers ask for, per origin', () => {
  it('a 429 without Retry-After leaves the origin alone for 5 s exactly', () => {
    const clock = fakeClock();
    const limits = createRateLimits(clock);
    assert.equal(DEFAULT_RATE_PAUSE_MS, 5_000);
    limits.note(ORIGIN, failure('rate-limited', 429));
    assert.deepEqual(limits.blockedFor(ORIGIN), { remainingMs: 5_000, kind: 'rate-limited', status: 429 });
    clock.advance(4_999);
    assert.equal(limits.blockedFor(ORIGIN)?.remainingMs, 1);
    clock.advance(1);
    assert.equal(limits.blockedFor(ORIGIN), undefined);
  });

  it('Retry-After sets the pause, shorter or longer than the default', () => {
    const clock = fakeClock();
    const limits = createRateLimits(clock);
    limits.note(ORIGIN, failure('rate-limited', 429, 3_000));
    assert.equal(limits.blockedFor(ORIGIN)?.remainingMs, 3_000);
    clock.advance(3_000);
    assert.equal(limits.blockedFor(ORIGIN), undefined);
    limits.note(ORIGIN, failure('rate-limited', 429, 60_000));
    assert.equal(limits.blockedFor(ORIGIN)?.remainingMs, 60_000);
  });

  it('a 503 with Retry-After pauses too, and stays a 503 (overloaded), not a rate limit', () => {
    const limits = createRateLimits(fakeClock());
    limits.note(ORIGIN, failure('overloaded', 503, 30_000));
    assert.deepEqual(limits.blockedFor(ORIGIN), { remainingMs: 30_000, kind: 'overloaded', status: 503 });
  });

  it('the default pause is for 429 only: other failures without Retry-After ask for none', () => {
    const limits = createRateLimits(fakeClock());
    for (const [kind, status] of [['overloaded', 503], ['overloaded', 529], ['server', 500], ['auth', 401], ['network', undefined], ['timeout', undefined]] as const) {
      limits.note(ORIGIN, failure(kind, status));
      assert.equal(limits.blockedFor(ORIGIN), undefined, `${kind} ${status ?? ''} paused the origin`);
    }
  });

  it('a pause holds for its origin only', () => {
    const limits = createRateLimits(fakeClock());
    limits.note(ORIGIN, failure('rate-limited', 429));
    assert.ok(limits.blockedFor(ORIGIN));
    assert.equal(limits.blockedFor(OTHER), undefined);
  });

  it('a shorter pause asked for later never cuts a longer one short; a longer one extends it', () => {
    const clock = fakeClock();
    const limits = createRateLimits(clock);
    limits.note(ORIGIN, failure('rate-limited', 429, 20_000));
    clock.advance(1_000);
    limits.note(ORIGIN, failure('overloaded', 503, 2_000));
    assert.deepEqual(limits.blockedFor(ORIGIN), { remainingMs: 19_000, kind: 'rate-limited', status: 429 });
    limits.note(ORIGIN, failure('overloaded', 503, 25_000));
    assert.deepEqual(limits.blockedFor(ORIGIN), { remainingMs: 25_000, kind: 'overloaded', status: 503 });
  });

  it('a refused request says who asked, with what status, and when to try again (rounded up)', () => {
    const limited = refusal('openrouter.ai', { remainingMs: 2_001, kind: 'rate-limited', status: 429 }, 'some/model');
    assert.equal(limited.kind, 'rate-limited');
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterMs, 2_001);
    assert.equal(limited.model, 'some/model');
    assert.equal(limited.userMessage, 'openrouter.ai asked Kestrel to wait before the next request (HTTP 429); try again in 3 s.');
    const overloaded = refusal('api.example', { remainingMs: 30_000, kind: 'overloaded', status: 503 });
    assert.equal(overloaded.kind, 'overloaded');
    assert.equal(overloaded.status, 503);
    assert.match(overloaded.userMessage, /\(HTTP 503\); try again in 30 s\.$/);
  });
});

import * as assert from 'node:assert/strict';
import { UsageLedger, USAGE_DAYS_KEPT, formatTotals } from '../../../src/core/usage';

describe('usage ledger', () => {
  const day = (d: number) => new Date(2026, 10, d, 12);

  it('adds tokens and cost per day and model', () => {
    const l = new UsageLedger();
    l.record('anthropic/claude-3.5-haiku', { promptTokens: 100, completionTokens: 20, costUsd: 0.00016 }, day(3));
    l.record('anthropic/claude-3.5-haiku', { promptTokens: 50, completionTokens: 5, costUsd: 0.00006 }, day(3));
    l.record('anthropic/claude-haiku-4.5', { promptTokens: 10, completionTokens: 10 }, day(3));
    l.record('anthropic/claude-3.5-haiku', { promptTokens: 1, completionTokens: 1, costUsd: 1 }, day(4));
    const t = l.day(day(3));
    assert.equal(t.requests, 3);
    assert.equal(t.promptTokens, 160);
    assert.equal(t.completionTokens, 35);
    assert.ok(Math.abs(t.costUsd - 0.00022) < 1e-12);
    assert.equal(l.rows()[0].day, '2026-11-04', 'newest day first');
  });

  it('keeps a bounded number of days', () => {
    const l = new UsageLedger();
    for (let i = 0; i < USAGE_DAYS_KEPT + 30; i++) l.record('m', { promptTokens: 1, completionTokens: 1 }, new Date(2026, 0, 1 + i));
    assert.equal(new Set(l.rows().map((r) => r.day)).size, USAGE_DAYS_KEPT);
    assert.equal(l.day(new Date(2026, 0, 1)).requests, 0, 'the oldest days are dropped');
  });

  it('survives corrupt stored data', () => {
    const l = new UsageLedger({ 'not-a-day': {}, '2026-11-03': { m: { requests: 'x', promptTokens: -5, completionTokens: 3, costUsd: NaN } } });
    assert.deepEqual(l.day(day(3)), { requests: 0, promptTokens: 0, completionTokens: 3, costUsd: 0 });
    assert.deepEqual(new UsageLedger('garbage').rows(), []);
  });

  it('formats totals for the status bar', () => {
    assert.equal(formatTotals({ requests: 2, promptTokens: 1200, completionTokens: 34, costUsd: 0.0042 }), '1,234 tokens · $0.0042');
    assert.equal(formatTotals({ requests: 2, promptTokens: 1, completionTokens: 1, costUsd: 1.5 }), '2 tokens · $1.50');
  });
});

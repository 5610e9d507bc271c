import { escapeMarkdown } from '../../../src/core/inertText';
import * as assert from 'node:assert/strict';
import type { RequestLogEntry } from '../../../src/core/client/client';
import { FREE, normaliseModelId, priceFor, shippedPrice } from '../../../src/core/client/prices';
import {
  CHARS_PER_TOKEN,
  MAX_REQUEST_COST_USD,
  UsageLedger,
  USAGE_DAYS_KEPT,
  capReachedMessage,
  chargeFor,
  countsTowardUsage,
  estimateTokens,
  formatTotals,
  usageMarkdown,
  type UsageTotals,
} from '../../../src/core/usage';

const HAIKU = { prompt: 0.8, completion: 4 };
const near = (a: number, b: number) => Math.abs(a - b) < 1e-12;
const totals = (t: Partial<UsageTotals>): UsageTotals => ({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, estimatedTokens: 0, estimatedCostUsd: 0, estimatedRequests: 0, unpricedRequests: 0, cachedTokens: 0, cacheWriteTokens: 0, ...t });

describe('usage ledger', () => {
  const day = (d: number) => new Date(2026, 10, d, 12);
  const reported = (promptTokens: number, completionTokens: number, costUsd?: number) => chargeFor({ usage: { promptTokens, completionTokens, costUsd } }, undefined);

  it('adds tokens and cost per day and model', () => {
    const l = new UsageLedger();
    l.record('anthropic/claude-3.5-haiku', reported(100, 20, 0.00016), day(3));
    l.record('anthropic/claude-3.5-haiku', reported(50, 5, 0.00006), day(3));
    l.record('anthropic/claude-haiku-4.5', reported(10, 10), day(3));
    l.record('anthropic/claude-3.5-haiku', reported(1, 1, 1), day(4));
    const t = l.day(day(3));
    assert.equal(t.requests, 3);
    assert.equal(t.promptTokens, 160);
    assert.equal(t.completionTokens, 35);
    assert.ok(near(t.costUsd, 0.00022));
    assert.equal(t.unpricedRequests, 1, 'the request with neither a cost nor a price');
    assert.equal(l.rows()[0].day, '2026-11-04', 'newest day first');
  });

  it('keeps a bounded number of days', () => {
    const l = new UsageLedger();
    for (let i = 0; i < USAGE_DAYS_KEPT + 30; i++) l.record('m', reported(1, 1), new Date(2026, 0, 1 + i));
    assert.equal(new Set(l.rows().map((r) => r.day)).size, USAGE_DAYS_KEPT);
    assert.equal(l.day(new Date(2026, 0, 1)).requests, 0, 'the oldest days are dropped');
  });

  it('survives corrupt stored data', () => {
    const l = new UsageLedger({ 'not-a-day': {}, '2026-11-03': { m: { requests: 'x', promptTokens: -5, completionTokens: 3, costUsd: NaN, estimatedCostUsd: -1 } } });
    assert.deepEqual(l.day(day(3)), totals({ completionTokens: 3 }));
    assert.deepEqual(new UsageLedger('garbage').rows(), []);
  });

  it('loads a ledger stored before estimates were kept, and adds to it', () => {
    const stored = JSON.parse(JSON.stringify({ '2026-11-03': { 'anthropic/claude-3.5-haiku': { requests: 4, promptTokens: 400, completionTokens: 40, costUsd: 0.5 } } }));
    const l = new UsageLedger(stored);
    assert.deepEqual(l.day(day(3)), totals({ requests: 4, promptTokens: 400, completionTokens: 40, costUsd: 0.5 }));
    l.record('anthropic/claude-3.5-haiku', chargeFor({ promptChars: 400, completionChars: 40 }, HAIKU), day(3));
    const t = l.day(day(3));
    assert.equal(t.requests, 5);
    assert.equal(t.estimatedRequests, 1);
    assert.ok(t.costUsd > 0.5 && near(t.estimatedCostUsd, t.costUsd - 0.5));
  });

  it('counts a model named like an Object property as a row like any other', () => {
    const l = new UsageLedger();
    l.record('__proto__', reported(3, 4, 0.01), day(3));
    l.record('constructor', reported(1, 1, 0.02), day(3));
    assert.deepEqual(
      l.rows().map((r) => [r.model, r.totals.requests]),
      [['__proto__', 1], ['constructor', 1]],
    );
    assert.ok(near(new UsageLedger(JSON.parse(JSON.stringify(l.toJSON()))).day(day(3)).costUsd, 0.03), 'and it survives the round trip through storage');
    assert.equal(({} as Record<string, unknown>).requests, undefined, 'Object.prototype untouched');
  });

  it('formats totals for the status bar, marking estimates', () => {
    assert.equal(formatTotals(totals({ requests: 2, promptTokens: 1200, completionTokens: 34, costUsd: 0.0042 })), '1,234 tokens · $0.0042');
    assert.equal(formatTotals(totals({ requests: 2, promptTokens: 1, completionTokens: 1, costUsd: 1.5 })), '2 tokens · $1.50');
    assert.equal(formatTotals(totals({ requests: 2, promptTokens: 1, completionTokens: 1, costUsd: 1.5, estimatedCostUsd: 0.5, estimatedTokens: 2 })), '≈2 tokens · ≈$1.50');
    assert.equal(formatTotals(totals({ requests: 2, promptTokens: 10, completionTokens: 1, unpricedRequests: 2 })), '11 tokens · cost unknown');
  });
});

describe('usage: what a request costs', () => {
  it('estimates tokens as characters / 4 when the provider reports none', () => {
    assert.equal(CHARS_PER_TOKEN, 4);
    assert.equal(estimateTokens(9), 3);
    assert.equal(estimateTokens(0), 0);
    const c = chargeFor({ promptChars: 4000, completionChars: 400 }, HAIKU);
    assert.deepEqual([c.promptTokens, c.completionTokens, c.estimatedTokens], [1000, 100, 1100]);
    // 1,000 × $0.80/M + 100 × $4/M
    assert.ok(near(c.costUsd, 0.0012));
    assert.equal(c.costEstimated, true);
    assert.equal(c.costUnknown, false);
  });

  it("takes the provider's cost over any estimate", () => {
    const c = chargeFor({ usage: { promptTokens: 1000, completionTokens: 100, costUsd: 0.25 }, promptChars: 4000, completionChars: 400 }, HAIKU);
    assert.equal(c.costUsd, 0.25);
    assert.equal(c.costEstimated, false);
    assert.equal(c.estimatedTokens, 0);
  });

  it("takes the provider's token counts over characters, priced when it reports no cost", () => {
    const c = chargeFor({ usage: { promptTokens: 2000, completionTokens: 0 }, promptChars: 4000, completionChars: 0 }, HAIKU);
    assert.equal(c.promptTokens, 2000);
    assert.equal(c.estimatedTokens, 0);
    assert.ok(near(c.costUsd, 0.0016));
    assert.equal(c.costEstimated, true);
  });

  it('refuses a negative cost: it never lowers the day', () => {
    const c = chargeFor({ usage: { promptTokens: 1000, completionTokens: 100, costUsd: -3 } }, HAIKU);
    assert.ok(near(c.costUsd, 0.0012), 'estimated from tokens instead');
    assert.equal(c.costEstimated, true);
    const unpriced = chargeFor({ usage: { promptTokens: 1000, completionTokens: 100, costUsd: -3 } }, undefined);
    assert.equal(unpriced.costUsd, 0);
    assert.equal(unpriced.costUnknown, true);
    const l = new UsageLedger();
    const now = new Date();
    l.record('m', chargeFor({ usage: { promptTokens: 1, completionTokens: 1, costUsd: 0.5 } }, undefined), now);
    l.record('m', unpriced, now);
    assert.equal(l.day(now).costUsd, 0.5);
    assert.equal(chargeFor({ usage: { promptTokens: 1, completionTokens: 1, costUsd: NaN } }, undefined).costUnknown, true);
  });

  it(`refuses an absurd cost (over $${MAX_REQUEST_COST_USD} for one request)`, () => {
    assert.equal(chargeFor({ usage: { promptTokens: 10, completionTokens: 10, costUsd: MAX_REQUEST_COST_USD } }, undefined).costUsd, MAX_REQUEST_COST_USD);
    const absurd = chargeFor({ usage: { promptTokens: 10, completionTokens: 10, costUsd: MAX_REQUEST_COST_USD + 0.01 } }, undefined);
    assert.equal(absurd.costUsd, 0);
    assert.equal(absurd.costUnknown, true);
    // An absurd price (a hostile `/models`) is refused the same way.
    const priced = chargeFor({ usage: { promptTokens: 1000, completionTokens: 0 } }, { prompt: 1e9, completion: 1e9 });
    assert.equal(priced.costUsd, 0);
    assert.equal(priced.costUnknown, true);
  });

  it('refuses absurd or negative token counts and counts characters instead', () => {
    const c = chargeFor({ usage: { promptTokens: 1e9, completionTokens: -5 }, promptChars: 400, completionChars: 40 }, HAIKU);
    assert.deepEqual([c.promptTokens, c.completionTokens, c.estimatedTokens], [100, 10, 110]);
    // Two tokens a character plus the slack is still believed (a chat template, reasoning tokens).
    const plausible = chargeFor({ usage: { promptTokens: 400 * 2 + 4096, completionTokens: 40 * 2 + 32_768 }, promptChars: 400, completionChars: 40 }, HAIKU);
    assert.equal(plausible.estimatedTokens, 0);
    const over = chargeFor({ usage: { promptTokens: 400 * 2 + 4097, completionTokens: 10 }, promptChars: 400, completionChars: 40 }, HAIKU);
    assert.equal(over.promptTokens, 100);
  });

  it('counts a model with no price at $0 and says its cost is unknown', () => {
    const c = chargeFor({ usage: { promptTokens: 10, completionTokens: 10 } }, undefined);
    assert.deepEqual([c.costUsd, c.costUnknown, c.costEstimated], [0, true, false]);
  });

  it('counts a free (local) model at exactly $0, not as an estimate', () => {
    const c = chargeFor({ promptChars: 4000, completionChars: 400 }, FREE);
    assert.deepEqual([c.costUsd, c.costUnknown, c.costEstimated], [0, false, false]);
    assert.equal(c.estimatedTokens, 1100, 'the tokens are still estimates');
  });
});

describe('usage: which requests count', () => {
  const chat = (fields: Partial<RequestLogEntry>): RequestLogEntry => ({ method: 'POST', url: 'https://api.example/v1/chat/completions', model: 'm', ...fields });

  it('counts an answered request, with or without usage', () => {
    assert.equal(countsTowardUsage(chat({ status: 200, usage: { promptTokens: 1, completionTokens: 1 }, promptChars: 4, completionChars: 4 })), true);
    assert.equal(countsTowardUsage(chat({ status: 200, promptChars: 4, completionChars: 4 })), true, 'a stream stopped before its usage chunk');
  });

  it('counts a request stopped or timed out before any answer, once it went out', () => {
    assert.equal(countsTowardUsage(chat({ errorKind: 'aborted', promptChars: 40 })), true);
    assert.equal(countsTowardUsage(chat({ errorKind: 'timeout', promptChars: 40 })), true);
    assert.equal(countsTowardUsage(chat({ errorKind: 'aborted' })), false, 'cancelled before it was sent');
  });

  it('does not count refusals, model lists or requests that never reached the provider', () => {
    assert.equal(countsTowardUsage(chat({ status: 401, errorKind: 'auth', promptChars: 40 })), false);
    assert.equal(countsTowardUsage(chat({ status: 503, errorKind: 'overloaded', promptChars: 40 })), false);
    assert.equal(countsTowardUsage(chat({ errorKind: 'network', promptChars: 40 })), false);
    assert.equal(countsTowardUsage(chat({ errorKind: 'rate-limited', promptChars: 40 })), false);
    assert.equal(countsTowardUsage({ method: 'GET', url: 'https://api.example/v1/models', status: 200 }), false);
  });
});

describe('usage: prices', () => {
  const remote = 'https://api.example.com/v1';

  it("knows the presets' default and well-known models under every provider's spelling", () => {
    for (const id of ['anthropic/claude-3.5-haiku', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku-latest', 'anthropic/claude-3.5-haiku:beta']) assert.deepEqual(shippedPrice(id), HAIKU, id);
    for (const id of ['anthropic/claude-haiku-4.5', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001']) assert.deepEqual(shippedPrice(id), { prompt: 1, completion: 5 }, id);
    for (const id of ['anthropic/claude-sonnet-4', 'claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4.5']) assert.deepEqual(shippedPrice(id), { prompt: 3, completion: 15 }, id);
    assert.equal(shippedPrice('claude-opus-4-1'), undefined, 'no invented price');
    assert.equal(normaliseModelId('Anthropic/Claude-3.5-Haiku-20241022'), 'claude-3-5-haiku');
  });

  it('prefers the price the provider lists in /models over the shipped table', () => {
    const listed = { prompt: 0.9, completion: 4.5 };
    assert.deepEqual(priceFor({ model: 'anthropic/claude-3.5-haiku', baseUrl: remote, listed }), listed);
    assert.deepEqual(priceFor({ model: 'anthropic/claude-3.5-haiku', baseUrl: remote }), HAIKU);
  });

  it('counts Ollama and servers on this machine at $0, other unknown models as unknown', () => {
    assert.deepEqual(priceFor({ model: 'qwen2.5-coder:7b', baseUrl: 'http://localhost:11434/v1' }), FREE);
    assert.deepEqual(priceFor({ model: 'llama3', baseUrl: 'http://127.0.0.1:8080/v1' }), FREE);
    assert.deepEqual(priceFor({ model: 'llama3', baseUrl: 'http://gpu-box.lan:11434/v1', providerId: 'ollama' }), FREE);
    assert.equal(priceFor({ model: 'llama3', baseUrl: 'https://llm.example.com/v1', providerId: 'custom' }), undefined);
    // A known paid model behind a local proxy is still paid for.
    assert.deepEqual(priceFor({ model: 'claude-3-5-haiku-20241022', baseUrl: 'http://localhost:4000/v1' }), HAIKU);
  });
});

describe('usage: the Show Usage document', () => {
  const now = new Date(2026, 10, 30, 12);

  it('marks estimated figures and says when a cost is unknown', () => {
    const l = new UsageLedger();
    l.record('exact', chargeFor({ usage: { promptTokens: 100, completionTokens: 10, costUsd: 0.25 } }, undefined), now);
    l.record('guessed', chargeFor({ promptChars: 4000, completionChars: 400 }, HAIKU), now);
    l.record('unpriced', chargeFor({ usage: { promptTokens: 7, completionTokens: 3 } }, undefined), now);
    const md = usageMarkdown(l, now);
    assert.match(md, /\| exact \| 1 \| 100 \| 10 \| 0\.2500 \|/);
    assert.match(md, /\| guessed \| 1 \| ≈1,000 \| ≈100 \| ≈0\.0012 \|/);
    assert.match(md, /\| unpriced \| 1 \| 7 \| 3 \| cost unknown \|/);
    assert.match(md, /Today: ≈1,220 tokens · ≈\$0\.2512 \+ cost unknown/);
    assert.match(md, /≈ marks a figure that includes estimates/);
    assert.match(md, /characters \/ 4/);
    assert.match(md, /"cost unknown": no price is known/);
  });

  it('shows no footnote when every figure is the provider’s', () => {
    const l = new UsageLedger();
    l.record('exact', chargeFor({ usage: { promptTokens: 100, completionTokens: 10, costUsd: 0.25 } }, undefined), now);
    assert.doesNotMatch(usageMarkdown(l, now), /≈/);
  });

  it('shows model ids as inert text: no link, markup or table cell comes out of one', () => {
    const hostile = 'evil [Set key](command:kestrel.clearApiKey) | 9 | *bold* <img src=x> `code` $x$';
    const cell = escapeMarkdown(hostile);
    assert.doesNotMatch(cell, /(^|[^\\])[[\]()|*<>`$]/, 'every markdown-special character is escaped');
    assert.doesNotMatch(cell, /command:/);
    assert.equal(cell.replace(/\\(.)/g, '$1'), hostile, 'and reads as the id itself');
    assert.equal(escapeMarkdown('a\nb'), 'a\ufffdb', 'no line break out of the table');
    const l = new UsageLedger();
    l.record(hostile, chargeFor({ usage: { promptTokens: 1, completionTokens: 1, costUsd: 0.01 } }, undefined), now);
    const row = usageMarkdown(l, now).split('\n').find((line) => line.startsWith('| 2026-11-30'))!;
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 6, 'still six cells');
  });

  it('tells a refused chat request the cap and the way to go on', () => {
    const message = capReachedMessage(0.5);
    assert.match(message, /\$0\.50/);
    assert.match(message, /Resume for Today/);
    assert.match(message, /kestrel\.usage\.dailyLimitUsd/);
  });
});

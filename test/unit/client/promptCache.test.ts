// Prompt caching for the chat on Claude through OpenRouter: where the breakpoint goes, what the
// usage chunk says, what the ledger and Show Usage make of it, end to end against the fake
// OpenRouter (which caches a prefix of at least the model's minimum and reports it).
import * as assert from 'node:assert/strict';
import { stablePrefixEnd } from '../../../src/core/chat/cache';
import { messagesWithinBudget, userContent, type Turn } from '../../../src/core/chat/history';
import { createChatClient, type RequestLogEntry } from '../../../src/core/client/client';
import { shapedClient } from '../../../src/core/client/shape';
import { usageOf } from '../../../src/core/client/sse';
import { chargeFor, UsageLedger, usageMarkdown } from '../../../src/core/usage';
import { startFakeServer, type FakeServer } from '../../support/fake-server';

const HAIKU = { prompt: 0.8, completion: 4 };
/** About 3,000 tokens of attached code: above 3.5 Haiku's 2,048-token minimum, below Haiku 4.5's 4,096. */
const BIG = Array.from({ length: 160 }, (_, i) => `export function helper${i}(xs: number[]) { return xs.map((x) => x * ${i}); }`).join('\n');

const question = (id: string, content: string, code?: string): Turn => ({
  id,
  role: 'user',
  content,
  ...(code ? { attached: [{ uri: `file:///w/${id}.ts`, label: `${id}.ts`, block: `${id}.ts (typescript):\n\`\`\`typescript\n${code}\n\`\`\`` }] } : {}),
});
const reply = (id: string, content: string): Turn => ({ id, role: 'assistant', content });

describe('prompt caching: the stable part of a chat prompt', () => {
  it('ends after the newest question that carries code, in the first and in every later request', () => {
    const first = [question('q1', 'What does this do?', BIG)];
    let messages = messagesWithinBudget(first, 120_000);
    assert.equal(stablePrefixEnd(messages, first), 1, 'the first question with its code');
    const second = [...first, reply('a1', 'It maps.'), question('q2', 'And why?')];
    messages = messagesWithinBudget(second, 120_000);
    assert.equal(stablePrefixEnd(messages, second), 1, 'still the first question: the same prefix as before');
    assert.equal(messages[1].content, userContent(first[0]));
    const third = [...second, reply('a2', 'Because.'), question('q3', 'And this?', 'const y = 2;')];
    assert.equal(stablePrefixEnd(messagesWithinBudget(third, 120_000), third), 5, 'the newest question with code');
  });

  it('is the system prompt (with the project instructions in it) when no question carries code', () => {
    const turns = [question('q1', 'Hello'), reply('a1', 'Hi'), question('q2', 'How?')];
    assert.equal(stablePrefixEnd(messagesWithinBudget(turns, 120_000, 'SYSTEM\n\nProject instructions: use tabs.'), turns), 0);
    assert.equal(stablePrefixEnd([{ role: 'user', content: 'x' }], [question('q', 'x')]), undefined);
  });

  it('a question whose code is now excluded is not the end: what was sent decides', () => {
    const turns = [question('q1', 'What does this do?', BIG), reply('a1', 'It maps.'), question('q2', 'And why?')];
    const sent = [{ ...turns[0], attached: [] }, turns[1], turns[2]];
    assert.equal(stablePrefixEnd(messagesWithinBudget(sent, 120_000), sent), 0);
  });
});

describe('prompt caching: usage', () => {
  it('reads cached and written tokens from OpenRouter\'s usage chunk', () => {
    assert.deepEqual(usageOf({ prompt_tokens: 3100, completion_tokens: 9, cost: 0.001, prompt_tokens_details: { cached_tokens: 3000, cache_write_tokens: 0 } }), { promptTokens: 3100, completionTokens: 9, cachedTokens: 3000, cacheWriteTokens: 0, costUsd: 0.001 });
    assert.deepEqual(usageOf({ prompt_tokens: 3100, completion_tokens: 9, prompt_tokens_details: { cached_tokens: '0', cache_write_tokens: '3000' } }), { promptTokens: 3100, completionTokens: 9, cachedTokens: 0, cacheWriteTokens: 3000 });
    assert.deepEqual(usageOf({ prompt_tokens: 12, completion_tokens: 5, prompt_tokens_details: null }), { promptTokens: 12, completionTokens: 5 });
  });

  it('prices cached reads at a tenth and writes at 1.25 times the prompt price when the provider gives no cost', () => {
    const plain = chargeFor({ usage: { promptTokens: 10_000, completionTokens: 100 } }, HAIKU);
    const read = chargeFor({ usage: { promptTokens: 10_000, completionTokens: 100, cachedTokens: 9_000 } }, HAIKU);
    const written = chargeFor({ usage: { promptTokens: 10_000, completionTokens: 100, cacheWriteTokens: 9_000 } }, HAIKU);
    assert.equal(plain.costUsd.toFixed(6), ((10_000 * 0.8 + 100 * 4) / 1e6).toFixed(6));
    assert.equal(read.costUsd.toFixed(6), ((1_000 * 0.8 + 9_000 * 0.08 + 100 * 4) / 1e6).toFixed(6));
    assert.equal(written.costUsd.toFixed(6), ((1_000 * 0.8 + 9_000 * 1.0 + 100 * 4) / 1e6).toFixed(6));
    assert.equal(read.cachedTokens, 9_000);
    const reported = chargeFor({ usage: { promptTokens: 10_000, completionTokens: 100, cachedTokens: 9_000, costUsd: 0.0042 } }, HAIKU);
    assert.equal(reported.costUsd, 0.0042, "the provider's own cost wins");
    const absurd = chargeFor({ usage: { promptTokens: 100, completionTokens: 1, cachedTokens: 5_000, cacheWriteTokens: 5_000 } }, HAIKU);
    assert.deepEqual([absurd.cachedTokens, absurd.cacheWriteTokens], [100, 0], 'never more cached than the prompt');
  });

  it('the ledger keeps them per day and model, Show Usage shows them, and a ledger stored before them loads with 0', () => {
    const now = new Date(2026, 10, 30, 12);
    const stored = { '2026-11-30': { 'anthropic/claude-3.5-haiku': { requests: 1, promptTokens: 3_000, completionTokens: 10, costUsd: 0.003 } } };
    const l = new UsageLedger(JSON.parse(JSON.stringify(stored)));
    assert.equal(l.day(now).cachedTokens, 0);
    assert.doesNotMatch(usageMarkdown(l, now), /Prompt cache/, 'no cache section while nothing was cached');
    l.record('anthropic/claude-3.5-haiku', chargeFor({ usage: { promptTokens: 3_100, completionTokens: 10, cacheWriteTokens: 3_000, costUsd: 0.004 } }, HAIKU), now);
    l.record('anthropic/claude-3.5-haiku', chargeFor({ usage: { promptTokens: 3_200, completionTokens: 10, cachedTokens: 3_000, costUsd: 0.001 } }, HAIKU), now);
    const reloaded = new UsageLedger(JSON.parse(JSON.stringify(l.toJSON())));
    assert.deepEqual([reloaded.day(now).cachedTokens, reloaded.day(now).cacheWriteTokens], [3_000, 3_000]);
    const md = usageMarkdown(reloaded, now);
    assert.match(md, /## Prompt cache/);
    assert.match(md, /Today: 3,000 read, 3,000 written\./);
    assert.match(md, /\| 2026-11-30 \| anthropic\/claude-3\.5-haiku \| 9,300 \| 3,000 \| 3,000 \|/);
    const corrupt = new UsageLedger({ '2026-11-30': { m: { requests: 1, promptTokens: 10, cachedTokens: 500, cacheWriteTokens: -3 } } });
    assert.deepEqual([corrupt.day(now).cachedTokens, corrupt.day(now).cacheWriteTokens], [10, 0]);
  });
});

describe('prompt caching: the same chat twice against the fake OpenRouter', function () {
  this.timeout(10000);
  let server: FakeServer;
  afterEach(async () => server?.close());

  /** Asks the two questions of one chat; returns each request's log entry. */
  async function twoQuestions(model: string, caching: boolean): Promise<RequestLogEntry[]> {
    server = await startFakeServer({ flavour: 'openrouter' });
    const logs: RequestLogEntry[] = [];
    const base = createChatClient({ baseUrl: server.url, onLog: (e) => logs.push(e) });
    const client = shapedClient(base, { providerId: caching ? 'openrouter' : 'custom', purpose: 'chat', sort: 'auto' });
    try {
      let turns: Turn[] = [question('q1', 'What does this do?', BIG)];
      for (const next of ['And what does it return?', '']) {
        const messages = messagesWithinBudget(turns, 120_000);
        const result = await client.stream({ model, messages, cacheAfter: stablePrefixEnd(messages, turns), maxTokens: 4096 }).result;
        if (next) turns = [...turns, reply('a', result.text), question('q2', next)];
      }
    } finally {
      await base.dispose();
    }
    return logs;
  }

  it('Claude 3.5 Haiku: the first request writes the code to the cache, the second reads it', async () => {
    const [first, second] = await twoQuestions('anthropic/claude-3.5-haiku', true);
    assert.ok(first.cacheWriteTokens! >= 2048, `the first writes ${first.cacheWriteTokens}`);
    assert.equal(first.cachedTokens, undefined);
    assert.equal(second.cachedTokens, first.cacheWriteTokens, 'the second reads what the first wrote');
    assert.ok(second.costUsd! < first.costUsd!, `the second costs less (${second.costUsd} < ${first.costUsd})`);
    // Figures for the closing note.
    console.log(`      with caching: ${JSON.stringify([first, second].map((e) => ({ prompt: e.promptTokens, cached: e.cachedTokens ?? 0, written: e.cacheWriteTokens ?? 0, cost: e.costUsd })))}`);
  });

  it('without the breakpoint nothing is cached, and the second question costs the whole prompt again', async () => {
    const [first, second] = await twoQuestions('anthropic/claude-3.5-haiku', false);
    assert.equal(first.cacheWriteTokens, undefined);
    assert.equal(second.cachedTokens, undefined);
    assert.ok(second.costUsd! > first.costUsd!);
    console.log(`      without caching: ${JSON.stringify([first, second].map((e) => ({ prompt: e.promptTokens, cached: e.cachedTokens ?? 0, written: e.cacheWriteTokens ?? 0, cost: e.costUsd })))}`);
  });

  it('Claude Haiku 4.5 caches nothing below its 4,096-token minimum, and says nothing', async () => {
    const [first, second] = await twoQuestions('anthropic/claude-haiku-4.5', true);
    assert.equal(first.cacheWriteTokens, undefined);
    assert.equal(second.cachedTokens, undefined);
  });
});

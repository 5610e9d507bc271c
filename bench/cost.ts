// What two features cost against the same work without them, in requests and tokens:
// - Alternatives: an explicit ask (Trigger Suggestion, Alt+]) sends the usual request and one more per
//   higher temperature. The real inline engine asks at 40 cursors of the fidelity corpus, with and
//   without alternatives, against a scripted model whose answer varies with the temperature.
// - Prompt caching: a two-question chat about a ~6,600-token attachment through the real client and
//   the OpenRouter request shaping, against the fake OpenRouter (which caches a repeated prefix of
//   at least 2,048 tokens, reports cached and written tokens and prices them), with the
//   `cache_control` breakpoint and without it.
// `npm run bench -- cost`.
import { createChatClient } from '../src/core/client/client';
import { shapedClient } from '../src/core/client/shape';
import type { ChatMessage, Usage } from '../src/core/client/types';
import { estimateTokens } from '../src/core/usage';
import { InlineEngine } from '../src/core/completion/pipeline';
import { startFakeServer } from '../test/support/fake-server';
import { CURSOR, loadCorpus } from '../test/support/fidelity';
import { inputAt, scriptedClient } from '../test/unit/completion/support';
import { table } from './stats';

/** Claude 3.5 Haiku's list price, USD per million tokens (prompt, completion). */
const PRICE = { prompt: 0.8, completion: 4 };
const ASKS = 40;

async function alternatives(): Promise<string> {
  const cases = loadCorpus()
    .filter((c) => c.expected !== null)
    .slice(0, ASKS)
    .map((c) => ({ ...c, prefix: c.document.slice(0, c.document.indexOf(CURSOR)), suffix: c.document.slice(c.document.indexOf(CURSOR) + CURSOR.length) }));
  const rows: string[][] = [];
  for (const withAlternatives of [false, true]) {
    // The corpus answer at the usual temperature; at a higher one, the same with a twist, as a model's would differ.
    const client = scriptedClient((r) => {
      const c = cases.find((k) => r.messages.some((m) => m.content.includes(k.prefix.slice(-40))));
      const answer = c?.answer ?? 'next();';
      return r.temperature && r.temperature > 0.5 ? `${answer.trimEnd()} // ${r.temperature}` : answer;
    });
    const engine = new InlineEngine(async () => ({ client, model: 'anthropic/claude-3.5-haiku', prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 128, multiline: 'auto' as const }));
    let offered = 0;
    for (const c of cases) {
      const input = inputAt(c.prefix, c.suffix, { languageId: c.language, explicit: true });
      const signal = new AbortController().signal;
      offered += withAlternatives ? (await engine.alternatives(input, signal)).length : (await engine.suggest(input, signal)) ? 1 : 0;
    }
    const promptTokens = estimateTokens(engine.counters.promptChars);
    const completionTokens = estimateTokens(engine.counters.completionChars);
    const cost = (promptTokens * PRICE.prompt + completionTokens * PRICE.completion) / 1e6;
    rows.push([
      withAlternatives ? 'with alternatives' : 'one suggestion',
      String(cases.length),
      (offered / cases.length).toFixed(2),
      String(engine.counters.requests),
      promptTokens.toLocaleString('en-US'),
      completionTokens.toLocaleString('en-US'),
      `$${(cost / cases.length).toFixed(5)}`,
    ]);
    engine.dispose();
  }
  return table(['explicit asks', 'asks', 'suggestions offered per ask', 'requests', 'prompt tokens (≈ chars/4)', 'completion tokens read', 'cost per ask at 3.5 Haiku prices'], rows);
}

async function caching(): Promise<string> {
  const model = 'anthropic/claude-3.5-haiku';
  const code = Array.from({ length: 260 }, (_, i) => `export function helper${i}(items: number[]): number { return items.reduce((a, b) => a + b * ${i}, 0); }`).join('\n');
  const system = 'You are Kestrel, a concise coding assistant inside VS Code. Answer in markdown.';
  const rows: string[][] = [];
  for (const cached of [false, true]) {
    const server = await startFakeServer({ flavour: 'openrouter', respond: () => ({ text: 'It sums the items, each weighted by its index.' }) });
    const client = createChatClient({ baseUrl: server.url, apiKey: 'sk-bench' });
    const chat = shapedClient(client, { providerId: 'openrouter', purpose: 'chat', sort: 'auto' });
    const usages: Usage[] = [];
    const messages: ChatMessage[] = [
      { role: 'system', content: system },
      { role: 'user', content: `What do these helpers do?\n\n\`\`\`ts\n${code}\n\`\`\`` },
    ];
    for (const next of ['Which one is the slowest?', undefined]) {
      const stream = chat.stream({ model, messages, maxTokens: 512, cacheAfter: cached ? 1 : undefined });
      let answer = '';
      for await (const delta of stream) answer += delta;
      usages.push((await stream.result).usage ?? { promptTokens: 0, completionTokens: 0 });
      if (!next) break;
      messages.push({ role: 'assistant', content: answer }, { role: 'user', content: next });
    }
    await client.dispose();
    await server.close();
    const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
    const total = usages.reduce((sum, u) => sum + (u.costUsd ?? 0), 0);
    rows.push([
      cached ? 'with the breakpoint' : 'without',
      ...usages.flatMap((u) => [n(u.promptTokens), `${n(u.cachedTokens)} / ${n(u.cacheWriteTokens)}`, `$${(u.costUsd ?? 0).toFixed(5)}`]),
      `$${total.toFixed(5)}`,
    ]);
  }
  return table(['two questions, ~6,600-token attachment', 'prompt tokens, 1st', 'cached / written, 1st', 'cost, 1st', 'prompt tokens, 2nd', 'cached / written, 2nd', 'cost, 2nd', 'cost, both'], rows);
}

export async function run(): Promise<string> {
  return `### Alternatives\n\n${await alternatives()}\n\n### Prompt caching (fake OpenRouter)\n\n${await caching()}\n`;
}

// Lookups as a person sees them: a question that needs two lookups ("Where is `applyDiscount`
// called?") against a model that uses the tools (test/support/toolModel.ts). The chat shows each
// call as a compact line while it runs and with its outcome after, the real VS Code tools answer
// them (the search finds the real lines of the sample workspace), a line opens to what was sent,
// the final answer cites what was read, and the steps and tokens of the whole loop show under it.
// `.env` is never read or sent, and axe-core finds no serious problem with a line open.
import * as assert from 'node:assert/strict';
import type { FakeServerOptions, LoggedRequest } from '../support/fake-server';
import { toolModel } from '../support/toolModel';
import { audit, describeViolations } from './a11y.check';
import { ask, chat } from './chat.check';
import type { Check } from './run';

export const server: FakeServerOptions = {
  // A local OpenAI-compatible server that streams tool calls split in pieces, as vLLM does.
  localTools: 'split',
  latency: { firstTokenMs: 250, tokensPerSecond: 150 },
  respond: toolModel(),
};

type Message = { role: string; content: unknown; tool_call_id?: string };
const messages = (r: LoggedRequest) => (r.body.messages ?? []) as Message[];
const text = (m: Message) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));

export const checks: Check[] = [
  {
    name: 'a question that needs two lookups shows both calls, each opening to what was sent, then the answer citing the lines read',
    async run(ctx) {
      await ctx.openFile('src/cart.ts');
      await ctx.runCommand('Kestrel: Open Chat');
      const frame = chat(ctx);
      await frame.locator('#input').waitFor({ timeout: 20_000 });
      const before = ctx.server.completions.length;
      await ask(ctx, 'Where is `applyDiscount` called?');
      const calls = frame.locator('.turn-assistant .turn-calls details.call');
      await frame.locator('.turn-assistant .turn-usage', { hasText: 'steps' }).waitFor({ timeout: 30_000 });
      assert.equal(await calls.count(), 2, 'two lookups');
      const [search, read] = [await calls.nth(0).locator('summary').innerText(), await calls.nth(1).locator('summary').innerText()];
      assert.match(search, /^Searched for applyDiscount: \d+ match(es)? in \d+ files?$/);
      // The caller's file, and the lines really read (the file has 7).
      assert.match(read, /^Read src\/orders\.ts [1-7]–7$/);
      // Closed until clicked; open, it shows the search result as the model got it, real lines of the workspace.
      const detail = calls.nth(0).locator('.call-detail');
      assert.equal(await detail.isVisible(), false);
      await calls.nth(0).locator('summary').click();
      await detail.waitFor({ state: 'visible' });
      const sentText = await detail.innerText();
      assert.match(sentText, /src\/cart\.ts:11: export function applyDiscount/);
      // The answer cites a line the read returned.
      const answer = await frame.locator('.turn-assistant .body').last().innerText();
      assert.match(answer, /applyDiscount/);
      assert.match(answer, /src\/orders\.ts:6/);
      const usage = await frame.locator('.turn-assistant .turn-usage').last().innerText();
      assert.match(usage, /^3 steps · [\d,]+ in · [\d,]+ out/);
      // At the server: three requests, the tools in each, the results of the real tools sent back.
      const sent = ctx.server.completions.slice(before);
      assert.equal(sent.length, 3);
      assert.ok(sent.every((r) => Array.isArray(r.body.tools) && r.body.tools.length === 7), 'every step carries the seven tools');
      const results = messages(sent[2]).filter((m) => m.role === 'tool').map(text);
      assert.equal(results.length, 2);
      assert.equal(results[0], sentText.trim(), 'the line opens to exactly what was sent');
      assert.match(results[1], /lines \d+–\d+ of \d+:\n\d+: /);
      for (const r of sent) assert.doesNotMatch(JSON.stringify(r.body), /this-file-is-excluded-by-default/, '.env is never sent');
      // The lines are disclosure widgets a keyboard and a screen reader can use: axe-core finds nothing serious with one open.
      const serious = (await audit(ctx)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.equal(serious.length, 0, describeViolations(serious));
      await ctx.screenshot('chat-tools', { bare: true });
    },
  },
];

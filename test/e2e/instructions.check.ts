// Project instructions as a person sees them: the workspace's AGENTS.md shows as a chip in the chat
// panel with its size, the question shows it carried them, the request carries them after the
// system text; × on the chip leaves them out of the next question, and a new chat brings them back.
import * as assert from 'node:assert/strict';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import { ask, chat, selectLines } from './chat.check';
import type { Check, CheckContext } from './run';

const AGENTS = [
  '# Working on this shop',
  '',
  '- Money is kept in integer cents; never use floating point for prices.',
  '- Name functions for what they return (`subtotalOf`, not `calc`).',
  '- Run `npm test` before every commit.',
  '',
].join('\n');

const messages = (r: LoggedRequest) => r.body.messages as { role: string; content: string }[];
const system = (r: LoggedRequest) => messages(r).find((m) => m.role === 'system')?.content ?? '';

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 150, tokensPerSecond: 200 },
  respond: (): FakeReply => ({
    text: [
      'Following the project\'s rules, prices stay in **integer cents**:',
      '',
      '```ts',
      'export const subtotalOf = (items: Item[]): number => items.reduce((cents, i) => cents + i.priceCents * i.quantity, 0);',
      '```',
    ].join('\n'),
  }),
};

async function answered(ctx: CheckContext, count: number): Promise<LoggedRequest> {
  const frame = chat(ctx);
  await frame.locator('.turn-assistant .code-block').nth(count - 1).waitFor({ timeout: 20_000 });
  await frame.locator('#send:not(.stop)').waitFor({ timeout: 20_000 });
  return ctx.server.requests.at(-1)!;
}

export const checks: Check[] = [
  {
    name: "the workspace's AGENTS.md shows as a chip with its size, and the question carries it",
    async run(ctx) {
      ctx.writeWorkspaceFile('AGENTS.md', AGENTS);
      await ctx.openFile('src/cart.ts');
      await selectLines(ctx, 7, 3);
      await ctx.runCommand('Kestrel: Ask About Selection');
      const frame = chat(ctx);
      const chip = frame.locator('#chips .chip-instructions');
      await chip.waitFor({ timeout: 20_000 });
      assert.equal((await chip.innerText()).replace('×', '').trim(), `Instructions: AGENTS.md · ${Buffer.byteLength(AGENTS)} B`);
      await frame.locator('#chips .chip', { hasText: 'cart.ts:7-9' }).waitFor();
      await ask(ctx, 'How should subtotal handle prices?');
      const sent = await answered(ctx, 1);
      assert.ok(system(sent).includes('Money is kept in integer cents'), system(sent));
      assert.ok(!messages(sent).at(-1)!.content.includes('integer cents'), 'in the system prompt, not in the question');
      await frame.locator('.turn-user .chip-instructions', { hasText: 'AGENTS.md' }).waitFor();
      await ctx.screenshot('project-instructions', { bare: true });
    },
  },
  {
    name: '× on the chip leaves them out of the next question; a new chat brings them back',
    async run(ctx) {
      const frame = chat(ctx);
      await frame.locator('#chips .chip-instructions .chip-remove').click();
      await frame.locator('#chips .chip-instructions').waitFor({ state: 'detached', timeout: 5_000 });
      await ask(ctx, 'And the discount?');
      const sent = await answered(ctx, 2);
      assert.ok(!JSON.stringify(messages(sent)).includes('integer cents;'), system(sent));
      assert.equal(await frame.locator('.turn-user').last().locator('.chip-instructions').count(), 0, 'the question carried none');
      await frame.locator('#new-chat').click();
      await frame.locator('#chips .chip-instructions').waitFor({ timeout: 5_000 });
      await ask(ctx, 'A new question');
      const again = await answered(ctx, 1);
      assert.ok(system(again).includes('Money is kept in integer cents'));
    },
  },
];

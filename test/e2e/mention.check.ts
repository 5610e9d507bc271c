// `#file` mentions as a person uses them, from the keyboard alone: typing `#car` in the chat input
// opens a list of workspace files (a listbox the input points into), ArrowDown/ArrowUp move, Enter
// picks src/cart.ts, which becomes a chip with its size; the question then carries the file to the
// provider. axe-core finds no serious or critical violation with the list open. Escape closes the
// list without stopping anything, and `.env` is never offered.
import * as assert from 'node:assert/strict';
import type { FakeServerOptions, LoggedRequest } from '../support/fake-server';
import { readFileSync } from 'node:fs';
import { chat } from './chat.check';
import type { Check, CheckContext } from './run';

/** axe-core's violations in the chat's frame (as the accessibility check runs it). */
async function audit(ctx: CheckContext): Promise<{ id: string; impact: string | null; help: string }[]> {
  const frame = await (await chat(ctx).locator('body').elementHandle())?.ownerFrame();
  if (!frame) throw new Error('the chat frame was not found');
  await frame.evaluate(`${readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')}\n;void 0`);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string }[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }));
  });
}

const lastQuestion = (r: LoggedRequest) => String((r.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)?.content ?? '');

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 150, tokensPerSecond: 200 },
  respond: () => ({ text: '`subtotal` adds up **price × quantity** for every item in the cart.' }),
};

export const checks: Check[] = [
  {
    name: 'typing #car lists src/cart.ts; the keyboard picks it, it shows as a chip with its size, and the request carries the file',
    async run(ctx) {
      await ctx.openFile('src/cart.ts');
      await ctx.runCommand('Kestrel: Open Chat');
      const frame = chat(ctx);
      const input = frame.locator('#input');
      await input.waitFor({ timeout: 20_000 });
      await input.click();
      await ctx.page.keyboard.type('Explain #car', { delay: 40 });
      const list = frame.locator('#mentions[role="listbox"]');
      await list.waitFor({ state: 'visible', timeout: 10_000 });
      const options = list.locator('[role="option"]');
      assert.match(await options.first().innerText(), /cart\.ts/);
      assert.equal(await input.getAttribute('aria-activedescendant'), 'mention-0');
      const serious = (await audit(ctx)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], 'axe-core with the list open');
      // Down and back up: the active option follows, announced through aria-activedescendant.
      if ((await options.count()) > 1) {
        await ctx.page.keyboard.press('ArrowDown');
        assert.equal(await input.getAttribute('aria-activedescendant'), 'mention-1');
        await ctx.page.keyboard.press('ArrowUp');
      }
      assert.equal(await options.first().getAttribute('aria-selected'), 'true');
      await ctx.page.keyboard.press('Enter');
      const chip = frame.locator('#chips .chip', { hasText: 'cart.ts' });
      await chip.waitFor({ timeout: 10_000 });
      const size = Buffer.byteLength(ctx.readWorkspaceFile('src/cart.ts'));
      assert.equal((await chip.innerText()).replace('×', '').trim(), `cart.ts · ${size < 1000 ? `${size} B` : `${(size / 1000).toFixed(1)} KB`}`);
      assert.equal(await list.isHidden(), true, 'the list closed');
      assert.equal(await input.inputValue(), 'Explain ', 'the #car typed is gone: the file is a chip');
      // The chip's × is reachable with Tab (checked, not pressed).
      assert.equal(await chip.locator('button.chip-remove').getAttribute('aria-label'), 'Remove cart.ts');
      await ctx.page.keyboard.type('what subtotal does');
      await ctx.screenshot('chat-file-mention', { bare: true });
      const before = ctx.server.requests.length;
      await ctx.page.keyboard.press('Enter');
      await frame.locator('.turn-assistant .body strong').waitFor({ timeout: 20_000 });
      assert.ok(ctx.server.requests.length > before);
      const sent = lastQuestion(ctx.server.requests.at(-1)!);
      assert.match(sent, /^Explain what subtotal does\n\ncart\.ts \(ts\):\n```ts\n[\s\S]*export function subtotal/);
      await frame.locator('.turn-user .chip', { hasText: 'cart.ts' }).waitFor();
    },
  },
  {
    name: 'Escape closes the list and keeps the text; .env is never offered',
    async run(ctx) {
      const frame = chat(ctx);
      const input = frame.locator('#input');
      await input.click();
      await ctx.page.keyboard.type('#.en', { delay: 40 });
      await ctx.page.waitForTimeout(600);
      const offered = await frame.locator('#mentions [role="option"]').allInnerTexts();
      assert.ok(!offered.some((t) => /^\.env/.test(t)), offered.join(' | '));
      await input.fill('');
      await ctx.page.keyboard.type('#car', { delay: 40 });
      await frame.locator('#mentions[role="listbox"]').waitFor({ state: 'visible', timeout: 10_000 });
      await ctx.page.keyboard.press('Escape');
      assert.equal(await frame.locator('#mentions').isHidden(), true);
      assert.equal(await input.inputValue(), '#car');
      assert.equal(await frame.locator('#chips .chip:not(.chip-instructions)').count(), 0, 'nothing attached');
    },
  },
];

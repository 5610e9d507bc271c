// Model choice as a person sees it: Kestrel: Select Model lists what the provider's /models offers
// (OpenRouter's shape here: prices per million tokens converted from per-token strings, a retired
// model marked), filtering by typing, and the pick lands in the user settings.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeServerOptions } from '../support/fake-server';
import type { Check, CheckContext } from './run';

export const server: FakeServerOptions = { flavour: 'openrouter' };

export async function pickModel(ctx: CheckContext, filter: string, expectRows: RegExp[], shot: string): Promise<string> {
  await ctx.runCommand('Kestrel: Select Model');
  // The palette's own row for the command can linger for a frame: wait for the picker's title.
  await ctx.page.locator('.quick-input-title', { hasText: 'Kestrel: model for' }).waitFor({ timeout: 15_000 });
  const rows = ctx.page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 });
  const text = (await rows.allInnerTexts()).join('\n');
  for (const expected of expectRows) assert.match(text, expected);
  await ctx.screenshot(shot);
  await ctx.page.keyboard.type(filter, { delay: 20 });
  await ctx.page.waitForTimeout(300);
  await ctx.page.keyboard.press('Enter');
  await ctx.page.waitForTimeout(1000);
  const settings = JSON.parse(readFileSync(join(ctx.run.userDataDir, 'User', 'settings.json'), 'utf8'));
  return settings['kestrel.model'];
}

export const checks: Check[] = [
  {
    name: "Select Model lists OpenRouter's models with prices and the retired one marked, and sets kestrel.model",
    async run(ctx) {
      const model = await pickModel(ctx, 'haiku-4.5', [/anthropic\/claude-haiku-4\.5/, /\$1(\.00)? in \/ \$5(\.00)? out per M tokens/, /anthropic\/claude-3-haiku/, /retired|expired/i], 'picker-openrouter');
      assert.equal(model, 'anthropic/claude-haiku-4.5');
    },
  },
];

// The chat panel in the dark theme: the same answer, for a screenshot a person can look at.
import * as assert from 'node:assert/strict';
import { ask, askAboutCart, chat, server as chatServer } from './chat.check';
import type { Check } from './run';

export const server = chatServer;
export const colorScheme = 'dark';

export const checks: Check[] = [
  {
    name: 'the answer renders in the dark theme',
    async run(ctx) {
      await askAboutCart(ctx);
      await ask(ctx, 'What does this function do?');
      await chat(ctx).locator('.turn-assistant .code-block .hljs-keyword').first().waitFor({ timeout: 20_000 });
      const background = await chat(ctx).locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const [r, g, b] = (background.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
      assert.ok(r + g + b < 200, `a dark background, got ${background}`);
      await ctx.screenshot('answer-dark');
    },
  },
];

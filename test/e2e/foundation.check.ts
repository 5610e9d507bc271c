// The first minutes of a new user: Kestrel's status bar item, Set API Key from the palette with a
// password box, and the next request carrying that key.
import * as assert from 'node:assert/strict';
import type { FakeServerOptions } from '../support/fake-server';
import type { Check } from './run';

const NEW_KEY = 'sk-or-v1-typed-into-the-password-box-7c2e';

export const server: FakeServerOptions = { respond: () => ({ text: '<fill>42;</fill>' }) };
export const settings = { 'editor.quickSuggestions': { other: false, comments: false, strings: false } };

export const checks: Check[] = [
  {
    name: 'the status bar shows Kestrel with its provider and model in the tooltip',
    async run(ctx) {
      const item = ctx.page.locator('.statusbar-item', { hasText: 'Kestrel' }).first();
      assert.match(await item.innerText(), /Kestrel/);
      await item.hover();
      const tip = ctx.page.locator('.workbench-hover, .monaco-hover', { hasText: 'Provider' }).first();
      await tip.waitFor({ timeout: 10_000 });
      assert.match(await tip.innerText(), /Provider: custom · model fake-model/);
      await ctx.press('Escape');
      await ctx.page.mouse.move(700, 300);
      await ctx.openFile('src/cart.ts');
      // The README's picture: test-results/screenshots/readme-workbench.png.
      await ctx.screenshot('readme-workbench', { bare: true });
    },
  },
  {
    name: 'the workbench switches to the dark theme with Kestrel still in the status bar',
    async run(ctx) {
      await ctx.setTheme('dark');
      await ctx.page.locator('.statusbar-item', { hasText: 'Kestrel' }).first().waitFor();
      await ctx.screenshot('workbench-dark');
      await ctx.setTheme('light');
    },
  },
  {
    name: 'Set API Key asks in a password box, and the next request carries the new key',
    async run(ctx) {
      await ctx.runCommand('Kestrel: Set API Key');
      const box = ctx.page.locator('.quick-input-widget input[type="password"]');
      await box.waitFor({ timeout: 10_000 });
      await ctx.page.keyboard.type(NEW_KEY, { delay: 5 });
      await ctx.screenshot('set-api-key');
      await ctx.page.keyboard.press('Enter');
      await ctx.page.locator('.notification-toast', { hasText: 'API key for custom saved' }).first().waitFor({ timeout: 10_000 });
      ctx.writeWorkspaceFile('scratch/key.ts', '');
      await ctx.openFile('scratch/key.ts');
      const before = ctx.server.requests.length;
      await ctx.type('const answer = ');
      await ctx.waitForGhost(15_000);
      const request = ctx.server.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'));
      assert.equal(request?.headers.authorization, `Bearer ${NEW_KEY}`);
    },
  },
];

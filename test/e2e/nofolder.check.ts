// A window with no folder open: nothing to read context from, no .kestrelignore, no workspace
// settings. An untitled file still gets ghost text, and the chat still answers.
import * as assert from 'node:assert/strict';
import type { FakeServerOptions } from '../support/fake-server';
import { ask, chat } from './chat.check';
import type { Check, CheckContext } from './run';

export const noFolder = true;

export const server: FakeServerOptions = { latency: { firstTokenMs: 100, tokensPerSecond: 200 }, respond: () => ({ text: '<fill>items.length;</fill>' }) };

// Word suggestions off, so Tab is unambiguous.
export const settings = { 'kestrel.model': 'claude-haiku-4-6', 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false };

const completions = (ctx: CheckContext) => ctx.server.completions;

export const checks: Check[] = [
  {
    name: 'an untitled TypeScript file in an empty window gets ghost text, and the chat answers',
    async run(ctx) {
      const page = ctx.page;
      assert.equal(await page.locator('.explorer-folders-view').count(), 0, 'no folder is open');
      await ctx.press('Control+N');
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
      await ctx.runCommand('Change Language Mode');
      await ctx.type('TypeScript', 20);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'TypeScript' }).waitFor({ timeout: 10_000 });
      await ctx.press('Enter');
      await page.locator('.monaco-editor .view-lines').first().click();
      await ctx.type('const count = ');
      assert.equal((await ctx.waitForGhost(15_000)).trim(), 'items.length;');
      await ctx.press('Tab');
      await page.waitForTimeout(200);
      assert.match((await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' '), /const count = items\.length;/);
      assert.ok(completions(ctx).length >= 1);
      await ctx.screenshot('untitled-ghost');

      await ctx.runCommand('Kestrel: Open Chat');
      await chat(ctx).locator('#input').waitFor({ timeout: 20_000 });
      await ask(ctx, 'What can I count here?');
      await chat(ctx).locator('.turn-assistant .body', { hasText: 'items.length' }).waitFor({ timeout: 20_000 });
    },
  },
];

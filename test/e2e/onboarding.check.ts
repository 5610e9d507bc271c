// A new user's first minutes, following only what Kestrel shows: the first start without a key
// points at the walkthrough; its steps lead to the provider setting, the key and a suggestion. The
// walk uses a local OpenAI-compatible server in Ollama's place (localhost:11434), the one provider
// a test can stand in for without a network; for a hosted provider the only difference is the key.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check } from './run';

export const fresh = true;

const WANTED = "const greeting = 'hello, world';";

export const server: FakeServerOptions = {
  port: 11434,
  host: '127.0.0.1',
  models: [
    { id: 'qwen2.5-coder:7b', object: 'model', created: 0, owned_by: 'library' },
    { id: 'llama3.2:3b', object: 'model', created: 0, owned_by: 'library' },
  ],
  latency: { firstTokenMs: 300, tokensPerSecond: 60 },
  // Answers the line being typed: after an assistant prefill (Ollama accepts one) with the rest of it,
  // without one with the whole hole.
  respond: (request: LoggedRequest): FakeReply => {
    const messages = request.body.messages as { role: string; content: string }[];
    const last = messages.at(-1)!;
    if (last.role === 'assistant') {
      const prefilled = last.content.replace(/^<fill>/, '');
      return { text: WANTED.startsWith(prefilled) ? `${WANTED.slice(prefilled.length)}</fill>` : '</fill>' };
    }
    return { text: "<fill>'hello, world';</fill>" };
  },
};

const started = Date.now();

export const checks: Check[] = [
  {
    name: 'the first start without a key says so once and Get Started opens the walkthrough with its four steps',
    async run(ctx) {
      const toast = ctx.page.locator('.notification-toast', { hasText: 'Kestrel is installed' });
      await toast.waitFor({ timeout: 30_000 });
      assert.match(await toast.innerText(), /Set your OpenRouter API key/);
      await ctx.screenshot('first-run-notification');
      await toast.getByRole('button', { name: 'Get Started' }).click();
      const walkthrough = ctx.page.locator('.gettingStartedContainer');
      await walkthrough.getByText('Get started with Kestrel').first().waitFor({ timeout: 15_000 });
      for (const step of ['Choose a provider', 'Set your API key', 'Try a suggestion', 'Open the chat']) {
        await walkthrough.getByText(step).first().waitFor({ timeout: 5_000 });
      }
      // The step's page beside the list (a markdown webview) takes a moment to draw.
      const media = ctx.page.frameLocator('.gettingStartedContainer iframe.webview').frameLocator('iframe#active-frame');
      await media.getByText('Kestrel talks to any server').waitFor({ timeout: 20_000 });
      await ctx.screenshot('walkthrough');
    },
  },
  {
    name: 'from the walkthrough to a first accepted suggestion: provider, model, type, Tab',
    async run(ctx) {
      const page = ctx.page;
      const walkthrough = page.locator('.gettingStartedContainer');
      // Step 1: Choose Provider opens the setting; pick the local server.
      await walkthrough.getByText('Choose a provider').first().click();
      await walkthrough.getByRole('button', { name: 'Choose Provider' }).click();
      const select = page.locator('.settings-editor select').first();
      await select.waitFor({ timeout: 15_000 });
      assert.equal(await select.inputValue(), 'openrouter');
      await select.selectOption('ollama');
      await page.waitForTimeout(800);
      await ctx.screenshot('provider-setting');
      const settings = JSON.parse(readFileSync(join(ctx.run.userDataDir, 'User', 'settings.json'), 'utf8'));
      assert.equal(settings['kestrel.provider'], 'ollama');
      await ctx.press('Escape');
      // The provider step says: no key for Ollama; Select Model lists what the server has.
      await ctx.runCommand('Kestrel: Select Model');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'qwen2.5-coder:7b' }).first().waitFor({ timeout: 15_000 });
      await ctx.type('qwen', 30);
      await page.waitForTimeout(300);
      await ctx.press('Enter');
      await page.locator('.notification-toast', { hasText: 'Kestrel now uses qwen2.5-coder:7b' }).waitFor({ timeout: 10_000 });
      // Step 3: open a code file and type.
      ctx.writeWorkspaceFile('hello.ts', '');
      await ctx.openFile('hello.ts');
      await ctx.type('const greeting = ');
      assert.equal((await ctx.waitForGhost(15_000)).trim(), "'hello, world';");
      await ctx.screenshot('first-suggestion');
      await ctx.press('Tab');
      await page.waitForTimeout(200);
      await ctx.press('Control+S');
      await page.waitForTimeout(700);
      assert.equal(ctx.readWorkspaceFile('hello.ts'), WANTED);
      const request = ctx.server.completions.at(-1)!;
      assert.equal(request.body.model, 'qwen2.5-coder:7b');
      console.log(`  · onboarding: first suggestion accepted ${((Date.now() - started) / 1000).toFixed(1)} s after VS Code was started`);
    },
  },
];

// The chat panel as a person uses it: ask about a selection, watch the answer render (heading,
// list, highlighted code), Stop a long answer, Insert at Cursor, Apply through a diff, and find
// the conversation again after reloading the window.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check, CheckContext } from './run';

const ANSWER = [
  '## What `subtotal` does',
  '',
  'It adds up **price × quantity** for every item:',
  '',
  '- `reduce` walks the items once',
  '- an empty cart gives `0`',
  '',
  '```ts',
  'export const subtotalOf = (items: Item[]) => items.reduce((sum, i) => sum + i.price * i.quantity, 0);',
  '```',
].join('\n');

const lastQuestion = (r: LoggedRequest) => String((r.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)?.content ?? '');

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 200, tokensPerSecond: 120 },
  respond: (request): FakeReply => (/long story/.test(lastQuestion(request)) ? { text: 'Once upon a time. '.repeat(300), tokensPerSecond: 30 } : { text: ANSWER }),
};

export const chat = (ctx: CheckContext): FrameLocator => ctx.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

export async function selectLines(ctx: CheckContext, from: number, count: number): Promise<void> {
  await ctx.page.keyboard.press('Control+G');
  await ctx.page.keyboard.type(String(from));
  await ctx.page.keyboard.press('Enter');
  await ctx.page.keyboard.press('Home');
  for (let i = 0; i < count; i++) await ctx.page.keyboard.press('Shift+ArrowDown');
}

/** Lines 7–9 of src/cart.ts selected and Ask About Selection run: the chat with them attached as a chip. */
export async function askAboutCart(ctx: CheckContext): Promise<FrameLocator> {
  await ctx.openFile('src/cart.ts');
  await selectLines(ctx, 7, 3);
  await ctx.runCommand('Kestrel: Ask About Selection');
  const frame = chat(ctx);
  await frame.locator('#chips .chip', { hasText: 'cart.ts:7-9' }).waitFor({ timeout: 20_000 });
  return frame;
}

export async function ask(ctx: CheckContext, question: string): Promise<void> {
  const input = chat(ctx).locator('#input');
  await input.click();
  await input.fill(question);
  await input.press('Enter');
}

export const checks: Check[] = [
  {
    name: 'Ask About Selection attaches the code as a chip and the answer renders as markdown with highlighted code',
    async run(ctx) {
      const frame = await askAboutCart(ctx);
      await ask(ctx, 'What does this function do?');
      await frame.locator('.turn-assistant .body h2').waitFor({ timeout: 20_000 });
      await frame.locator('.turn-assistant .code-block .hljs-keyword').first().waitFor({ timeout: 20_000 });
      assert.equal(await frame.locator('.turn-assistant .body li').count(), 2);
      assert.match(await frame.locator('.turn-user .chip').first().innerText(), /cart\.ts:7-9/);
      const sent = ctx.server.requests.at(-1)!;
      assert.match(lastQuestion(sent), /export function subtotal/);
      await frame.locator('.turn-usage').first().waitFor();
      await ctx.screenshot('answer-light');
    },
  },
  {
    name: 'Stop ends a long answer part-way and keeps what arrived',
    async run(ctx) {
      const frame = chat(ctx);
      await ask(ctx, 'Tell me a long story');
      await frame.locator('#send.stop').waitFor();
      await ctx.page.waitForTimeout(800);
      await frame.locator('#send').click();
      await frame.locator('.turn-assistant .error', { hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
      const text = await frame.locator('.turn-assistant .body').last().innerText();
      assert.ok(text.includes('Once upon a time') && text.length < 'Once upon a time. '.repeat(300).length);
      for (let i = 0; i < 40 && !ctx.server.requests.at(-1)!.aborted; i++) await ctx.page.waitForTimeout(50);
      assert.equal(ctx.server.requests.at(-1)!.aborted, true, 'the connection was closed');
      await ctx.screenshot('stopped');
    },
  },
  {
    name: 'Insert at Cursor puts the code block into the editor',
    async run(ctx) {
      await ctx.openFile('src/cart.ts');
      await ctx.page.keyboard.press('Control+End');
      await ctx.page.keyboard.press('Enter');
      await chat(ctx).locator('.turn-assistant .code-action-insert').first().click();
      await ctx.page.waitForTimeout(500);
      await ctx.page.locator('.monaco-editor .view-lines').first().click();
      await ctx.page.keyboard.press('Control+S');
      await ctx.page.waitForTimeout(600);
      assert.match(ctx.readWorkspaceFile('src/cart.ts'), /\nexport const subtotalOf = \(items: Item\[\]\)/);
    },
  },
  {
    name: 'Apply goes through a diff: Accept replaces the selection',
    async run(ctx) {
      ctx.writeWorkspaceFile('scratch/apply.ts', 'export function old() {\n  return 1;\n}\n');
      await ctx.openFile('scratch/apply.ts');
      await selectLines(ctx, 1, 3);
      await chat(ctx).locator('.turn-assistant .code-action-apply').first().click();
      await ctx.page.locator('.tab', { hasText: "Kestrel's proposal" }).first().waitFor({ timeout: 10_000 });
      // The proposed side shows the code from the chat before anything changes.
      await ctx.page.locator('.editor.modified .view-lines', { hasText: 'subtotalOf' }).first().waitFor({ timeout: 10_000 });
      await ctx.screenshot('apply-diff');
      await ctx.runCommand('Kestrel: Accept Proposed Change');
      await ctx.page.waitForTimeout(500);
      await ctx.openFile('scratch/apply.ts');
      await ctx.page.keyboard.press('Control+S');
      await ctx.page.waitForTimeout(600);
      assert.match(ctx.readWorkspaceFile('scratch/apply.ts'), /^export const subtotalOf = /);
    },
  },
  {
    name: 'after reloading the window the conversation is still there',
    async run(ctx) {
      await ctx.runCommand('Developer: Reload Window');
      await ctx.page.waitForTimeout(1500);
      await ctx.page.locator('.statusbar-item', { hasText: 'Kestrel' }).first().waitFor({ timeout: 90_000 });
      await ctx.runCommand('Kestrel: Open Chat');
      await chat(ctx).locator('.turn-user', { hasText: 'What does this function do?' }).waitFor({ timeout: 20_000 });
      await chat(ctx).locator('.turn-assistant .body h2').first().waitFor();
      await ctx.screenshot('after-reload');
    },
  },
];

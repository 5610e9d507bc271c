// The chat page for a person who uses the keyboard, a screen reader or a high-contrast theme:
// after Ask About Selection the keys go to the chat input; a long line in a code block can be
// scrolled to its end with the keyboard; the buttons work with Enter and Space; and the axe-core
// rules engine, run inside the chat's frame with a real answer on it, finds no serious or critical
// violation in the light, dark and both high-contrast themes.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Frame } from 'playwright-core';
import type { FakeServerOptions } from '../support/fake-server';
import { askAboutCart, chat } from './chat.check';
import type { Check, CheckContext } from './run';

/** 200 characters on one line, ending in a marker the check looks for. */
const LONG_LINE = `export const describe = (items: Item[]) => items.map((item) => \`\${item.name}: \${item.quantity} × \${item.price}\`).join(', ') + ' // and the end of this long line is here: LINE-END'`;

const ANSWER = [
  '## What `subtotal` does',
  '',
  'It adds up **price × quantity** for every item (see [Array.prototype.reduce](https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/Array/reduce)):',
  '',
  '- `reduce` walks the items once',
  '- an empty cart gives `0`',
  '',
  '| Items | Subtotal |',
  '|---|---|',
  '| none | 0 |',
  '',
  '```ts',
  'export const subtotalOf = (items: Item[]) => items.reduce((sum, i) => sum + i.price * i.quantity, 0);',
  LONG_LINE,
  '```',
].join('\n');

export const server: FakeServerOptions = { latency: { firstTokenMs: 150, tokensPerSecond: 400 }, respond: () => ({ text: ANSWER }) };

/** The themes the audit runs in: the theme's name, and the class the workbench and the webview's body then carry. */
const THEMES = [
  { name: 'Default Light Modern', label: 'Light Modern', workbench: 'vs', body: 'body.vscode-light', shot: 'light' },
  { name: 'Default Dark Modern', label: 'Dark Modern', workbench: 'vs-dark', body: 'body.vscode-dark', shot: 'dark' },
  { name: 'Default High Contrast', label: 'Dark High Contrast', workbench: 'hc-black', body: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)', shot: 'high-contrast' },
  { name: 'Default High Contrast Light', label: 'Light High Contrast', workbench: 'hc-light', body: 'body.vscode-high-contrast-light', shot: 'high-contrast-light' },
] as const;

/** The chat's inner frame as a Frame (what `evaluate` with a string needs). */
async function chatFrame(ctx: CheckContext): Promise<Frame> {
  const handle = await chat(ctx).locator('body').elementHandle();
  const frame = await handle?.ownerFrame();
  if (!frame) throw new Error('the chat frame was not found');
  return frame;
}

/** What the page has focused, as `tag#id.class…` (empty when focus is outside the chat's frame). */
async function focused(ctx: CheckContext): Promise<string> {
  return chat(ctx)
    .locator('body')
    .evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || !document.hasFocus()) return '';
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${Array.from(el.classList, (c) => `.${c}`).join('')}`;
    });
}

/** Presses `key` until the chat's focused element matches `pattern` (at most `max` presses). */
async function pressUntil(ctx: CheckContext, key: string, pattern: RegExp, max = 40): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await ctx.page.keyboard.press(key);
    const now = await focused(ctx);
    seen.push(now || '(outside the chat)');
    if (pattern.test(now)) return now;
  }
  throw new Error(`${key} never reached ${pattern}; focus went through: ${seen.join(' → ')}`);
}

/** Switches the colour theme through the theme picker (Ctrl+K Ctrl+T), as a person would. */
async function useTheme(ctx: CheckContext, theme: (typeof THEMES)[number]): Promise<void> {
  await ctx.page.keyboard.press('Control+K');
  await ctx.page.keyboard.press('Control+T');
  await ctx.page.locator('.quick-input-widget .quick-input-list').waitFor();
  await ctx.page.keyboard.type(theme.label, { delay: 10 });
  // Enter only once the wanted theme is the focused row (before the filter applies, Enter picks another).
  await ctx.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: theme.label }).waitFor({ timeout: 10_000 });
  await ctx.page.keyboard.press('Enter');
  await ctx.page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ timeout: 15_000 });
  await chat(ctx).locator(theme.body).waitFor({ timeout: 15_000 });
  await ctx.page.waitForTimeout(500);
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

/** Runs axe-core in the chat's frame and returns its violations. */
export async function audit(ctx: CheckContext): Promise<Violation[]> {
  const frame = await chatFrame(ctx);
  // A string expression runs through the debugger protocol, which the page's CSP does not govern
  // (the page allows only its own nonce-tagged script).
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await frame.evaluate(`${source}\n;void 0`);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200) })) }));
  });
}

export const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.summary}`).join('\n')}`).join('\n');

export const checks: Check[] = [
  {
    name: 'after Ask About Selection the keys go to the chat input, with the code attached',
    async run(ctx) {
      const frame = await askAboutCart(ctx);
      await ctx.page.keyboard.type('What does this do?', { delay: 30 });
      assert.equal(await frame.locator('#input').inputValue(), 'What does this do?', 'the typed text is in the chat input');
      assert.equal(await frame.locator('#chips .chip', { hasText: 'cart.ts:7-9' }).count(), 1, 'the selection is attached');
      assert.match(ctx.readWorkspaceFile('src/cart.ts'), /^export interface Item/, 'nothing was typed into the editor');
      await ctx.page.keyboard.press('Enter');
      await frame.locator('.turn-user', { hasText: 'What does this do?' }).waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'the answer arrives (a heading, a list, a table, a link and highlighted code)',
    async run(ctx) {
      const frame = chat(ctx);
      // Asked with the mouse if the keyboard could not (the check above then failed already).
      if (!(await frame.locator('.turn-user').count())) {
        await frame.locator('#input').fill('What does this do?');
        await frame.locator('#input').press('Enter');
      }
      await frame.locator('.turn-assistant .code-block .hljs-keyword').first().waitFor({ timeout: 20_000 });
      await frame.locator('.turn-usage').first().waitFor({ timeout: 20_000 });
      assert.match(await frame.locator('.turn-user .chip').first().innerText(), /cart\.ts:7-9/);
    },
  },
  {
    name: 'a 200-character line in a code block can be scrolled to its end with the keyboard',
    async run(ctx) {
      const pre = chat(ctx).locator('.turn-assistant .code-block pre').last();
      const box = await pre.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, wraps: getComputedStyle(el).whiteSpace !== 'pre', tabIndex: el.tabIndex, role: el.getAttribute('role'), name: el.getAttribute('aria-label') }));
      if (box.wraps) {
        assert.ok(box.scrollWidth <= box.clientWidth, 'wrapped lines fit the block');
        return;
      }
      assert.ok(box.scrollWidth > box.clientWidth, `the long line overflows the block (${box.scrollWidth} > ${box.clientWidth})`);
      assert.equal(box.tabIndex, 0, 'the scrollable block is in the Tab order');
      assert.equal(box.role, 'region');
      assert.ok(box.name, 'the scrollable block has an accessible name');
      // From the chat input, Shift+Tab walks back to the block, and the arrow keys scroll it.
      await chat(ctx).locator('#input').focus();
      await pressUntil(ctx, 'Shift+Tab', /^pre\b/);
      for (let i = 0; i < 60; i++) {
        const at = await pre.evaluate((el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1);
        if (at) break;
        await ctx.page.keyboard.press('ArrowRight');
      }
      const end = await pre.evaluate((el) => {
        const code = el.querySelector('code')!;
        const range = document.createRange();
        range.selectNodeContents(code);
        return { scrollLeft: el.scrollLeft, visibleRight: el.getBoundingClientRect().right, codeRight: range.getBoundingClientRect().right };
      });
      assert.ok(end.scrollLeft > 0, 'the arrow keys scrolled the block');
      assert.ok(end.codeRight <= end.visibleRight + 1, `the end of the line is in view (${end.codeRight} ≤ ${end.visibleRight})`);
      assert.match(await pre.innerText(), /LINE-END/, 'the whole line is in the block');
    },
  },
  {
    name: 'the buttons work from the keyboard: Enter on Insert, Space on New chat',
    async run(ctx) {
      ctx.writeWorkspaceFile('scratch/keys.ts', '// inserted below\n');
      await ctx.openFile('scratch/keys.ts');
      await ctx.page.keyboard.press('Control+End');
      await ctx.runCommand('Kestrel: Open Chat');
      await chat(ctx).locator('#input:focus').waitFor({ timeout: 10_000 });
      await pressUntil(ctx, 'Shift+Tab', /\.code-action-insert\b/);
      await ctx.page.keyboard.press('Enter');
      await ctx.page.locator('.tab.active', { hasText: 'keys.ts' }).waitFor({ timeout: 10_000 });
      await ctx.page.waitForTimeout(300);
      await ctx.page.keyboard.press('Control+S');
      for (let i = 0; i < 30 && !ctx.readWorkspaceFile('scratch/keys.ts').includes('subtotalOf'); i++) await ctx.page.waitForTimeout(100);
      assert.match(ctx.readWorkspaceFile('scratch/keys.ts'), /^\/\/ inserted below\nexport const subtotalOf = /, 'Enter on Insert put the code into the file');
    },
  },
  ...THEMES.map(
    (theme): Check => ({
      name: `axe-core finds no serious or critical violation in ${theme.name}`,
      async run(ctx) {
        await useTheme(ctx, theme);
        await chat(ctx).locator('.turn-assistant .code-block').first().waitFor();
        const violations = await audit(ctx);
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        console.log(`    axe in ${theme.name}: ${violations.length} rules broken (${serious.length} serious or critical, on ${serious.reduce((n, v) => n + v.nodes.length, 0)} elements)${violations.length ? `\n${describeViolations(violations).replace(/^/gm, '      ')}` : ''}`);
        // The picture shows the code block from the start of its lines.
        await chat(ctx).locator('.turn-assistant .code-block pre').last().evaluate((pre) => (pre.scrollLeft = 0));
        await ctx.screenshot(theme.shot);
        assert.equal(serious.length, 0, `serious or critical violations in ${theme.name}:\n${describeViolations(serious)}`);
      },
    }),
  ),
  {
    name: 'Space on New chat, reached with Tab, starts a new conversation',
    async run(ctx) {
      await chat(ctx).locator('#input').focus();
      await pressUntil(ctx, 'Shift+Tab', /#new-chat\b/, 60);
      await ctx.page.keyboard.press('Space');
      await chat(ctx).locator('#log .empty').waitFor({ timeout: 10_000 });
      assert.equal(await chat(ctx).locator('.turn').count(), 0);
    },
  },
];

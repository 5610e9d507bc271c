// Generate Commit Message as a person uses it: the workspace is a Git repository with a change to
// src/cart.ts and to .env staged; the sparkle button in the Source Control view writes the message
// into the commit input box, and the fake provider saw the cart hunk and the recent subjects but
// nothing of .env.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check } from './run';

const MESSAGE = 'fix(cart): round the subtotal to cents';
const SECRET = 'e2e-secret-never-sent-9b1d';
const SUBJECTS = ['feat(cart): add the subtotal', 'docs: describe the sample workspace'];

const userText = (r: LoggedRequest) => (r.body.messages as { content: string }[]).map((m) => m.content).join('\n');

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 300, tokensPerSecond: 40 },
  respond: (): FakeReply => ({ text: `\`\`\`\n${MESSAGE}\n\nTotals were summed in floating point and shown with stray digits.\n\`\`\`` }),
};

export const checks: Check[] = [
  {
    name: 'the sparkle button in the Source Control view writes a message from the staged changes, without the excluded .env',
    async run(ctx) {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: ctx.run.workspace, encoding: 'utf8' });
      git('init', '-q', '-b', 'main');
      git('config', 'user.email', 'e2e@example.org');
      git('config', 'user.name', 'E2E');
      git('config', 'commit.gpgsign', 'false');
      git('add', '-A');
      git('commit', '-q', '-m', SUBJECTS[1]);
      ctx.writeWorkspaceFile('README.md', `${ctx.readWorkspaceFile('README.md')}\nThe cart.\n`);
      git('commit', '-q', '-am', SUBJECTS[0]);
      const cart = ctx.readWorkspaceFile('src/cart.ts');
      ctx.writeWorkspaceFile('src/cart.ts', `${cart}\nexport const roundToCents = (value: number) => Math.round(value * 100) / 100;\n`);
      ctx.writeWorkspaceFile('.env', `OPENROUTER_API_KEY=${SECRET}\n`);
      git('add', 'src/cart.ts', '.env');
      // The git extension scans the folder when the window opens.
      await ctx.reload();
      await ctx.page.keyboard.press('Control+Shift+G');
      const view = ctx.page.locator('.part.sidebar');
      const button = view.locator('.action-label.codicon-sparkle').first();
      // A view's title buttons show while the pointer is over it (or it has the focus), as for a person.
      const header = view.locator('.pane-header', { hasText: 'Changes' }).first();
      await header.waitFor({ timeout: 30_000 });
      await header.hover();
      await button.waitFor({ timeout: 30_000 });
      assert.match((await button.getAttribute('aria-label')) ?? '', /Generate Commit Message/);
      const before = ctx.server.requests.length;
      await button.click();
      await ctx.page.waitForFunction((expected) => document.querySelector('.part.sidebar .scm-editor .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes(expected), MESSAGE, { timeout: 30_000 });
      // Let the body finish streaming, then show it.
      await ctx.page.waitForFunction(() => document.querySelector('.part.sidebar .scm-editor .view-lines')?.textContent?.replace(/\u00a0/g, ' ').includes('stray digits'), undefined, { timeout: 30_000 });
      // The button's tooltip would cover the message.
      await ctx.page.mouse.move(900, 600);
      await ctx.page.waitForTimeout(800);
      await ctx.screenshot('commit-message', { bare: true });
      assert.equal(ctx.server.requests.length, before + 1);
      const sent = JSON.stringify(ctx.server.requests.at(-1)!.body);
      const text = userText(ctx.server.requests.at(-1)!);
      assert.ok(text.includes('+export const roundToCents'), 'the staged cart.ts hunk was sent');
      for (const subject of SUBJECTS) assert.ok(text.includes(`- ${subject}`), `the subject "${subject}" was sent as an example`);
      assert.ok(!sent.includes(SECRET) && !sent.includes('this-file-is-excluded'), 'nothing of .env was sent');
    },
  },
];

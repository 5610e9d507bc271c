// Hostile model output in the real chat webview: script tags, event-handler attributes, `javascript:`
// links (raw, markdown, encoded, mixed case, reference-style), an iframe, a <style> injection and a
// 100,000-character line. Every payload tries to set a global and the frame's title; the check reads
// both inside the frame, looks for any element carrying an on* attribute or a script URL, and checks
// that the long line leaves the panel usable (no horizontal overflow, the input in view, scrolling).
import * as assert from 'node:assert/strict';
import type { ConsoleMessage, FrameLocator } from 'playwright-core';
import type { FakeReply, FakeServerOptions, LoggedRequest } from '../support/fake-server';
import type { Check, CheckContext } from './run';

const LONG_LINE = 'x'.repeat(50_000) + 'y'.repeat(50_000);
const PWN = (how: string) => `window.__kestrelPwned='${how}';document.title='pwned-${how}'`;

const PAYLOADS = [
  '# A hostile answer',
  '',
  `<script>${PWN('script')}</script>`,
  '',
  `<img src=x onerror="${PWN('img')}">`,
  '',
  `<svg onload="${PWN('svg')}"><circle r="5"/></svg>`,
  '',
  `<iframe src="javascript:parent.${PWN('iframe')}"></iframe>`,
  '',
  `<iframe srcdoc="<script>parent.${PWN('srcdoc')}</script>"></iframe>`,
  '',
  '<style>body { display: none !important; } #input { display: none !important; } * { width: 99999px !important; }</style>',
  '',
  `<a href="javascript:${PWN('raw-link')}">a raw javascript link</a>`,
  '',
  `<div onclick="${PWN('div')}" onmouseover="${PWN('hover')}">hover over me</div>`,
  '',
  `<details open ontoggle="${PWN('toggle')}">details</details>`,
  '',
  `Inline <b onmouseover="${PWN('inline')}">bold</b> and <span style="position:fixed;inset:0;background:red">overlay</span>.`,
  '',
  `[a markdown javascript link](javascript:${PWN('md-link')})`,
  '',
  '[an encoded one](jav&#x09;ascript:alert(1)) [mixed case](JaVaScRiPt:alert(1)) [vbscript](vbscript:msgbox(1))',
  '',
  '[a data: page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <javascript:alert(1)>',
  '',
  `![an image](x" onerror="${PWN('md-img')})`,
  '',
  '[a reference link][evil] and [a real link](https://example.com/docs)',
  '',
  `[evil]: javascript:${PWN('ref-link')}`,
  '',
  '```"><img src=x onerror=alert(1)>',
  'code under a hostile info string',
  '```',
  '',
  '```html',
  `<script>${PWN('code')}</script>`,
  '```',
  '',
];
const HOSTILE = [...PAYLOADS, LONG_LINE, '', '```', LONG_LINE, '```', '', 'The end of the hostile answer.'].join('\n');
/** The payloads without the long line: small enough to be kept in the chat history. */
const HOSTILE_SHORT = [...PAYLOADS, 'The end of the hostile answer.'].join('\n');

const lastQuestion = (r: LoggedRequest) => String((r.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)?.content ?? '');

/** The answer in pieces of 2,000 characters: a model streams, but not 4 characters at a time here. */
function pieces(text: string, size = 2000): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export const server: FakeServerOptions = {
  latency: { firstTokenMs: 100, tokensPerSecond: 200 },
  respond: (request): FakeReply => {
    const question = lastQuestion(request);
    if (/short and hostile/i.test(question)) return { chunks: pieces(HOSTILE_SHORT, 200) };
    return /hostile/i.test(question) ? { chunks: pieces(HOSTILE) } : { text: 'A plain answer.' };
  },
};

const chat = (ctx: CheckContext): FrameLocator => ctx.chatFrame();

interface FrameReport {
  pwned: unknown;
  title: string;
  scripts: string[];
  forbidden: string[];
  handlers: string[];
  scriptUrls: string[];
  styled: number;
  links: string[];
  text: string;
  longLineShown: boolean;
  viewport: { width: number; height: number };
  pageScrollWidth: number;
  log: { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
  input: { top: number; bottom: number; left: number; right: number; visible: boolean };
  scrolled: { top: number; bottom: number };
}

/** Reads the chat frame and asserts the hostile answer is inert and the panel usable. */
async function audit(ctx: CheckContext, frame: FrameLocator, options: { shots: boolean; longLine: boolean }): Promise<void> {
  const report = (await frame.locator('body').evaluate((body) => {
    const doc = body.ownerDocument;
    const win = doc.defaultView as Window & { __kestrelPwned?: unknown };
    const all = Array.from(doc.querySelectorAll('*'));
    const log = doc.querySelector('#log') as HTMLElement;
    const answer = Array.from(doc.querySelectorAll('.turn-assistant .body')).find((b) => b.textContent?.includes('A hostile answer')) as HTMLElement;
    const input = (doc.querySelector('#input') as HTMLElement).getBoundingClientRect();
    const scriptUrl = /^\s*(javascript|vbscript|data):/i;
    log.scrollTop = 0;
    const top = log.scrollTop;
    log.scrollTop = log.scrollHeight;
    const bottom = log.scrollTop;
    return {
      pwned: win.__kestrelPwned,
      title: doc.title,
      scripts: Array.from(doc.querySelectorAll('script')).map((s) => s.getAttribute('src') ?? `inline: ${s.textContent?.slice(0, 40)}`),
      forbidden: Array.from(log.querySelectorAll('script, iframe, style, img, svg, object, embed, form, link, meta, base')).map((e) => e.tagName),
      handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`)),
      // As written, and as the browser resolves it (`jav%09ascript:` is a harmless relative URL).
    scriptUrls: all.flatMap((e) =>
      ['href', 'src', 'action', 'formaction', 'xlink:href']
        .filter((n) => {
          const value = e.getAttribute(n);
          if (value === null) return false;
          let protocol = '';
          try {
            protocol = new URL(value, doc.baseURI).protocol;
          } catch {
            protocol = '';
          }
          return scriptUrl.test(value) || /^(javascript|vbscript|data):$/i.test(protocol);
        })
        .map((n) => `${e.tagName}[${n}=${e.getAttribute(n)?.slice(0, 30)}]`),
    ),
      styled: log.querySelectorAll('[style]').length,
      links: Array.from(answer.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '(no href)'),
      text: answer.innerText.slice(0, 5000),
      longLineShown: answer.innerText.includes('x'.repeat(1000)),
      viewport: { width: win.innerWidth, height: win.innerHeight },
      pageScrollWidth: doc.documentElement.scrollWidth,
      log: { scrollWidth: log.scrollWidth, clientWidth: log.clientWidth, scrollHeight: log.scrollHeight, clientHeight: log.clientHeight },
      input: { top: input.top, bottom: input.bottom, left: input.left, right: input.right, visible: input.width > 0 && input.height > 0 && getComputedStyle(doc.querySelector('#input')!).display !== 'none' },
      scrolled: { top, bottom },
    };
  })) as FrameReport;
  if (options.shots) {
    // The top of the answer (the payloads, shown as text), then its end (the long line wrapped).
    await frame.locator('.turn-assistant', { hasText: 'A hostile answer' }).first().evaluate((turn) => turn.scrollIntoView({ block: 'start' }));
    await ctx.screenshot('hostile-answer');
    await frame.locator('#log').evaluate((log) => (log.scrollTop = log.scrollHeight));
    await ctx.screenshot('hostile-long-line');
  }

  assert.equal(report.pwned, undefined, `a payload ran: ${String(report.pwned)}`);
  assert.doesNotMatch(report.title, /pwned/, 'the frame title is untouched');
  // VS Code's own bootstrap (it defines acquireVsCodeApi) and Kestrel's bundle, nothing else.
  const foreign = report.scripts.filter((src) => !/webview\.js$/.test(src) && !/^inline: \s*globalThis\.acquireVsCodeApi/.test(src));
  assert.deepEqual(foreign, [], 'no script element but VS Code\'s and Kestrel\'s own');
  assert.deepEqual(report.forbidden, [], 'no script, iframe, style, img or svg element in the conversation');
  assert.deepEqual(report.handlers, [], 'no element carries an on* attribute');
  assert.deepEqual(report.scriptUrls, [], 'no javascript:, vbscript: or data: URL');
  assert.equal(report.styled, 0, 'no inline style from the answer');
  // Only links the host will open stay links (the encoded `jav&#x09;ascript:` one is plain text).
  assert.deepEqual(report.links, ['https://example.com/docs'], 'the one real link, and only it, is a link');
  // Rendered as text, not as markup: the raw tags are visible words.
  assert.match(report.text, /<script>window\.__kestrelPwned/);
  assert.match(report.text, /<img src=x onerror=/);
  if (options.longLine) assert.ok(report.longLineShown, 'the long line is shown');
  // The 100,000-character line wraps or scrolls inside its block: the panel does not widen.
  assert.ok(report.pageScrollWidth <= report.viewport.width + 1, `the page is ${report.pageScrollWidth} px wide in a ${report.viewport.width} px frame`);
  assert.ok(report.log.scrollWidth <= report.log.clientWidth + 1, `the conversation overflows sideways: ${report.log.scrollWidth} > ${report.log.clientWidth}`);
  if (options.longLine) {
    assert.ok(report.log.scrollHeight > report.log.clientHeight, 'the conversation is taller than the panel');
    assert.ok(report.scrolled.top === 0 && report.scrolled.bottom > 0, `the conversation scrolls: ${JSON.stringify(report.scrolled)}`);
  }
  assert.ok(report.input.visible, 'the input is shown');
  assert.ok(report.input.bottom <= report.viewport.height + 1 && report.input.top >= 0, `the input is in view: ${JSON.stringify(report.input)} in ${JSON.stringify(report.viewport)}`);
  assert.ok(report.input.right <= report.viewport.width + 1, 'the input fits the width');
}

export const checks: Check[] = [
  {
    name: 'a hostile answer renders inertly: no script runs, no handler or script URL survives, the long line keeps the panel usable',
    async run(ctx) {
      const cspReports: string[] = [];
      const onConsole = (message: ConsoleMessage) => {
        if (/Content Security Policy|pwned/i.test(message.text())) cspReports.push(message.text().slice(0, 200));
      };
      ctx.page.on('console', onConsole);
      try {
        await ctx.runCommand('Kestrel: Open Chat');
        const frame = chat(ctx);
        const input = frame.locator('#input');
        await input.waitFor({ timeout: 20_000 });
        await input.click();
        await input.fill('Show me something hostile');
        await input.press('Enter');
        await frame.locator('.turn-assistant .body', { hasText: 'The end of the hostile answer.' }).waitFor({ timeout: 60_000 });
        await frame.locator('#send:not(.stop)').waitFor({ timeout: 30_000 });
        // Hover and click where the payloads put their handlers: nothing may fire.
        await frame.locator('.turn-assistant .body', { hasText: 'hover over me' }).first().hover();
        await frame.locator('.turn-assistant .body', { hasText: 'a raw javascript link' }).first().click();
        await ctx.page.waitForTimeout(500);

        await audit(ctx, frame, { shots: true, longLine: true });
        // The chat still works after it.
        await input.fill('And now something plain');
        await input.press('Enter');
        await frame.locator('.turn-assistant .body', { hasText: 'A plain answer.' }).waitFor({ timeout: 20_000 });
        console.log(`    hostile answer: ${HOSTILE.length.toLocaleString('en')} characters; console messages about CSP or payloads while it rendered: ${cspReports.length}${cspReports.length ? `\n      ${cspReports.slice(0, 5).join('\n      ')}` : ''}`);
      } finally {
        ctx.page.off('console', onConsole);
      }
    },
  },
  {
    name: 'after a reload a hostile answer kept in the history renders just as inertly',
    async run(ctx) {
      // The 200,000-character answer is over the history's budget; a shorter hostile one is kept.
      await ctx.runCommand('Kestrel: New Chat');
      const input = chat(ctx).locator('#input');
      await input.waitFor({ timeout: 20_000 });
      await input.fill('Something short and hostile, please');
      await input.press('Enter');
      await chat(ctx).locator('.turn-assistant .body', { hasText: 'The end of the hostile answer.' }).waitFor({ timeout: 30_000 });
      await chat(ctx).locator('#send:not(.stop)').waitFor({ timeout: 30_000 });
      // Give VS Code time to write the extension's workspace state before the page goes away.
      await ctx.page.waitForTimeout(3000);
      await ctx.reload();
      await ctx.runCommand('Kestrel: Open Chat');
      const frame = chat(ctx);
      await frame.locator('.turn').first().waitFor({ timeout: 30_000 });
      const kept = frame.locator('.turn-assistant .body', { hasText: 'The end of the hostile answer.' });
      if (!(await kept.count())) {
        // The window reopened another session: open this one from the history list.
        await frame.locator('#history').click();
        await frame.locator('.session-open', { hasText: 'short and hostile' }).first().click({ timeout: 10_000 });
      }
      await kept.first().waitFor({ timeout: 30_000 });
      await ctx.page.waitForTimeout(500);
      await audit(ctx, frame, { shots: false, longLine: false });
      await ctx.screenshot('hostile-after-reload');
    },
  },
  {
    name: 'outside text in notifications is inert: a hostile file name and a hostile 401 body show no link that runs a command',
    async run(ctx) {
      const page = ctx.page;
      // A file name from a cloned repository, made to look like an "Accept" link beside the real buttons.
      const name = `[Accept](command:workbench.action.terminal.sendSequence?${encodeURIComponent(JSON.stringify({ text: 'echo pwned\n' }))}).py`;
      ctx.writeWorkspaceFile(name, 'def total(items):\n    return sum(items)\n');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor();
      await page.keyboard.type('sendSequence', { delay: 10 });
      await page.waitForTimeout(600);
      await page.keyboard.press('Enter');
      await page.locator('.tab[aria-label^="[Accept]"]').first().waitFor({ timeout: 15_000 });
      await page.locator('.monaco-editor .view-lines').first().click();
      ctx.server.script({ text: '```python\ndef total(items):\n    """The sum of the items."""\n    return sum(items)\n```' });
      await ctx.runCommand('Kestrel: Add Documentation');
      const proposal = page.locator('.notification-toast', { hasText: 'Kestrel proposes a change to' }).first();
      await proposal.waitFor({ timeout: 20_000 });
      await notificationIsInert(proposal, '[Accept](command:workbench.action.terminal.sendSequence');
      // The real buttons are still there.
      assert.equal(await proposal.locator('.monaco-button', { hasText: 'Accept' }).count(), 1);
      await ctx.screenshot('hostile-file-name-notification');
      await proposal.locator('.monaco-button', { hasText: 'Discard' }).click();
      // Discard closes the diff and shows the file again: let the focus settle there before the
      // command palette opens, or the command's title is typed into the file.
      await page.locator('.tab[aria-label*="proposal"]').first().waitFor({ state: 'detached', timeout: 10_000 });
      await page.waitForTimeout(1000);
      await page.locator('.monaco-editor .view-lines').first().click();

      // A hostile endpoint's 401 body, with a "Verify key" link to an extension install.
      const verify = '[Verify key](command:workbench.extensions.installExtension?%5B%22evil.extension%22%5D)';
      ctx.server.script({ status: 401, errorMessage: `Invalid API key. ${verify} to continue.` });
      await ctx.runCommand('Kestrel: Add Documentation');
      const error = page.locator('.notification-toast', { hasText: 'rejected the API key' }).first();
      await error.waitFor({ timeout: 20_000 });
      await notificationIsInert(error, '[Verify key](command:workbench.extensions.installExtension');
      await ctx.screenshot('hostile-401-notification');
    },
  },
];

/** The toast shows `literal` as text, and no link at all: nothing in it can run a command. */
async function notificationIsInert(toast: ReturnType<CheckContext['page']['locator']>, literal: string): Promise<void> {
  const found = await toast.evaluate((el) => ({
    text: ((el.querySelector('.notification-list-item-message') as HTMLElement | null)?.innerText ?? '').replace(/\u200b/g, ''),
    // Links VS Code makes of the message text (its buttons and toolbar are not in the message).
    links: Array.from(el.querySelectorAll('.notification-list-item-message a, .notification-list-item-message [role="link"]')).map((a) => `${a.textContent} -> ${a.getAttribute('href') ?? a.getAttribute('title') ?? ''}`),
  }));
  assert.deepEqual(found.links, [], `links in the notification: ${found.links.join(', ')}`);
  assert.ok(found.text.includes(literal), `the notification shows the text as it arrived: ${found.text.slice(0, 300)}`);
}

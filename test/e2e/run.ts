// Browser checks: what a person sees in a real VS Code (code-server + headless Chromium), with the
// packaged .vsix installed and the fake server as the provider. Conventions:
// - a check file is `test/e2e/**/<name>.check.ts`, picked up automatically; it exports
//   `checks: Check[]` (each `{ name, run(ctx) }`, run in order on one workbench), and optionally
//   `server: FakeServerOptions` (the fake provider for this file, started in the runner's process),
//   `settings` (extra user settings), `colorScheme: 'dark'` (Default Dark Modern instead of Light),
//   `fresh: true` (a first start as a new user has it: no Kestrel settings, no key anywhere),
//   `workspaceTrust: true` (VS Code asks whether to trust the folder, so Restricted Mode can be chosen),
//   `env` (extra environment for this file's VS Code), `noFolder: true` (an empty window, no workspace);
// - each file gets a fresh VS Code (user data, extensions, browser profile, workspace copy of
//   sample-workspace) with `kestrel.provider: custom`, `kestrel.baseUrl` = the fake server and the
//   key in KESTREL_API_KEY; the runner waits for Kestrel's status bar item before the first check;
// - `ctx.screenshot(name)` saves test-results/screenshots/<file>-<name>.png; a failed check saves
//   `<file>-FAILED-<check>.png`; `ctx.server.requests` is the fake server's request log;
//   `ctx.chatFrame()` is the chat webview's inner frame; `ctx.setTheme('dark')` switches live.
// `node out/test/e2e/run.js [filter]` runs the check files whose name contains `filter`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../support/fake-server';
import { buildPackages, type Packages } from '../support/packages';
import { REPO, ensureInstalled, installVsix, launchBrowser, makeRunFolder, startCodeServer, type RunFolder } from '../support/real-vscode';

export interface CheckContext {
  page: Page;
  server: FakeServer;
  run: RunFolder;
  /** Saves a screenshot named `<file>-<name>.png` (`<name>.png` with `bare`) and returns its path. */
  screenshot(name: string, options?: { bare?: boolean }): Promise<string>;
  openFile(relativePath: string): Promise<void>;
  runCommand(title: string): Promise<void>;
  /** The ghost text's visible text once it appears (throws after `timeoutMs`). */
  waitForGhost(timeoutMs?: number): Promise<string>;
  ghostText(): Promise<string>;
  readWorkspaceFile(relativePath: string): string;
  writeWorkspaceFile(relativePath: string, text: string): void;
  /** Types like a person: `delayMs` between keys (default 70 ms). */
  type(text: string, delayMs?: number): Promise<void>;
  /** Presses a key or chord, e.g. `Tab`, `Control+S`. */
  press(key: string): Promise<void>;
  /** The chat view's content: the webview's outer iframe, then its active inner frame. */
  chatFrame(): FrameLocator;
  /** Switches the colour theme through the theme picker and waits for the workbench to repaint. */
  setTheme(theme: 'light' | 'dark'): Promise<void>;
  /** Reloads the workbench (a fresh page on the same VS Code) and waits for Kestrel again. */
  reload(): Promise<void>;
}

export interface Check {
  name: string;
  run(ctx: CheckContext): Promise<void>;
}

const SCREENSHOTS = join(REPO, 'test-results', 'screenshots');
const KEY = 'sk-e2e-key-not-a-real-one-31d9';
/** One check file may take this long (start, checks, shut down) before it is failed and stopped. */
const FILE_TIMEOUT_MS = 10 * 60_000;
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };
/** How the theme picker labels them. */
const THEME_LABELS = { light: 'Light Modern', dark: 'Dark Modern' };
const statusItem = (page: Page) => page.locator('.statusbar-item', { hasText: 'Kestrel' }).first();

/** The packages the checks install: what ships, and (made on first use) the same build with its test hooks kept. */
export async function runCheckFile(file: string, packages: Packages): Promise<{ passed: number; failed: number }> {
  const module = (await import(file)) as { checks: Check[]; server?: FakeServerOptions; settings?: Record<string, unknown>; colorScheme?: 'light' | 'dark'; fresh?: boolean; workspaceTrust?: boolean; env?: Record<string, string>; noFolder?: boolean; testHooks?: boolean };
  const vsix = module.testHooks ? packages.withTestHooks() : packages.shipped;
  const base = file.replace(/^.*\//, '').replace(/\.check\.js$/, '');
  const install = ensureInstalled();
  const server = await startFakeServer({ flavour: 'openai', ...module.server });
  const provider = module.fresh ? {} : { 'kestrel.provider': 'custom', 'kestrel.baseUrl': server.url, 'kestrel.model': 'fake-model' };
  const run = makeRunFolder(`e2e-${base}`, {
    ...provider,
    'workbench.colorTheme': THEMES[module.colorScheme ?? 'light'],
    ...(module.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' } : {}),
    'editor.fontSize': 15,
    ...module.settings,
  });
  installVsix(install, run, vsix);
  // The key reaches the extension through the environment fallback (KESTREL_API_KEY for custom),
  // so checks start with a working provider; the Set API Key check stores its own.
  const code = await startCodeServer(install, run, { env: { ...(module.fresh ? {} : { KESTREL_API_KEY: KEY }), ...module.env }, workspaceTrust: module.workspaceTrust });
  const context = await launchBrowser(install, run, module.colorScheme);
  let passed = 0;
  let failed = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const opened = Date.now();
    await page.goto(module.noFolder ? `${code.url}/?ew=true` : `${code.url}/?folder=${encodeURIComponent(run.workspace)}`);
    await statusItem(page).waitFor({ timeout: 90_000 });
    console.log(`  · ${base}: workbench open and Kestrel in the status bar ${Date.now() - opened} ms after the page load began`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const ctx = helpers(page, server, run, base);
    for (const check of module.checks) {
      const started = Date.now();
      try {
        await check.run(ctx);
        passed++;
        console.log(`  ✔ ${base}: ${check.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed++;
        const shot = await ctx.screenshot(`FAILED-${check.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => '');
        console.log(`  ✘ ${base}: ${check.name}\n      ${String((error as Error)?.stack ?? error).split('\n').join('\n      ')}${shot ? `\n      screenshot: ${shot}` : ''}`);
      }
    }
  } finally {
    await context.close().catch(() => undefined);
    await code.stop();
    await server.close();
  }
  return { passed, failed };
}

function helpers(page: Page, server: FakeServer, run: RunFolder, base: string): CheckContext {
  const ghost = page.locator('.monaco-editor [class*="ghost-text"]');
  return {
    page,
    server,
    run,
    async screenshot(name, options) {
      const path = join(SCREENSHOTS, options?.bare ? `${name}.png` : `${base}-${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async openFile(relativePath) {
      const tab = page.locator(`.tab[aria-label^="${relativePath.replace(/^.*\//, '')}"]`).first();
      // Quick Open finds a file the check has just written only once VS Code's file search has
      // seen it: "No matching results" then means ask again, not that the file is missing.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').waitFor();
        await page.keyboard.type(relativePath, { delay: 10 });
        const match = page.locator('.quick-input-widget .monaco-list-row', { hasText: relativePath.replace(/^.*\//, '') }).first();
        const found = await match.waitFor({ timeout: 5_000 }).then(() => true, () => false);
        if (found) {
          await page.waitForTimeout(200);
          await page.keyboard.press('Enter');
          if (await tab.waitFor({ timeout: 15_000 }).then(() => true, () => false)) break;
        } else {
          await page.keyboard.press('Escape');
        }
        if (attempt === 4) throw new Error(`Quick Open did not open ${relativePath}`);
        await page.waitForTimeout(1_000 * attempt);
      }
      await page.locator('.monaco-editor .view-lines').first().click();
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor();
      await page.keyboard.type(title, { delay: 10 });
      await page.waitForTimeout(400);
      await page.keyboard.press('Enter');
    },
    async waitForGhost(timeoutMs = 10_000) {
      await ghost.first().waitFor({ timeout: timeoutMs });
      return this.ghostText();
    },
    async ghostText() {
      // The editor draws spaces as no-break spaces.
      return (await ghost.allTextContents()).join('').replace(/\u00a0/g, ' ');
    },
    async type(text, delayMs = 70) {
      await page.keyboard.type(text, { delay: delayMs });
    },
    async press(key) {
      await page.keyboard.press(key);
    },
    chatFrame: () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame'),
    async setTheme(theme) {
      // Through the theme picker (Ctrl+K Ctrl+T), as a person would; Enter only once the wanted theme
      // is the focused row (before the filter applies, Enter would pick another entry).
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await page.locator('.quick-input-widget .quick-input-list').waitFor();
      await page.keyboard.type(THEME_LABELS[theme], { delay: 10 });
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: THEME_LABELS[theme] }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.locator(`.monaco-workbench.${theme === 'dark' ? 'vs-dark' : 'vs'}`).waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
    },
    async reload() {
      await page.reload();
      await statusItem(page).waitFor({ timeout: 90_000 });
    },
    readWorkspaceFile: (relativePath) => readFileSync(join(run.workspace, relativePath), 'utf8'),
    writeWorkspaceFile: (relativePath, text) => {
      const path = join(run.workspace, relativePath);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    },
  };
}

/** Check files under `dir`, as paths relative to it. */
function checkFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return checkFiles(dir, relative);
    return entry.name.endsWith('.check.js') ? [relative] : [];
  });
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const packages = buildPackages();
  const files = checkFiles(__dirname)
    .filter((f) => !filter || f.includes(filter))
    .sort();
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not finish within ${FILE_TIMEOUT_MS / 60_000} minutes`)), FILE_TIMEOUT_MS).unref());
    const result = await Promise.race([runCheckFile(join(__dirname, f), packages), timeout]).catch((error) => {
      console.log(`  ✘ ${f}: could not run: ${error?.stack ?? error}`);
      return { passed: 0, failed: 1 };
    });
    passed += result.passed;
    failed += result.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) void main();

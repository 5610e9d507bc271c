// A real VS Code for tests: code-server (VS Code for the browser, from npm) driven by headless
// Chromium through playwright-core, as docs/architecture.md describes. Used by the extension-host
// suites (run-vscode-tests.ts), the browser checks (test/e2e/run.ts), the benches and
// `npm run sandbox`. In parts: install.ts (code-server, Node 24, Chromium), run-folder.ts (one run's
// folders and settings), start.ts (code-server and the browser), probes.ts (what a run leaves to look at).
export { freePort } from './network-faults';
export { cacheDir, ensureInstalled, REPO, type Installation } from './install';
export { BASE_SETTINGS, makeRunFolder, type RunFolder } from './run-folder';
export { installVsix, killTree, launchBrowser, startCodeServer, type CodeServer } from './start';
export { activationMs, filesContaining, filesUnder, sampleMemory } from './probes';

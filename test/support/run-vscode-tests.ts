// Runs the mocha suites of out/test/vscode inside a real VS Code extension host: code-server with
// its smoke-test driver, opened by headless Chromium with an extension-development payload
// (docs/architecture.md, how tests run in a real VS Code). Afterwards every file that VS Code wrote
// is searched for the run's API key: a hit fails the run.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, REPO } from './install';
import { activationMs, filesContaining, sampleMemory } from './probes';
import { makeRunFolder } from './run-folder';
import { killTree, launchBrowser, startCodeServer } from './start';

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

const TIMEOUT_MS = 15 * 60_000;

export async function runVscodeTests(): Promise<{ passed: number; failed: number }> {
  const install = ensureInstalled();
  const run = makeRunFolder('vscode');
  const key = `sk-kestrel-test-${randomBytes(12).toString('hex')}`;
  const resultsFile = join(run.root, 'results.json');
  const started = Date.now();
  const memory = sampleMemory();
  const server = await startCodeServer(install, run, { smokeTestDriver: true, env: { KESTREL_TEST_KEY: key, KESTREL_TEST_RESULTS: resultsFile } });
  let context: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let exitCode: number | undefined;
  try {
    context = await launchBrowser(install, run);
    const page = context.pages()[0] ?? (await context.newPage());
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO)],
      ['extensionTestsPath', remote(join(REPO, 'out', 'test', 'vscode', 'index.js'))],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), TIMEOUT_MS).unref());
    exitCode = await Promise.race([exited, timeout]);
    if (exitCode === -1) console.error(`The extension-host suites did not finish within ${TIMEOUT_MS / 60000} minutes.`);
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
    await killTree(server.process);
  }

  let { passed, failed } = printResults(resultsFile);
  if (passed + failed === 0 || (exitCode !== 0 && failed === 0)) {
    console.log(`  ✘ the extension-host run ended with code ${exitCode} and ${passed + failed} results. code-server said:\n${server.output().slice(-3000)}`);
    failed++;
  }

  const leaks = filesContaining(run.root, key);
  if (leaks.length) {
    failed++;
    console.log(`  ✘ the API key was found in files VS Code wrote:\n${leaks.map((f) => `      ${f}`).join('\n')}`);
  } else {
    passed++;
    console.log('  ✔ the API key appears in no file VS Code wrote during the run (settings, logs, storage, browser profile)');
  }
  const activation = activationMs(run);
  console.log(`  Extension-host run: ${((Date.now() - started) / 1000).toFixed(1)} s; Kestrel activated in ${activation ?? '?'} ms; peak memory (PSS) of code-server + Chromium + runner ${memory.stop()} MB.`);
  return { passed, failed };
}

/** Prints one line per test from the JSON file test/vscode/index.ts writes, and counts them. */
export function printResults(resultsFile: string): { passed: number; failed: number } {
  const records: TestRecord[] = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
  for (const r of records) {
    const mark = r.state === 'passed' ? '✔' : r.state === 'failed' ? '✘' : '-';
    console.log(`  ${mark} ${r.title}${r.durationMs !== undefined ? ` (${r.durationMs} ms)` : ''}`);
    if (r.error) console.log(r.error.split('\n').map((l) => `      ${l}`).join('\n'));
  }
  return { passed: records.filter((r) => r.state === 'passed').length, failed: records.filter((r) => r.state === 'failed').length };
}

if (require.main === module) {
  void runVscodeTests().then(
    ({ passed, failed }) => {
      console.log(`${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

// The same extension-host suites (out/test/vscode) in desktop VS Code through @vscode/test-electron,
// for machines that can download VS Code. (Where VS Code cannot be downloaded, `npm test` runs them in
// code-server instead: see run-vscode-tests.ts.) `KESTREL_VSCODE_VERSION` picks the VS Code version
// (default: stable).
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { printResults } from './run-vscode-tests';

async function main(): Promise<void> {
  const repo = resolve(__dirname, '..', '..', '..');
  const scratch = mkdtempSync(join(tmpdir(), 'kestrel-electron-'));
  const workspace = join(scratch, 'workspace');
  cpSync(join(repo, 'sample-workspace'), workspace, { recursive: true });
  const resultsFile = join(scratch, 'results.json');
  let error: unknown;
  try {
    await runTests({
      version: process.env.KESTREL_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, 'out', 'test', 'vscode', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', join(scratch, 'user-data')],
      extensionTestsEnv: {
        KESTREL_TEST_KEY: `sk-kestrel-test-${randomBytes(12).toString('hex')}`,
        KESTREL_TEST_RESULTS: resultsFile,
        // The suites decide which keys exist: the runner's own provider keys are blanked (empty counts as unset).
        OPENROUTER_API_KEY: '',
        AIMLAPI_API_KEY: '',
        ANTHROPIC_API_KEY: '',
        KESTREL_API_KEY: '',
      },
    });
  } catch (e) {
    error = e;
  }
  const { passed, failed: counted } = printResults(resultsFile);
  let failed = counted;
  if (error && failed === 0) {
    console.error(`The extension-host suites failed under desktop VS Code: ${error instanceof Error ? error.message : String(error)}`);
    failed = 1;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();

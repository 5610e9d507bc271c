// Runs inside a real VS Code extension host (code-server through run-vscode-tests.ts, or desktop VS
// Code through run-electron.ts). Conventions for suites:
// - one file per feature, `test/vscode/<feature>.test.ts`, mocha BDD (`describe`/`it`), picked up
//   automatically;
// - drive the *installed* extension through commands and the test API that activate() returns in
//   test mode (`(await vscode.extensions.getExtension('kestrel-labs.kestrel')!.activate()).test`),
//   never by importing src/ (a second copy of every module);
// - models come from the fake server (`startFakeServer` from ../support/fake-server), pointed at with
//   `useFakeServer()` from ./helpers.
// Results go to the JSON file named by KESTREL_TEST_RESULTS as well as the console, because the
// console of a browser-hosted VS Code mangles mocha's output.
import { writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? specFiles(p) : name.endsWith('.test.js') ? [p] : [];
  });
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  const only = process.env.KESTREL_TEST_GREP;
  if (only) mocha.grep(only);
  for (const file of specFiles(__dirname).sort()) mocha.addFile(file);
  const records: TestRecord[] = [];
  const resultsFile = process.env.KESTREL_TEST_RESULTS;
  const save = () => {
    if (resultsFile) writeFileSync(resultsFile, JSON.stringify(records, null, 2));
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      save();
      if (failures > 0) reject(new Error(`${failures} extension-host tests failed.`));
      else resolve();
    });
    runner.on('pass', (test) => records.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration }));
    runner.on('fail', (test, error: Error) => records.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: `${error.message}\n${error.stack ?? ''}`.slice(0, 4000) }));
    runner.on('pending', (test) => records.push({ title: test.fullTitle(), state: 'pending' }));
  });
}

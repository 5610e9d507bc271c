// The shipped bundle carries no test hooks: no `kestrel._test.*` command (one of them skips the
// enabled, language, Restricted Mode and spending-cap checks), no switch that turns them on, and no
// code that sets V8 flags in the extension host every extension shares. Built here exactly as
// `npm run package` builds it, next to the same build with the hooks kept, which must show them:
// otherwise the search below proves nothing.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..', '..');
const HOOK_TRACES = [/kestrel\._test\./, /KESTREL_TEST_HOOKS/, /setFlagsFromString/, /expose-gc/];

function build(...flags: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-bundle-'));
  try {
    execFileSync(process.execPath, [join(REPO, 'esbuild.mjs'), ...flags, '--outdir', dir], { cwd: REPO, stdio: 'pipe' });
    return readFileSync(join(dir, 'extension.js'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the shipped bundle', function () {
  this.timeout(60_000);

  it('has no test hook, no switch for them and nothing that sets V8 flags', () => {
    const shipped = build('--production');
    const found = HOOK_TRACES.filter((trace) => trace.test(shipped)).map(String);
    assert.deepEqual(found, []);
    assert.ok(shipped.includes('kestrel.acceptProposal'), 'the real commands are there');
  });

  it('built with its hooks kept, shows every trace the search above looks for', () => {
    const withHooks = build('--production', '--test-hooks');
    const found = HOOK_TRACES.filter((trace) => trace.test(withHooks)).map(String);
    assert.deepEqual(found, HOOK_TRACES.map(String));
  });
});

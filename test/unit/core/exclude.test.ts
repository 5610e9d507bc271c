import * as assert from 'node:assert/strict';
import { createExcludeMatcher } from '../../../src/core/exclude';
import { DEFAULT_EXCLUDE } from '../../../src/core/config';

describe('exclude matcher', () => {
  const defaults = createExcludeMatcher(DEFAULT_EXCLUDE);

  it('keeps secrets out by default, wherever they sit', () => {
    for (const path of ['/w/.env', '/w/.env.local', '/w/config/.env.production', '/w/certs/server.pem', '/w/k/tls.key',
      '/home/u/.ssh/id_rsa', '/home/u/.ssh/id_rsa.pub', '/w/store.p12', '/w/.npmrc', '/home/u/.netrc']) {
      assert.equal(defaults.isExcluded(path), true, path);
    }
  });

  it('lets ordinary source files through', () => {
    for (const path of ['/w/src/env.ts', '/w/src/keyboard.ts', '/w/README.md', '/w/src/pem-parser.py', '/w/environment/x.go']) {
      assert.equal(defaults.isExcluded(path, path.slice(3)), false, path);
    }
  });

  it('matches workspace-relative globs and Windows paths', () => {
    const m = createExcludeMatcher(['secrets/**', '**/*.sqlite']);
    assert.equal(m.isExcluded('/w/secrets/a/b.txt', 'secrets/a/b.txt'), true);
    assert.equal(m.isExcluded('C:\\w\\data\\db.sqlite', 'data\\db.sqlite'), true);
    assert.equal(m.isExcluded('/w/src/secrets.ts', 'src/secrets.ts'), false);
  });

  it('applies .kestrelignore with gitignore syntax, negations included', () => {
    const m = createExcludeMatcher([], 'private/\n*.log\n!keep.log\n# comment\n/top-only.txt\n');
    assert.equal(m.isExcluded('/w/private/notes.md', 'private/notes.md'), true);
    assert.equal(m.isExcluded('/w/a/b/debug.log', 'a/b/debug.log'), true);
    assert.equal(m.isExcluded('/w/keep.log', 'keep.log'), false);
    assert.equal(m.isExcluded('/w/top-only.txt', 'top-only.txt'), true);
    assert.equal(m.isExcluded('/w/sub/top-only.txt', 'sub/top-only.txt'), false);
    // Outside every workspace folder the ignore file does not apply (its paths are folder-relative).
    assert.equal(m.isExcluded('/elsewhere/private/x.md'), false);
  });
});

// The README's settings reference is generated from package.json; this fails when they drift.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const script = join(root, 'scripts', 'settings-reference.mjs');
const check = (readme: string) => spawnSync(process.execPath, [script, '--check', '--readme', readme], { encoding: 'utf8' });

describe('README settings reference', () => {
  it('lists every setting of package.json as the generator writes it', () => {
    const result = check(join(root, 'README.md'));
    assert.equal(result.status, 0, result.stderr);
  });

  it('names each contributed setting with its default', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const [key, p] of Object.entries<{ default: unknown }>(pkg.contributes.configuration.properties)) {
      assert.ok(readme.includes(`| \`${key}\` |`), `${key} is missing from the README`);
      assert.ok(readme.includes('`' + JSON.stringify(p.default) + '`'), `${key}'s default is missing`);
    }
  });

  it('fails when a row was edited by hand', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'kestrel-readme-')), 'README.md');
    writeFileSync(copy, readFileSync(join(root, 'README.md'), 'utf8').replace('| `kestrel.inline.debounceMs` | number |', '| `kestrel.inline.debounceMs` | string |'));
    const result = check(copy);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /out of date/);
  });
});

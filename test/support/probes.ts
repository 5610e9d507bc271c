// What a run leaves to look at: the files VS Code wrote (for the key-leak scan), Kestrel's activation
// time from its log, and the peak memory of everything the runner started.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunFolder } from './run-folder';

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

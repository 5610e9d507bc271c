// `npm run bench`: runs every benchmark and prints its table, with the machine it ran on.
// Each bench module exports `run(): Promise<string>` returning a markdown table; figures, never
// pass/fail thresholds. `npm run bench -- inline` runs only the benches whose name contains "inline".
import * as os from 'node:os';

const benches: { name: string; load: () => Promise<{ run(): Promise<string> }> }[] = [
  { name: 'client', load: async () => import('./client') },
  { name: 'faults', load: async () => import('./faults') },
  { name: 'inline-pipeline', load: async () => import('./inline-pipeline') },
  { name: 'fidelity', load: async () => import('./fidelity') },
  { name: 'typing-session', load: async () => import('./typing-session') },
  { name: 'cost', load: async () => import('./cost') },
  { name: 'tools', load: async () => import('./tools') },
  { name: 'chat-render', load: async () => import('./chat-render') },
  { name: 'real-vscode', load: async () => import('./real-vscode') },
];

async function main(): Promise<void> {
  const filter = process.argv[2];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# Kestrel benchmarks\n`);
  console.log(`Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}\n`);
  let failed = 0;
  for (const bench of benches) {
    if (filter && !bench.name.includes(filter)) continue;
    const started = performance.now();
    try {
      const table = await (await bench.load()).run();
      console.log(`## ${bench.name}\n\n${table.trim()}\n\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    } catch (error) {
      failed++;
      console.log(`## ${bench.name}\n\nFailed: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();

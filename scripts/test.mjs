// `npm test`: every test, in order: build, compile, lint, unit tests (plain Node), the suites inside
// a real VS Code extension host, the browser checks, and the sandbox check. Installs the real VS Code
// into the test cache when it is missing. Prints each step's wall time and ends with one line
// `N passed, M failed`. `--only lint|unit|vscode|e2e|sandbox` runs the build steps and that one.
import { spawn } from 'node:child_process';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const REAL = ['vscode', 'e2e', 'sandbox'];
const steps = [
  { name: 'build', cmd: ['node', 'esbuild.mjs'], always: true },
  { name: 'compile tests', cmd: ['npx', 'tsc', '-p', 'tsconfig.test.json'], always: true },
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'], always: true },
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'], kinds: ['lint'] },
  { name: 'unit tests', cmd: ['npx', 'mocha'], kinds: ['unit'], count: mochaCounts },
  // Idempotent and cached: a few ms when everything is there, about three minutes on a fresh machine.
  { name: 'install real VS Code (code-server, Node 24, Chromium)', cmd: ['bash', 'test/support/install-real-vscode.sh'], kinds: REAL, needed: true },
  { name: 'real VS Code: extension host', cmd: ['node', 'out/test/support/run-vscode-tests.js'], kinds: ['vscode'], count: plainCounts, real: true },
  { name: 'real VS Code: browser checks', cmd: ['node', 'out/test/e2e/run.js'], kinds: ['e2e'], count: plainCounts, real: true },
  { name: 'sandbox check', cmd: ['node', 'scripts/sandbox.mjs', '--check'], kinds: ['sandbox'], count: plainCounts, real: true },
];
if (only && !steps.some((s) => s.kinds?.includes(only))) {
  console.error(`--only takes one of: lint, unit, ${REAL.join(', ')}`);
  process.exit(2);
}

function mochaCounts(output) {
  const passed = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
  const failed = Number(/(\d+) failing/.exec(output)?.[1] ?? 0);
  return { passed, failed };
}

function plainCounts(output) {
  const lines = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)];
  const last = lines.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : { passed: 0, failed: 0 };
}

function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const relay = (stream, target) => stream.on('data', (d) => {
      output += d;
      target.write(d);
    });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
let passed = 0;
let failed = 0;
let realVsCodeMissing = false;
const summary = [];
for (const step of steps) {
  if (only && !step.always && !step.kinds.includes(only)) continue;
  if (step.real && realVsCodeMissing) {
    failed++;
    summary.push(`${step.name}: not run, the real VS Code could not be installed`);
    continue;
  }
  console.log(`\n━━ ${step.name} ━━`);
  const t0 = Date.now();
  const { code, output } = await run(step.cmd);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (step.count) {
    const counts = step.count(output);
    // A runner that failed without counting a failure still fails the run.
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    passed += counts.passed;
    failed += counts.failed;
    summary.push(`${step.name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
  } else {
    summary.push(`${step.name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds} s)`);
    if (code !== 0) {
      failed++;
      // Without a build nothing else can run meaningfully.
      if (step.always) break;
      if (step.needed) realVsCodeMissing = true;
    }
  }
}
console.log(`\n━━ summary ━━\n${summary.join('\n')}\nwall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

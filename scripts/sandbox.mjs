// `npm run sandbox`: a real VS Code in the browser (code-server on 127.0.0.1) with the freshly
// built extension installed and the sample workspace open. With a provider key in the environment
// it talks to that provider; without one it starts the bundled offline demo server and says so.
// `--check` opens it in headless Chromium, waits for Kestrel's status bar item, saves
// test-results/screenshots/sandbox.png and exits (npm test runs this).
import { execSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const check = process.argv.includes('--check');
const version = require(join(root, 'package.json')).version;

const sh = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
console.log('Building and packaging Kestrel…');
sh('npx tsc -p tsconfig.test.json');
sh('npm run --silent package');
const vsix = join(root, `kestrel-${version}.vsix`);

const rv = require(join(root, 'out', 'test', 'support', 'real-vscode.js'));
const install = rv.ensureInstalled();

const PROVIDERS = [
  ['OPENROUTER_API_KEY', 'openrouter'],
  ['AIMLAPI_API_KEY', 'aimlapi'],
  ['ANTHROPIC_API_KEY', 'anthropic'],
  ['KESTREL_API_KEY', 'custom'],
];
const found = PROVIDERS.find(([name]) => process.env[name]?.trim());
let demo;
let settings;
const extraEnv = {};
if (found && !(found[1] === 'custom' && !process.env.KESTREL_BASE_URL)) {
  const [name, provider] = found;
  settings = { 'kestrel.provider': provider, ...(process.env.KESTREL_BASE_URL ? { 'kestrel.baseUrl': process.env.KESTREL_BASE_URL } : {}) };
  extraEnv[name] = process.env[name];
  console.log(`Using ${provider} with the key from ${name}.`);
} else {
  demo = spawn(process.execPath, [join(root, 'out', 'test', 'support', 'fake-server.js'), '--flavour', 'openai', '--port', '0', '--demo', '--first-token-ms', '400', '--tokens-per-second', '80'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: demo.stdout }).once('line', resolve);
    demo.once('exit', (code) => reject(new Error(`the demo server exited (${code})`)));
  });
  const { url } = JSON.parse(line);
  // The demo server must not outlive the sandbox, however it ends.
  process.on('exit', () => demo.kill('SIGTERM'));
  settings = { 'kestrel.provider': 'custom', 'kestrel.baseUrl': url, 'kestrel.model': 'offline-demo' };
  extraEnv.KESTREL_DEMO_SERVER = '1';
  console.log('Offline demo: no API key found in OPENROUTER_API_KEY, AIMLAPI_API_KEY, ANTHROPIC_API_KEY or KESTREL_API_KEY,');
  console.log(`so Kestrel talks to the bundled demo server at ${url} (not a model). The status bar says "Kestrel (offline demo)".`);
}

// The sandbox keeps its folders apart from the test runs: .sandbox/<time>-sandbox.
const run = rv.makeRunFolder('sandbox', { ...settings, 'workbench.colorTheme': 'Default Light Modern' }, '.sandbox');
rv.installVsix(install, run, vsix);
const server = await rv.startCodeServer(install, run, { env: extraEnv, port: check ? undefined : Number(process.env.PORT ?? 0) || undefined });
const url = `${server.url}/?folder=${encodeURIComponent(run.workspace)}`;

const cleanup = async () => {
  await server.stop();
  demo?.kill('SIGTERM');
};

if (!check) {
  console.log(`\nKestrel sandbox ready: ${url}\n(Ctrl+C stops it.)`);
  process.on('SIGINT', () => void cleanup().then(() => process.exit(0)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(0)));
} else {
  let ok = false;
  const context = await rv.launchBrowser(install, run);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    const item = page.locator('.statusbar-item', { hasText: 'Kestrel' }).first();
    await item.waitFor({ timeout: 90_000 });
    const text = (await item.innerText()).trim();
    ok = demo ? text.includes('offline demo') : true;
    mkdirSync(join(root, 'test-results', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'screenshots', 'sandbox.png') });
    console.log(`  ${ok ? '✔' : '✘'} the sandbox shows VS Code with Kestrel active ("${text}") at ${server.url}`);
  } catch (error) {
    console.log(`  ✘ the sandbox did not show Kestrel: ${error.message}`);
  } finally {
    await context.close().catch(() => undefined);
    await cleanup();
  }
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exit(ok ? 0 : 1);
}

// Two bundles: the extension (Node, CommonJS, `vscode` external) and the chat page (browser, IIFE).
// Usage: node esbuild.mjs [--production] [--test-hooks] [--outdir DIR] [--watch]
//   --production  minified, no source maps, and no test hooks (what `npm run package` ships)
//   --test-hooks  keep the test hooks in a production build (the browser checks' load check)
//   --outdir DIR  write the bundles somewhere other than dist/
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testHooks = !production || process.argv.includes('--test-hooks');
const outdir = process.argv.includes('--outdir') ? process.argv[process.argv.indexOf('--outdir') + 1] : 'dist';

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: `${outdir}/extension.js`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/webview/main.ts'],
    outfile: `${outdir}/webview.js`,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

const common = {
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: production ? 'none' : 'inline',
  logLevel: 'info',
  metafile: true,
  // src/types/build.d.ts: with false, every `if (KESTREL_TEST_HOOKS && …)` block is dropped.
  define: { KESTREL_TEST_HOOKS: String(testHooks) },
};

const existing = [];
for (const b of builds) {
  try {
    await import('node:fs').then((fs) => fs.accessSync(b.entryPoints[0]));
    existing.push(b);
  } catch {
    // The chat page may not exist yet while the project grows; build what is there.
  }
}

if (watch) {
  for (const b of existing) (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build({ ...common, ...b })));
}

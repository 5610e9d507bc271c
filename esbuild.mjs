// Two bundles: the extension (Node, CommonJS, `vscode` external) and the chat page (browser, IIFE).
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
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

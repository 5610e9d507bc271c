import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): src/core is plain TypeScript with no editor in it, src/vscode
// holds the adapters that own the VS Code API, src/webview is the chat page (a browser bundle that
// talks to the host only through src/core/chat/protocol.ts). `no-restricted-imports` holds them.
//
// ESLint keeps only the last options a file gets for a rule, so each file of src/ falls in exactly
// one group below, and each group lists every rule that applies to it. The patterns read the import
// as written: a relative path climbs out with `../` and names the folder it enters.

/** Climbs out with `../` (one or more times), then enters `path`. */
const climbsInto = (path) => `^(\\.\\./)+${path}(/|$)`;

const NO_TEST_CODE = [
  {
    regex: climbsInto('(test|bench)'),
    message: 'src/ must not import from test/ or bench/: the shipped extension carries no test or benchmark code. Move what both need into src/core/.',
  },
];

const NO_EDITOR_IN_CORE = [
  {
    regex: '^vscode$',
    message: 'src/core must not import vscode: it runs under plain Node in unit tests and benchmarks. Put editor code in src/vscode/ and pass plain data in.',
  },
  {
    regex: climbsInto('vscode'),
    message: 'src/core must not import from src/vscode/: the adapters depend on the core, never the other way. Pass what the core needs as plain data or a callback.',
  },
  {
    regex: climbsInto('webview'),
    message: 'src/core must not import from src/webview/: the chat page is a browser bundle built on the core, not part of it.',
  },
];

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&'));

const BROWSER_ONLY_IN_WEBVIEW = [
  {
    regex: '^node:',
    message: 'src/webview is a browser bundle: Node modules (node:*) do not exist there. Ask the extension host through the message protocol (src/core/chat/protocol.ts).',
  },
  {
    regex: `^(${NODE_BUILTINS.join('|')})(/|$)`,
    message: 'src/webview is a browser bundle: Node built-in modules (fs, path, child_process, …) do not exist there. Ask the extension host through the message protocol (src/core/chat/protocol.ts).',
  },
  {
    regex: '^undici(/|$)',
    message: 'src/webview must not import undici: the chat page makes no requests of its own; the extension host talks to the provider.',
  },
  {
    regex: '^vscode$',
    message: 'src/webview must not import vscode: the page has no VS Code API but acquireVsCodeApi().postMessage, through the message protocol (src/core/chat/protocol.ts).',
  },
  {
    regex: climbsInto('core/client'),
    message: 'src/webview must not import from src/core/client/: the page holds no key and makes no requests; the extension host does, and sends the page what to show.',
  },
  {
    regex: climbsInto('vscode'),
    message: 'src/webview must not import from src/vscode/: the adapters run in the extension host, not in the page. Use the message protocol (src/core/chat/protocol.ts).',
  },
];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-runs/**', '.sandbox/**', 'sample-workspace/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The core is editor-free: it must run under plain Node in unit tests and benchmarks.
    files: ['src/core/**/*.ts'],
    rules: restrict([...NO_EDITOR_IN_CORE, ...NO_TEST_CODE]),
  },
  {
    // The chat page runs in the webview's browser, with no Node, no key and no network of its own.
    files: ['src/webview/**/*.ts'],
    rules: restrict([...BROWSER_ONLY_IN_WEBVIEW, ...NO_TEST_CODE]),
  },
  {
    // Everything else in src/: the adapters, the entry point and the build's type declarations.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/webview/**'],
    rules: restrict(NO_TEST_CODE),
  },
);

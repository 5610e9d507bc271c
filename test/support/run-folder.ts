// One run's folders: VS Code's user data and settings, its extensions, XDG and temp folders, and a
// copy of the sample workspace, so no run sees another's state or the runner's own.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './install';

/** The user settings every run starts from (docs/architecture.md), plus the caller's. */
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

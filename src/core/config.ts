// Kestrel's settings, typed and validated in one place. The VS Code adapter passes a getter;
// every other module reads this plain object, so a missing or mistyped value never becomes
// "undefined" in a URL or a prompt.

export const PROVIDER_IDS = ['openrouter', 'aimlapi', 'anthropic', 'ollama', 'custom'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export type MultilineMode = 'auto' | 'always' | 'never';
/**
 * `kestrel.openrouter.sort`: how OpenRouter picks the provider behind a model. `auto`: the lowest
 * latency for inline suggestions, OpenRouter's own default for the chat and the actions; `default`:
 * OpenRouter's default everywhere; the others: that order for every request (docs/providers.md).
 */
export const OPENROUTER_SORTS = ['auto', 'latency', 'throughput', 'price', 'default'] as const;
export type OpenRouterSort = (typeof OPENROUTER_SORTS)[number];

export interface KestrelSettings {
  provider: ProviderId;
  baseUrl: string;
  model: string;
  chatModel: string;
  /**
   * `kestrel.chat.projectInstructions`: the workspace folder's instructions files go into chat and
   * action prompts. A workspace can turn it off, never on (a repository steering the model against
   * the user's choice).
   */
  projectInstructions: boolean;
  /**
   * `kestrel.chat.tools` and `kestrel.chat.maxToolSteps`: the chat may look things up in the workspace
   * with read-only tools, in at most this many requests per question (docs/tools.md). A workspace can
   * turn the tools off or lower the steps, never the other way.
   */
  tools: { enabled: boolean; maxSteps: number };
  openrouter: { sort: OpenRouterSort };
  inline: {
    enabled: boolean;
    /** The user's map (or the default). */
    languages: Record<string, boolean>;
    /** The maps a workspace and its folders set: each can only turn languages off. */
    workspaceLanguages: Record<string, boolean>[];
    debounceMs: number;
    maxTokens: number;
    multiline: MultilineMode;
  };
  exclude: string[];
  usage: { dailyLimitUsd: number };
  http: { proxy: string; proxyStrictSSL: boolean; noProxy: string[] };
}

/**
 * Files that never leave the machine unless the user's own `kestrel.exclude` says otherwise; the same
 * list is the setting's default in package.json. docs/security.md explains each group.
 */
export const DEFAULT_EXCLUDE = [
  // Environment files: .env, .env.local, .envrc, prod.env.
  '**/.env*',
  '**/*.env',
  // Private keys and key stores. An SSH key's `.pub` half is public: sendable, except inside ~/.ssh.
  '**/*.pem',
  '**/*.key',
  '**/*.p8',
  '**/*.ppk',
  '**/id_{rsa,dsa,ecdsa,ed25519}!(*.pub)',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.keytab',
  '**/*.gpg',
  '**/*.asc',
  // Where command-line tools keep their credentials.
  '**/.ssh/**',
  '**/.gnupg/**',
  '**/.aws/**',
  '**/.azure/**',
  '**/.config/gcloud/**',
  '**/.kube/**',
  '**/kubeconfig{,.yaml,.yml}',
  '**/.docker/config.json',
  '**/.config/gh/hosts.yml',
  '**/.cargo/credentials{,.toml}',
  '**/.gem/credentials',
  '**/.m2/settings{,-security}.xml',
  // Files of passwords and tokens.
  '**/.git-credentials',
  '**/.netrc',
  '**/_netrc',
  '**/.npmrc',
  '**/.yarnrc.yml',
  '**/.pypirc',
  '**/.pgpass',
  '**/.my.cnf',
  '**/.htpasswd',
  '**/.vault-token',
  '**/*credentials*.json',
  '**/*service?account*.json',
  '**/client_secret*.json',
  '**/*secret{,s}.{json,yml,yaml,toml,ini,env,txt,xml,properties,conf,cfg}',
  '**/*.secret{,s}',
  // Infrastructure variables and state.
  '**/*.tfvars{,.json}',
  '**/*.tfstate{,.*}',
  // VS Code's own user settings (they can carry tokens), in its usual user data folders.
  '**/{Code,Code - Insiders,Code - OSS,VSCodium,code-server,user-data}/User/**/{settings,mcp}.json',
  '**/.vscode-server*/data/**/{settings,mcp}.json',
];
export const DEFAULT_LANGUAGES: Record<string, boolean> = { '*': true, plaintext: false, markdown: false, scminput: false };

/** Reads one setting by its full key (`kestrel.inline.enabled`, `http.proxy`); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

/**
 * One setting per scope, as VS Code's `inspect` reports it: the user's value (undefined: the
 * default) and the values the workspace and its folders set (unset ones left out).
 */
export type ScopedGetter = (key: string) => { user: unknown; workspace: unknown[] };

/**
 * The settings that decide whether, how often and how much automatic suggestions send. A cloned
 * repository's `.vscode/settings.json` can make each only more conservative: turn suggestions or a
 * language off, wait longer, ask for fewer tokens or fewer lines. It can never turn on what the user
 * turned off or raise the cost (`debounceMs: 0` with `maxTokens: 1024` would turn 1 request per 40
 * keys into 40).
 */
export const CONSERVATIVE_IN_WORKSPACE = ['kestrel.inline.enabled', 'kestrel.inline.languages', 'kestrel.inline.debounceMs', 'kestrel.inline.maxTokens', 'kestrel.inline.multiline'] as const;

const MULTILINE_COST: Record<MultilineMode, number> = { never: 0, auto: 1, always: 2 };

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v.trim() : fallback;
}
function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}
function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/**
 * The settings from `get` (each key's effective value). With `scoped`, the keys in
 * CONSERVATIVE_IN_WORKSPACE start from the user's value and each workspace value can only tighten them.
 */
export function readSettings(get: SettingGetter, scoped?: ScopedGetter): KestrelSettings {
  const exclude = get('kestrel.exclude');
  return {
    provider: oneOf(get('kestrel.provider'), PROVIDER_IDS, 'openrouter'),
    baseUrl: str(get('kestrel.baseUrl'), '').replace(/\/+$/, ''),
    model: str(get('kestrel.model'), ''),
    chatModel: str(get('kestrel.chat.model'), ''),
    projectInstructions: projectInstructions(get, scoped),
    tools: toolSettings(get, scoped),
    openrouter: { sort: oneOf(get('kestrel.openrouter.sort'), OPENROUTER_SORTS, 'auto') },
    inline: inlineSettings(get, scoped),
    exclude: Array.isArray(exclude) ? exclude.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [...DEFAULT_EXCLUDE],
    usage: { dailyLimitUsd: num(get('kestrel.usage.dailyLimitUsd'), 0, 0, 1e6) },
    http: {
      proxy: str(get('http.proxy'), ''),
      proxyStrictSSL: bool(get('http.proxyStrictSSL'), true),
      noProxy: Array.isArray(get('http.noProxy')) ? (get('http.noProxy') as unknown[]).filter((h): h is string => typeof h === 'string' && h.trim() !== '') : [],
    },
  };
}

function projectInstructions(get: SettingGetter, scoped: ScopedGetter | undefined): boolean {
  const key = 'kestrel.chat.projectInstructions';
  if (!scoped) return bool(get(key), true);
  const { user, workspace } = scoped(key);
  return bool(user, true) && workspace.every((v) => bool(v, true));
}

/** The steps a question may take when the setting is not read: see docs/tools.md for how it was measured. */
export const DEFAULT_TOOL_STEPS = 6;

function toolSettings(get: SettingGetter, scoped: ScopedGetter | undefined): KestrelSettings['tools'] {
  const steps = (v: unknown, fallback: number) => Math.round(num(v, fallback, 1, 20));
  if (!scoped) return { enabled: bool(get('kestrel.chat.tools'), true), maxSteps: steps(get('kestrel.chat.maxToolSteps'), DEFAULT_TOOL_STEPS) };
  const enabled = scoped('kestrel.chat.tools');
  const maxSteps = scoped('kestrel.chat.maxToolSteps');
  return {
    enabled: bool(enabled.user, true) && enabled.workspace.every((v) => bool(v, true)),
    maxSteps: maxSteps.workspace.reduce<number>((n, v) => Math.min(n, steps(v, n)), steps(maxSteps.user, DEFAULT_TOOL_STEPS)),
  };
}

function languageMap(v: unknown): Record<string, boolean> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (Object.fromEntries(Object.entries(v).filter(([, on]) => typeof on === 'boolean')) as Record<string, boolean>) : undefined;
}

function inlineSettings(get: SettingGetter, scoped: ScopedGetter | undefined): KestrelSettings['inline'] {
  // Each key read once, in both scopes (VS Code's `inspect` is not free).
  const scopes = new Map(CONSERVATIVE_IN_WORKSPACE.map((key) => [key, scoped ? scoped(key) : { user: get(key), workspace: [] }]));
  const user = (key: (typeof CONSERVATIVE_IN_WORKSPACE)[number]) => scopes.get(key)!.user;
  const workspace = (key: (typeof CONSERVATIVE_IN_WORKSPACE)[number]) => scopes.get(key)!.workspace;
  const inline: KestrelSettings['inline'] = {
    enabled: bool(user('kestrel.inline.enabled'), true),
    languages: languageMap(user('kestrel.inline.languages')) ?? { ...DEFAULT_LANGUAGES },
    workspaceLanguages: workspace('kestrel.inline.languages').map(languageMap).filter((map) => map !== undefined),
    debounceMs: num(user('kestrel.inline.debounceMs'), 150, 0, 2000),
    maxTokens: Math.round(num(user('kestrel.inline.maxTokens'), 128, 16, 1024)),
    multiline: oneOf(user('kestrel.inline.multiline'), ['auto', 'always', 'never'] as const, 'auto'),
  };
  for (const v of workspace('kestrel.inline.enabled')) inline.enabled &&= bool(v, true);
  for (const v of workspace('kestrel.inline.debounceMs')) inline.debounceMs = Math.max(inline.debounceMs, num(v, 0, 0, 2000));
  for (const v of workspace('kestrel.inline.maxTokens')) inline.maxTokens = Math.min(inline.maxTokens, Math.round(num(v, 1024, 16, 1024)));
  for (const v of workspace('kestrel.inline.multiline')) {
    const mode = oneOf(v, ['auto', 'always', 'never'] as const, inline.multiline);
    if (MULTILINE_COST[mode] < MULTILINE_COST[inline.multiline]) inline.multiline = mode;
  }
  return inline;
}

/** Whether automatic suggestions are on for a language: the user's map allows it and no workspace map turns it off. */
export function inlineLanguageEnabled(inline: Pick<KestrelSettings['inline'], 'languages' | 'workspaceLanguages'>, languageId: string): boolean {
  return languageEnabled(inline.languages, languageId) && inline.workspaceLanguages.every((map) => languageEnabled(map, languageId));
}

/** Whether automatic suggestions are on for a language id, by one `kestrel.inline.languages` map. */
export function languageEnabled(languages: Record<string, boolean>, languageId: string): boolean {
  if (languageId in languages) return languages[languageId];
  if (languageId in DEFAULT_LANGUAGES && !('*' in languages)) return DEFAULT_LANGUAGES[languageId];
  return languages['*'] ?? true;
}

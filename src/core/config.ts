// Kestrel's settings, typed and validated in one place. The VS Code adapter passes a getter;
// every other module reads this plain object, so a missing or mistyped value never becomes
// "undefined" in a URL or a prompt.

export const PROVIDER_IDS = ['openrouter', 'aimlapi', 'anthropic', 'ollama', 'custom'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export type MultilineMode = 'auto' | 'always' | 'never';

export interface KestrelSettings {
  provider: ProviderId;
  baseUrl: string;
  model: string;
  chatModel: string;
  inline: {
    enabled: boolean;
    languages: Record<string, boolean>;
    debounceMs: number;
    maxTokens: number;
    multiline: MultilineMode;
  };
  exclude: string[];
  usage: { dailyLimitUsd: number };
  http: { proxy: string; proxyStrictSSL: boolean };
}

export const DEFAULT_EXCLUDE = ['**/.env*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/*.p12', '**/.npmrc', '**/.netrc'];
export const DEFAULT_LANGUAGES: Record<string, boolean> = { '*': true, plaintext: false, markdown: false, scminput: false };

/** Reads one setting by its full key (`kestrel.inline.enabled`, `http.proxy`); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

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

export function readSettings(get: SettingGetter): KestrelSettings {
  const languages = get('kestrel.inline.languages');
  const exclude = get('kestrel.exclude');
  return {
    provider: oneOf(get('kestrel.provider'), PROVIDER_IDS, 'openrouter'),
    baseUrl: str(get('kestrel.baseUrl'), '').replace(/\/+$/, ''),
    model: str(get('kestrel.model'), ''),
    chatModel: str(get('kestrel.chat.model'), ''),
    inline: {
      enabled: bool(get('kestrel.inline.enabled'), true),
      languages:
        languages && typeof languages === 'object' && !Array.isArray(languages)
          ? Object.fromEntries(Object.entries(languages).filter(([, on]) => typeof on === 'boolean')) as Record<string, boolean>
          : { ...DEFAULT_LANGUAGES },
      debounceMs: num(get('kestrel.inline.debounceMs'), 150, 0, 2000),
      maxTokens: Math.round(num(get('kestrel.inline.maxTokens'), 128, 16, 1024)),
      multiline: oneOf(get('kestrel.inline.multiline'), ['auto', 'always', 'never'] as const, 'auto'),
    },
    exclude: Array.isArray(exclude) ? exclude.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [...DEFAULT_EXCLUDE],
    usage: { dailyLimitUsd: num(get('kestrel.usage.dailyLimitUsd'), 0, 0, 1e6) },
    http: { proxy: str(get('http.proxy'), ''), proxyStrictSSL: bool(get('http.proxyStrictSSL'), true) },
  };
}

/** Whether automatic suggestions are on for a language id, by the `kestrel.inline.languages` map. */
export function languageEnabled(languages: Record<string, boolean>, languageId: string): boolean {
  if (languageId in languages) return languages[languageId];
  if (languageId in DEFAULT_LANGUAGES && !('*' in languages)) return DEFAULT_LANGUAGES[languageId];
  return languages['*'] ?? true;
}

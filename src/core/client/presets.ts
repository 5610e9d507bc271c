// Provider presets (docs/providers.md): base URL, default model, whether a key is needed and where the
// environment may hold one, and the headers each provider wants. One client serves them all.
import type { KestrelSettings, ProviderId } from '../config';

export interface Preset {
  baseUrl: string;
  model: string;
  keyRequired: boolean;
  envVar: string;
  headers: Record<string, string>;
  /**
   * The model to suggest when the provider says the default one does not exist (Claude 3.5 Haiku is
   * retired at Anthropic and AI/ML API and may leave OpenRouter): its successor (src/core/retired.ts).
   */
  successor?: string;
  /** Whether the provider is known to accept an assistant prefill (docs/providers.md). */
  prefill: 'yes' | 'no' | 'unknown';
}

/** How the providers are named to users. */
export const PROVIDER_NAMES: Record<ProviderId, string> = { openrouter: 'OpenRouter', aimlapi: 'AI/ML API', anthropic: 'Anthropic', ollama: 'Ollama', custom: 'custom server' };

export const PRESETS: Record<ProviderId, Preset> = {
  openrouter: {
    baseUrl: 'https://openrouter.ai/api/v1',
    model: 'anthropic/claude-3.5-haiku',
    successor: 'anthropic/claude-haiku-4.5',
    keyRequired: true,
    envVar: 'OPENROUTER_API_KEY',
    headers: { 'HTTP-Referer': 'https://github.com/kestrel-labs/kestrel', 'X-Title': 'Kestrel', 'X-OpenRouter-Title': 'Kestrel' },
    prefill: 'yes',
  },
  aimlapi: {
    baseUrl: 'https://api.aimlapi.com/v1',
    model: 'claude-3-5-haiku-20241022',
    successor: 'claude-haiku-4-5',
    keyRequired: true,
    envVar: 'AIMLAPI_API_KEY',
    headers: {},
    prefill: 'unknown',
  },
  anthropic: {
    baseUrl: 'https://api.anthropic.com/v1',
    model: 'claude-3-5-haiku-20241022',
    successor: 'claude-haiku-4-5',
    keyRequired: true,
    envVar: 'ANTHROPIC_API_KEY',
    headers: {},
    prefill: 'unknown',
  },
  ollama: { baseUrl: 'http://localhost:11434/v1', model: '', keyRequired: false, envVar: '', headers: {}, prefill: 'yes' },
  custom: { baseUrl: '', model: '', keyRequired: false, envVar: 'KESTREL_API_KEY', headers: {}, prefill: 'unknown' },
};

export interface ResolvedProvider {
  id: ProviderId;
  /** Without a trailing slash; empty when `custom` has no `kestrel.baseUrl`. */
  baseUrl: string;
  /** For inline suggestions and actions; empty when the user must pick one. */
  model: string;
  /** For the chat panel. */
  chatModel: string;
  keyRequired: boolean;
  envVar?: string;
  headers: Record<string, string>;
  prefill: 'yes' | 'no' | 'unknown';
}

export function resolveProvider(settings: Pick<KestrelSettings, 'provider' | 'baseUrl' | 'model' | 'chatModel'>): ResolvedProvider {
  const preset = PRESETS[settings.provider] ?? PRESETS.openrouter;
  const model = settings.model || preset.model;
  return {
    id: settings.provider,
    baseUrl: (settings.baseUrl || preset.baseUrl).replace(/\/+$/, ''),
    model,
    chatModel: settings.chatModel || model,
    keyRequired: preset.keyRequired,
    envVar: preset.envVar || undefined,
    headers: { ...preset.headers },
    prefill: preset.prefill,
  };
}

/** The origin a key is bound to (`https://openrouter.ai`); empty for an unusable URL. */
export function keyOrigin(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : '';
  } catch {
    return '';
  }
}

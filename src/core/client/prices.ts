// What a model costs per token, for the usage ledger and the daily cap when the provider reports
// no cost itself (AI/ML API, Anthropic, custom servers, and every stream stopped before its usage
// chunk). A price the provider lists in `/models` wins; then Kestrel's own table for the presets'
// default and well-known models; a server on this machine or Ollama costs nothing; anything else
// has no price, and its cost is shown as unknown rather than guessed.
import { isLoopbackHost } from './proxy';
import type { ProviderId } from '../config';

/** USD per million tokens (as `ModelInfo.pricePerMillion`). */
export interface ModelPrice {
  prompt: number;
  completion: number;
  /** A prompt token read from, or written to, the prompt cache; when absent, Anthropic's shares of `prompt` (src/core/usage.ts). */
  cacheRead?: number;
  cacheWrite?: number;
}

export const FREE: ModelPrice = Object.freeze({ prompt: 0, completion: 0 });

/**
 * List prices at Anthropic, from its public price page
 * (https://platform.claude.com/docs/en/about-claude/pricing, "Model pricing"), as of 2026-11-30.
 * Resellers (OpenRouter, AI/ML API) may charge a little more or less; the figure is an estimate
 * either way. Prompt caching discounts and Sonnet's surcharge for prompts over 200K tokens are
 * left out. Keys are normalised ids (see `normaliseModelId`).
 */
const SHIPPED: { id: RegExp; price: ModelPrice }[] = [
  // Claude 3.5 Haiku: the default model of the OpenRouter, AI/ML API and Anthropic presets.
  { id: /^claude-3-5-haiku$/, price: { prompt: 0.8, completion: 4 } },
  // Claude Haiku 4.5: the presets' successor model.
  { id: /^claude-haiku-4-5$/, price: { prompt: 1, completion: 5 } },
  // Claude Sonnet 4, 4.5 (and later 4.x).
  { id: /^claude-sonnet-4(-\d)?$/, price: { prompt: 3, completion: 15 } },
];

/**
 * One spelling for the ids providers give the same model: `anthropic/claude-3.5-haiku`,
 * `claude-3-5-haiku-20241022`, `claude-3-5-haiku-latest` and `anthropic/claude-3.5-haiku:beta`
 * all become `claude-3-5-haiku`.
 */
export function normaliseModelId(model: string): string {
  const id = model.trim().toLowerCase().replace(/^.*\//, '');
  // The tag after a colon goes (`/:.*$/`, without trying every colon against the rest of the id:
  // the first colon after the last line break is where that pattern matches).
  const lastBreak = Math.max(id.lastIndexOf('\n'), id.lastIndexOf('\r'), id.lastIndexOf('\u2028'), id.lastIndexOf('\u2029'));
  const colon = id.indexOf(':', lastBreak + 1);
  // `split` and `join` rather than a global replace: with hundreds of thousands of dots, the replace
  // takes several times longer per dot.
  return (colon >= 0 ? id.slice(0, colon) : id)
    .split('.')
    .join('-')
    .replace(/-(\d{8}|latest)$/, '');
}

/** Kestrel's own price for a model, if it has one. */
export function shippedPrice(model: string): ModelPrice | undefined {
  const id = normaliseModelId(model);
  return SHIPPED.find((entry) => entry.id.test(id))?.price;
}

/** A server on this machine (Ollama, LM Studio, llama.cpp, a local proxy). */
export function isLocalServer(baseUrl: string): boolean {
  try {
    return isLoopbackHost(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * The price to count a request at, or undefined when none is known. A model the shipped table
 * knows is priced even behind a local server, which is then a proxy to a paid provider.
 */
export function priceFor(options: { model: string; baseUrl: string; providerId?: ProviderId; listed?: ModelPrice }): ModelPrice | undefined {
  if (options.listed) return options.listed;
  const shipped = shippedPrice(options.model);
  if (shipped) return shipped;
  if (options.providerId === 'ollama' || isLocalServer(options.baseUrl)) return FREE;
  return undefined;
}

// How `Kestrel: Select Model` presents a provider's models: recents first, then by id; context
// length and price per million tokens; retired or retiring models marked.
import type { ModelInfo } from './client/types';
import { inertText } from './inertText';

export interface ModelChoice {
  id: string;
  label: string;
  description: string;
  detail?: string;
  recent: boolean;
  retired: boolean;
}

const price = (usdPerMillion: number) =>
  usdPerMillion === 0 ? 'free' : `$${usdPerMillion < 0.1 ? usdPerMillion.toFixed(3) : usdPerMillion.toFixed(2)}`;

function contextLabel(tokens: number): string {
  return tokens >= 1_000_000 ? `${+(tokens / 1_000_000).toFixed(1)}M context` : `${Math.round(tokens / 1000)}K context`;
}

export function modelChoices(models: readonly ModelInfo[], options: { recents: readonly string[]; today: string; current?: string }): ModelChoice[] {
  const seen = new Set<string>();
  const choices: ModelChoice[] = [];
  for (const m of models) {
    if (!m.id || seen.has(m.id)) continue;
    seen.add(m.id);
    const parts: string[] = [];
    if (m.contextLength) parts.push(contextLabel(m.contextLength));
    if (m.pricePerMillion) parts.push(`${price(m.pricePerMillion.prompt)} in / ${price(m.pricePerMillion.completion)} out per M tokens`);
    let retired = false;
    if (m.expirationDate) {
      const date = m.expirationDate.slice(0, 10);
      retired = date <= options.today;
      parts.unshift(retired ? `retired ${date}` : `retires ${date}`);
    }
    choices.push({
      id: m.id,
      // The id and name come from the provider: shown inert, so they cannot draw icons or links.
      label: `${retired ? '$(warning) ' : m.expirationDate ? '$(clock) ' : ''}${inertText(m.id)}${m.id === options.current ? ' $(check)' : ''}`,
      description: inertText(parts.join(' · ')),
      detail: m.name && m.name !== m.id ? inertText(m.name) : undefined,
      recent: options.recents.includes(m.id),
      retired,
    });
  }
  const rank = (c: ModelChoice) => (c.recent ? options.recents.indexOf(c.id) : options.recents.length + (c.retired ? 1 : 0));
  return choices.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

/** Keeps the last few models picked, most recent first. */
export function pushRecent(recents: readonly string[], id: string, max = 5): string[] {
  return [id, ...recents.filter((r) => r !== id)].slice(0, max);
}

// `GET <baseUrl>/models` in the three shapes providers use (docs/providers.md): OpenRouter (per-token
// price strings, expiration dates), AI/ML API (`info.name`, `info.contextLength`) and plain
// OpenAI-style `{data: [{id}]}` lists (Ollama, llama.cpp, LM Studio, vLLM).
import type { ModelInfo } from './types';

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

export function parseModels(json: unknown): ModelInfo[] {
  const list = Array.isArray(json) ? json : Array.isArray((json as { data?: unknown })?.data) ? (json as { data: unknown[] }).data : Array.isArray((json as { models?: unknown })?.models) ? (json as { models: unknown[] }).models : [];
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const m = item as Record<string, unknown>;
    const id = typeof m.id === 'string' ? m.id : typeof m.name === 'string' ? m.name : undefined;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const info = (m.info ?? {}) as Record<string, unknown>;
    const pricing = (m.pricing ?? {}) as Record<string, unknown>;
    const prompt = num(pricing.prompt);
    const completion = num(pricing.completion);
    const model: ModelInfo = { id };
    const name = typeof m.name === 'string' && m.name !== id ? m.name : typeof info.name === 'string' ? info.name : undefined;
    if (name) model.name = name;
    const context = num(m.context_length) ?? num(info.contextLength) ?? num(m.context_window);
    if (context) model.contextLength = context;
    // OpenRouter prices are USD per token, as strings; Kestrel shows USD per million tokens.
    if (prompt !== undefined && completion !== undefined && prompt >= 0 && completion >= 0) {
      model.pricePerMillion = { prompt: round(prompt * 1e6), completion: round(completion * 1e6) };
    }
    const maxOut = num((m.top_provider as Record<string, unknown> | undefined)?.max_completion_tokens) ?? num(info.maxTokens);
    if (maxOut) model.maxCompletionTokens = maxOut;
    if (typeof m.expiration_date === 'string' && m.expiration_date) model.expirationDate = m.expiration_date;
    out.push(model);
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

// Tokens and cost per day and per model, kept locally and bounded, for `Kestrel: Show Usage`, the
// status bar tooltip and the optional daily spending cap. Every chat request the provider may bill
// counts, stopped and superseded suggestions included: `chargeFor` takes the provider's figures
// where they are sane and estimates the rest, and the ledger remembers which part is estimated.
import { escapeMarkdown } from './inertText';
import type { RequestLogEntry } from './client/client';
import type { ModelPrice } from './client/prices';
import type { Usage } from './client/types';

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Of the tokens, how many were estimated from characters (the provider reported none). */
  estimatedTokens: number;
  /** Of `costUsd`, the part computed here as tokens × price (the provider reported no cost). */
  estimatedCostUsd: number;
  /** Requests with any estimated figure. */
  estimatedRequests: number;
  /** Requests of a model with no known price: counted at $0 and shown as "cost unknown". */
  unpricedRequests: number;
  /** Of the prompt tokens, read from the provider's prompt cache (0 in a ledger stored before they were counted). */
  cachedTokens: number;
  /** Of the prompt tokens, written to the provider's prompt cache. */
  cacheWriteTokens: number;
}

/** day (YYYY-MM-DD, local time) -> model -> totals */
export type UsageData = Record<string, Record<string, UsageTotals>>;

export const USAGE_DAYS_KEPT = 90;
const MODELS_PER_DAY = 50;

const zero = (): UsageTotals => ({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, estimatedTokens: 0, estimatedCostUsd: 0, estimatedRequests: 0, unpricedRequests: 0, cachedTokens: 0, cacheWriteTokens: 0 });

/** The one rule for tokens nobody counted: about four characters each. */
export const CHARS_PER_TOKEN = 4;
export function estimateTokens(chars: number): number {
  return Number.isFinite(chars) && chars > 0 ? Math.ceil(chars / CHARS_PER_TOKEN) : 0;
}

/** A single request reported (or priced) above this is absurd: refused. */
export const MAX_REQUEST_COST_USD = 50;
/** Reported tokens beyond two per character of the text they stand for, plus a slack, are absurd. */
const MAX_TOKENS_PER_CHAR = 2;
/** Room for the chat template and a provider's own system text around the prompt. */
const PROMPT_TOKEN_SLACK = 4_096;
/** Room for reasoning tokens a model bills but does not stream as text. */
const COMPLETION_TOKEN_SLACK = 32_768;

/** What is known of one request: the provider's usage, if it sent any, and the text's size. */
export interface RequestFacts {
  usage?: Usage;
  /** Characters of the request's messages. */
  promptChars?: number;
  /** Characters of answer text received (a stopped stream's included). */
  completionChars?: number;
}

/** What one request adds to the ledger. */
export interface Charge {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** How many of the tokens are estimates. */
  estimatedTokens: number;
  /** Of the prompt tokens, read from and written to the provider's prompt cache. */
  cachedTokens: number;
  cacheWriteTokens: number;
  /** The cost is tokens × price, not the provider's figure. */
  costEstimated: boolean;
  /** No price is known (or the figure was absurd): counted at $0, shown as unknown. */
  costUnknown: boolean;
}

/**
 * What reading from and writing to the prompt cache costs, as a share of the prompt price, when the
 * model's price says nothing of it: Anthropic's rates (a cache hit a tenth of the input price, a
 * five-minute write a quarter more), the only models Kestrel asks to cache (docs/providers.md).
 */
export const CACHE_READ_SHARE = 0.1;
export const CACHE_WRITE_SHARE = 1.25;

/**
 * Prices one request. Tokens: the provider's count when it is a sane figure, else characters / 4.
 * Cost: the provider's `usage.cost` when it is a sane figure, else tokens × `price` (prompt tokens
 * read from the cache at the cache-read price, those written at the cache-write price), else unknown.
 * A negative, non-finite or absurd figure is never recorded, so no request lowers a day's total.
 */
export function chargeFor(facts: RequestFacts, price: ModelPrice | undefined): Charge {
  const prompt = tokens(facts.usage?.promptTokens, facts.promptChars, PROMPT_TOKEN_SLACK);
  const completion = tokens(facts.usage?.completionTokens, facts.completionChars, COMPLETION_TOKEN_SLACK);
  // Parts of a counted prompt: never more than the prompt itself, nothing when the prompt was estimated.
  const part = (n: number | undefined, room: number) => (prompt.estimated === 0 && typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), room) : 0);
  const cachedTokens = part(facts.usage?.cachedTokens, prompt.count);
  const cacheWriteTokens = part(facts.usage?.cacheWriteTokens, prompt.count - cachedTokens);
  const counted = { promptTokens: prompt.count, completionTokens: completion.count, estimatedTokens: prompt.estimated + completion.estimated, cachedTokens, cacheWriteTokens };
  const reported = facts.usage?.costUsd;
  if (saneCost(reported)) return { ...counted, costUsd: reported, costEstimated: false, costUnknown: false };
  const promptCost = price ? (prompt.count - cachedTokens - cacheWriteTokens) * price.prompt + cachedTokens * (price.cacheRead ?? price.prompt * CACHE_READ_SHARE) + cacheWriteTokens * (price.cacheWrite ?? price.prompt * CACHE_WRITE_SHARE) : 0;
  const computed = price ? (promptCost + completion.count * price.completion) / 1e6 : undefined;
  if (!saneCost(computed)) return { ...counted, costUsd: 0, costEstimated: false, costUnknown: true };
  return { ...counted, costUsd: computed, costEstimated: computed > 0, costUnknown: false };
}

function saneCost(usd: number | undefined): usd is number {
  return typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 && usd <= MAX_REQUEST_COST_USD;
}

function tokens(reported: number | undefined, chars: number | undefined, slack: number): { count: number; estimated: number } {
  const ceiling = chars !== undefined && Number.isFinite(chars) ? Math.max(0, chars) * MAX_TOKENS_PER_CHAR + slack : Infinity;
  if (typeof reported === 'number' && Number.isFinite(reported) && reported >= 0 && reported <= ceiling) return { count: Math.round(reported), estimated: 0 };
  const count = estimateTokens(chars ?? 0);
  return { count, estimated: count };
}

/**
 * Whether a logged request counts: a chat completion that was answered (2xx), or that went out and
 * was stopped, superseded or timed out before any answer (the provider may be working on it
 * already). Model lists, refusals (4xx/5xx) and requests that never reached the provider
 * (connection refused, a rate-limit pause) cost nothing.
 */
export function countsTowardUsage(entry: RequestLogEntry): boolean {
  if (entry.method !== 'POST' || !entry.model) return false;
  if (entry.usage) return true;
  if (entry.status !== undefined) return entry.status >= 200 && entry.status < 300;
  return entry.promptChars !== undefined && entry.errorKind !== 'network' && entry.errorKind !== 'rate-limited';
}

export function dayOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A model id is outside text: `__proto__` or `constructor` must be a row like any other. */
const modelMap = (): Record<string, UsageTotals> => Object.create(null) as Record<string, UsageTotals>;

export class UsageLedger {
  private data: UsageData;

  constructor(data?: unknown) {
    this.data = sanitize(data);
  }

  record(model: string, charge: Charge, when: Date): void {
    const day = dayOf(when);
    const models = (this.data[day] ??= modelMap());
    if (!(model in models) && Object.keys(models).length >= MODELS_PER_DAY) model = '(other)';
    const t = (models[model] ??= zero());
    t.requests += 1;
    t.promptTokens += charge.promptTokens;
    t.completionTokens += charge.completionTokens;
    t.costUsd += charge.costUsd;
    t.estimatedTokens += charge.estimatedTokens;
    t.cachedTokens += charge.cachedTokens;
    t.cacheWriteTokens += charge.cacheWriteTokens;
    if (charge.costEstimated) t.estimatedCostUsd += charge.costUsd;
    if (charge.estimatedTokens > 0 || charge.costEstimated || charge.costUnknown) t.estimatedRequests += 1;
    if (charge.costUnknown) t.unpricedRequests += 1;
    this.prune();
  }

  /** Totals for one day over all models. */
  day(date: Date): UsageTotals {
    return sum(Object.values(this.data[dayOf(date)] ?? {}));
  }

  /** Rows for display, newest day first. */
  rows(): { day: string; model: string; totals: UsageTotals }[] {
    return Object.keys(this.data)
      .sort()
      .reverse()
      .flatMap((day) => Object.entries(this.data[day]).map(([model, totals]) => ({ day, model, totals })));
  }

  toJSON(): UsageData {
    return this.data;
  }

  private prune(): void {
    const days = Object.keys(this.data).sort();
    for (const day of days.slice(0, Math.max(0, days.length - USAGE_DAYS_KEPT))) delete this.data[day];
  }
}

function sum(list: UsageTotals[]): UsageTotals {
  const total = zero();
  for (const t of list) for (const key of Object.keys(total) as (keyof UsageTotals)[]) total[key] += t[key];
  return total;
}

/**
 * Stored data comes from globalState: keep only well-formed entries (a ledger stored before the
 * estimate or prompt-cache fields loads with them at 0).
 */
function sanitize(data: unknown): UsageData {
  const out: UsageData = {};
  if (!data || typeof data !== 'object') return out;
  for (const [day, models] of Object.entries(data as Record<string, unknown>)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !models || typeof models !== 'object') continue;
    for (const [model, t] of Object.entries(models as Record<string, unknown>)) {
      const v = t as Partial<UsageTotals> | null;
      const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
      if (v && typeof v === 'object') {
        const requests = n(v.requests);
        const costUsd = n(v.costUsd);
        const promptTokens = n(v.promptTokens);
        const cachedTokens = Math.min(promptTokens, n(v.cachedTokens));
        (out[day] ??= modelMap())[model] = {
          requests,
          promptTokens,
          completionTokens: n(v.completionTokens),
          costUsd,
          estimatedTokens: n(v.estimatedTokens),
          estimatedCostUsd: Math.min(costUsd, n(v.estimatedCostUsd)),
          estimatedRequests: Math.min(requests, n(v.estimatedRequests)),
          unpricedRequests: Math.min(requests, n(v.unpricedRequests)),
          cachedTokens,
          cacheWriteTokens: Math.min(promptTokens - cachedTokens, n(v.cacheWriteTokens)),
        };
      }
    }
  }
  return out;
}

/** Every request of these totals had no price. */
const costUnknown = (t: UsageTotals) => t.requests > 0 && t.unpricedRequests >= t.requests;

/** "$0.0042", "≈$1.50" (partly estimated), "cost unknown" (no price for any request). */
export function formatCost(t: UsageTotals, digits?: number): string {
  if (costUnknown(t)) return 'cost unknown';
  const figure = `${t.estimatedCostUsd > 0 ? '≈' : ''}$${t.costUsd.toFixed(digits ?? (t.costUsd < 0.01 ? 4 : 2))}`;
  return t.unpricedRequests > 0 ? `${figure} + cost unknown` : figure;
}

/** "1,234 tokens · $0.0042"; "≈" marks figures that include estimates. */
export function formatTotals(t: UsageTotals, digits?: number): string {
  const tokens = (t.promptTokens + t.completionTokens).toLocaleString('en-US');
  return `${t.estimatedTokens > 0 ? '≈' : ''}${tokens} tokens · ${formatCost(t, digits)}`;
}

/** The Show Usage document: today's total, then a row per day and model, estimates marked. */
export function usageMarkdown(ledger: UsageLedger, now: Date): string {
  const rows = ledger.rows();
  const today = ledger.day(now);
  const lines = ['# Kestrel usage', '', `Today: ${formatTotals(today, 4)}`, '', 'Kept on this machine only, for the last 90 days.', ''];
  if (!rows.length) {
    lines.push('No requests yet.');
    return lines.join('\n') + '\n';
  }
  lines.push('| day | model | requests | prompt tokens | completion tokens | cost (USD) |', '|---|---|---:|---:|---:|---:|');
  for (const { day, model, totals: t } of rows) {
    const tokens = (n: number) => `${t.estimatedTokens > 0 ? '≈' : ''}${n.toLocaleString('en-US')}`;
    const cost = costUnknown(t) ? 'cost unknown' : `${t.estimatedCostUsd > 0 ? '≈' : ''}${t.costUsd.toFixed(4)}${t.unpricedRequests > 0 ? ` + cost unknown (${t.unpricedRequests})` : ''}`;
    lines.push(`| ${day} | ${escapeMarkdown(model)} | ${t.requests} | ${tokens(t.promptTokens)} | ${tokens(t.completionTokens)} | ${cost} |`);
  }
  const cached = rows.filter((r) => r.totals.cachedTokens > 0 || r.totals.cacheWriteTokens > 0);
  if (cached.length) {
    lines.push(
      '',
      '## Prompt cache',
      '',
      `Of the prompt tokens above, those the provider read from its prompt cache (billed at about a tenth of the prompt price) and those it wrote to it (about ${CACHE_WRITE_SHARE} times). Today: ${today.cachedTokens.toLocaleString('en-US')} read, ${today.cacheWriteTokens.toLocaleString('en-US')} written.`,
      '',
      '| day | model | prompt tokens | read from cache | written to cache |',
      '|---|---|---:|---:|---:|',
    );
    for (const { day, model, totals: t } of cached) lines.push(`| ${day} | ${escapeMarkdown(model)} | ${t.promptTokens.toLocaleString('en-US')} | ${t.cachedTokens.toLocaleString('en-US')} | ${t.cacheWriteTokens.toLocaleString('en-US')} |`);
  }
  const estimated = rows.some((r) => r.totals.estimatedRequests > 0);
  if (estimated) {
    lines.push(
      '',
      `≈ marks a figure that includes estimates. When the provider reports no token counts (a suggestion stopped part-way never gets them), tokens are counted as characters / ${CHARS_PER_TOKEN}. When it reports no cost (OpenRouter does; most providers do not), cost is tokens × the model's price from the provider's model list or, for the presets' default models, Kestrel's own price table.`,
    );
    if (rows.some((r) => r.totals.unpricedRequests > 0)) lines.push('', '"cost unknown": no price is known for the model; its requests count as $0 toward the daily cap.');
  }
  return lines.join('\n') + '\n';
}

/** What a request refused by the daily cap says, with the way to go on. */
export function capReachedMessage(limitUsd: number): string {
  return `Kestrel's daily spending cap of $${limitUsd.toFixed(2)} is reached (kestrel.usage.dailyLimitUsd): it sends no more requests for VS Code's chat today. To go on, run "Kestrel: Show Usage" and choose "Resume for Today", or raise the cap.`;
}

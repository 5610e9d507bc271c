// Tokens and cost per day and per model, kept locally and bounded, for `Kestrel: Show Usage`, the
// status bar tooltip and the optional daily spending cap.
import type { Usage } from './client/types';

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** day (YYYY-MM-DD, local time) -> model -> totals */
export type UsageData = Record<string, Record<string, UsageTotals>>;

export const USAGE_DAYS_KEPT = 90;
const MODELS_PER_DAY = 50;

const zero = (): UsageTotals => ({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });

export function dayOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export class UsageLedger {
  private data: UsageData;

  constructor(data?: unknown) {
    this.data = sanitize(data);
  }

  record(model: string, usage: Usage | undefined, when: Date): void {
    const day = dayOf(when);
    const models = (this.data[day] ??= {});
    if (!(model in models) && Object.keys(models).length >= MODELS_PER_DAY) model = '(other)';
    const t = (models[model] ??= zero());
    t.requests += 1;
    t.promptTokens += usage?.promptTokens ?? 0;
    t.completionTokens += usage?.completionTokens ?? 0;
    t.costUsd += usage?.costUsd ?? 0;
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
  return list.reduce(
    (a, b) => ({
      requests: a.requests + b.requests,
      promptTokens: a.promptTokens + b.promptTokens,
      completionTokens: a.completionTokens + b.completionTokens,
      costUsd: a.costUsd + b.costUsd,
    }),
    zero(),
  );
}

/** Stored data comes from globalState: keep only well-formed entries. */
function sanitize(data: unknown): UsageData {
  const out: UsageData = {};
  if (!data || typeof data !== 'object') return out;
  for (const [day, models] of Object.entries(data as Record<string, unknown>)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !models || typeof models !== 'object') continue;
    for (const [model, t] of Object.entries(models as Record<string, unknown>)) {
      const v = t as Partial<UsageTotals> | null;
      const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
      if (v && typeof v === 'object') {
        (out[day] ??= {})[model] = {
          requests: n(v.requests),
          promptTokens: n(v.promptTokens),
          completionTokens: n(v.completionTokens),
          costUsd: n(v.costUsd),
        };
      }
    }
  }
  return out;
}

/** "1,234 tokens · $0.0042" */
export function formatTotals(t: UsageTotals): string {
  const tokens = (t.promptTokens + t.completionTokens).toLocaleString('en-US');
  return `${tokens} tokens · $${t.costUsd.toFixed(t.costUsd < 0.01 ? 4 : 2)}`;
}

// Keeps the usage ledger in globalState, shows it (`Kestrel: Show Usage`, status bar tooltip), and
// enforces the optional daily spending cap for automatic suggestions and VS Code's chat. Every chat
// request is counted, priced by the rules in src/core/usage.ts and src/core/client/prices.ts.
import * as vscode from 'vscode';
import type { RequestLogEntry } from '../core/client/client';
import { priceFor, type ModelPrice } from '../core/client/prices';
import type { ModelInfo } from '../core/client/types';
import type { ProviderId } from '../core/config';
import { AcceptanceLedger, acceptanceMarkdown, type AcceptanceCounts } from '../core/completion/acceptance';
import { UsageLedger, chargeFor, countsTowardUsage, dayOf, formatTotals, usageMarkdown, type Charge } from '../core/usage';
import { notices } from './errorReporter';

const STATE_KEY = 'kestrel.usage';
/** What became of the suggestions shown, per day, language and model (src/core/completion/acceptance.ts). */
const ACCEPTANCE_KEY = 'kestrel.acceptance';
/** Prices the providers listed in `/models`, per base URL, so they outlive the session. */
const PRICES_KEY = 'kestrel.usage.prices';
const PRICE_LISTS_KEPT = 4;
const PRICES_PER_LIST = 2_000;

/** Base URL -> model id -> price. */
type PriceLists = Map<string, Map<string, ModelPrice>>;

export class UsageTracker implements vscode.Disposable {
  private readonly ledger: UsageLedger;
  private readonly acceptance: AcceptanceLedger;
  /** Run before the document is drawn: a suggestion waiting for its outcome settles first. */
  private readonly beforeShow: (() => void)[] = [];
  private prices: PriceLists;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The day on which the user lifted the cap, if they did. */
  private liftedOn: string | undefined;
  private capNoticeShownOn: string | undefined;
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly provider: vscode.Disposable;
  private static readonly uri = vscode.Uri.parse('kestrel-usage:/Kestrel%20Usage.md');

  constructor(
    private readonly state: vscode.Memento,
    private readonly dailyLimitUsd: () => number,
    private readonly providerId: () => ProviderId,
  ) {
    this.ledger = new UsageLedger(state.get(STATE_KEY));
    this.acceptance = new AcceptanceLedger(state.get(ACCEPTANCE_KEY));
    this.prices = readPrices(state.get(PRICES_KEY));
    // A read-only virtual document: it refreshes as requests are made and never asks to be saved.
    this.provider = vscode.workspace.registerTextDocumentContentProvider('kestrel-usage', {
      onDidChange: this.contentChanged.event,
      provideTextDocumentContent: () => {
        for (const settle of this.beforeShow) settle();
        return `${usageMarkdown(this.ledger, new Date())}\n${acceptanceMarkdown(this.acceptance)}`;
      },
    });
  }

  /** Counts one finished request, if the provider may bill it (see `countsTowardUsage`). */
  recordRequest(entry: RequestLogEntry): void {
    if (!countsTowardUsage(entry) || !entry.model) return;
    const baseUrl = entry.url.replace(/\/chat\/completions$/, '');
    const listed = this.prices.get(baseKey(baseUrl))?.get(entry.model);
    const price = priceFor({ model: entry.model, baseUrl, providerId: this.providerId(), listed });
    this.record(entry.model, chargeFor({ usage: entry.usage, promptChars: entry.promptChars, completionChars: entry.completionChars }, price));
  }

  /** Remembers the prices a provider's `/models` listed; they win over Kestrel's own table. */
  learnPrices(baseUrl: string, models: readonly ModelInfo[]): void {
    const key = baseKey(baseUrl);
    const list = new Map<string, ModelPrice>();
    for (const model of models) if (model.pricePerMillion && list.size < PRICES_PER_LIST) list.set(model.id, { ...model.pricePerMillion });
    if (!key || !list.size) return;
    this.prices.delete(key);
    this.prices.set(key, list);
    for (const old of [...this.prices.keys()].slice(0, Math.max(0, this.prices.size - PRICE_LISTS_KEPT))) this.prices.delete(old);
    void this.state.update(PRICES_KEY, [...this.prices].map(([base, prices]) => [base, [...prices].map(([id, p]) => [id, p.prompt, p.completion])]));
  }

  private record(model: string, charge: Charge): void {
    this.ledger.record(model, charge, new Date());
    this.changed.fire();
    this.saved();
  }

  /** Counts a suggestion shown, or what became of it, for the Suggestions table. */
  countSuggestion(languageId: string, model: string, field: keyof AcceptanceCounts): void {
    this.acceptance.count(dayOf(new Date()), languageId, model, field);
    this.saved();
  }

  /** `settle` runs before Show Usage draws its document. */
  settleBeforeShow(settle: () => void): vscode.Disposable {
    this.beforeShow.push(settle);
    return {
      dispose: () => {
        const at = this.beforeShow.indexOf(settle);
        if (at >= 0) this.beforeShow.splice(at, 1);
      },
    };
  }

  private saved(): void {
    this.contentChanged.fire(UsageTracker.uri);
    // Batch writes: a burst of suggestions costs one globalState write.
    this.saveTimer ??= setTimeout(() => this.save(), 2000);
  }

  private save(): void {
    this.saveTimer = undefined;
    void this.state.update(STATE_KEY, this.ledger.toJSON());
    void this.state.update(ACCEPTANCE_KEY, this.acceptance.toJSON());
  }

  todayLine(): string {
    return `Today: ${formatTotals(this.ledger.day(new Date()))}`;
  }

  /**
   * True when the daily cap is set, reached, and not lifted today: automatic suggestions pause and
   * requests from VS Code's chat are refused. The user is told once a day.
   */
  capReached(): boolean {
    const reached = this.overCap();
    const today = dayOf(new Date());
    if (reached && this.capNoticeShownOn !== today) {
      this.capNoticeShownOn = today;
      this.offerResume('Show Usage');
    }
    return reached;
  }

  private overCap(): boolean {
    const limit = this.dailyLimitUsd();
    if (limit <= 0 || this.liftedOn === dayOf(new Date())) return false;
    return this.ledger.day(new Date()).costUsd >= limit;
  }

  private offerResume(...extra: string[]): void {
    const message = `Kestrel paused automatic suggestions and requests from VS Code's chat: today's spending reached your cap of $${this.dailyLimitUsd().toFixed(2)} (kestrel.usage.dailyLimitUsd).`;
    void notices.show('info', message, 'Resume for Today', ...extra).then((picked) => {
      if (picked === 'Resume for Today') this.liftedOn = dayOf(new Date());
      if (picked === 'Show Usage') void vscode.commands.executeCommand('kestrel.showUsage');
    });
  }

  async show(): Promise<void> {
    await vscode.commands
      .executeCommand('markdown.showPreview', UsageTracker.uri)
      .then(undefined, async () => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(UsageTracker.uri)));
    // The way back after the once-a-day notice was dismissed.
    if (this.overCap()) this.offerResume();
  }

  dispose(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.save();
    }
    this.changed.dispose();
    this.contentChanged.dispose();
    this.provider.dispose();
  }
}

/** One spelling of a base URL, as the client builds request URLs from it. */
function baseKey(baseUrl: string): string {
  try {
    const url = new URL(baseUrl.replace(/\/+$/, '') + '/');
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** Stored prices come from globalState: keep only well-formed ones. */
function readPrices(data: unknown): PriceLists {
  const out: PriceLists = new Map();
  if (!Array.isArray(data)) return out;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  for (const item of data.slice(-PRICE_LISTS_KEPT)) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) continue;
    const list = new Map<string, ModelPrice>();
    for (const row of (item[1] as unknown[]).slice(0, PRICES_PER_LIST)) {
      if (Array.isArray(row) && typeof row[0] === 'string' && ok(row[1]) && ok(row[2])) list.set(row[0], { prompt: row[1], completion: row[2] });
    }
    if (list.size) out.set(item[0], list);
  }
  return out;
}

// Keeps the usage ledger in globalState, shows it (`Kestrel: Show Usage`, status bar tooltip), and
// enforces the optional daily spending cap for automatic suggestions.
import * as vscode from 'vscode';
import type { Usage } from '../core/client/types';
import { UsageLedger, dayOf, formatTotals } from '../core/usage';

const STATE_KEY = 'kestrel.usage';

export class UsageTracker implements vscode.Disposable {
  private readonly ledger: UsageLedger;
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
  ) {
    this.ledger = new UsageLedger(state.get(STATE_KEY));
    // A read-only virtual document: it refreshes as requests are made and never asks to be saved.
    this.provider = vscode.workspace.registerTextDocumentContentProvider('kestrel-usage', {
      onDidChange: this.contentChanged.event,
      provideTextDocumentContent: () => this.markdown(),
    });
  }

  record(model: string, usage: Usage | undefined): void {
    this.ledger.record(model, usage, new Date());
    this.changed.fire();
    this.contentChanged.fire(UsageTracker.uri);
    // Batch writes: a burst of suggestions costs one globalState write.
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      void this.state.update(STATE_KEY, this.ledger.toJSON());
    }, 2000);
  }

  todayLine(): string {
    return `Today: ${formatTotals(this.ledger.day(new Date()))}`;
  }

  /** True when the daily cap is set, reached, and not lifted today: automatic suggestions pause. */
  capReached(): boolean {
    const limit = this.dailyLimitUsd();
    const today = dayOf(new Date());
    if (limit <= 0 || this.liftedOn === today) return false;
    const reached = this.ledger.day(new Date()).costUsd >= limit;
    if (reached && this.capNoticeShownOn !== today) {
      this.capNoticeShownOn = today;
      void vscode.window
        .showInformationMessage(`Kestrel paused automatic suggestions: today's spending reached your cap of $${limit.toFixed(2)} (kestrel.usage.dailyLimitUsd).`, 'Resume for Today', 'Show Usage')
        .then((picked) => {
          if (picked === 'Resume for Today') this.liftedOn = dayOf(new Date());
          if (picked === 'Show Usage') void vscode.commands.executeCommand('kestrel.showUsage');
        });
    }
    return reached;
  }

  async show(): Promise<void> {
    await vscode.commands
      .executeCommand('markdown.showPreview', UsageTracker.uri)
      .then(undefined, async () => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(UsageTracker.uri)));
  }

  private markdown(): string {
    const rows = this.ledger.rows();
    const lines = ['# Kestrel usage', '', this.todayLine(), '', 'Kept on this machine only, for the last 90 days.', ''];
    if (!rows.length) lines.push('No requests yet.');
    else {
      lines.push('| day | model | requests | prompt tokens | completion tokens | cost (USD) |', '|---|---|---:|---:|---:|---:|');
      for (const { day, model, totals: t } of rows) {
        lines.push(`| ${day} | ${model} | ${t.requests} | ${t.promptTokens.toLocaleString('en-US')} | ${t.completionTokens.toLocaleString('en-US')} | ${t.costUsd.toFixed(4)} |`);
      }
    }
    return lines.join('\n') + '\n';
  }

  dispose(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      void this.state.update(STATE_KEY, this.ledger.toJSON());
    }
    this.changed.dispose();
    this.contentChanged.dispose();
    this.provider.dispose();
  }
}

// The Kestrel status bar item: on / off / working / error for inline suggestions, the provider and
// model in the tooltip, and a menu of the common commands on click.
import * as vscode from 'vscode';
import type { StatusReporter } from './services';

export interface StatusInfo {
  inlineEnabled: boolean;
  provider: string;
  model: string;
  /** Shown when Kestrel runs against the offline demo server or another special setup. */
  note?: string;
  /** Answers come from the bundled offline demo server: the status bar says so. */
  demo?: boolean;
  /** e.g. "Today: 1,234 tokens, $0.0042" */
  usageLine?: string;
}

type InlineState = 'idle' | 'working' | 'error';

export class StatusBar implements StatusReporter, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kestrel.status', vscode.StatusBarAlignment.Right, 100);
  private info: StatusInfo = { inlineEnabled: true, provider: '', model: '' };
  private state: InlineState = 'idle';
  private detail: string | undefined;

  constructor() {
    this.item.name = 'Kestrel';
    this.item.command = 'kestrel.statusMenu';
    this.render();
    this.item.show();
  }

  update(info: Partial<StatusInfo>): void {
    this.info = { ...this.info, ...info };
    this.render();
  }

  setInlineState(state: InlineState, detail?: string): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    this.render();
  }

  private render(): void {
    const { inlineEnabled, provider, model, note, usageLine, demo } = this.info;
    let icon = inlineEnabled ? '$(sparkle)' : '$(circle-slash)';
    let label = `Kestrel${demo ? ' (offline demo)' : ''}${inlineEnabled ? '' : ' (off)'}`;
    if (this.state === 'working') icon = '$(loading~spin)';
    if (this.state === 'error') {
      icon = '$(warning)';
      label = 'Kestrel';
    }
    this.item.text = `${icon} ${label}`;
    this.item.backgroundColor =
      this.state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;

    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**Kestrel**: inline suggestions ${inlineEnabled ? 'on' : 'off'}\n\n`);
    // The model id and an error's text are outside text: appended as text, never read as markdown.
    if (provider) tip.appendMarkdown('Provider: ').appendText(provider).appendMarkdown(model ? ' · model ' : '').appendText(model ?? '').appendMarkdown('\n\n');
    if (note) tip.appendMarkdown(`${note}\n\n`);
    if (this.state === 'error' && this.detail) tip.appendMarkdown('$(warning) ').appendText(this.detail).appendMarkdown('\n\n');
    if (usageLine) tip.appendMarkdown(`${usageLine}\n\n`);
    tip.appendMarkdown('Click for options.');
    this.item.tooltip = tip;
    this.item.accessibilityInformation = {
      label: `Kestrel, inline suggestions ${inlineEnabled ? 'on' : 'off'}${this.state === 'error' ? ', error' : ''}`,
    };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** The menu shown when the status bar item is clicked. */
export async function showStatusMenu(inlineEnabled: boolean): Promise<void> {
  const items: (vscode.QuickPickItem & { command: string })[] = [
    {
      label: inlineEnabled ? '$(circle-slash) Turn off automatic suggestions' : '$(sparkle) Turn on automatic suggestions',
      command: 'kestrel.toggleInline',
    },
    { label: '$(lightbulb) Trigger a suggestion now', command: 'kestrel.triggerInline' },
    { label: '$(comment-discussion) Open chat', command: 'kestrel.openChat' },
    { label: '$(symbol-class) Select model…', command: 'kestrel.selectModel' },
    { label: '$(key) Set API key…', command: 'kestrel.setApiKey' },
    { label: '$(graph) Show usage', command: 'kestrel.showUsage' },
    { label: '$(output) Show log', command: 'kestrel.showLog' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Kestrel', placeHolder: 'Choose an action' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

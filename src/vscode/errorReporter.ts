// Shows provider errors to the user, with the action that fixes it. A request the user made (an
// action) always gets its answer. Automatic inline suggestions raise at most one notification per
// kind of fault per burst (a burst ends after a minute without that fault), and none for passing
// faults (rate limits, overload, server errors, timeouts, network): the status bar says it instead.
import * as vscode from 'vscode';
import { KestrelError } from '../core/client/errors';
import { FIXES, fixFor, type FixId } from '../core/fixes';
import { inertText } from '../core/inertText';
import { retiredModels } from './retiredModel';
import type { Purpose, StatusReporter } from './services';

/** A fault of the same kind within this time of the previous one belongs to the same burst. */
const BURST_GAP_MS = 60_000;
const QUIET_FOR_INLINE = new Set(['rate-limited', 'overloaded', 'server', 'network', 'timeout', 'malformed', 'aborted']);

export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface ShownNotice {
  severity: NoticeSeverity;
  message: string;
  modal: boolean;
  actions: string[];
}

/**
 * The one way Kestrel's messages reach the user. Every message passes through `inertText`: it
 * carries outside text (a provider's error, a file or model name) and Kestrel's own messages never
 * use links, so nothing in one can become a link that runs a command. Under a test launcher the
 * suites count what was shown and answer questions (a modal dialog cannot be clicked from the
 * extension host); otherwise it is VS Code's own message API.
 */
export const notices = {
  /** Set only in test mode: what was shown since the last reset. */
  record: undefined as ShownNotice[] | undefined,
  /** Set only in test mode: picks the answer to a message instead of the user. */
  answer: undefined as ((notice: ShownNotice) => string | undefined) | undefined,

  /** A notification; resolves with the action the user picked, if any. */
  show(severity: NoticeSeverity, message: string, ...actions: string[]): Thenable<string | undefined> {
    return this.present({ severity, message: inertText(message), modal: false, actions });
  },

  /** A modal question (consent before a key goes somewhere new); resolves with the answer. */
  ask(message: string, ...actions: string[]): Thenable<string | undefined> {
    return this.present({ severity: 'warning', message: inertText(message), modal: true, actions });
  },

  present(notice: ShownNotice): Thenable<string | undefined> {
    this.record?.push(notice);
    if (this.answer) return Promise.resolve(this.answer(notice));
    const { severity, message, modal, actions } = notice;
    const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(message, { modal }, ...actions);
  },
};

/**
 * Test hook `kestrel._test.notices`: counts the notifications and dialogs Kestrel shows, and answers
 * them: `answers` maps a pattern of the message to the button to press (unmatched ones are
 * dismissed); `null` gives the questions back to the real UI.
 */
export function registerNoticesHook(): vscode.Disposable {
  return vscode.commands.registerCommand('kestrel._test.notices', (options?: { reset?: boolean; answers?: Record<string, string> | null }): ShownNotice[] => {
    if (options?.reset || !notices.record) notices.record = [];
    if (options?.answers === null) notices.answer = undefined;
    else if (options?.answers) {
      const answers = Object.entries(options.answers).map(([pattern, action]) => [new RegExp(pattern), action] as const);
      notices.answer = (notice) => answers.find(([pattern]) => pattern.test(notice.message))?.[1];
    }
    return notices.record.map((n) => ({ ...n }));
  });
}

export class ErrorReporter {
  /** Per kind of fault: when automatic suggestions last hit it. */
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly status: StatusReporter,
    private readonly now: () => number = Date.now,
  ) {}

  report(error: unknown, origin: Purpose): void {
    const err = error instanceof KestrelError ? error : undefined;
    if (err?.kind === 'aborted') return;
    const kind = err?.kind ?? 'unexpected';
    const message = err?.userMessage ?? `Kestrel hit an unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    this.log.error(`[${origin}] ${kind}: ${message}`);
    // Kestrel's retired default model: the offer of its successor says it (src/vscode/retiredModel.ts).
    if (retiredModels.consider(error, origin)) {
      if (origin === 'inline') this.status.setInlineState('error', message);
      return;
    }
    if (origin === 'inline') {
      this.status.setInlineState('error', message);
      if (QUIET_FOR_INLINE.has(kind)) return;
      const previous = this.lastSeen.get(kind) ?? -Infinity;
      this.lastSeen.set(kind, this.now());
      if (this.now() - previous < BURST_GAP_MS) return;
    }

    const fixes = [...new Set([fixFor(err?.kind ?? 'unexpected'), 'showLog' as const])];
    void notices.show('error', message, ...fixes.map((id) => FIXES[id].label)).then((picked) => {
      const id = fixes.find((f) => FIXES[f].label === picked);
      if (id) void runFix(id);
    });
  }
}

/** Runs a fix's command; `args` replace its own (the chat's Select Model picks the chat's model). */
export function runFix(id: FixId, args?: unknown[]): Thenable<unknown> {
  const fix = FIXES[id];
  return vscode.commands.executeCommand(fix.command, ...(args ?? fix.args ?? []));
}

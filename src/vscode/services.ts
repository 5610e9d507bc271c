// What every adapter receives from activate(): small, explicit dependencies instead of a god object.
import type { AcceptanceCounts } from '../core/completion/acceptance';
import type * as vscode from 'vscode';
import type { ResolvedProvider } from '../core/client/presets';
import type { ChatClient } from '../core/client/types';
import type { KestrelSettings } from '../core/config';
import type { SetupProblem } from '../core/fixes';

export type Purpose = 'inline' | 'chat' | 'action';

export interface ClientHandle {
  client: ChatClient;
  /** The model id to put in the request for this purpose. */
  model: string;
  providerId: string;
  /** Whether the provider takes an assistant prefill (src/core/client/presets.ts). */
  prefill: ResolvedProvider['prefill'];
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The settings as last read (re-read on change, never per keystroke). */
  settings(): KestrelSettings;
  onDidChangeSettings: vscode.Event<KestrelSettings>;
  /**
   * A client for the current provider, or undefined when a key is needed and none is set.
   * With `interactive`, a missing key offers to set one (never for automatic inline suggestions).
   * Cheap on every keystroke: what the settings and the key resolve to is kept until either changes.
   */
  clientFor(purpose: Purpose, options?: { interactive?: boolean }): Promise<ClientHandle | undefined>;
  /** Like `clientFor`, but says why there is no client: a setup problem, or the user declined. */
  openClient(purpose: Purpose, options?: { interactive?: boolean }): Promise<ClientHandle | SetupProblem | 'declined'>;
  /** Whether a document may be sent to the provider (`kestrel.exclude`, `.kestrelignore`). */
  isExcluded(uri: vscode.Uri): boolean;
  /** Shows a provider error to the user at most once per burst, with the right action. */
  reportError(error: unknown, origin: Purpose): void;
  readonly status: StatusReporter;
  /** True when the daily spending cap is reached: automatic suggestions pause (the user is told once). */
  usageCapReached(): boolean;
  /** Where the outcomes of suggestions shown are counted (Show Usage's Suggestions table). */
  readonly suggestionFigures: SuggestionFigures;
}

export interface SuggestionFigures {
  countSuggestion(languageId: string, model: string, field: keyof AcceptanceCounts): void;
  /** `settle` runs before Show Usage draws its document. */
  settleBeforeShow(settle: () => void): vscode.Disposable;
}

export interface StatusReporter {
  /** Inline request state, for the status bar: working while a request is in flight. */
  setInlineState(state: 'idle' | 'working' | 'error', detail?: string): void;
}

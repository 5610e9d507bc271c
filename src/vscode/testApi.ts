// What activate() returns when the extension runs under a test launcher (ExtensionMode.Test):
// integration suites drive the bundled extension through this and through commands, never by
// importing src/ (that would load a second copy of every module).
import type * as vscode from 'vscode';
import type { Purpose } from './services';

export interface KestrelTestApi {
  /** The same SecretStorage path the Set/Clear API Key commands use. */
  secrets: {
    get(provider: string): Promise<string | undefined>;
    store(provider: string, key: string): Promise<void>;
    delete(provider: string): Promise<void>;
  };
  /** Sends one request for a purpose the way a feature would (provider, key, headers, log). */
  complete(purpose: Purpose, prompt: string): Promise<{ text: string } | undefined>;
  /** Where the `Kestrel` log channel writes, to check what was (not) logged. */
  readonly logUri: vscode.Uri;
}

export interface KestrelApi {
  readonly test?: KestrelTestApi;
}

// The chat panel adapter (webview view `kestrel.chat`). Owned by the chat-panel work.
import * as vscode from 'vscode';
import type { Services } from './services';

export function registerChat(_services: Services): vscode.Disposable[] {
  return [];
}

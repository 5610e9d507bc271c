// Inline suggestions adapter (ghost text). Owned by the inline-suggestions work.
import * as vscode from 'vscode';
import type { Services } from './services';

export function registerInline(_services: Services): vscode.Disposable[] {
  return [];
}

// Command-palette actions adapter. Owned by the actions work.
import * as vscode from 'vscode';
import type { Services } from './services';

export function registerActions(_services: Services): vscode.Disposable[] {
  return [];
}

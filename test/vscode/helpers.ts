// Shared set-up for the extension-host suites: the extension's test API and a fake provider.
import * as vscode from 'vscode';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../support/fake-server';

export interface KestrelTestApi {
  secrets: { get(provider: string): Promise<string | undefined>; store(provider: string, key: string): Promise<void>; delete(provider: string): Promise<void> };
  complete(purpose: 'inline' | 'chat' | 'action', prompt: string): Promise<{ text: string } | undefined>;
  readonly logUri: vscode.Uri;
}

/** The key this run uses: the launcher greps every file VS Code wrote for it afterwards. */
export const TEST_KEY = process.env.KESTREL_TEST_KEY ?? `sk-kestrel-test-${Math.random().toString(36).slice(2)}`;

export async function kestrel(): Promise<KestrelTestApi> {
  const extension = vscode.extensions.getExtension('kestrel-labs.kestrel');
  if (!extension) throw new Error('The Kestrel extension is not installed in this VS Code.');
  const api = (await extension.activate()) as { test?: KestrelTestApi };
  if (!api.test) throw new Error('Kestrel did not return its test API (is the extension host in test mode?)');
  return api.test;
}

export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration();
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

/** Points Kestrel at a fresh fake server (provider `custom`) with the test key stored. */
export async function useFakeServer(options: FakeServerOptions = {}, settings: Record<string, unknown> = {}): Promise<FakeServer> {
  const server = await startFakeServer({ flavour: 'openai', ...options });
  await setSettings({ 'kestrel.provider': 'custom', 'kestrel.baseUrl': server.url, 'kestrel.model': 'fake-model', ...settings });
  await (await kestrel()).secrets.store('custom', TEST_KEY);
  return server;
}

export async function resetSettings(keys: string[]): Promise<void> {
  await setSettings(Object.fromEntries(keys.map((k) => [k, undefined])));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(25);
  }
}

/** A notification or dialog Kestrel showed, as `kestrel._test.notices` records it. */
export interface Notice {
  severity: string;
  message: string;
  modal: boolean;
  actions: string[];
}
/** What Kestrel showed since the last reset; `answers` picks a button for dialogs whose message matches. */
export const notices = (options?: { reset?: boolean; answers?: Record<string, string> | null }) => vscode.commands.executeCommand<Notice[]>('kestrel._test.notices', options);

/** The chat panel's conversation, as `kestrel._test.chatState` reports it. */
export interface ChatState {
  turns: { role: string; content: string; error?: string; action?: string }[];
  attachments: string[];
  sessions: number;
  busy: boolean;
}
export const chatState = () => vscode.commands.executeCommand<ChatState>('kestrel._test.chatState');

/** The inline item `kestrel._test.provideInline` returns: its text and the range it replaces on `line`. */
export interface ProvidedItem {
  /** The command VS Code runs when the item is accepted, with its arguments. */
  command?: { command: string; arguments?: unknown[] };
  text: string;
  line: number;
  start: number;
  end: number;
  /** Every item's text, the first one's included (several when asked explicitly). */
  alternatives: string[];
}
/** The inline engine's counters (`kestrel._test.inlineStats`). */
export interface InlineStats {
  calls: number;
  requests: number;
  skipped: number;
  typingThroughHits: number;
  hotStreakHits: number;
  prefetches: number;
  prefetchHits: number;
  promptChars: number;
  errors: number;
  inFlight: number;
  lastWorkMs: number;
}

let scratches = 0;
/**
 * A new TypeScript editor holding `content`, under an untitled name no other test used: VS Code
 * reuses "Untitled-N" names, and under load a closed one can come back with its old text.
 */
export async function scratch(content: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `/scratch-${Date.now()}-${++scratches}.ts` });
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await editor.edit((e) => e.insert(new vscode.Position(0, 0), content));
  if (editor.document.getText() !== content) throw new Error('The scratch editor did not take its text.');
  return editor;
}

/**
 * Kestrel's models as another extension finds them (`vscode.lm.selectChatModels({ vendor: 'kestrel' })`),
 * once VS Code lists them; undefined when this VS Code has no language model API.
 */
export async function kestrelChatModels(): Promise<vscode.LanguageModelChat[] | undefined> {
  const lm = vscode.lm as typeof vscode.lm | undefined;
  if (typeof lm?.selectChatModels !== 'function') return undefined;
  return waitFor(async () => {
    const models = await lm.selectChatModels({ vendor: 'kestrel' });
    return models.length ? models : undefined;
  }, "Kestrel's models in VS Code's model list", 10_000);
}

/** What a chat tool returned through the test hook (`kestrel._test.runTool`, the executor the chat panel uses). */
export interface ToolResult {
  text: string;
  outcome: string;
  title?: string;
  error?: boolean;
}

export const runTool = (name: string, args: unknown) => vscode.commands.executeCommand<ToolResult>('kestrel._test.runTool', name, args);

/** The test workspace's folder, a file in it, and its path on disk. */
export const workspaceFolder = () => vscode.workspace.workspaceFolders![0].uri;
export const workspaceFile = (relative: string) => vscode.Uri.joinPath(workspaceFolder(), relative);
export const workspaceRoot = () => workspaceFolder().fsPath;
export const isExcluded = (uri: vscode.Uri) => vscode.commands.executeCommand<boolean>('kestrel._test.isExcluded', uri.toString());

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

// Turns the settings and the stored key into a ready client for a purpose. Clients are cached per
// (base URL, key, proxy) so every feature shares one keep-alive pool; a change of any of those
// builds a new one and disposes the old. Every client shares one record of the pauses providers
// asked for (src/core/client/rateLimits.ts), so a rebuilt client keeps them.
import * as vscode from 'vscode';
import { createChatClient, type RequestLogEntry } from '../core/client/client';
import { realClock } from '../core/clock';
import { keyOrigin, PRESETS, resolveProvider, type ResolvedProvider } from '../core/client/presets';
import { selectProxy } from '../core/client/proxy';
import { createRateLimits } from '../core/client/rateLimits';
import type { KestrelSettings } from '../core/config';
import type { ModelInfo } from '../core/client/types';
import type { KeyStore } from './secrets';
import type { ClientHandle, Purpose } from './services';
import { describeRequest } from './log';
import { notices } from './errorReporter';

type Client = ReturnType<typeof createChatClient>;

const isLoopback = (host: string) => /^(localhost|127(?:\.\d+){3}|\[?::1\]?)$/i.test(host);

export class ClientProvider implements vscode.Disposable {
  private cached: { signature: string; client: Client } | undefined;
  /** Origins the user allowed a key to go to over plain http this session. */
  private readonly plainHttpAllowed = new Set<string>();
  /** Per origin: the pause a provider asked for, whichever client it told. */
  private readonly rateLimits = createRateLimits(realClock);

  constructor(
    private readonly keys: KeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly settings: () => KestrelSettings,
    /** Told of every finished request (usage accounting). */
    private readonly onRequest: (entry: RequestLogEntry) => void = () => {},
    /** Told of each model list a provider sent, with its base URL (the prices it lists). */
    private readonly onModels: (baseUrl: string, models: ModelInfo[]) => void = () => {},
  ) {}

  private logRequest(entry: RequestLogEntry): void {
    this.log.info(describeRequest(entry));
    this.onRequest(entry);
  }

  provider(): ResolvedProvider {
    return resolveProvider(this.settings());
  }

  /** The key for the current provider: the stored secret, else the provider's environment variable. */
  async keyFor(provider: ResolvedProvider): Promise<{ key: string; origin?: string; fromEnv: boolean } | undefined> {
    const stored = await this.keys.get(provider.id);
    if (stored) return { ...stored, fromEnv: false };
    const fromEnv = provider.envVar ? process.env[provider.envVar]?.trim() : undefined;
    return fromEnv ? { key: fromEnv, fromEnv: true } : undefined;
  }

  async clientFor(purpose: Purpose, interactive: boolean): Promise<ClientHandle | undefined> {
    const settings = this.settings();
    const provider = resolveProvider(settings);
    const model = purpose === 'chat' ? provider.chatModel : provider.model;
    if (!provider.baseUrl) {
      if (interactive) void offer(`Kestrel: the custom provider needs a base URL (setting kestrel.baseUrl).`, 'Open Settings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'kestrel.baseUrl'));
      return undefined;
    }
    const origin = keyOrigin(provider.baseUrl);
    // The value is not repeated: a key pasted into the wrong box must not reach a notification.
    if (!origin) {
      if (interactive) void offer(`Kestrel: kestrel.baseUrl is not an http(s) URL. Nothing was sent.`, 'Open Settings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'kestrel.baseUrl'));
      return undefined;
    }
    if (!model) {
      if (interactive) void offer(`Kestrel: choose a model for ${provider.id} first.`, 'Select Model', () => vscode.commands.executeCommand('kestrel.selectModel'));
      return undefined;
    }

    const found = await this.keyFor(provider);
    if (provider.keyRequired && !found) {
      if (interactive) {
        void offer(`Kestrel needs an API key for ${provider.id}. Nothing was sent.`, 'Set API Key', () => vscode.commands.executeCommand('kestrel.setApiKey'));
      }
      return undefined;
    }
    let key = await this.keyForOrigin(provider, found, origin, interactive);
    if (key === null) return undefined; // the user cancelled
    if (key && !(await this.allowPlainHttp(origin, interactive))) key = undefined;
    if (provider.keyRequired && !key) return undefined;

    const proxy = selectProxy(provider.baseUrl, { proxy: settings.http.proxy, strictSSL: settings.http.proxyStrictSSL }, process.env);
    const signature = JSON.stringify([provider.baseUrl, key ?? '', provider.headers, proxy]);
    if (this.cached?.signature !== signature) {
      const old = this.cached?.client;
      this.cached = {
        signature,
        client: createChatClient({
          baseUrl: provider.baseUrl,
          apiKey: key,
          headers: provider.headers,
          proxy,
          rateLimits: this.rateLimits,
          onLog: (entry) => this.logRequest(entry),
        }),
      };
      void old?.dispose();
    }
    return { client: this.cached.client, model, providerId: provider.id };
  }

  /**
   * The stored key, if it may go to `origin`. A key stored for another origin (the base URL moved
   * since) goes there only when the user says so. A key bound to no origin (stored by an older
   * build) binds silently only to its provider's own address; anywhere else it is asked like a
   * moved key. Environment keys were put there by the user for whatever base URL they configured.
   * `null`: the user cancelled, send nothing.
   */
  private async keyForOrigin(provider: ResolvedProvider, found: { key: string; origin?: string; fromEnv: boolean } | undefined, origin: string, interactive: boolean): Promise<string | undefined | null> {
    if (!found) return undefined;
    if (found.fromEnv) return found.key;
    if (found.origin === origin) return found.key;
    if (!found.origin && origin === keyOrigin(PRESETS[provider.id].baseUrl)) {
      await this.keys.store(provider.id, found.key, origin);
      return found.key;
    }
    // Automatic requests never ask: a provider that needs the key gets nothing, another goes keyless.
    if (!interactive) return provider.keyRequired ? null : undefined;
    const actions = provider.keyRequired ? ['Send Key'] : ['Send Key', 'Send Without Key'];
    const stored = found.origin ? `was stored for ${found.origin}` : 'was stored without a server address';
    const answer = await notices.ask(`Your ${provider.id} API key ${stored}, but Kestrel is now set to send requests to ${origin}. Send the key there?`, ...actions);
    if (answer === 'Send Key') {
      await this.keys.store(provider.id, found.key, origin);
      return found.key;
    }
    return answer === 'Send Without Key' ? undefined : null;
  }

  /**
   * The provider's models. Listing needs no key at OpenRouter or AI/ML API, so without one the
   * request goes out keyless rather than not at all.
   */
  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const baseUrl = this.provider().baseUrl;
    const models = await this.fetchModels(signal);
    this.onModels(baseUrl, models);
    return models;
  }

  private async fetchModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const handle = await this.clientFor('chat', false);
    if (handle) return handle.client.listModels({ signal });
    const provider = this.provider();
    if (!provider.baseUrl) return [];
    const settings = this.settings();
    const proxy = selectProxy(provider.baseUrl, { proxy: settings.http.proxy, strictSSL: settings.http.proxyStrictSSL }, process.env);
    const client = createChatClient({ baseUrl: provider.baseUrl, headers: provider.headers, proxy, rateLimits: this.rateLimits, onLog: (entry) => this.logRequest(entry) });
    try {
      return await client.listModels({ signal });
    } finally {
      void client.dispose();
    }
  }

  /** A key over plain http to a host other than this machine is sent only after the user agrees, once per origin. */
  private async allowPlainHttp(origin: string, interactive: boolean): Promise<boolean> {
    const url = new URL(origin);
    if (url.protocol !== 'http:' || isLoopback(url.hostname) || this.plainHttpAllowed.has(origin)) return true;
    if (!interactive) return false;
    const answer = await notices.ask(
      `Kestrel would send your API key to ${origin} over plain http, readable by anyone on the network. Send it anyway?`,
      'Send Over HTTP',
    );
    if (answer !== 'Send Over HTTP') return false;
    this.plainHttpAllowed.add(origin);
    return true;
  }

  dispose(): void {
    void this.cached?.client.dispose();
    this.cached = undefined;
  }
}

async function offer(message: string, action: string, run: () => Thenable<unknown>): Promise<void> {
  if ((await notices.show('warning', message, action)) === action) await run();
}

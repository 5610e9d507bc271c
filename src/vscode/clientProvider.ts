// Turns the settings and the stored key into a ready client for a purpose. What they resolve to
// (the provider, the proxy, the key read from secret storage, the client and its handles) is kept
// until the settings or a key change, so a keystroke reads nothing and builds nothing. One client
// at a time, so every feature shares one keep-alive pool; a change of base URL, key, headers or
// proxy builds a new one and disposes the old. Every client shares one record of the pauses
// providers asked for (src/core/client/rateLimits.ts), so a rebuilt client keeps them.
import * as vscode from 'vscode';
import { realClock } from '../core/clock';
import { createChatClient, type Client, type RequestLogEntry } from '../core/client/client';
import { keyOrigin, PRESETS, resolveProvider, type ResolvedProvider } from '../core/client/presets';
import { isLoopbackHost, selectProxy, type ProxyChoice } from '../core/client/proxy';
import { createRateLimits } from '../core/client/rateLimits';
import { shapedClient } from '../core/client/shape';
import { FIXES, type FixId, type SetupProblem } from '../core/fixes';
import type { KestrelSettings } from '../core/config';
import type { ModelInfo } from '../core/client/types';
import type { KeyStore } from './secrets';
import type { ClientHandle, Purpose } from './services';
import { describeRequest } from './log';
import { notices, runFix } from './errorReporter';
import { retiredModels } from './retiredModel';

type FoundKey = { key: string; origin?: string; fromEnv: boolean };

/** What one version of the settings resolves to. */
interface Resolved {
  /** The settings object this was worked out from; a new one (any settings change) means work it out again. */
  settings: KestrelSettings;
  provider: ResolvedProvider;
  /** The base URL's origin; empty when it is not an http(s) URL. */
  origin: string;
  proxy: ProxyChoice | undefined;
  /** Per purpose and key: the handle last given out. */
  handles: Map<string, ClientHandle>;
}

export class ClientProvider implements vscode.Disposable {
  private resolved: Resolved | undefined;
  /** The key lookup for a provider, read once until a key changes. */
  private found: { providerId: string; lookup: Promise<FoundKey | undefined> } | undefined;
  private cached: { signature: string; client: Client } | undefined;
  /** Origins the user allowed a key to go to over plain http this session. */
  private readonly plainHttpAllowed = new Set<string>();
  /** Per origin: the pause a provider asked for, whichever client it told. */
  private readonly rateLimits = createRateLimits(realClock);
  /** The shared client each handle shapes its requests for (a handle from an older client is not reused). */
  private readonly baseOf = new WeakMap<ClientHandle, Client>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly keys: KeyStore,
    private readonly log: vscode.LogOutputChannel,
    /** The settings as last read: the same object until they change. */
    private readonly settings: () => KestrelSettings,
    /** Told of every finished request (usage accounting). */
    private readonly onRequest: (entry: RequestLogEntry) => void = () => {},
    /** Told of each model list a provider sent, with its base URL (the prices it lists). */
    private readonly onModels: (baseUrl: string, models: ModelInfo[]) => void = () => {},
  ) {
    this.subscription = keys.onDidChange(() => this.forgetKeys());
    retiredModels.settings = settings;
  }

  private logRequest(entry: RequestLogEntry): void {
    this.log.info(describeRequest(entry));
    this.onRequest(entry);
  }

  /** The provider, proxy and handles for the current settings, worked out once per change. */
  private current(): Resolved {
    const settings = this.settings();
    if (this.resolved?.settings === settings) return this.resolved;
    const provider = resolveProvider(settings);
    const proxy = provider.baseUrl ? selectProxy(provider.baseUrl, { proxy: settings.http.proxy, strictSSL: settings.http.proxyStrictSSL, noProxy: settings.http.noProxy }, process.env) : undefined;
    this.resolved = { settings, provider, origin: keyOrigin(provider.baseUrl), proxy, handles: new Map() };
    return this.resolved;
  }

  /** A key was stored or deleted: read it again on the next request. */
  private forgetKeys(): void {
    this.found = undefined;
    this.resolved?.handles.clear();
  }

  provider(): ResolvedProvider {
    return this.current().provider;
  }

  /** The key for the current provider: the stored secret, else the provider's environment variable. */
  keyFor(provider: ResolvedProvider): Promise<FoundKey | undefined> {
    if (this.found?.providerId !== provider.id) {
      const lookup = this.keys.get(provider.id).then((stored): FoundKey | undefined => {
        if (stored) return { ...stored, fromEnv: false };
        const fromEnv = provider.envVar ? process.env[provider.envVar]?.trim() : undefined;
        return fromEnv ? { key: fromEnv, fromEnv: true } : undefined;
      });
      // A failed read is not kept: the next request tries again.
      lookup.catch(() => {
        if (this.found?.lookup === lookup) this.found = undefined;
      });
      this.found = { providerId: provider.id, lookup };
    }
    return this.found.lookup;
  }

  async clientFor(purpose: Purpose, options?: { interactive?: boolean }): Promise<ClientHandle | undefined> {
    const opened = await this.open(purpose, options);
    return typeof opened === 'string' ? undefined : opened;
  }

  /**
   * A client for `purpose`, or why there is none: a setup problem (with `interactive`, the user was
   * offered its fix) or `declined` (the user kept the key from a new server).
   */
  async open(purpose: Purpose, options?: { interactive?: boolean }): Promise<ClientHandle | SetupProblem | 'declined'> {
    const interactive = options?.interactive ?? false;
    const resolved = this.current();
    const { provider, origin } = resolved;
    const model = purpose === 'chat' ? provider.chatModel : provider.model;
    if (!provider.baseUrl) {
      if (interactive) void offer(`Kestrel: the custom provider needs a base URL (setting kestrel.baseUrl).`, 'openBaseUrl');
      return 'no-base-url';
    }
    // The value is not repeated: a key pasted into the wrong box must not reach a notification.
    if (!origin) {
      if (interactive) void offer(`Kestrel: kestrel.baseUrl is not an http(s) URL. Nothing was sent.`, 'openBaseUrl');
      return 'no-base-url';
    }
    if (!model) {
      if (interactive) void offer(`Kestrel: choose a model for ${provider.id} first.`, 'selectModel');
      return 'no-model';
    }

    const found = await this.keyFor(provider);
    if (provider.keyRequired && !found) {
      if (interactive) void offer(`Kestrel needs an API key for ${provider.id}. Nothing was sent.`, 'setApiKey');
      return 'no-key';
    }
    let key = await this.keyForOrigin(provider, found, origin, interactive);
    if (key === null) return 'declined';
    if (key && !(await this.allowPlainHttp(origin, interactive))) key = undefined;
    if (provider.keyRequired && !key) return 'declined';
    return this.handle(resolved, purpose, model, key);
  }

  /** The handle for a purpose and key under these settings: the one given out before, if any. */
  private handle(resolved: Resolved, purpose: Purpose, model: string, key: string | undefined): ClientHandle {
    // Settings or keys changed while the key was awaited: hand out a client for what was decided, keep nothing.
    const current = this.resolved === resolved;
    const id = `${purpose}\n${key ?? ''}`;
    const kept = current ? resolved.handles.get(id) : undefined;
    if (kept && this.baseOf.get(kept) === this.cached?.client) return kept;
    const { provider, proxy } = resolved;
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
    // OpenRouter's routing and the chat's prompt-cache breakpoint (src/core/client/shape.ts).
    // A retired default model is offered its successor whichever feature asked (src/vscode/retiredModel.ts).
    const client = shapedClient(this.cached.client, { providerId: provider.id, purpose, sort: resolved.settings.openrouter.sort }, (error) => retiredModels.consider(error, purpose));
    const handle: ClientHandle = { client, model, providerId: provider.id, prefill: provider.prefill };
    this.baseOf.set(handle, this.cached.client);
    if (current) resolved.handles.set(id, handle);
    return handle;
  }

  /**
   * The stored key, if it may go to `origin`. A key stored for another origin (the base URL moved
   * since) goes there only when the user says so. A key bound to no origin (stored by an older
   * build) binds silently only to its provider's own address; anywhere else it is asked like a
   * moved key. Environment keys were put there by the user for whatever base URL they configured.
   * `null`: the user cancelled, send nothing.
   */
  private async keyForOrigin(provider: ResolvedProvider, found: FoundKey | undefined, origin: string, interactive: boolean): Promise<string | undefined | null> {
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
    const handle = await this.clientFor('chat');
    if (handle) return handle.client.listModels({ signal });
    const { provider, proxy } = this.current();
    if (!provider.baseUrl) return [];
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
    if (url.protocol !== 'http:' || isLoopbackHost(url.hostname) || this.plainHttpAllowed.has(origin)) return true;
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
    this.subscription.dispose();
    void this.cached?.client.dispose();
    this.cached = undefined;
    this.resolved = undefined;
    this.found = undefined;
  }
}

/** A warning with the fix for a setup problem (src/core/fixes.ts). */
async function offer(message: string, fixId: FixId): Promise<void> {
  const { label } = FIXES[fixId];
  if ((await notices.show('warning', message, label)) === label) await runFix(fixId);
}

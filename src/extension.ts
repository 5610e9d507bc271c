// Kestrel's entry point: build the pieces, register the adapters, push every disposable.
import * as vscode from 'vscode';
import { readSettings, type KestrelSettings } from './core/config';
import { keyOrigin, PROVIDER_NAMES } from './core/client/presets';
import { ClientProvider } from './vscode/clientProvider';
import { ErrorReporter, notices, registerNoticesHook } from './vscode/errorReporter';
import { ExcludeRules } from './vscode/excludeRules';
import { KeyStore } from './vscode/secrets';
import { StatusBar, showStatusMenu } from './vscode/statusBar';
import { selectModel } from './vscode/modelPicker';
import { UsageTracker } from './vscode/usage';
import type { Services } from './vscode/services';
import type { KestrelApi, KestrelTestApi } from './vscode/testApi';
import { registerInline } from './vscode/inline';
import { registerChat } from './vscode/chatView';
import { registerActions } from './vscode/actions';
import { registerParticipant } from './vscode/chatParticipant';
import { registerLanguageModels } from './vscode/languageModels';
import { registerCommitMessage } from './vscode/commitMessage';
import { registerLanguageModelTools } from './vscode/chatTools';

export async function activate(context: vscode.ExtensionContext): Promise<KestrelApi> {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Kestrel', { log: true });
  context.subscriptions.push(log);

  const readAll = () =>
    readSettings(
      (key) => vscode.workspace.getConfiguration().get(key),
      (key) => {
        const v = vscode.workspace.getConfiguration().inspect(key);
        return { user: v?.globalValue, workspace: [v?.workspaceValue, v?.workspaceFolderValue].filter((w) => w !== undefined) };
      },
    );
  let settings: KestrelSettings = readAll();
  const settingsChanged = new vscode.EventEmitter<KestrelSettings>();
  context.subscriptions.push(settingsChanged);

  const usage = new UsageTracker(context.globalState, () => settings.usage.dailyLimitUsd, () => settings.provider);
  const keys = new KeyStore(context.secrets);
  context.subscriptions.push(keys);
  // Every chat request counts toward usage and the cap, estimated where the provider reports nothing.
  const clients = new ClientProvider(keys, log, () => settings, (entry) => usage.recordRequest(entry), (baseUrl, models) => usage.learnPrices(baseUrl, models));
  const status = new StatusBar();
  const errors = new ErrorReporter(log, status);
  context.subscriptions.push(clients, status);

  const excludes = new ExcludeRules(() => settings.exclude);
  context.subscriptions.push(excludes, usage, usage.onDidChange(() => status.update({ usageLine: usage.todayLine() })));

  const refreshStatus = () => {
    const provider = clients.provider();
    status.update({
      inlineEnabled: settings.inline.enabled,
      provider: provider.id,
      model: provider.model,
      note: process.env.KESTREL_DEMO_SERVER ? 'Offline demo: answers come from the bundled demo server, not a model.' : undefined,
      demo: Boolean(process.env.KESTREL_DEMO_SERVER),
      usageLine: usage.todayLine(),
    });
  };
  refreshStatus();

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('kestrel') && !e.affectsConfiguration('http')) return;
      settings = readAll();
      excludes.reload();
      refreshStatus();
      settingsChanged.fire(settings);
    }),
  );

  const services: Services = {
    context,
    log,
    settings: () => settings,
    onDidChangeSettings: settingsChanged.event,
    // The provider's own methods: a keystroke asks ClientProvider directly for its cached handle.
    clientFor: clients.clientFor.bind(clients),
    openClient: clients.open.bind(clients),
    isExcluded: (uri) => excludes.isExcluded(uri),
    reportError: (error, origin) => errors.report(error, origin),
    status,
    usageCapReached: () => usage.capReached(),
    suggestionFigures: usage,
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('kestrel.setApiKey', () => setApiKey(clients, keys)),
    vscode.commands.registerCommand('kestrel.clearApiKey', () => clearApiKey(clients, keys)),
    vscode.commands.registerCommand('kestrel.showLog', () => log.show()),
    vscode.commands.registerCommand('kestrel.selectModel', (target?: unknown) => selectModel(context, clients, target === 'chat' ? 'chat' : 'inline')),
    vscode.commands.registerCommand('kestrel.showUsage', () => usage.show()),
    vscode.commands.registerCommand('kestrel.statusMenu', () => showStatusMenu(settings.inline.enabled)),
    ...registerInline(services),
    ...registerChat(services),
    ...registerActions(services),
    ...registerLanguageModels(services),
    ...registerParticipant(services),
    ...registerCommitMessage(services),
    ...registerLanguageModelTools(services),
  );
  void offerWalkthroughOnFirstRun(context, clients);

  log.info(`Kestrel ${context.extension.packageJSON.version} activated in ${Math.round(performance.now() - started)} ms (provider ${settings.provider}).`);

  if (KESTREL_TEST_HOOKS && context.extensionMode === vscode.ExtensionMode.Test) return { test: registerTestApi(context, services, clients, keys, excludes) };
  return {};
}

/** The hooks the extension-host suites drive Kestrel through; compiled out of the shipped bundle. */
function registerTestApi(context: vscode.ExtensionContext, services: Services, clients: ClientProvider, keys: KeyStore, excludes: ExcludeRules): KestrelTestApi {
  context.subscriptions.push(
    registerNoticesHook(),
    vscode.commands.registerCommand('kestrel._test.isExcluded', (uri: string) => excludes.isExcluded(vscode.Uri.parse(uri))),
    // How often a key was read from secret storage: requests reuse the key until it changes.
    vscode.commands.registerCommand('kestrel._test.keyReads', () => keys.reads),
  );
  return {
    secrets: {
      get: async (provider) => (await keys.get(provider))?.key,
      store: async (provider, key) => keys.store(provider, key, keyOrigin(clients.provider().baseUrl)),
      delete: async (provider) => keys.delete(provider),
    },
    async complete(purpose, prompt) {
      const handle = await services.clientFor(purpose);
      if (!handle) return undefined;
      const result = await handle.client.complete({ model: handle.model, messages: [{ role: 'user', content: prompt }], maxTokens: 64 });
      return { text: result.text };
    },
    logUri: context.logUri,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

async function setApiKey(clients: ClientProvider, keys: KeyStore): Promise<void> {
  const provider = clients.provider();
  if (!provider.keyRequired && provider.id === 'ollama') {
    void notices.show('info', 'Ollama needs no API key.');
    return;
  }
  // A key is bound to the server it is for: without one to name, nothing is stored.
  if (!keyOrigin(provider.baseUrl)) {
    const open = 'Open Settings';
    if ((await notices.show('warning', 'Kestrel: set kestrel.baseUrl to your server first; the API key is stored for that server only.', open)) === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kestrel.baseUrl');
    }
    return;
  }
  const key = await vscode.window.showInputBox({
    title: `Kestrel: API key for ${provider.id}`,
    prompt: `Stored in VS Code's secret storage and sent only to ${keyOrigin(provider.baseUrl)}.`,
    placeHolder: provider.id === 'openrouter' ? 'sk-or-v1-…' : 'Paste your API key',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'The key cannot be empty.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
  });
  if (key === undefined) return;
  // Read again: the base URL may have changed while the box was open.
  const origin = keyOrigin(clients.provider().baseUrl);
  if (!origin) return;
  await keys.store(provider.id, key.trim(), origin);
  void notices.show('info', `Kestrel: API key for ${provider.id} saved.`);
}

async function clearApiKey(clients: ClientProvider, keys: KeyStore): Promise<void> {
  const provider = clients.provider();
  await keys.delete(provider.id);
  const envNote = provider.envVar && process.env[provider.envVar] ? ` ${provider.envVar} is still set in the environment and will be used.` : '';
  void notices.show('info', `Kestrel: API key for ${provider.id} removed.${envNote}`);
}

/**
 * The first time Kestrel starts without a usable key, point the user at the walkthrough once.
 * Later starts stay quiet: the status bar and the commands say the rest.
 */
async function offerWalkthroughOnFirstRun(context: vscode.ExtensionContext, clients: ClientProvider): Promise<void> {
  if (context.extensionMode === vscode.ExtensionMode.Test || context.globalState.get<boolean>('kestrel.welcomed')) return;
  const provider = clients.provider();
  if (!provider.keyRequired || (await clients.keyFor(provider))) return;
  await context.globalState.update('kestrel.welcomed', true);
  const picked = await notices.show(
    'info',
    `Kestrel is installed. Set your ${PROVIDER_NAMES[provider.id]} API key to get suggestions and chat.`,
    'Get Started',
    'Set API Key',
  );
  if (picked === 'Get Started') {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#kestrel.gettingStarted`, false);
  } else if (picked === 'Set API Key') {
    await vscode.commands.executeCommand('kestrel.setApiKey');
  }
}

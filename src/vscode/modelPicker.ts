// `Kestrel: Select Model`: lists the provider's models from GET /models, marks retired ones, keeps
// recents, and sets `kestrel.model` (or `kestrel.chat.model` when called with 'chat'). Offline or
// with a server that lists nothing, the user can still type a model id.
import * as vscode from 'vscode';
import { KestrelError } from '../core/client/errors';
import type { ModelInfo } from '../core/client/types';
import { inertText } from '../core/inertText';
import { modelChoices, pushRecent } from '../core/modelChoices';
import { dayOf } from '../core/usage';
import type { ClientProvider } from './clientProvider';
import { notices } from './errorReporter';

const RECENTS_KEY = 'kestrel.recentModels';

export async function selectModel(context: vscode.ExtensionContext, clients: ClientProvider, target: 'inline' | 'chat' = 'inline'): Promise<string | undefined> {
  const provider = clients.provider();
  const setting = target === 'chat' ? 'kestrel.chat.model' : 'kestrel.model';
  const current = target === 'chat' ? provider.chatModel : provider.model;
  const recents = context.globalState.get<string[]>(RECENTS_KEY, []);

  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { id?: string }>();
  pick.title = `Kestrel: model for ${target === 'chat' ? 'the chat panel' : 'suggestions and actions'} (${provider.id})`;
  pick.placeholder = 'Filter models, or type a model id';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.show();

  let listed: ModelInfo[] = [];
  let loaded = false;
  const abort = new AbortController();
  const loading = clients.listModels(abort.signal).then(
    (models) => {
      listed = models;
      loaded = true;
      render();
    },
    (err: unknown) => {
      const why = err instanceof KestrelError ? err.userMessage : String(err);
      pick.placeholder = inertText(`Could not list models (${why}). Type a model id.`);
      loaded = true;
      render();
    },
  );

  const render = () => {
    pick.busy = !loaded;
    const choices = modelChoices(listed, { recents, today: dayOf(new Date()), current });
    const items: (vscode.QuickPickItem & { id?: string })[] = [];
    const recentChoices = choices.filter((c) => c.recent);
    if (recentChoices.length) items.push({ label: 'Recently used', kind: vscode.QuickPickItemKind.Separator });
    for (const c of choices) {
      if (c === choices[recentChoices.length] && recentChoices.length) items.push({ label: 'All models', kind: vscode.QuickPickItemKind.Separator });
      items.push({ id: c.id, label: c.label, description: c.description, detail: c.detail });
    }
    // A typed id is offered only when no listed model matches it: VS Code sorts the typed text itself
    // first, and Enter on a filter like `haiku-4.5` must take the listed model, not the filter.
    const typed = pick.value.trim();
    const lower = typed.toLowerCase();
    if (typed && !listed.some((m) => m.id.toLowerCase().includes(lower) || m.name?.toLowerCase().includes(lower))) {
      items.push({ id: typed, label: inertText(typed), description: 'use this model id', alwaysShow: true });
    }
    pick.items = items;
  };
  pick.onDidChangeValue(render);

  const chosen = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.id ?? (pick.value.trim() || undefined)));
    pick.onDidHide(() => resolve(undefined));
  });
  abort.abort();
  pick.dispose();
  await loading;
  if (!chosen) return undefined;

  const info = listed.find((m) => m.id === chosen);
  if (info?.expirationDate && info.expirationDate.slice(0, 10) <= dayOf(new Date())) {
    const go = await notices.show('warning', `${chosen} was retired on ${info.expirationDate.slice(0, 10)}; requests to it will likely fail. Use it anyway?`, 'Use Anyway');
    if (go !== 'Use Anyway') return undefined;
  }
  await vscode.workspace.getConfiguration().update(setting, chosen, vscode.ConfigurationTarget.Global);
  await context.globalState.update(RECENTS_KEY, pushRecent(recents, chosen));
  void notices.show('info', `Kestrel now uses ${chosen} for ${target === 'chat' ? 'chat' : 'suggestions and actions'}.`);
  return chosen;
}

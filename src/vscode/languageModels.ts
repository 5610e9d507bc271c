// Kestrel's models in VS Code's own chat model picker, through the Language Model Chat Provider API.
// That API is stable only in newer VS Code builds than `engines.vscode` (^1.95.0) promises, so it
// is feature-detected at runtime and described here by the few members Kestrel uses: older VS Code
// and builds without it are skipped quietly.
import * as vscode from 'vscode';
import type { ChatMessage, Role } from '../core/client/types';
import { capReachedMessage, estimateTokens } from '../core/usage';
import { excludedDocumentIn } from './excludeRules';
import type { Services } from './services';

interface ModelInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  tooltip?: string;
  detail?: string;
  capabilities: { imageInput?: boolean; toolCalling?: boolean | number };
}

interface RequestMessage {
  role: number;
  content: ReadonlyArray<unknown>;
}

interface ChatProvider {
  onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { silent: boolean }, token: vscode.CancellationToken): Promise<ModelInformation[]>;
  provideLanguageModelChatResponse(
    model: ModelInformation,
    messages: readonly RequestMessage[],
    options: unknown,
    progress: vscode.Progress<unknown>,
    token: vscode.CancellationToken,
  ): Promise<void>;
  provideTokenCount(model: ModelInformation, text: string | RequestMessage, token: vscode.CancellationToken): Promise<number>;
}

type Register = (vendor: string, provider: ChatProvider) => vscode.Disposable;

/** The vendor id declared under `contributes.languageModelChatProviders` in package.json. */
export const VENDOR = 'kestrel';

export function registerLanguageModels(services: Services): vscode.Disposable[] {
  const register = (vscode.lm as unknown as { registerLanguageModelChatProvider?: Register }).registerLanguageModelChatProvider;
  if (typeof register !== 'function') {
    services.log.info('This VS Code has no language model provider API; Kestrel models are not offered to its built-in chat.');
    return [];
  }
  const changed = new vscode.EventEmitter<void>();
  const provider: ChatProvider = {
    onDidChangeLanguageModelChatInformation: changed.event,
    async provideLanguageModelChatInformation() {
      const handle = await services.clientFor('chat');
      if (!handle || !handle.model) return [];
      const ids = [...new Set([services.settings().chatModel, services.settings().model, handle.model].filter(Boolean))];
      return ids.map((id) => ({
        id,
        name: `${id} (Kestrel)`,
        family: id,
        version: handle.providerId,
        maxInputTokens: 200_000,
        maxOutputTokens: 8_192,
        tooltip: `Served by Kestrel through ${handle.providerId}.`,
        detail: handle.providerId,
        capabilities: {},
      }));
    },
    async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
      // Another extension's agent can call these models in a loop: the daily cap holds here too.
      if (services.usageCapReached()) throw new Error(capReachedMessage(services.settings().usage.dailyLimitUsd));
      const handle = await services.clientFor('chat', { interactive: true });
      if (!handle) throw new Error('Kestrel has no API key for this provider. Run "Kestrel: Set API Key".');
      // The messages arrive as text without the files they came from: a request carrying text of an
      // excluded document open in the editor is refused, naming the file, never the text (docs/security.md).
      const excluded = excludedDocumentIn(messages.map((m) => textOf(m.content)).join('\n'), (uri) => services.isExcluded(uri));
      if (excluded) throw new Error(`Kestrel sent nothing: the request contains text of ${vscode.workspace.asRelativePath(excluded.uri)}, which is excluded (kestrel.exclude or .kestrelignore). Leave that file out of the question (start a new chat if an earlier message carries it).`);
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        const stream = handle.client.stream({ model: model.id, messages: messages.map(toChatMessage), maxTokens: model.maxOutputTokens }, { signal: abort.signal });
        for await (const delta of stream) progress.report(new vscode.LanguageModelTextPart(delta));
        await stream.result;
      } finally {
        subscription.dispose();
      }
    },
    async provideTokenCount(_model, text) {
      const content = typeof text === 'string' ? text : textOf(text.content);
      return estimateTokens(content.length);
    },
  };
  try {
    return [changed, services.onDidChangeSettings(() => changed.fire()), register(VENDOR, provider)];
  } catch (error) {
    services.log.warn(`Kestrel models could not be offered to VS Code's chat: ${error instanceof Error ? error.message : String(error)}`);
    changed.dispose();
    return [];
  }
}

// VS Code's LanguageModelChatMessageRole: User = 1, Assistant = 2, System = 3 (newer builds).
function toChatMessage(message: RequestMessage): ChatMessage {
  const role: Role = message.role === 2 ? 'assistant' : message.role === 3 ? 'system' : 'user';
  return { role, content: textOf(message.content) };
}

function textOf(parts: ReadonlyArray<unknown>): string {
  return parts.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

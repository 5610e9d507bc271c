// When a provider says the model does not exist: if it is the preset's default that was retired
// (Claude 3.5 Haiku), Kestrel offers its successor once, with a button that switches to it; any
// other model (one the user typed) is reported as unknown, with Select Model (src/core/fixes.ts).
// Pure rules; src/vscode/retiredModel.ts shows the offer and changes the settings.
import { KestrelError } from './client/errors';
import { PRESETS, PROVIDER_NAMES } from './client/presets';
import { normaliseModelId } from './client/prices';
import type { ProviderId } from './config';

export interface SuccessorOffer {
  providerId: ProviderId;
  /** The model the provider refused, as it was sent. */
  retired: string;
  successor: string;
  /** What the notification says; it carries the provider's words (outside text, shown inert). */
  message: string;
  /** The button that switches. */
  action: string;
}

/** Whether `model` is the provider's default model under another spelling (`…-latest`, a date, a tag). */
export function isRetiredDefault(providerId: string, model: string | undefined): boolean {
  const preset = PRESETS[providerId as ProviderId];
  if (!preset?.successor || !preset.model || !model) return false;
  const id = normaliseModelId(model);
  return id === normaliseModelId(preset.model) && id !== normaliseModelId(preset.successor);
}

/**
 * The successor to offer for this failure, or undefined: only when the provider said the model does
 * not exist (`model-not-found`) and the model is the provider's retired default.
 */
export function successorFor(error: unknown, providerId: string): SuccessorOffer | undefined {
  if (!(error instanceof KestrelError) || error.kind !== 'model-not-found' || !isRetiredDefault(providerId, error.model)) return undefined;
  const id = providerId as ProviderId;
  const successor = PRESETS[id].successor!;
  const said = error.providerMessage ? ` (${PROVIDER_NAMES[id]} says: ${error.providerMessage})` : '';
  return {
    providerId: id,
    retired: error.model!,
    successor,
    message: `${PROVIDER_NAMES[id]} no longer offers "${error.model}", Kestrel's default model: it has been retired${said}. Switch to its successor, "${successor}"?`,
    action: `Switch to ${successor}`,
  };
}

/** The settings to change for the switch: the model, and the chat's model when it named the retired one. */
export function switchedSettings(offer: SuccessorOffer, chatModel: string): Record<string, string> {
  const out: Record<string, string> = { 'kestrel.model': offer.successor };
  if (chatModel && normaliseModelId(chatModel) === normaliseModelId(offer.retired)) out['kestrel.chat.model'] = offer.successor;
  return out;
}

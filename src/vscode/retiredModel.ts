// The offer to leave a retired default model (src/core/retired.ts): when the provider says Kestrel's
// default model does not exist, one notification per provider and session (again for each action
// the user runs) with "Switch to <successor>", which sets kestrel.model (and kestrel.chat.model when
// it named the retired model), so the choice outlives the session. Every failed request is shown
// here first, from the client handles (src/vscode/clientProvider.ts), whatever asked for it; the
// error reporter then leaves a failure the offer covers alone.
import * as vscode from 'vscode';
import type { KestrelSettings } from '../core/config';
import { FIXES } from '../core/fixes';
import { successorFor, switchedSettings } from '../core/retired';
import { notices, runFix } from './errorReporter';
import type { Purpose } from './services';

export class RetiredModelAdvisor {
  /** Providers whose retired default was offered a successor this session. */
  private readonly offered = new Set<string>();
  /** Failures already considered (the client handle and the error reporter may both see one). */
  private readonly seen = new WeakSet<object>();
  /** The settings as last read; set by the client provider. */
  settings: (() => KestrelSettings) | undefined;

  /** True when the failure is the retired default's: the offer (made now or before) is what the user reads. */
  consider(error: unknown, purpose: Purpose): boolean {
    const settings = this.settings?.();
    const offer = settings && successorFor(error, settings.provider);
    if (!offer) return false;
    if (this.seen.has(error as object)) return true;
    this.seen.add(error as object);
    if (this.offered.has(offer.providerId) && purpose !== 'action') return true;
    this.offered.add(offer.providerId);
    const selectModel = FIXES.selectModel.label;
    void notices.show('warning', offer.message, offer.action, selectModel).then(async (picked) => {
      if (picked === selectModel) return void runFix('selectModel');
      if (picked !== offer.action) return;
      const config = vscode.workspace.getConfiguration();
      for (const [key, value] of Object.entries(switchedSettings(offer, this.settings?.().chatModel ?? ''))) await config.update(key, value, vscode.ConfigurationTarget.Global);
    });
    return true;
  }
}

/** The one advisor of the extension. */
export const retiredModels = new RetiredModelAdvisor();

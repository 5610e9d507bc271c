// The one fix Kestrel offers for each kind of failure: the same button under a chat answer and in a
// notification. Pure data; the adapters run the command.
import type { ErrorKind } from './client/errors';

export type FixId = 'setApiKey' | 'selectModel' | 'openBaseUrl' | 'openProxySettings' | 'showLog';

export interface Fix {
  /** The button's text. */
  label: string;
  command: string;
  args?: string[];
}

export const FIXES: Record<FixId, Fix> = {
  setApiKey: { label: 'Set API Key', command: 'kestrel.setApiKey' },
  selectModel: { label: 'Select Model', command: 'kestrel.selectModel' },
  openBaseUrl: { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['kestrel.baseUrl'] },
  openProxySettings: { label: 'Open Proxy Settings', command: 'workbench.action.openSettings', args: ['http.proxy'] },
  showLog: { label: 'Show Log', command: 'kestrel.showLog' },
};

/** Setup problems found before anything is sent: each has its own fix. */
export type SetupProblem = 'no-base-url' | 'no-model' | 'no-key';

const BY_KIND: Partial<Record<ErrorKind | SetupProblem, FixId>> = {
  auth: 'setApiKey',
  'no-key': 'setApiKey',
  'model-not-found': 'selectModel',
  'no-model': 'selectModel',
  'no-base-url': 'openBaseUrl',
  proxy: 'openProxySettings',
};

/** What the user can do about a failure of this kind; the log when nothing more specific helps. */
export function fixFor(kind: ErrorKind | SetupProblem | 'unexpected'): FixId {
  return (kind !== 'unexpected' && BY_KIND[kind]) || 'showLog';
}

export function isFixId(value: unknown): value is FixId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FIXES, value);
}

// API keys live only in VS Code's SecretStorage, one secret per provider, together with the
// origin (scheme://host:port) they were stored for: a key is never sent anywhere else unasked.
import * as vscode from 'vscode';

export interface StoredKey {
  key: string;
  /** The origin the key was stored for; undefined for keys stored before origins were recorded. */
  origin?: string;
}

const PREFIX = 'kestrel.apiKey.';
const secretName = (provider: string) => `${PREFIX}${provider}`;

export class KeyStore implements vscode.Disposable {
  /** How many times a key was read from secret storage (the test hook `kestrel._test.keyReads`). */
  reads = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // A key set or cleared in another window reaches this one through secret storage.
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) this.changed.fire();
    });
  }

  /** Fires once a key was stored or deleted, here or in another window. */
  readonly onDidChange: vscode.Event<void> = this.changed.event;

  async get(provider: string): Promise<StoredKey | undefined> {
    this.reads++;
    const raw = await this.secrets.get(secretName(provider));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredKey>;
      if (typeof parsed.key === 'string' && parsed.key) {
        return { key: parsed.key, origin: typeof parsed.origin === 'string' ? parsed.origin : undefined };
      }
    } catch {
      // A bare string: stored by hand or by an older build.
    }
    return { key: raw };
  }

  async store(provider: string, key: string, origin: string): Promise<void> {
    await this.secrets.store(secretName(provider), JSON.stringify({ key: key.trim(), origin }));
    this.changed.fire();
  }

  async delete(provider: string): Promise<void> {
    await this.secrets.delete(secretName(provider));
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

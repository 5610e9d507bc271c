// API keys live only in VS Code's SecretStorage, one secret per provider, together with the
// origin (scheme://host:port) they were stored for: a key is never sent anywhere else unasked.
import * as vscode from 'vscode';

export interface StoredKey {
  key: string;
  /** The origin the key was stored for; undefined for keys stored before origins were recorded. */
  origin?: string;
}

const secretName = (provider: string) => `kestrel.apiKey.${provider}`;

export class KeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(provider: string): Promise<StoredKey | undefined> {
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

  store(provider: string, key: string, origin: string): Thenable<void> {
    return this.secrets.store(secretName(provider), JSON.stringify({ key: key.trim(), origin }));
  }

  delete(provider: string): Thenable<void> {
    return this.secrets.delete(secretName(provider));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key.startsWith('kestrel.apiKey.')) listener();
    });
  }
}

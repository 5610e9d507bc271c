// The chat's saved conversations, per workspace (workspaceState), newest first and bounded
// (src/core/chat/history.ts says how many and how large).
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import { boundSessions, type Session } from '../core/chat/history';
import type { SessionSummary } from '../core/chat/protocol';

const SESSIONS_KEY = 'kestrel.chat.sessions';

export class ChatSessions {
  private saved: Session[];

  constructor(private readonly state: vscode.Memento) {
    this.saved = state.get<Session[]>(SESSIONS_KEY, []).filter((s) => s && Array.isArray(s.turns));
  }

  static fresh(): Session {
    const now = Date.now();
    return { id: randomBytes(6).toString('hex'), title: 'New chat', createdAt: now, updatedAt: now, turns: [], usage: { promptTokens: 0, completionTokens: 0 } };
  }

  latest(): Session | undefined {
    return this.saved[0];
  }

  find(id: string): Session | undefined {
    return this.saved.find((s) => s.id === id);
  }

  count(): number {
    return this.saved.length;
  }

  summaries(): SessionSummary[] {
    return this.saved.map((s) => ({ id: s.id, title: s.title, updatedAt: s.updatedAt }));
  }

  /** Keeps `session` first (an empty one is not kept). */
  async save(session: Session): Promise<void> {
    const others = this.saved.filter((s) => s.id !== session.id);
    this.saved = boundSessions(session.turns.length ? [session, ...others] : others);
    await this.state.update(SESSIONS_KEY, this.saved);
  }

  async delete(id: string): Promise<void> {
    this.saved = this.saved.filter((s) => s.id !== id);
    await this.state.update(SESSIONS_KEY, this.saved);
  }
}

import { randomBytes } from 'node:crypto';
import type { User } from '../../common/contract';

export interface Session {
  token: string;
  user: User;
  createdAt: number;
  lastActive: number;
}

/**
 * In-memory sessions: a restart logs everyone out, which is the safe default for a control room.
 * Tokens are 256-bit random; a session ends after `idleMs` without a call.
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly now: () => number,
    private readonly idleMs = 12 * 3600_000,
  ) {}

  open(user: User): Session {
    const t = this.now();
    const session = { token: randomBytes(32).toString('base64url'), user, createdAt: t, lastActive: t };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, refreshed; null when unknown, closed or idle too long. */
  touch(token: string): Session | null {
    const session = this.peek(token);
    if (session) session.lastActive = this.now();
    return session;
  }

  /** Like touch, without counting as activity: pushing events to a screen is not a user acting. */
  peek(token: string): Session | null {
    const session = this.sessions.get(token);
    if (!session) return null;
    if (this.now() - session.lastActive > this.idleMs) {
      this.sessions.delete(token);
      return null;
    }
    return session;
  }

  close(token: string): void {
    this.sessions.delete(token);
  }
}

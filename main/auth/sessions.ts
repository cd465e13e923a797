import { randomBytes } from 'node:crypto';
import type { User } from '../../common/contract';
import type { WallMs } from '../../common/time';

export interface Session {
  token: string;
  user: User;
  createdAt: number;
  lastActive: number;
  /** A locked session still receives events (alarms, voice) but may only unlock or log out. */
  locked: boolean;
}

/**
 * In-memory sessions: a restart logs everyone out, which is the safe default for a control room.
 * Tokens are 256-bit random. Without a lock time a session ends after `idleMs` without a call; with
 * one, an idle session locks instead, so the screen behind the lock keeps showing and announcing
 * alarms until someone unlocks it or logs out. Whatever the activity, a session ends `maxAgeMs` after
 * its login: a token copied once (or a locked screen nobody comes back to) does not receive events for ever.
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => WallMs,
    private readonly idleMs = 12 * 3600_000,
    private readonly lockAfterMs: number | null = null,
    private readonly maxAgeMs: number | null = null,
  ) {}

  open(user: User): Session {
    const t = this.now();
    const session = { token: randomBytes(32).toString('base64url'), user, createdAt: t, lastActive: t, locked: false };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, refreshed unless locked; null when unknown, closed or idle too long. */
  touch(token: string): Session | null {
    const session = this.peek(token);
    if (session && !session.locked) session.lastActive = this.now();
    return session;
  }

  /** Like touch, without counting as activity: pushing events to a screen is not a user acting. */
  peek(token: string): Session | null {
    const session = this.sessions.get(token);
    if (!session) return null;
    if (this.maxAgeMs !== null && this.now() - session.createdAt > this.maxAgeMs) {
      this.sessions.delete(token);
      return null;
    }
    const idle = this.now() - session.lastActive;
    if (this.lockAfterMs !== null) {
      if (idle > this.lockAfterMs) session.locked = true;
    } else if (idle > this.idleMs) {
      this.sessions.delete(token);
      return null;
    }
    return session;
  }

  lock(token: string): void {
    const session = this.sessions.get(token);
    if (session) session.locked = true;
  }

  unlock(token: string): void {
    const session = this.sessions.get(token);
    if (!session) return;
    session.locked = false;
    session.lastActive = this.now();
  }

  close(token: string): void {
    this.sessions.delete(token);
  }

  /** Ends every session of an account: disabled, its role changed, or its password reset. */
  closeUser(userId: number): void {
    for (const [token, session] of this.sessions) if (session.user.id === userId) this.sessions.delete(token);
  }
}

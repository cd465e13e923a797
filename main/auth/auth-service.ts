/**
 * First-run setup, login with lockout, resume and logout. There is no default account: until the
 * first administrator is created, the only call that does anything is auth.setup.
 */
import type { Role } from '../../common/roles';
import type { User } from '../../common/contract';
import { CallFailure } from '../ipc/call-failure';
import { hashPassword, verifyPassword, type ScryptParams } from './password';
import type { Session, SessionTable } from './sessions';

export interface StoredUser {
  id: number;
  username: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: number | null;
}

/** What auth needs from the store. */
export interface UserStore {
  count(): number;
  /** Creates the user only if `onlyIfEmpty` holds at commit time; returns null when it did not. */
  create(user: { username: string; role: Role; passwordHash: string; createdAt: number }, onlyIfEmpty?: boolean): StoredUser | null;
  findByUsername(username: string): StoredUser | null;
  /**
   * Counts a failed login and, in the same statement, locks the account until lockUntil when the
   * count reaches maxFailures: concurrent wrong guesses cannot each read the old count and all stay under it.
   */
  recordFailure(id: number, maxFailures: number, lockUntil: number): void;
  resetFailures(id: number): void;
}

export interface AuthOptions {
  users: UserStore;
  sessions: SessionTable;
  now: () => number;
  maxFailures?: number;
  lockoutMs?: number;
  scrypt?: ScryptParams;
}

const publicUser = (u: StoredUser): User => ({ id: u.id, username: u.username, role: u.role });

export function createAuthService(opts: AuthOptions) {
  const maxFailures = opts.maxFailures ?? 5;
  const lockoutMs = opts.lockoutMs ?? 15 * 60_000;
  // Verifying against a dummy hash when the user does not exist keeps the response time the same,
  // so login timing does not reveal which usernames exist.
  const dummyHash = hashPassword('not-a-real-password', opts.scrypt);

  /**
   * At login (`generic`) a disabled, locked or unknown account gets the same answer, in the same
   * time, as a wrong password: the answer must not tell a guesser which names exist or are locked.
   * Unlocking a session's own screen may say the account is locked: its user is already known.
   */
  async function checkPassword(user: StoredUser, password: string, generic: boolean): Promise<void> {
    const locked = user.lockedUntil !== null && user.lockedUntil > opts.now();
    if (generic && (user.disabled || locked)) {
      await verifyPassword(password, user.passwordHash);
      throw new CallFailure('unauthenticated', 'wrong username or password');
    }
    if (user.disabled) throw new CallFailure('forbidden', 'this account is disabled');
    if (locked) {
      const minutes = Math.ceil((user.lockedUntil! - opts.now()) / 60_000);
      throw new CallFailure('rate_limited', `account locked after ${maxFailures} failed logins; try again in ${minutes} min`);
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      opts.users.recordFailure(user.id, maxFailures, opts.now() + lockoutMs);
      throw new CallFailure('unauthenticated', 'wrong username or password');
    }
    opts.users.resetFailures(user.id);
  }

  return {
    needsSetup: () => opts.users.count() === 0,

    async setup(username: string, password: string): Promise<Session> {
      if (opts.users.count() > 0) throw new CallFailure('conflict', 'an administrator already exists; log in instead');
      const passwordHash = await hashPassword(password, opts.scrypt);
      const user = opts.users.create({ username, role: 'admin', passwordHash, createdAt: opts.now() }, true);
      if (!user) throw new CallFailure('conflict', 'an administrator already exists; log in instead');
      return opts.sessions.open(publicUser(user));
    },

    async login(username: string, password: string): Promise<Session> {
      const user = opts.users.findByUsername(username);
      if (!user) {
        await verifyPassword(password, await dummyHash);
        throw new CallFailure('unauthenticated', 'wrong username or password');
      }
      await checkPassword(user, password, true);
      return opts.sessions.open(publicUser(user));
    },

    /** Unlocking is a login in every respect that matters: same lockout, same failure count. */
    async unlock(token: string, password: string): Promise<void> {
      const session = opts.sessions.peek(token);
      const user = session && opts.users.findByUsername(session.user.username);
      if (!session || !user || user.id !== session.user.id) {
        opts.sessions.close(token);
        throw new CallFailure('unauthenticated', 'session expired; log in again');
      }
      await checkPassword(user, password, false);
      opts.sessions.unlock(token);
    },

    lock(token: string): void {
      opts.sessions.lock(token);
    },

    resume(token: string): Session {
      const session = opts.sessions.touch(token);
      if (!session) throw new CallFailure('unauthenticated', 'session expired; log in again');
      return session;
    },

    logout(token: string): void {
      opts.sessions.close(token);
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

/**
 * First-run setup, login with lockout, resume and logout. There is no default account: until the
 * first administrator is created, the only call that does anything is auth.setup.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Role } from '../../common/roles';
import type { User } from '../../common/contract';
import { CallFailure } from '../../common/errors';
import { hashPassword, verifyPassword, type ScryptParams } from './password';
import type { Session, SessionTable } from './sessions';
import type { WallMs } from '../../common/time';

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
  now: () => WallMs;
  maxFailures?: number;
  lockoutMs?: number;
  scrypt?: ScryptParams;
  /**
   * The one-time token a first-run setup over the network must present (printed by the host at
   * start): without it whoever reaches the page first would become administrator. null: no token
   * was made (the desktop app, whose window is the only way in).
   */
  setupToken?: string | null;
}

/** Where a setup comes from: the desktop window (local) or a browser over the network, with its token. */
export interface SetupOrigin {
  network: boolean;
  token?: string;
}

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Where a password attempt comes from: the remote address, or the desktop window. */
const LOCAL = 'local';
/** Administrator lockouts remembered per account and address; beyond this the oldest is forgotten. */
const MAX_ADMIN_LOCKOUTS = 10_000;

const publicUser = (u: StoredUser): User => ({ id: u.id, username: u.username, role: u.role });

export function createAuthService(opts: AuthOptions) {
  const maxFailures = opts.maxFailures ?? 5;
  const lockoutMs = opts.lockoutMs ?? 15 * 60_000;
  // Verifying against a dummy hash when the user does not exist keeps the response time the same,
  // so login timing does not reveal which usernames exist.
  const dummyHash = hashPassword('not-a-real-password', opts.scrypt);
  let setupToken = opts.setupToken ?? null;
  /**
   * An administrator's failed logins lock the account from the address they came from only: a
   * guesser elsewhere on the network must not be able to lock the administrators out during an
   * incident. Other accounts lock as a whole, in the store.
   */
  const adminFailures = new Map<string, { count: number; lockedUntil: number | null }>();
  const lockOf = (user: StoredUser, peer: string): number | null => (user.role === 'admin' ? (adminFailures.get(`${user.id}|${peer}`)?.lockedUntil ?? null) : user.lockedUntil);
  const recordFailure = (user: StoredUser, peer: string) => {
    if (user.role !== 'admin') return opts.users.recordFailure(user.id, maxFailures, opts.now() + lockoutMs);
    const key = `${user.id}|${peer}`;
    const entry = adminFailures.get(key) ?? { count: 0, lockedUntil: null };
    adminFailures.delete(key);
    entry.count++;
    if (entry.count >= maxFailures) entry.lockedUntil = opts.now() + lockoutMs;
    adminFailures.set(key, entry);
    if (adminFailures.size > MAX_ADMIN_LOCKOUTS) adminFailures.delete(adminFailures.keys().next().value!);
  };
  const resetFailures = (user: StoredUser, peer: string) => {
    adminFailures.delete(`${user.id}|${peer}`);
    opts.users.resetFailures(user.id);
  };

  /**
   * At login (`generic`) a disabled, locked or unknown account gets the same answer, in the same
   * time, as a wrong password: the answer must not tell a guesser which names exist or are locked.
   * Unlocking a session's own screen may say the account is locked: its user is already known.
   */
  async function checkPassword(user: StoredUser, password: string, generic: boolean, peer: string): Promise<void> {
    const lockedUntil = lockOf(user, peer);
    const locked = lockedUntil !== null && lockedUntil > opts.now();
    if (generic && (user.disabled || locked)) {
      await verifyPassword(password, user.passwordHash);
      throw new CallFailure('unauthenticated', 'wrong username or password');
    }
    if (user.disabled) throw new CallFailure('forbidden', 'this account is disabled');
    if (locked) {
      const minutes = Math.ceil((lockedUntil! - opts.now()) / 60_000);
      throw new CallFailure('rate_limited', `account locked after ${maxFailures} failed logins; try again in ${minutes} min`);
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      recordFailure(user, peer);
      throw new CallFailure('unauthenticated', 'wrong username or password');
    }
    resetFailures(user, peer);
  }

  return {
    needsSetup: () => opts.users.count() === 0,
    /** Whether a setup from `origin` must bring the token. */
    setupTokenRequired: (origin: Pick<SetupOrigin, 'network'>) => origin.network && setupToken !== null,

    async setup(username: string, password: string, origin: SetupOrigin = { network: false }): Promise<Session> {
      if (opts.users.count() > 0) throw new CallFailure('conflict', 'an administrator already exists; log in instead');
      if (origin.network && setupToken !== null && !sameToken(origin.token ?? '', setupToken)) {
        throw new CallFailure('forbidden', origin.token ? 'wrong setup token; use the one printed where FactoryBrain was started' : 'the first administrator needs the setup token printed where FactoryBrain was started');
      }
      const passwordHash = await hashPassword(password, opts.scrypt);
      const user = opts.users.create({ username, role: 'admin', passwordHash, createdAt: opts.now() }, true);
      if (!user) throw new CallFailure('conflict', 'an administrator already exists; log in instead');
      setupToken = null;
      return opts.sessions.open(publicUser(user));
    },

    async login(username: string, password: string, peer: string = LOCAL): Promise<Session> {
      const user = opts.users.findByUsername(username);
      if (!user) {
        await verifyPassword(password, await dummyHash);
        throw new CallFailure('unauthenticated', 'wrong username or password');
      }
      await checkPassword(user, password, true, peer);
      return opts.sessions.open(publicUser(user));
    },

    /** Unlocking is a login in every respect that matters: same lockout, same failure count. */
    async unlock(token: string, password: string, peer: string = LOCAL): Promise<void> {
      const session = opts.sessions.peek(token);
      const user = session && opts.users.findByUsername(session.user.username);
      if (!session || !user || user.id !== session.user.id) {
        opts.sessions.close(token);
        throw new CallFailure('unauthenticated', 'session expired; log in again');
      }
      await checkPassword(user, password, false, peer);
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

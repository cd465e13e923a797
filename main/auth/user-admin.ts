/**
 * Accounts as an administrator manages them. Every change that alters what an account may do ends
 * its open sessions, so a disabled account or a demoted role takes effect at once, not at next login.
 */
import type { Account } from '../../common/contract-users';
import type { Role } from '../../common/roles';
import { CallFailure } from '../../common/errors';
import { UsernameTakenError, type UserRecord } from '../store/users';
import { hashPassword, type ScryptParams } from './password';
import type { SessionTable } from './sessions';
import type { WallMs } from '../../common/time';

export interface UserAdminStore {
  list(): UserRecord[];
  findById(id: number): UserRecord | null;
  create(user: { username: string; role: Role; passwordHash: string; createdAt: number }): UserRecord | null;
  update(id: number, patch: { role?: Role; disabled?: boolean; passwordHash?: string }): UserRecord | null | 'last_admin';
}

export interface UserAdminOptions {
  users: UserAdminStore;
  sessions: Pick<SessionTable, 'closeUser'>;
  now: () => WallMs;
  scrypt?: ScryptParams;
}

const account = (u: UserRecord): Account => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt, lockedUntil: u.lockedUntil });

export function createUserAdmin(opts: UserAdminOptions) {
  const change = (id: number, patch: Parameters<UserAdminStore['update']>[1]): Account => {
    const result = opts.users.update(id, patch);
    if (result === null) throw new CallFailure('not_found', `no account with id ${id}`);
    if (result === 'last_admin') throw new CallFailure('conflict', 'this is the last enabled administrator; create or enable another one first');
    opts.sessions.closeUser(id);
    return account(result);
  };

  return {
    list: (): Account[] => opts.users.list().map(account),

    async create(username: string, password: string, role: Role): Promise<Account> {
      const passwordHash = await hashPassword(password, opts.scrypt);
      try {
        const user = opts.users.create({ username, role, passwordHash, createdAt: opts.now() });
        if (!user) throw new CallFailure('internal', 'the account was not created');
        return account(user);
      } catch (err) {
        if (err instanceof UsernameTakenError) throw new CallFailure('conflict', `username ${username} is taken`);
        throw err;
      }
    },

    setRole: (id: number, role: Role) => change(id, { role }),
    setDisabled: (id: number, disabled: boolean) => change(id, { disabled }),
    async resetPassword(id: number, password: string): Promise<Account> {
      return change(id, { passwordHash: await hashPassword(password, opts.scrypt) });
    },
  };
}
export type UserAdmin = ReturnType<typeof createUserAdmin>;

import type { Role } from '../../common/roles';
import type { Db } from './open-database';
import { prepared } from './prepared';

export interface UserRecord {
  id: number;
  username: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: number | null;
}

export interface NewUser {
  username: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
}

interface Row {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  created_at: number;
  disabled: number;
  failed_logins: number;
  locked_until: number | null;
}

export class UsernameTakenError extends Error {}

const toRecord = (r: Row): UserRecord => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabled: r.disabled !== 0,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});

/** Accounts as auth needs them; each call is its own durable transaction. */
export function userRepository(db: Db) {
  return {
    count(): number {
      return prepared<[], number>(db, 'SELECT count(*) FROM users').pluck().get() as number;
    },

    /**
     * With onlyIfEmpty the emptiness test and the insert are one statement, so two first-run
     * setups racing each other cannot both create an administrator. Returns null when it did not insert.
     */
    create(user: NewUser, onlyIfEmpty = false): UserRecord | null {
      try {
        const row = prepared<[NewUser & { onlyIfEmpty: number }], Row>(
          db,
          `INSERT INTO users (username, role, password_hash, created_at)
           SELECT @username, @role, @passwordHash, @createdAt WHERE @onlyIfEmpty = 0 OR NOT EXISTS (SELECT 1 FROM users)
           RETURNING *`,
        ).get({ ...user, onlyIfEmpty: onlyIfEmpty ? 1 : 0 });
        return row ? toRecord(row) : null;
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(`username ${user.username} is taken`);
        throw err;
      }
    },

    /** Case-insensitive, like the column: "Admin" and "admin" are one account. */
    findByUsername(username: string): UserRecord | null {
      const row = prepared<[string], Row>(db, 'SELECT * FROM users WHERE username = ?').get(username);
      return row ? toRecord(row) : null;
    },

    /** Counts a failed login; a non-null lockedUntil also locks the account until then. */
    recordFailure(id: number, lockedUntil: number | null): void {
      prepared<[number | null, number]>(db, 'UPDATE users SET failed_logins = failed_logins + 1, locked_until = coalesce(?, locked_until) WHERE id = ?').run(lockedUntil, id);
    },

    resetFailures(id: number): void {
      prepared<[number]>(db, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
    },
  };
}
export type UserRepository = ReturnType<typeof userRepository>;

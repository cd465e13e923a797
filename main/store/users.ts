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

    /** Counts a failed login and locks the account until lockUntil once the count reaches maxFailures, in one statement. */
    recordFailure(id: number, maxFailures: number, lockUntil: number): void {
      prepared<[number, number, number]>(db, 'UPDATE users SET failed_logins = failed_logins + 1, locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?').run(maxFailures, lockUntil, id);
    },

    resetFailures(id: number): void {
      prepared<[number]>(db, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
    },

    list(): UserRecord[] {
      return prepared<[], Row>(db, 'SELECT * FROM users ORDER BY id').all().map(toRecord);
    },

    findById(id: number): UserRecord | null {
      const row = prepared<[number], Row>(db, 'SELECT * FROM users WHERE id = ?').get(id);
      return row ? toRecord(row) : null;
    },

    /**
     * Changes an account unless that would leave no enabled administrator: the test and the write
     * are one statement, so two admins demoting each other at once cannot lock everyone out.
     * Returns null for an unknown id, 'last_admin' when refused.
     */
    update(id: number, patch: { role?: Role; disabled?: boolean; passwordHash?: string }): UserRecord | null | 'last_admin' {
      const row = prepared<[Record<string, unknown>], Row>(
        db,
        `UPDATE users SET
           role = coalesce(@role, role),
           disabled = coalesce(@disabled, disabled),
           password_hash = coalesce(@passwordHash, password_hash),
           failed_logins = CASE WHEN @passwordHash IS NULL THEN failed_logins ELSE 0 END,
           locked_until = CASE WHEN @passwordHash IS NULL THEN locked_until ELSE NULL END
         WHERE id = @id AND (
           coalesce(@role, role) = 'admin' AND NOT coalesce(@disabled, disabled)
           OR EXISTS (SELECT 1 FROM users WHERE id <> @id AND role = 'admin' AND disabled = 0)
         )
         RETURNING *`,
      ).get({ id, role: patch.role ?? null, disabled: patch.disabled === undefined ? null : patch.disabled ? 1 : 0, passwordHash: patch.passwordHash ?? null });
      if (row) return toRecord(row);
      return prepared<[number], number>(db, 'SELECT count(*) FROM users WHERE id = ?').pluck().get(id) ? 'last_admin' : null;
    },
  };
}
export type UserRepository = ReturnType<typeof userRepository>;

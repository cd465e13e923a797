/**
 * Chooses the database file the runtime will use. A damaged file is detected before anything
 * writes to it, and is never written to: the runtime runs degraded on a fresh file beside it, with
 * the accounts salvaged if they can still be read, until someone restores a backup.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase } from './open-database';
import type { WallMs } from '../../common/time';

export interface StoreChoice {
  path: string;
  /** Why the configured file is not in use; null when it is. */
  problem: string | null;
}

/** A read-only connection: unlike a writable one it never checkpoints a WAL into the file on close. */
function readOnly<T>(path: string, nativeBinding: string | undefined, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Whether an existing file opens and passes quick_check; the reason when it does not. */
export function checkStoreFile(path: string, nativeBinding?: string): string | null {
  try {
    const result = readOnly(path, nativeBinding, (db) => db.pragma('quick_check', { simple: false }) as { quick_check: string }[]);
    if (result.length === 1 && result[0]?.quick_check === 'ok') return null;
    return result
      .slice(0, 3)
      .map((r) => r.quick_check)
      .join('; ');
  } catch (err) {
    return (err as Error).message;
  }
}

export function chooseStore(path: string, options: { nativeBinding?: string; now: WallMs }): StoreChoice {
  if (!existsSync(path)) return { path, problem: null };
  const damage = checkStoreFile(path, options.nativeBinding);
  if (damage === null) return { path, problem: null };
  const fallback = `${path}.degraded-${new Date(options.now).toISOString().replace(/[:.]/g, '-')}`;
  const db = openDatabase(fallback, { nativeBinding: options.nativeBinding });
  let salvaged = 'no accounts could be read from it, so the first administrator must be set up again';
  try {
    const users = readOnly(path, options.nativeBinding, (damaged) => damaged.prepare('SELECT id, username, role, password_hash, created_at, disabled FROM users').all());
    const insert = db.prepare('INSERT INTO users (id, username, role, password_hash, created_at, disabled) VALUES (@id, @username, @role, @password_hash, @created_at, @disabled)');
    db.transaction(() => users.forEach((u) => insert.run(u)))();
    salvaged = `${users.length} accounts were copied from it`;
  } catch {
    // the damage reaches the users table too: the message says so
  } finally {
    db.close();
  }
  return {
    path: fallback,
    problem: `database ${path} is damaged (${damage}); it is left untouched and this session runs on ${fallback}, ${salvaged}. Restore a backup with "factorybrain restore".`,
  };
}

import Database from 'better-sqlite3';
import { migrate } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** Path of a better-sqlite3 binary built for the host's ABI (Electron's differs from Node's). */
  nativeBinding?: string;
  busyTimeoutMs?: number;
  /**
   * FULL makes every commit survive power loss, which alarms, audit, users and orders need.
   * The telemetry writer uses NORMAL: losing the last batch on power loss is accepted for speed.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

/** Opens the store; a writable open brings the schema up to date before anything else touches it. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const db = new Database(path, { readonly, fileMustExist: readonly, nativeBinding: options.nativeBinding });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      migrate(db);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

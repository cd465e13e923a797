import Database from 'better-sqlite3';
import { migrate } from './migrations';

export type Db = Database.Database;

/**
 * The telemetry writer checkpoints at this WAL size (about 40 MB at 4 KB pages), 10 times less often
 * than SQLite's default: each reading lands on its own machine's B-tree page, so a commit writes the
 * same pages again a second later, and a checkpoint every 1,000 pages would copy most of them to the
 * database file once per write (figures: bench/README.md, 2026-11-27). The main process's connection
 * waits for twice as much, so that checkpoints run on the writer's thread, not in a commit of the
 * main process, unless the writer has stopped.
 */
export const WRITER_CHECKPOINT_PAGES = 10_000;
export const MAIN_CHECKPOINT_PAGES = 2 * WRITER_CHECKPOINT_PAGES;

export interface OpenOptions {
  readonly?: boolean;
  /** Path of a better-sqlite3 binary built for the host's ABI (Electron's differs from Node's). */
  nativeBinding?: string;
  busyTimeoutMs?: number;
  /**
   * FULL makes every commit survive power loss, which alarms, audit, users and orders need.
   * The telemetry writer's connection uses NORMAL, which syncs the WAL only at a checkpoint, and
   * makes a commit FULL when the last synced one is half a flush interval old (TelemetrySink's
   * syncEveryMs): a power loss takes back at most about the last batch, as DESIGN.md says, for one
   * sync a second at plant rates and two under a backlog, where FULL on every commit costs a tenth of
   * the flat-out rate (bench/README.md, 2026-12-07).
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** WAL pages after which a commit on this connection runs a checkpoint (SQLite's default: 1,000). */
  checkpointPages?: number;
  /** Where a migration that rewrites stored data says what it did (how many rows, how long). */
  log?: (line: string) => void;
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
      if (options.checkpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.checkpointPages))}`);
      migrate(db, undefined, options.log);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LATEST_VERSION } from './migrations';
import type { Db } from './open-database';

export class IntegrityError extends Error {}

/**
 * Copies the live database with SQLite's online backup API, checks the copy, and only then gives it
 * its final name, so a file called a backup always opens and passes integrity_check.
 *
 * The copy is made in one step (the progress callback asks for every remaining page): a write from
 * another connection, such as the telemetry writer committing every few ms, restarts a backup that
 * is copied a few pages per tick, and a busy store would never finish. The cost is that the main
 * thread is held for the length of the copy.
 */
export async function backupTo(db: Db, destFile: string): Promise<{ file: string; bytes: number }> {
  const partial = `${destFile}.partial`;
  rmSync(partial, { force: true });
  try {
    await db.backup(partial, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) });
    checkAttached(db, partial);
    renameSync(partial, destFile);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { file: destFile, bytes: statSync(destFile).size };
}

/** Checks through the live connection, so Electron's own better-sqlite3 binary is the one used. */
function checkAttached(db: Db, file: string): void {
  db.prepare('ATTACH DATABASE ? AS backup_check').run(file);
  try {
    const result = db.prepare('PRAGMA backup_check.integrity_check').pluck().all() as string[];
    if (result.length !== 1 || result[0] !== 'ok') throw new IntegrityError(`backup ${file} failed integrity_check: ${result.slice(0, 5).join('; ')}`);
  } finally {
    db.prepare('DETACH DATABASE backup_check').run();
  }
}

export interface RestoreOptions {
  nativeBinding?: string;
  now?: number;
}

/**
 * Replaces the database at dbPath with a backup. Every connection to dbPath must be closed first.
 * The backup is copied beside the live file and checked there; a copy that fails integrity_check,
 * is not a database, or comes from a newer schema is refused and the live file is left untouched.
 * The previous database (and any WAL it had) is kept as `<name>.before-restore-<time>`.
 */
export function restoreFrom(srcFile: string, dbPath: string, options: RestoreOptions = {}): { previous: string | null } {
  const stamp = new Date(options.now ?? Date.now()).toISOString().replace(/[:.]/g, '-');
  const candidate = `${dbPath}.restore-${stamp}`;
  copyFileSync(srcFile, candidate);
  try {
    checkFile(candidate, options.nativeBinding);
  } catch (err) {
    removeWithSidecars(candidate);
    throw err instanceof IntegrityError ? err : new IntegrityError(`${srcFile} cannot be restored: ${(err as Error).message}`);
  }
  let previous: string | null = null;
  if (existsSync(dbPath)) {
    previous = `${dbPath}.before-restore-${stamp}`;
    renameSync(dbPath, previous);
    for (const suffix of ['-wal', '-shm']) if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, previous + suffix);
  }
  renameSync(candidate, dbPath);
  return { previous };
}

function checkFile(file: string, nativeBinding: string | undefined): void {
  const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding });
  try {
    const result = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    if (result.length !== 1 || result[0]?.integrity_check !== 'ok') {
      throw new IntegrityError(`${file} failed integrity_check: ${result.slice(0, 5).map((r) => r.integrity_check).join('; ')}`);
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_VERSION) throw new IntegrityError(`${file} has schema version ${version}, newer than this build (${LATEST_VERSION})`);
  } finally {
    db.close();
  }
}

function removeWithSidecars(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { verifyAuditChain, type AuditHead } from './audit-log';
import { LATEST_VERSION } from './migrations';
import type { Db } from './open-database';
import type { WallMs } from '../../common/time';

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
    // A backup holds every reading and the users' password hashes: this user only.
    chmodSync(partial, 0o600);
    const head = checkAttached(db, partial);
    writeFileSync(auditHeadFile(destFile), `${JSON.stringify(head)}\n`, { mode: 0o600 });
    renameSync(partial, destFile);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { file: destFile, bytes: statSync(destFile).size };
}

/**
 * Beside each backup: the newest audit row it holds (id and keyed hash). Restore checks the backup
 * still ends there, so rows dropped from the end of a copied backup show, and the hash cannot be
 * forged without the audit key.
 */
export const auditHeadFile = (backupFile: string) => `${backupFile}.audit-head.json`;
const AuditHeadSchema = z.object({ id: z.number().int(), hash: z.string().nullable() }).strict().nullable();

/** Checks through the live connection, so Electron's own better-sqlite3 binary is the one used; returns the copy's audit head. */
function checkAttached(db: Db, file: string): AuditHead | null {
  db.prepare('ATTACH DATABASE ? AS backup_check').run(file);
  try {
    const result = db.prepare('PRAGMA backup_check.integrity_check').pluck().all() as string[];
    if (result.length !== 1 || result[0] !== 'ok') throw new IntegrityError(`backup ${file} failed integrity_check: ${result.slice(0, 5).join('; ')}`);
    return (db.prepare('SELECT id, hash FROM backup_check.audit ORDER BY id DESC LIMIT 1').get() as AuditHead | undefined) ?? null;
  } finally {
    db.prepare('DETACH DATABASE backup_check').run();
  }
}

export interface RestoreOptions {
  nativeBinding?: string;
  now?: WallMs;
  /** The audit key of this installation: the backup's chain is verified with it. */
  auditKey?: Buffer | null;
  /**
   * Restore, knowingly, a backup whose audit log cannot be fully vouched for: no audit head beside it
   * (an older backup) or rows from before the chain. A broken chain is refused all the same.
   */
  allowUnverifiedAudit?: boolean;
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
    checkAudit(srcFile, candidate, options);
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

/** The backup's audit chain must verify (with the key), and end at the head recorded when it was taken. */
function checkAudit(srcFile: string, file: string, options: RestoreOptions): void {
  const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: options.nativeBinding });
  try {
    const verification = verifyAuditChain(db, options.auditKey ?? null);
    const onlyUnchained = verification.unchained > 0 && verification.firstBroken?.reason.includes('cannot be verified');
    if (!verification.ok && !(onlyUnchained && options.allowUnverifiedAudit)) throw new IntegrityError(`${srcFile}: audit log broken at row ${verification.firstBroken!.id}: ${verification.firstBroken!.reason}`);
    const headFile = auditHeadFile(srcFile);
    if (!existsSync(headFile)) {
      if (options.allowUnverifiedAudit) return;
      throw new IntegrityError(`${srcFile}: no ${headFile} beside it, so rows dropped from the end of its audit log could not be seen; restore it with --allow-unverified-audit if you trust it`);
    }
    let head: AuditHead | null;
    try {
      head = AuditHeadSchema.parse(JSON.parse(readFileSync(headFile, 'utf8')));
    } catch (err) {
      throw new IntegrityError(`${headFile} is not an audit head: ${(err as Error).message}`);
    }
    const actual = (db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() as AuditHead | undefined) ?? null;
    if (head?.id !== actual?.id || head?.hash !== actual?.hash) throw new IntegrityError(`${srcFile}: its audit log ends at row ${actual?.id ?? 'none'}, but the backup was taken at row ${head?.id ?? 'none'}: rows were removed or changed`);
  } finally {
    db.close();
  }
}

function removeWithSidecars(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

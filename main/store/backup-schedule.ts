import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditHeadFile, backupTo } from './backup';
import type { BackupResult } from '../../common/contract-diagnostics';
import type { Db } from './open-database';
import type { WallMs } from '../../common/time';

const DAY_MS = 86_400_000;
const NAME = /^backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/;

/** Names sort by time, so pruning needs no file dates (which a copy or restore would change). */
export const backupFileName = (at: WallMs) => `backup-${new Date(at).toISOString().replace(/[:.]/g, '-')}.db`;

/** The next hourUtc:00 UTC strictly after now. */
export function nextBackupDue(now: WallMs, hourUtc: number): WallMs {
  const d = new Date(now);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc);
  return today > now ? today : today + DAY_MS;
}

/** Deletes all but the newest `keep` backups in dir; other files are left alone. Returns what it deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir)
    .filter((f) => NAME.test(f))
    .sort();
  const doomed = backups.slice(0, Math.max(0, backups.length - keep)).map((f) => join(dir, f));
  for (const f of doomed) for (const file of [f, auditHeadFile(f)]) rmSync(file, { force: true });
  return doomed;
}

/** The newest backup in dir, dated by its name; null when there is none (or no folder). */
export function newestBackup(dir: string): BackupResult | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => NAME.test(f));
  } catch {
    return null;
  }
  const name = names.sort().at(-1);
  if (!name) return null;
  const iso = name.slice('backup-'.length, -'.db'.length).replace(/T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/, 'T$1:$2:$3.$4Z');
  const file = join(dir, name);
  let bytes: number | null = null;
  try {
    bytes = statSync(file).size;
  } catch {
    // pruned meanwhile: the time is still right
  }
  return { at: Date.parse(iso), ok: true, file, bytes, error: null };
}

export interface BackupScheduleOptions {
  db: Db;
  dir: string;
  /** null turns daily backups off. */
  hourUtc: number | null;
  keep: number;
  now: () => WallMs;
  log: (message: string) => void;
}

/** A daily online backup at a fixed UTC hour, keeping the newest few. */
export class BackupSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string> | null = null;
  private stopped = false;
  private lastResult: BackupResult | null;

  constructor(private readonly opts: BackupScheduleOptions) {
    this.lastResult = newestBackup(opts.dir);
    this.schedule();
  }

  /** The last backup and whether it worked: this run's, or else the newest file from an earlier run. */
  get last(): BackupResult | null {
    return this.lastResult;
  }

  /** Backs up now (joining one already running); resolves with the file written. */
  runNow(): Promise<string> {
    this.running ??= (async () => {
      const at = this.opts.now();
      try {
        mkdirSync(this.opts.dir, { recursive: true });
        const { file, bytes } = await backupTo(this.opts.db, join(this.opts.dir, backupFileName(at)));
        pruneBackups(this.opts.dir, this.opts.keep);
        this.lastResult = { at, ok: true, file, bytes, error: null };
        this.opts.log(`backup written: ${file} (${bytes} bytes)`);
        return file;
      } catch (err) {
        this.lastResult = { at, ok: false, file: null, bytes: null, error: (err as Error).message };
        throw err;
      }
    })().finally(() => (this.running = null));
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped || this.opts.hourUtc === null) return;
    const delay = nextBackupDue(this.opts.now(), this.opts.hourUtc) - this.opts.now();
    this.timer = setTimeout(() => {
      this.runNow()
        .catch((err: Error) => this.opts.log(`backup failed: ${err.message}`))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }
}

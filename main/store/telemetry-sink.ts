import type { Statement } from 'better-sqlite3';
import { distinctMachines } from './distinct-keys';
import type { Db } from './open-database';
import { DAY_MS, Retention, type PruneBudget, type RetentionDays } from './retention';
import { Rollups } from './rollups';
import type { EventMs, WallMs } from '../../common/time';

/** One flush worth of readings, column by column: cheap to clone across threads, ts transferable. */
export interface RowBatch {
  machineIds: string[];
  ts: ArrayLike<number>;
  metrics: string[];
}

export interface SinkOptions {
  retention: RetentionDays;
  /** How late a reading may arrive and still be in its bucket's first aggregate. */
  allowedLatenessMs?: number;
  /**
   * A device clock set years ahead would drag the watermark along and let retention delete
   * everything; readings further ahead of wall time than this are stored but do not move it.
   */
  maxFutureMs?: number;
  now?: () => WallMs;
}

export interface WriteResult {
  written: number;
  rejected: number;
}

const isRowError = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
};

/** The synchronous heart of the telemetry writer: what the worker thread runs per batch. */
export class TelemetrySink {
  private readonly insert: Statement<[string, number, string]>;
  private readonly rollups: Rollups;
  private readonly retention: Retention;
  private readonly lateness: number;
  private readonly maxFuture: number;
  private readonly now: () => WallMs;
  private maxTs: EventMs;

  constructor(
    private readonly db: Db,
    options: SinkOptions,
  ) {
    this.insert = db.prepare('INSERT OR REPLACE INTO readings (machine_id, ts, metrics) VALUES (?, ?, ?)');
    this.lateness = options.allowedLatenessMs ?? 2 * 60_000;
    this.maxFuture = options.maxFutureMs ?? DAY_MS;
    this.now = options.now ?? Date.now;
    this.rollups = new Rollups(db, { rawMs: options.retention.rawDays * DAY_MS, minuteMs: options.retention.minuteDays * DAY_MS });
    this.retention = new Retention(db, options.retention);
    const machines = distinctMachines(db, 'readings');
    const newest = db.prepare<[string, number], number | null>('SELECT max(ts) FROM readings WHERE machine_id = ? AND ts <= ?').pluck();
    const limit = this.now() + this.maxFuture;
    this.maxTs = -Infinity;
    for (const m of machines) this.maxTs = Math.max(this.maxTs, newest.get(m, limit) ?? -Infinity);
    this.rollups.recover(this.watermark, machines);
  }

  /** Newest ts seen minus the allowed lateness: buckets ending before it are final until late data arrives. */
  get watermark(): EventMs {
    return this.maxTs - this.lateness;
  }

  /**
   * Inserts the batch and finalizes the rollups it makes due, in one transaction. A row the store
   * cannot take (bad type, constraint) is skipped and counted; anything else (disk full, busy,
   * corrupt) rolls the whole batch back and throws, so the caller can retry it.
   */
  write(batch: RowBatch): WriteResult {
    this.rollups.begin();
    const futureLimit = this.now() + this.maxFuture;
    let maxTs = this.maxTs;
    try {
      const result = this.db.transaction(() => {
        let written = 0;
        let rejected = 0;
        for (let i = 0; i < batch.machineIds.length; i++) {
          const id = batch.machineIds[i];
          const ts = batch.ts[i] as number;
          const metrics = batch.metrics[i];
          if (typeof id !== 'string' || id === '' || !Number.isSafeInteger(ts) || typeof metrics !== 'string' || !metrics.startsWith('{')) {
            rejected++;
            continue;
          }
          try {
            this.insert.run(id, ts, metrics);
          } catch (err) {
            if (!isRowError(err)) throw err;
            rejected++;
            continue;
          }
          written++;
          this.rollups.note(id, ts);
          if (ts > maxTs && ts <= futureLimit) maxTs = ts;
        }
        this.rollups.finalize(maxTs - this.lateness);
        return { written, rejected };
      })();
      this.maxTs = maxTs;
      return result;
    } catch (err) {
      this.rollups.rollback();
      throw err;
    }
  }

  /** One budgeted slice of retention; call between batches. */
  prune(budget: PruneBudget): number {
    return this.retention.step(this.watermark, budget);
  }
}

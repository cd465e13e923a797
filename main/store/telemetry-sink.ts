import { distinctMachines } from './distinct-keys';
import { forgetMetricNames, MetricNamesWriter } from './metric-names';
import { decodeMetrics, isPackedMetrics, namesBytesOf, namesTextOf, PACKED_V1, toNamedRow, type StoredMetrics } from './metrics-codec';
import type { Db } from './open-database';
import { DAY_MS, Retention, type PruneBudget, type RetentionDays } from './retention';
import { RecentReadings, type RecentLimits } from './recent-readings';
import { Rollups } from './rollups';
import type { EventMs, WallMs } from '../../common/time';

/** One flush worth of readings, column by column: cheap to clone across threads, ts transferable. */
export interface RowBatch {
  machineIds: string[];
  ts: ArrayLike<number>;
  /** JSON text or a packed row with its names inline (metrics-codec.ts, version 1). */
  metrics: readonly StoredMetrics[];
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
  /** Distinct metric name lists the store keeps for packed rows (metric-names.ts); beyond them rows are stored as JSON. */
  maxMetricNameLists?: number;
  /**
   * The connection runs with synchronous=NORMAL, which syncs the WAL only at a checkpoint; a commit
   * that comes this long after the last synced one is made with FULL, so a power loss takes back at
   * most this much telemetry and the batch after it. Absent: every commit as the connection is set.
   */
  syncEveryMs?: number;
  /** When new readings move into the indexed table (recent-readings.ts). */
  recent?: RecentLimits;
  now?: () => WallMs;
}

export interface WriteResult {
  written: number;
  rejected: number;
}

/** Machines whose last names are kept; beyond it the cache starts again (a store sees far fewer machines). */
const MAX_CACHED_MACHINES = 20_000;

const storable = (m: unknown): m is StoredMetrics => (typeof m === 'string' ? m.startsWith('{') : m instanceof Uint8Array && m[0] === PACKED_V1 && isPackedMetrics(m));

const isRowError = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
};

/** The synchronous heart of the telemetry writer: what the worker thread runs per batch. */
export class TelemetrySink {
  private readonly recent: RecentReadings;
  private readonly rollups: Rollups;
  private readonly names: MetricNamesWriter;
  /** Where a packed row is turned into the stored one (names by id) before it is bound. */
  private scratch = Buffer.allocUnsafeSlow(16 * 1024);
  /** Per machine, the names it sent last (bytes) and their id. */
  private readonly lastNames = new Map<string, { bytes: Buffer; id: number }>();
  private readonly retention: Retention;
  private readonly lateness: number;
  private readonly maxFuture: number;
  private readonly now: () => WallMs;
  private maxTs: EventMs;
  private readonly syncEveryMs: number | undefined;
  private lastSyncAt = -Infinity;
  private syncing: boolean | null = null;

  constructor(
    private readonly db: Db,
    options: SinkOptions,
  ) {
    this.lateness = options.allowedLatenessMs ?? 2 * 60_000;
    this.maxFuture = options.maxFutureMs ?? DAY_MS;
    this.now = options.now ?? Date.now;
    this.syncEveryMs = options.syncEveryMs;
    this.names = new MetricNamesWriter(db, options.maxMetricNameLists);
    this.rollups = new Rollups(db, { rawMs: options.retention.rawDays * DAY_MS, minuteMs: options.retention.minuteDays * DAY_MS });
    this.retention = new Retention(db, options.retention);
    this.recent = new RecentReadings(db, this.now(), options.recent);
    const machines = distinctMachines(db, 'readings_stored');
    const newest = db.prepare<[string, number], number | null>('SELECT max(ts) FROM readings_stored WHERE machine_id = ? AND ts <= ?').pluck();
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
    const now = this.now();
    const sync = this.syncEveryMs !== undefined && now - this.lastSyncAt >= this.syncEveryMs;
    if (this.syncEveryMs !== undefined && sync !== this.syncing) {
      this.db.pragma(`synchronous = ${sync ? 'FULL' : 'NORMAL'}`);
      this.syncing = sync;
    }
    this.rollups.begin();
    const futureLimit = now + this.maxFuture;
    let maxTs = this.maxTs;
    try {
      const result = this.db.transaction(() => {
        let written = 0;
        let rejected = 0;
        for (let i = 0; i < batch.machineIds.length; i++) {
          const id = batch.machineIds[i];
          const ts = batch.ts[i] as number;
          const metrics = batch.metrics[i];
          if (typeof id !== 'string' || id === '' || !Number.isSafeInteger(ts) || !storable(metrics)) {
            rejected++;
            continue;
          }
          try {
            this.recent.insert(id, ts, typeof metrics === 'string' ? metrics : this.named(id, metrics));
          } catch (err) {
            if (!isRowError(err)) throw err;
            rejected++;
            continue;
          }
          written++;
          this.rollups.note(id, ts);
          if (ts > maxTs && ts <= futureLimit) maxTs = ts;
        }
        this.recent.moveIfDue(maxTs - this.lateness, now);
        this.rollups.finalize(maxTs - this.lateness);
        return { written, rejected };
      })();
      this.maxTs = maxTs;
      this.recent.committed(now);
      this.names.commit();
      if (sync) this.lastSyncAt = now;
      return result;
    } catch (err) {
      this.rollups.rollback();
      this.recent.rolledBack();
      this.names.rollback();
      // ids added in the rolled-back transaction are gone with it
      this.lastNames.clear();
      forgetMetricNames(this.db);
      throw err;
    }
  }

  /** A packed row as it is stored: its names by id (metrics-codec.ts, version 2), or JSON text once the name lists are full. */
  private named(machineId: string, v1: Uint8Array): StoredMetrics {
    const id = this.namesIdOf(machineId, v1);
    if (id === null) return JSON.stringify(decodeMetrics(v1));
    if (this.scratch.length < v1.length) this.scratch = Buffer.allocUnsafeSlow(v1.length * 2);
    return toNamedRow(v1, id, this.scratch);
  }

  /**
   * The id of a row's names. A machine sends the same names row after row: they are compared as
   * bytes with the ones it sent last instead of decoded to text and looked up.
   */
  private namesIdOf(machineId: string, v1: Uint8Array): number | null {
    const bytes = namesBytesOf(v1);
    const last = this.lastNames.get(machineId);
    if (last && last.bytes.equals(bytes)) return last.id;
    const id = this.names.idOf(namesTextOf(v1));
    if (id !== null) {
      if (this.lastNames.size >= MAX_CACHED_MACHINES) this.lastNames.clear();
      this.lastNames.set(machineId, { bytes: Buffer.from(bytes), id });
    }
    return id;
  }

  /** One budgeted slice of retention; call between batches. */
  prune(budget: PruneBudget): number {
    return this.retention.step(this.watermark, budget);
  }
}

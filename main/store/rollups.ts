import type { Statement } from 'better-sqlite3';
import type { Db } from './open-database';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Floor that also holds for negative epochs, where % would round toward zero. */
export const bucketOf = (ts: number, size: number) => ts - (((ts % size) + size) % size);

export interface RollupKeep {
  /** Raw rows older than watermark - rawMs may already be pruned. */
  rawMs: number;
  minuteMs: number;
}

interface Dirty {
  minutes: Map<string, Set<number>>;
  hours: Map<string, Map<number, Set<string>>>;
}

interface BucketParams {
  machine: string;
  bucket: number;
  end: number;
}

/**
 * Event-time rollups. A bucket is written once the watermark passes its end; a late reading makes its
 * bucket dirty again and it is recomputed from the rows below it (raw for 1m, 1m for 1h). Every
 * write is a full recomputation, so the result depends only on the stored rows, never on how they
 * were batched: a replay at any speed gives the same rollups as living through the day.
 */
export class Rollups {
  private readonly dirty: Dirty = { minutes: new Map(), hours: new Map() };
  private readonly undo: (() => void)[] = [];
  private readonly minuteStmt: Statement<[BucketParams], string>;
  private readonly hourStmt: Statement<[BucketParams & { sensor: string }]>;

  constructor(
    private readonly db: Db,
    private readonly keep: RollupKeep,
  ) {
    // The json_valid/json_type guard keeps one corrupt row from failing every later batch.
    this.minuteStmt = db
      .prepare<[BucketParams], string>(
        `INSERT OR REPLACE INTO rollup_1m (machine_id, sensor, bucket, n, avg, min, max)
         SELECT r.machine_id, j.key, @bucket, count(*), avg(j.value), min(j.value), max(j.value)
         FROM readings r,
              json_each(CASE WHEN json_valid(r.metrics) THEN CASE json_type(r.metrics) WHEN 'object' THEN r.metrics ELSE '{}' END ELSE '{}' END) j
         WHERE r.machine_id = @machine AND r.ts >= @bucket AND r.ts < @end AND j.type IN ('integer', 'real')
         GROUP BY j.key
         RETURNING sensor`,
      )
      .pluck();
    this.hourStmt = db.prepare(
      `INSERT OR REPLACE INTO rollup_1h (machine_id, sensor, bucket, n, avg, min, max)
       SELECT machine_id, sensor, @bucket, sum(n), sum(avg * n) / sum(n), min(min), max(max)
       FROM rollup_1m
       WHERE machine_id = @machine AND sensor = @sensor AND bucket >= @bucket AND bucket < @end
       GROUP BY machine_id, sensor`,
    );
  }

  note(machineId: string, ts: number): void {
    let set = this.dirty.minutes.get(machineId);
    if (!set) this.dirty.minutes.set(machineId, (set = new Set()));
    set.add(bucketOf(ts, MINUTE_MS));
  }

  /**
   * After a restart the in-memory dirty set is gone. Everything whose bucket ended at or before the
   * watermark was finalized in the transaction that moved the watermark there, so only the hour
   * holding the watermark and later can be unfinished; its minutes are marked again.
   */
  recover(watermark: number, machines: readonly string[]): void {
    if (!Number.isFinite(watermark)) return;
    const minutes = this.db.prepare<[string, number], number>(
      `SELECT DISTINCT ts - (((ts % ${MINUTE_MS}) + ${MINUTE_MS}) % ${MINUTE_MS}) FROM readings WHERE machine_id = ? AND ts >= ?`,
    ).pluck();
    const from = bucketOf(watermark, HOUR_MS);
    for (const machine of machines) for (const b of minutes.iterate(machine, from)) this.note(machine, b);
  }

  /** Writes every dirty bucket that ended at or before the watermark; run it inside the batch's transaction. */
  finalize(watermark: number): number {
    let written = 0;
    const rawCutoff = watermark - this.keep.rawMs;
    for (const [machine, buckets] of this.dirty.minutes) {
      for (const bucket of buckets) {
        if (bucket + MINUTE_MS > watermark) continue;
        buckets.delete(bucket);
        this.undo.push(() => this.note(machine, bucket));
        // Its raw rows may be partly pruned: recomputing would replace a complete aggregate with a partial one.
        if (bucket < rawCutoff) continue;
        const sensors = this.minuteStmt.all({ machine, bucket, end: bucket + MINUTE_MS });
        written += sensors.length;
        if (sensors.length > 0) this.markHour(machine, bucketOf(bucket, HOUR_MS), sensors);
      }
      if (buckets.size === 0) this.dirty.minutes.delete(machine);
    }
    const minuteCutoff = watermark - this.keep.minuteMs;
    for (const [machine, hours] of this.dirty.hours) {
      for (const [bucket, sensors] of hours) {
        if (bucket + HOUR_MS > watermark) continue;
        hours.delete(bucket);
        this.undo.push(() => this.markHour(machine, bucket, [...sensors]));
        if (bucket < minuteCutoff) continue;
        for (const sensor of sensors) written += this.hourStmt.run({ machine, sensor, bucket, end: bucket + HOUR_MS }).changes;
      }
      if (hours.size === 0) this.dirty.hours.delete(machine);
    }
    return written;
  }

  /**
   * Starts a transaction's record of the buckets `finalize` takes off the dirty set: if the
   * transaction fails they must be dirty again, or they would never be written. Buckets marked
   * during a failed transaction may stay: writing a bucket is a full recomputation.
   */
  begin(): void {
    this.undo.length = 0;
  }

  /** Puts back what `finalize` took since `begin`. */
  rollback(): void {
    for (const put of this.undo) put();
    this.undo.length = 0;
  }

  private markHour(machine: string, bucket: number, sensors: readonly string[]): void {
    let hours = this.dirty.hours.get(machine);
    if (!hours) this.dirty.hours.set(machine, (hours = new Map()));
    let set = hours.get(bucket);
    if (!set) hours.set(bucket, (set = new Set()));
    for (const s of sensors) set.add(s);
  }
}

import type { Statement } from 'better-sqlite3';
import { FirstSeenOrder } from '../primitives/first-seen-order';
import { metricNames } from './metric-names';
import { decodeMetrics, packedLayout, type NamesLookup, type PackedLayout, type StoredMetrics } from './metrics-codec';
import type { Db } from './open-database';
import type { EventMs } from '../../common/time';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Floor that also holds for negative epochs, where % would round toward zero. */
export const bucketOf = (ts: EventMs, size: number): EventMs => ts - (((ts % size) + size) % size);

export interface RollupKeep {
  /** Raw rows older than watermark - rawMs may already be pruned. */
  rawMs: number;
  minuteMs: number;
}

interface Dirty {
  minutes: Map<string, Set<number>>;
  hours: Map<string, Map<number, Set<string>>>;
}

/**
 * avg/min/max per numeric metric over a minute's stored metrics (JSON text or packed rows). The sum follows SQLite's avg()
 * (exact while every value is an integer, Kahan-Babuska-Neumaier once one is not), so a rollup
 * reads as SQL over the raw rows would give it. A text that is not a JSON object, and values that are
 * not numbers, count for nothing, as in SQL over json_each.
 */
export class MinuteAggregate {
  private readonly order = new FirstSeenOrder();
  private readonly sums: SensorSum[] = [];

  add(stored: StoredMetrics, names?: NamesLookup): void {
    // a packed row is read in place: a minute of a machine is 60 rows or more, each an object otherwise
    if (typeof stored !== 'string') {
      this.addPacked(stored, names);
      return;
    }
    let metrics: Record<string, unknown>;
    try {
      metrics = decodeMetrics(stored, names);
    } catch {
      return;
    }
    let next = 0;
    for (const name in metrics) {
      const value = metrics[name];
      if (typeof value !== 'number') continue;
      const k = this.position(name, next);
      this.sums[k]!.add(value);
      next = k + 1;
    }
  }

  private addPacked(stored: Uint8Array, names: NamesLookup | undefined): void {
    let row: PackedLayout;
    try {
      row = packedLayout(stored, names);
    } catch {
      return;
    }
    const { names: list, view, at } = row;
    let next = 0;
    for (let i = 0; i < list.length; i++) {
      const k = this.position(list[i]!, next);
      this.sums[k]!.add(view.getFloat64(at + 8 * i, true));
      next = k + 1;
    }
  }

  /** A sensor's position, trying `guess` first; a sensor not seen yet is added. */
  private position(name: string, guess: number): number {
    let k = this.order.find(name, guess);
    if (k < 0) {
      k = this.order.add(name);
      this.sums.push(new SensorSum());
    }
    return k;
  }

  /** Calls put for each sensor with a value; returns those sensors. */
  write(put: (sensor: string, n: number, avg: number, min: number, max: number) => void): string[] {
    const sensors = this.order.names;
    for (let k = 0; k < sensors.length; k++) {
      const s = this.sums[k]!;
      put(sensors[k]!, s.n, s.average(), s.min, s.max);
    }
    return sensors;
  }
}

class SensorSum {
  n = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private exact = true;
  private sum = 0;
  private err = 0;

  add(v: number): void {
    this.n++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.exact && Number.isInteger(v) && Number.isSafeInteger(this.sum + v)) {
      this.sum += v;
      return;
    }
    this.exact = false;
    const s = this.sum;
    const t = s + v;
    this.err += Math.abs(s) > Math.abs(v) ? s - t + v : v - t + s;
    this.sum = t;
  }

  average(): number {
    return (this.sum + this.err) / this.n;
  }
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
  private readonly minuteRows: Statement<[string, number, number], StoredMetrics>;
  private readonly minuteStmt: Statement<[string, string, number, number, number, number, number]>;
  private readonly hourStmt: Statement<[BucketParams & { sensor: string }]>;

  constructor(
    private readonly db: Db,
    private readonly keep: RollupKeep,
  ) {
    // The writer moves a minute's recent rows into the indexed table before it finalizes that minute (recent-readings.ts).
    this.minuteRows = db.prepare<[string, number, number], StoredMetrics>('SELECT metrics FROM readings_stored WHERE machine_id = ? AND ts >= ? AND ts < ?').pluck();
    this.minuteStmt = db.prepare('INSERT OR REPLACE INTO rollup_1m (machine_id, sensor, bucket, n, avg, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.hourStmt = db.prepare(
      `INSERT OR REPLACE INTO rollup_1h (machine_id, sensor, bucket, n, avg, min, max)
       SELECT machine_id, sensor, @bucket, sum(n), sum(avg * n) / sum(n), min(min), max(max)
       FROM rollup_1m
       WHERE machine_id = @machine AND sensor = @sensor AND bucket >= @bucket AND bucket < @end
       GROUP BY machine_id, sensor`,
    );
  }

  note(machineId: string, ts: EventMs): void {
    let set = this.dirty.minutes.get(machineId);
    if (!set) this.dirty.minutes.set(machineId, (set = new Set()));
    set.add(bucketOf(ts, MINUTE_MS));
  }

  /**
   * After a restart the in-memory dirty set is gone. Everything whose bucket ended at or before the
   * watermark was finalized in the transaction that moved the watermark there, so only the hour
   * holding the watermark and later can be unfinished; its minutes are marked again.
   */
  recover(watermark: EventMs, machines: readonly string[]): void {
    if (!Number.isFinite(watermark)) return;
    const minutes = this.db.prepare<[string, number], number>(
      `SELECT DISTINCT ts - (((ts % ${MINUTE_MS}) + ${MINUTE_MS}) % ${MINUTE_MS}) FROM readings_stored WHERE machine_id = ? AND ts >= ?`,
    ).pluck();
    const from = bucketOf(watermark, HOUR_MS);
    for (const machine of machines) for (const b of minutes.iterate(machine, from)) this.note(machine, b);
  }

  /** Writes every dirty bucket that ended at or before the watermark; run it inside the batch's transaction. */
  finalize(watermark: EventMs): number {
    let written = 0;
    const rawCutoff = watermark - this.keep.rawMs;
    for (const [machine, buckets] of this.dirty.minutes) {
      for (const bucket of buckets) {
        if (bucket + MINUTE_MS > watermark) continue;
        buckets.delete(bucket);
        this.undo.push(() => this.note(machine, bucket));
        // Its raw rows may be partly pruned: recomputing would replace a complete aggregate with a partial one.
        if (bucket < rawCutoff) continue;
        const sensors = this.writeMinute(machine, bucket);
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

  /**
   * Aggregates the minute's raw rows in JS rather than with SQLite's json_each: the same figures (see
   * MinuteAggregate) for about 40% less CPU on the writer thread, which shares the machine's cores
   * with the pipeline when ingest runs flat out.
   */
  private writeMinute(machine: string, bucket: number): string[] {
    const minute = new MinuteAggregate();
    const names = metricNames(this.db);
    for (const metrics of this.minuteRows.iterate(machine, bucket, bucket + MINUTE_MS)) minute.add(metrics, names);
    return minute.write((sensor, n, avg, min, max) => this.minuteStmt.run(machine, sensor, bucket, n, avg, min, max));
  }

  private markHour(machine: string, bucket: number, sensors: readonly string[]): void {
    let hours = this.dirty.hours.get(machine);
    if (!hours) this.dirty.hours.set(machine, (hours = new Map()));
    let set = hours.get(bucket);
    if (!set) hours.set(bucket, (set = new Set()));
    for (const s of sensors) set.add(s);
  }
}

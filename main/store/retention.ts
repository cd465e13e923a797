import type { Statement } from 'better-sqlite3';
import { distinctMachines, distinctSensors } from './distinct-keys';
import type { Db } from './open-database';
import { HOUR_MS, MINUTE_MS } from './rollups';
import type { EventMs } from '../../common/time';

export const DAY_MS = 86_400_000;

export interface RetentionDays {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
}

export interface PruneBudget {
  maxRows: number;
  maxMs: number;
}

interface Key {
  machine: string;
  sensor?: string;
}

interface Target {
  keepMs: number;
  /** A new pass starts only once the cutoff has moved by this much, so an idle store costs nothing. */
  stepMs: number;
  keys: (db: Db) => Key[];
  deleteChunk: Statement<[{ machine: string; sensor?: string; cutoff: number; limit: number }]>;
  doneCutoff: number;
  pass: { cutoff: number; keys: Key[]; index: number } | null;
}

const CHUNK_ROWS = 1000;

/**
 * Deletes data older than its keep period, relative to the event-time watermark, a chunk of at
 * most CHUNK_ROWS per transaction and per primary-key range, so that the telemetry writer never
 * waits long behind a big delete.
 */
export class Retention {
  private readonly targets: Target[];

  constructor(
    private readonly db: Db,
    days: RetentionDays,
  ) {
    const rollupKeys = (table: 'rollup_1m' | 'rollup_1h') => (d: Db) =>
      distinctMachines(d, table).flatMap((machine) => distinctSensors(d, table, machine).map((sensor) => ({ machine, sensor })));
    const rollupDelete = (table: string) =>
      db.prepare(
        `DELETE FROM ${table} WHERE machine_id = @machine AND sensor = @sensor AND bucket IN
           (SELECT bucket FROM ${table} WHERE machine_id = @machine AND sensor = @sensor AND bucket < @cutoff ORDER BY bucket LIMIT @limit)`,
      );
    const target = (keepDays: number, stepMs: number, keys: Target['keys'], deleteChunk: Target['deleteChunk']): Target => ({
      keepMs: keepDays * DAY_MS,
      stepMs,
      keys,
      deleteChunk,
      doneCutoff: -Infinity,
      pass: null,
    });
    const raw = (table: 'readings_stored' | 'reading_marks') =>
      target(
        days.rawDays,
        MINUTE_MS,
        (d) => distinctMachines(d, table).map((machine) => ({ machine })),
        db.prepare(
          `DELETE FROM ${table} WHERE machine_id = @machine AND ts IN
             (SELECT ts FROM ${table} WHERE machine_id = @machine AND ts < @cutoff ORDER BY ts LIMIT @limit)`,
        ),
      );
    this.targets = [
      // recent readings are minutes old, far younger than any retention
      raw('readings_stored'),
      // quality marks are raw data and go with the raw readings
      raw('reading_marks'),
      target(days.minuteDays, HOUR_MS, rollupKeys('rollup_1m'), rollupDelete('rollup_1m')),
      target(days.hourDays, DAY_MS, rollupKeys('rollup_1h'), rollupDelete('rollup_1h')),
    ];
  }

  /** Deletes until the budget is spent or nothing is due; returns the rows deleted. */
  step(watermark: EventMs, budget: PruneBudget): number {
    if (!Number.isFinite(watermark)) return 0;
    const started = performance.now();
    let deleted = 0;
    const spent = () => deleted >= budget.maxRows || performance.now() - started >= budget.maxMs;
    for (const t of this.targets) {
      if (!t.pass) {
        const cutoff = watermark - t.keepMs;
        if (cutoff - t.doneCutoff < t.stepMs) continue;
        t.pass = { cutoff, keys: t.keys(this.db), index: 0 };
      }
      const pass = t.pass;
      while (pass.index < pass.keys.length) {
        if (spent()) return deleted;
        const key = pass.keys[pass.index] as Key;
        const limit = Math.min(CHUNK_ROWS, budget.maxRows - deleted);
        const n = this.db.transaction(() => t.deleteChunk.run({ ...key, cutoff: pass.cutoff, limit }).changes)();
        deleted += n;
        if (n < limit) pass.index++;
      }
      t.doneCutoff = pass.cutoff;
      t.pass = null;
    }
    return deleted;
  }
}

/**
 * New readings land in `readings_recent` and move into `readings_stored` in machine order. Inserted
 * straight into the large (machine_id, ts) index, each reading lands on its own machine's leaf, so
 * every commit rewrote about one page per machine reporting; a move rewrites each leaf once for all
 * the rows it gathered. The recent table's own index holds at most `maxRows` entries, a few dozen
 * pages, so that readers seek there too instead of scanning it. Readers see both tables through the
 * `readings` view (schema version 17), so nothing waits for a move to become visible. A reading that
 * repeats one already stored (a redelivery, a replay) replaces it at once, so the view never lists a
 * reading twice; only a machine's rows at or before its newest one can be repeats, so the common
 * in-order row costs one map lookup.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-database';
import { bucketOf, MINUTE_MS } from './rollups';
import type { StoredMetrics } from './metrics-codec';
import type { EventMs, WallMs } from '../../common/time';

export interface RecentLimits {
  /** Rows gathered before a move: the more, the more pages of the recent index each commit rewrites. */
  maxRows: number;
  /** Wall time between moves when few rows arrive. */
  maxAgeMs: number;
}

export const RECENT_LIMITS: RecentLimits = { maxRows: 10_000, maxAgeMs: 60_000 };

/** When the recent rows must move: `watermark` is the one the rollups are about to finalize with. */
export function moveDue(state: { rows: number; minTs: EventMs; ageMs: number }, watermark: EventMs, limits: RecentLimits): boolean {
  if (state.rows === 0) return false;
  // Rollups read a finished minute from the indexed table only, so its rows must be there first.
  return state.rows >= limits.maxRows || state.ageMs >= limits.maxAgeMs || bucketOf(state.minTs, MINUTE_MS) + MINUTE_MS <= watermark;
}

/**
 * The writer's side of the two tables. Calls follow the writer's transaction: `insert` rows, then
 * `moveIfDue` before the rollups finalize, then `committed` or `rolledBack`.
 */
export class RecentReadings {
  private readonly insertRow: Statement<[string, number, StoredMetrics]>;
  private readonly moveRows: Statement<[]>;
  private readonly clearRows: Statement<[]>;
  private readonly dropRecent: Statement<[string, number, number | bigint]>;
  private readonly dropStored: Statement<[string, number]>;
  private readonly newestRecent: Statement<[string], number | null>;
  private readonly newestStored: Statement<[string], number | null>;
  /** Each machine's newest ts in either table, as far as this writer knows; higher than stored after a rollback, never lower. */
  private readonly newest = new Map<string, EventMs>();
  /** Rows in the table as of the last commit, and the earliest ts among them. */
  private rows = 0;
  private minTs: EventMs = Infinity;
  private movedAt: WallMs;
  /** What the open transaction added, and whether it moved everything. */
  private added = 0;
  private addedMinTs: EventMs = Infinity;
  private moved = false;

  constructor(
    private readonly db: Db,
    now: WallMs,
    private readonly limits: RecentLimits = RECENT_LIMITS,
  ) {
    this.insertRow = db.prepare('INSERT INTO readings_recent (machine_id, ts, metrics) VALUES (?, ?, ?)');
    // Rows an older writer left may still repeat one another or a stored row: the latest copy wins.
    this.moveRows = db.prepare('INSERT OR REPLACE INTO readings_stored (machine_id, ts, metrics) SELECT machine_id, ts, metrics FROM readings_recent ORDER BY machine_id, ts, rowid');
    this.clearRows = db.prepare('DELETE FROM readings_recent');
    this.dropRecent = db.prepare('DELETE FROM readings_recent WHERE machine_id = ? AND ts = ? AND rowid < ?');
    this.dropStored = db.prepare('DELETE FROM readings_stored WHERE machine_id = ? AND ts = ?');
    this.newestRecent = db.prepare<[string], number | null>('SELECT max(ts) FROM readings_recent WHERE machine_id = ?').pluck();
    this.newestStored = db.prepare<[string], number | null>('SELECT max(ts) FROM readings_stored WHERE machine_id = ?').pluck();
    // Rows left by a stop (or a crash) move now, so that startup reads the indexed table alone.
    db.transaction(() => this.move())();
    this.movedAt = now;
  }

  /** Throws what SQLite throws for a row it cannot take; the row then does not count. */
  insert(machineId: string, ts: EventMs, metrics: StoredMetrics): void {
    const newest = this.newest.get(machineId) ?? this.newestKnown(machineId);
    const { lastInsertRowid } = this.insertRow.run(machineId, ts, metrics);
    if (ts > newest) {
      this.newest.set(machineId, ts);
    } else {
      // Only after the new copy is in: a row SQLite refuses must not take the old copy with it.
      this.dropRecent.run(machineId, ts, lastInsertRowid);
      this.dropStored.run(machineId, ts);
    }
    this.added++;
    if (ts < this.addedMinTs) this.addedMinTs = ts;
  }

  moveIfDue(watermark: EventMs, now: WallMs): void {
    const state = { rows: this.rows + this.added, minTs: Math.min(this.minTs, this.addedMinTs), ageMs: now - this.movedAt };
    if (!moveDue(state, watermark, this.limits)) return;
    this.move();
    this.moved = true;
  }

  committed(now: WallMs): void {
    if (this.moved) {
      this.rows = 0;
      this.minTs = Infinity;
      this.movedAt = now;
    } else {
      this.rows += this.added;
      this.minTs = Math.min(this.minTs, this.addedMinTs);
    }
    this.reset();
  }

  rolledBack(): void {
    this.reset();
  }

  private reset(): void {
    this.added = 0;
    this.addedMinTs = Infinity;
    this.moved = false;
  }

  private newestKnown(machineId: string): EventMs {
    const newest = Math.max(this.newestRecent.get(machineId) ?? -Infinity, this.newestStored.get(machineId) ?? -Infinity);
    this.newest.set(machineId, newest);
    return newest;
  }

  private move(): void {
    this.moveRows.run();
    this.clearRows.run();
  }
}

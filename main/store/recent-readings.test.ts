import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from './migrations';
import { openDatabase, type Db } from './open-database';
import { moveDue, RECENT_LIMITS } from './recent-readings';
import { MINUTE_MS } from './rollups';
import { TelemetrySink, type RowBatch } from './telemetry-sink';

const T0 = Date.UTC(2024, 0, 1);
const retention = { rawDays: 7, minuteDays: 90, hourDays: 5 * 365 };
const batch = (rows: readonly [string, number, number][]): RowBatch => ({
  machineIds: rows.map((r) => r[0]),
  ts: Float64Array.from(rows.map((r) => r[1])),
  metrics: rows.map((r) => JSON.stringify({ a: r[2] })),
});

describe('moveDue', () => {
  const limits = { maxRows: 100, maxAgeMs: 60_000 };
  it('moves nothing when there is nothing to move', () => {
    expect(moveDue({ rows: 0, minTs: Infinity, ageMs: 1e9 }, T0 + 1e9, limits)).toBe(false);
  });
  it('moves when the table is full, when its rows are old, or before the rollups finalize a minute that has recent rows', () => {
    const young = { rows: 10, minTs: T0, ageMs: 1_000 };
    expect(moveDue(young, T0 - 1, limits)).toBe(false);
    expect(moveDue({ ...young, rows: 100 }, T0 - 1, limits)).toBe(true);
    expect(moveDue({ ...young, ageMs: 60_000 }, T0 - 1, limits)).toBe(true);
    // T0 is a minute boundary: that minute is finalized once the watermark reaches its end
    expect(moveDue(young, T0 + MINUTE_MS - 1, limits)).toBe(false);
    expect(moveDue(young, T0 + MINUTE_MS, limits)).toBe(true);
  });
  it('keeps the recent table, and the pages of its index a commit rewrites, small', () => {
    expect(RECENT_LIMITS.maxRows).toBeLessThanOrEqual(20_000);
  });
});

describe('recent readings in the store', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fb-recent-'));
    db = openDatabase(join(dir, 'store.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const history = (machine: string) => db.prepare('SELECT ts, metrics FROM readings WHERE machine_id = ? ORDER BY ts').all(machine);

  it('shows new rows through the readings view before they move, and the same rows after', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now, recent: { maxRows: 1_000, maxAgeMs: 60_000 } });
    sink.write(batch([['m1', T0, 1], ['m2', T0, 2], ['m1', T0 + 1000, 3]]));
    expect(count('readings_recent')).toBe(3);
    expect(count('readings_stored')).toBe(0);
    const before = history('m1');
    expect(before).toEqual([
      { ts: T0, metrics: '{"a":1}' },
      { ts: T0 + 1000, metrics: '{"a":3}' },
    ]);
    now += 60_000;
    sink.write(batch([['m2', T0 + 2000, 4]]));
    expect(count('readings_recent')).toBe(0);
    expect(count('readings_stored')).toBe(4);
    expect(history('m1')).toEqual(before);
  });

  it('moves every maxRows rows, and every maxAgeMs of wall time when few arrive', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now, recent: { maxRows: 5, maxAgeMs: 60_000 } });
    sink.write(batch([0, 1, 2, 3].map((i) => ['m1', T0 + i * 1000, i])));
    expect(count('readings_recent')).toBe(4);
    sink.write(batch([['m1', T0 + 4000, 4]]));
    expect(count('readings_recent')).toBe(0);
    sink.write(batch([['m1', T0 + 5000, 5]]));
    now += 59_999;
    sink.write(batch([['m1', T0 + 6000, 6]]));
    expect(count('readings_recent')).toBe(2);
    now += 1;
    sink.write(batch([['m1', T0 + 7000, 7]]));
    expect(count('readings_recent')).toBe(0);
    expect(count('readings_stored')).toBe(8);
  });

  it('keeps the latest of a duplicated reading, whether the first copy moved already or not', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now });
    sink.write(batch([['m1', T0, 1]]));
    now += 60_000;
    sink.write(batch([['m1', T0 + 1000, 2]]));
    // a replay: one copy of T0 is stored, two copies of T0 + 1000 are still recent
    sink.write(batch([['m1', T0, 10], ['m1', T0 + 1000, 20]]));
    now += 60_000;
    sink.write(batch([['m2', T0, 0]]));
    expect(count('readings_recent')).toBe(0);
    expect(history('m1')).toEqual([
      { ts: T0, metrics: '{"a":10}' },
      { ts: T0 + 1000, metrics: '{"a":20}' },
    ]);
  });

  it('lists a repeated reading once while its new copy waits in the recent table', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now });
    sink.write(batch([['m1', T0, 1]]));
    now += 60_000;
    sink.write(batch([['m1', T0 + 1000, 2]]));
    now += 1;
    sink.write(batch([['m1', T0 + 2000, 3]]));
    expect([count('readings_stored'), count('readings_recent')]).toEqual([2, 1]);
    // a redelivery of a moved row and of a recent one, then a new row
    sink.write(batch([['m1', T0, 10], ['m1', T0 + 2000, 30], ['m1', T0 + 3000, 4]]));
    expect(count('readings_recent')).toBe(3);
    expect(history('m1')).toEqual([
      { ts: T0, metrics: '{"a":10}' },
      { ts: T0 + 1000, metrics: '{"a":2}' },
      { ts: T0 + 2000, metrics: '{"a":30}' },
      { ts: T0 + 3000, metrics: '{"a":4}' },
    ]);
  });

  it('finds repeats of what an earlier writer stored', () => {
    new TelemetrySink(db, { retention, now: () => T0 }).write(batch([['m1', T0, 1], ['m1', T0 + 1000, 2]]));
    const again = new TelemetrySink(db, { retention, now: () => T0 });
    // out of order after the restart: the older row first, then a repeat of the newest
    again.write(batch([['m1', T0 + 500, 5], ['m1', T0 + 1000, 20]]));
    expect(history('m1')).toEqual([
      { ts: T0, metrics: '{"a":1}' },
      { ts: T0 + 500, metrics: '{"a":5}' },
      { ts: T0 + 1000, metrics: '{"a":20}' },
    ]);
  });

  it('keeps the stored copy when SQLite refuses its repeat', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now });
    sink.write(batch([['m1', T0, 1]]));
    now += 60_000;
    sink.write(batch([['m1', T0 + 1000, 2]]));
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON readings_recent WHEN NEW.metrics = '{"a":99}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    expect(sink.write(batch([['m1', T0, 99], ['m1', T0 + 1000, 99]]))).toEqual({ written: 0, rejected: 2 });
    expect(history('m1')).toEqual([
      { ts: T0, metrics: '{"a":1}' },
      { ts: T0 + 1000, metrics: '{"a":2}' },
    ]);
  });

  it('moves what a stop left in the recent table when the writer starts again', () => {
    const first = new TelemetrySink(db, { retention, now: () => T0 });
    first.write(batch([['m1', T0, 1], ['m2', T0 + 1000, 2]]));
    expect(count('readings_recent')).toBe(2);
    const again = new TelemetrySink(db, { retention, now: () => T0 });
    expect(count('readings_recent')).toBe(0);
    expect(count('readings_stored')).toBe(2);
    // the restarted writer knows the newest reading, so its watermark is where the first one left it
    expect(again.watermark).toBe(first.watermark);
  });

  it('leaves a failed batch\'s move undone with the batch, and moves on the retry', () => {
    let now = T0;
    const sink = new TelemetrySink(db, { retention, now: () => now });
    sink.write(batch([['m1', T0, 1]]));
    now += 60_000;
    db.exec('CREATE TRIGGER fail_minute BEFORE INSERT ON rollup_1m BEGIN INSERT INTO no_such_table VALUES (1); END');
    const late = batch([['m1', T0 + 10 * MINUTE_MS, 2]]);
    expect(() => sink.write(late)).toThrow(/no such table/);
    expect(count('readings_recent')).toBe(1);
    expect(count('readings_stored')).toBe(0);
    db.exec('DROP TRIGGER fail_minute');
    sink.write(late);
    expect(count('readings_recent')).toBe(0);
    expect(history('m1').map((r) => (r as { ts: number }).ts)).toEqual([T0, T0 + 10 * MINUTE_MS]);
    expect(db.prepare("SELECT n FROM rollup_1m WHERE machine_id = 'm1' AND bucket = ?").pluck().get(T0)).toBe(1);
  });
});

describe('recent readings in a store kept in the keyed layout', () => {
  it('moves into a WITHOUT ROWID readings_stored the same way (a store too large to rewrite at version 16)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-recent-keyed-'));
    const file = join(dir, 'store.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version !== 16));
    old.prepare("INSERT INTO readings_stored (machine_id, ts, metrics) VALUES ('m1', ?, '{\"a\":0}')").run(T0);
    expect(() => old.prepare('SELECT rowid FROM readings_stored').get()).toThrow(/rowid/);
    old.close();
    const db = openDatabase(file);
    try {
      let now = T0;
      const sink = new TelemetrySink(db, { retention, now: () => now });
      sink.write(batch([['m1', T0, 1], ['m1', T0 + 1000, 2]]));
      now += 60_000;
      sink.write(batch([['m2', T0, 3]]));
      expect(db.prepare('SELECT count(*) FROM readings_recent').pluck().get()).toBe(0);
      expect(db.prepare("SELECT ts, metrics FROM readings WHERE machine_id = 'm1' ORDER BY ts").all()).toEqual([
        { ts: T0, metrics: '{"a":1}' },
        { ts: T0 + 1000, metrics: '{"a":2}' },
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricNames } from './metric-names';
import { decodeMetrics, encodeMetrics, PACKED_V2, type StoredMetrics } from './metrics-codec';
import { openDatabase, type Db } from './open-database';
import { HOUR_MS, MINUTE_MS } from './rollups';
import { TelemetrySink, type RowBatch } from './telemetry-sink';

const T0 = Date.UTC(2024, 0, 1);
const retention = { rawDays: 7, minuteDays: 90, hourDays: 5 * 365 };
type Row = [string, number, Record<string, number>];

const batch = (rows: readonly Row[]): RowBatch => ({
  machineIds: rows.map((r) => r[0]),
  ts: Float64Array.from(rows.map((r) => r[1])),
  metrics: rows.map((r) => JSON.stringify(r[2])),
});
const rollups = (db: Db, table: 'rollup_1m' | 'rollup_1h') =>
  db.prepare(`SELECT machine_id, sensor, bucket, n, avg, min, max FROM ${table} ORDER BY machine_id, sensor, bucket`).all();

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-sink-'));
  db = openDatabase(join(dir, 'store.db'), { busyTimeoutMs: 20 });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A few hours of two machines at 10 s, values chosen so every aggregate is exact to check. */
function day(): Row[] {
  const rows: Row[] = [];
  for (let t = T0; t < T0 + 3 * HOUR_MS; t += 10_000) {
    const i = (t - T0) / 10_000;
    rows.push(['press-1', t, { temp: i % 6, rpm: 100 }]);
    if (i % 2 === 0) rows.push(['press-2', t + 3, { temp: -i, vib: 0.5 }]);
  }
  return rows;
}
const closer: Row = ['clock', T0 + 10 * HOUR_MS, { x: 0 }];

describe('TelemetrySink', () => {
  it('syncs the WAL on its first commit and then on the first commit each syncEveryMs, and leaves the connection as set without it', () => {
    let now = T0;
    const mode = () => db.pragma('synchronous', { simple: true });
    const unset = new TelemetrySink(db, { retention, now: () => now });
    unset.write(batch([['m1', now, { a: 1 }]]));
    expect(mode()).toBe(2);
    db.pragma('synchronous = NORMAL');
    const sink = new TelemetrySink(db, { retention, syncEveryMs: 500, now: () => now });
    const modes: unknown[] = [];
    for (const step of [1, 100, 100, 300, 100, 1000]) {
      now += step;
      sink.write(batch([['m1', now, { a: 1 }]]));
      modes.push(mode());
    }
    // FULL (2) at 1, 501 and 1601 ms: a commit 500 ms after the last synced one syncs; NORMAL (1) in between
    expect(modes).toEqual([2, 1, 1, 2, 1, 2]);
  });

  it('stores good rows and counts the bad ones without failing the batch', () => {
    const sink = new TelemetrySink(db, { retention });
    const good = batch([['m1', T0, { a: 1 }], ['m1', T0 + 1000, { a: 2 }]]);
    const bad: RowBatch = {
      machineIds: [...good.machineIds, '', 'm1', 'm1', 42 as unknown as string],
      ts: [...Array.from(good.ts), T0, T0 + 1.5, T0 + 2, T0 + 3],
      metrics: [...good.metrics, '{"a":1}', '{"a":1}', '[1,2]', '{"a":1}'],
    };
    expect(sink.write(bad)).toEqual({ written: 2, rejected: 4 });
    expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(2);
  });

  it('keeps a bounded number of name lists: a report-by-exception source\u2019s new subsets beyond it are stored as JSON', () => {
    const sink = new TelemetrySink(db, { retention, maxMetricNameLists: 2 });
    const rows: Record<string, number>[] = [{ a: 1 }, { b: 2 }, { a: 3, b: 4 }, { a: 5 }];
    expect(sink.write({ machineIds: rows.map(() => 'm1'), ts: rows.map((_, i) => T0 + i * 1000), metrics: rows.map((m) => encodeMetrics(m)) })).toEqual({ written: 4, rejected: 0 });
    const stored = db.prepare('SELECT typeof(metrics) AS type, metrics FROM readings ORDER BY ts').all() as { type: string; metrics: StoredMetrics }[];
    expect(stored.map((r) => r.type)).toEqual(['blob', 'blob', 'text', 'blob']);
    expect(stored.map((r) => decodeMetrics(r.metrics, metricNames(db)))).toEqual(rows);
    expect(db.prepare('SELECT count(*) FROM metric_names').pluck().get()).toBe(2);
  });

  it('stores packed rows as blobs beside JSON text, and refuses a blob that is not a packed row', () => {
    const sink = new TelemetrySink(db, { retention });
    const packed = encodeMetrics({ a: 1.5, b: 2 });
    expect(packed).toBeInstanceOf(Uint8Array);
    const result = sink.write({
      machineIds: ['m1', 'm1', 'm1', 'm1'],
      ts: [T0, T0 + 1000, T0 + 2000, T0 + 3000],
      metrics: [packed, '{"a":3}', new Uint8Array([9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), new Uint8Array(0)],
    });
    expect(result).toEqual({ written: 2, rejected: 2 });
    const stored = db.prepare('SELECT typeof(metrics) AS type, metrics FROM readings ORDER BY ts').all() as { type: string; metrics: StoredMetrics }[];
    expect(stored.map((r) => r.type)).toEqual(['blob', 'text']);
    // stored with its names by id, about 8 bytes a value
    expect((stored[0]!.metrics as Uint8Array)[0]).toBe(PACKED_V2);
    expect((stored[0]!.metrics as Uint8Array).length).toBe(7 + 16);
    expect(() => decodeMetrics(stored[0]!.metrics)).toThrow(/no names/);
    expect(stored.map((r) => decodeMetrics(r.metrics, metricNames(db)))).toEqual([{ a: 1.5, b: 2 }, { a: 3 }]);
    // the same names again take no new entry; a stored-form row is not accepted from the queue
    expect(sink.write({ machineIds: ['m2', 'm3'], ts: [T0, T0], metrics: [encodeMetrics({ a: 7, b: 8 }), stored[0]!.metrics] })).toEqual({ written: 1, rejected: 1 });
    expect(db.prepare('SELECT names FROM metric_names').pluck().all()).toEqual(['a\0b']);
  });

  it('gives each name list of a machine its own id when the machine switches between lists', () => {
    const sink = new TelemetrySink(db, { retention });
    const rows: Row[] = [
      ['m1', T0, { a: 1, b: 2 }],
      ['m1', T0 + 1000, { a: 3 }],
      ['m2', T0, { a: 4 }],
      ['m1', T0 + 2000, { a: 5, b: 6 }],
      ['m1', T0 + 3000, { b: 7, a: 8 }],
    ];
    sink.write({ ...batch(rows), metrics: rows.map((r) => encodeMetrics(r[2])) });
    const stored = db.prepare('SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id, ts').all() as { machine_id: string; ts: number; metrics: StoredMetrics }[];
    expect(stored.map((r) => [r.machine_id, r.ts, decodeMetrics(r.metrics, metricNames(db))])).toEqual([rows[0], rows[1], rows[3], rows[4], rows[2]]);
    expect(db.prepare('SELECT names FROM metric_names ORDER BY id').pluck().all()).toEqual(['a\0b', 'a', 'b\0a']);
  });

  it('writes a minute once the watermark (max ts - 2 min) passes its end, with exact aggregates', () => {
    const sink = new TelemetrySink(db, { retention });
    const rows: Row[] = [];
    for (let s = 0; s < 180; s++) rows.push(['m1', T0 + s * 1000, { temp: s % 60, flag: s === 5 ? 1 : 0 }]);
    sink.write(batch(rows));
    // watermark = T0+179s-120s = T0+59s: no minute has ended yet.
    expect(rollups(db, 'rollup_1m')).toEqual([]);
    sink.write(batch([['m1', T0 + 181_000, { temp: 0 }]]));
    expect(rollups(db, 'rollup_1m')).toEqual([
      { machine_id: 'm1', sensor: 'flag', bucket: T0, n: 60, avg: 1 / 60, min: 0, max: 1 },
      { machine_id: 'm1', sensor: 'temp', bucket: T0, n: 60, avg: 29.5, min: 0, max: 59 },
    ]);
  });

  it('re-aggregates the minute and the hour of a late reading', () => {
    const sink = new TelemetrySink(db, { retention });
    sink.write(batch(day()));
    sink.write(batch([closer]));
    const before = db.prepare("SELECT max FROM rollup_1h WHERE machine_id = 'press-1' AND sensor = 'temp' AND bucket = ?").pluck();
    expect(before.get(T0)).toBe(5);
    sink.write(batch([['press-1', T0 + 5 * MINUTE_MS + 1, { temp: 1000, late: 7 }]]));
    const minute = db.prepare("SELECT n, max FROM rollup_1m WHERE machine_id = 'press-1' AND sensor = 'temp' AND bucket = ?").get(T0 + 5 * MINUTE_MS);
    expect(minute).toEqual({ n: 7, max: 1000 });
    expect(before.get(T0)).toBe(1000);
    expect(db.prepare("SELECT n FROM rollup_1h WHERE machine_id = 'press-1' AND sensor = 'late'").pluck().all()).toEqual([1]);
  });

  it('gives the same rollups whether a day arrives at once, in small batches, shuffled, or across a restart', () => {
    const rows = day();
    const reference = (() => {
      const sink = new TelemetrySink(db, { retention });
      sink.write(batch(rows));
      sink.write(batch([closer]));
      return { m: rollups(db, 'rollup_1m'), h: rollups(db, 'rollup_1h') };
    })();
    expect(reference.h.length).toBeGreaterThan(0);

    const scenarios: ((sink: () => TelemetrySink, d: Db) => void)[] = [
      (make) => {
        const sink = make();
        for (let i = 0; i < rows.length; i += 7) sink.write(batch(rows.slice(i, i + 7)));
        sink.write(batch([closer]));
      },
      (make) => {
        // Deterministic shuffle: readings up to an hour late, batches of 50.
        const shuffled = rows.map((r, i) => [r, (i * 7919) % rows.length] as const).sort((a, b) => a[1] - b[1]).map(([r]) => r);
        const sink = make();
        for (let i = 0; i < shuffled.length; i += 50) sink.write(batch(shuffled.slice(i, i + 50)));
        sink.write(batch([closer]));
      },
      (make) => {
        // Restart in the middle of an hour: the new sink must finish what the old one left dirty.
        const cut = rows.findIndex((r) => r[1] >= T0 + 90 * MINUTE_MS);
        const first = make();
        for (let i = 0; i < cut; i += 100) first.write(batch(rows.slice(i, Math.min(i + 100, cut))));
        const second = make();
        for (let i = cut; i < rows.length; i += 100) second.write(batch(rows.slice(i, i + 100)));
        second.write(batch([closer]));
      },
      (make) => {
        // The same rows packed (metrics-codec.ts), every fifth one as JSON text: the minutes read both.
        const sink = make();
        for (let i = 0; i < rows.length; i += 100) {
          const part = rows.slice(i, i + 100);
          sink.write({ ...batch(part), metrics: part.map((r, k) => ((i + k) % 5 ? encodeMetrics(r[2]) : JSON.stringify(r[2]))) });
        }
        sink.write(batch([closer]));
      },
    ];
    scenarios.forEach((run, i) => {
      const other = openDatabase(join(dir, `s${i}.db`));
      run(() => new TelemetrySink(other, { retention }), other);
      expect(rollups(other, 'rollup_1m')).toEqual(reference.m);
      expect(rollups(other, 'rollup_1h')).toEqual(reference.h);
      other.close();
    });
  });

  it('rolls a failed batch back entirely, rollup bookkeeping included, so its retry is complete', () => {
    const sink = new TelemetrySink(db, { retention });
    const rows = day();
    const half = Math.floor(rows.length / 2);
    sink.write(batch(rows.slice(0, half)));
    // Fails the transaction late, after minutes were already finalized inside it.
    db.exec('CREATE TRIGGER fail_hour BEFORE INSERT ON rollup_1h BEGIN INSERT INTO no_such_table VALUES (1); END');
    const second = batch([...rows.slice(half), closer]);
    expect(() => sink.write(second)).toThrow(/no such table/);
    expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(half);
    db.exec('DROP TRIGGER fail_hour');
    sink.write(second);

    const fresh = openDatabase(join(dir, 'ref.db'));
    new TelemetrySink(fresh, { retention }).write(batch([...rows, closer]));
    expect(rollups(db, 'rollup_1m')).toEqual(rollups(fresh, 'rollup_1m'));
    expect(rollups(db, 'rollup_1h')).toEqual(rollups(fresh, 'rollup_1h'));
    fresh.close();
  });

  it('forgets the names a failed batch added: a later batch may take the same id for other names', () => {
    const sink = new TelemetrySink(db, { retention });
    const rows = [...day(), closer];
    const packedBatch = (part: readonly Row[]): RowBatch => ({ ...batch(part), metrics: part.map((r) => encodeMetrics(r[2])) });
    db.exec('CREATE TRIGGER fail_hour BEFORE INSERT ON rollup_1h BEGIN INSERT INTO no_such_table VALUES (1); END');
    expect(() => sink.write(packedBatch(rows))).toThrow(/no such table/);
    db.exec('DROP TRIGGER fail_hour');
    expect(db.prepare('SELECT count(*) FROM metric_names').pluck().get()).toBe(0);
    const other: Row = ['other', T0, { z: 1, y: 2 }];
    sink.write(packedBatch([other]));
    sink.write(packedBatch(rows));

    const names = metricNames(db);
    const stored = db.prepare('SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id, ts').all() as { machine_id: string; ts: number; metrics: StoredMetrics }[];
    const expected = [...rows, other].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(stored.map((r) => [r.machine_id, r.ts, decodeMetrics(r.metrics, names)])).toEqual(expected);
    expect(stored.every((r) => r.metrics instanceof Uint8Array && r.metrics[0] === PACKED_V2)).toBe(true);
    const fresh = openDatabase(join(dir, 'ref.db'));
    new TelemetrySink(fresh, { retention }).write(batch([other, ...rows]));
    expect(rollups(db, 'rollup_1h')).toEqual(rollups(fresh, 'rollup_1h'));
    fresh.close();
  });

  it('fails the whole batch when the database is locked, and takes it on retry', () => {
    const sink = new TelemetrySink(db, { retention });
    const blocker = openDatabase(join(dir, 'store.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    const b = batch(day().slice(0, 10));
    expect(() => sink.write(b)).toThrow(/locked|busy/i);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(sink.write(b)).toEqual({ written: 10, rejected: 0 });
  });

  it('keeps a device clock far in the future from moving the watermark', () => {
    const now = T0 + HOUR_MS;
    const sink = new TelemetrySink(db, { retention, now: () => now });
    sink.write(batch([['m1', T0, { a: 1 }], ['bad-clock', now + 400 * 86_400_000, { a: 1 }]]));
    expect(sink.watermark).toBe(T0 - 2 * MINUTE_MS);
    expect(new TelemetrySink(db, { retention, now: () => now }).watermark).toBe(T0 - 2 * MINUTE_MS);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './open-database';
import { DAY_MS, Retention } from './retention';
import { HOUR_MS } from './rollups';

const T0 = Date.UTC(2024, 0, 1);
let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-retention-'));
  db = openDatabase(join(dir, 'store.db'));
  const raw = db.prepare('INSERT INTO readings_stored VALUES (?, ?, ?)');
  const m = db.prepare('INSERT INTO rollup_1m VALUES (?, ?, ?, 1, 1, 1, 1)');
  const h = db.prepare('INSERT INTO rollup_1h VALUES (?, ?, ?, 1, 1, 1, 1)');
  db.transaction(() => {
    // Ten days, one raw row and one rollup row per sensor per hour, for three machines.
    for (const machine of ['a', 'b', 'c'])
      for (let t = T0; t < T0 + 10 * DAY_MS; t += HOUR_MS) {
        raw.run(machine, t, '{"x":1}');
        for (const sensor of ['x', 'y']) {
          m.run(machine, sensor, t);
          h.run(machine, sensor, t);
        }
      }
  })();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const oldest = (table: string, col: string) => db.prepare(`SELECT min(${col}) FROM ${table}`).pluck().get() as number;
const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('Retention', () => {
  it('deletes each table back to its own keep period relative to the watermark', () => {
    const watermark = T0 + 10 * DAY_MS;
    const r = new Retention(db, { rawDays: 7, minuteDays: 8, hourDays: 9 });
    const deleted = r.step(watermark, { maxRows: 1e9, maxMs: 1e9 });
    expect(deleted).toBe(3 * 3 * 24 + 3 * 2 * 2 * 24 + 3 * 2 * 24);
    expect(oldest('readings', 'ts')).toBe(watermark - 7 * DAY_MS);
    expect(oldest('rollup_1m', 'bucket')).toBe(watermark - 8 * DAY_MS);
    expect(oldest('rollup_1h', 'bucket')).toBe(watermark - 9 * DAY_MS);
    expect(r.step(watermark, { maxRows: 1e9, maxMs: 1e9 })).toBe(0);
  });

  it('works in small slices that together finish the job', () => {
    const watermark = T0 + 10 * DAY_MS;
    const r = new Retention(db, { rawDays: 7, minuteDays: 7, hourDays: 7 });
    const before = count('readings') + count('rollup_1m') + count('rollup_1h');
    let total = 0;
    let steps = 0;
    for (let n = r.step(watermark, { maxRows: 25, maxMs: 1e9 }); n > 0; n = r.step(watermark, { maxRows: 25, maxMs: 1e9 })) {
      expect(n).toBeLessThanOrEqual(25);
      total += n;
      steps++;
    }
    expect(steps).toBeGreaterThan(10);
    expect(before - total).toBe(count('readings') + count('rollup_1m') + count('rollup_1h'));
    expect(oldest('readings', 'ts')).toBe(watermark - 7 * DAY_MS);
    expect(oldest('rollup_1h', 'bucket')).toBe(watermark - 7 * DAY_MS);
  });

  it('does nothing before there is a watermark or before the cutoff has moved', () => {
    const r = new Retention(db, { rawDays: 7, minuteDays: 90, hourDays: 1825 });
    expect(r.step(-Infinity, { maxRows: 1e9, maxMs: 1e9 })).toBe(0);
    const watermark = T0 + 10 * DAY_MS;
    expect(r.step(watermark, { maxRows: 1e9, maxMs: 1e9 })).toBe(3 * 3 * 24);
    db.prepare('INSERT INTO readings_stored VALUES (?, ?, ?)').run('a', T0, '{}');
    expect(r.step(watermark + 1000, { maxRows: 1e9, maxMs: 1e9 })).toBe(0);
    // The late row plus, per machine, the hourly row the one-minute move pushed past the cutoff.
    expect(r.step(watermark + 60_000, { maxRows: 1e9, maxMs: 1e9 })).toBe(1 + 3);
  });
});

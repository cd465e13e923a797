import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QualityMark } from '../../common/telemetry';
import { openDatabase, type Db } from './open-database';
import { readingMarks } from './reading-marks';
import { DAY_MS, Retention } from './retention';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-marks-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const mark = (ts: number, patch: Partial<QualityMark> = {}): QualityMark => ({ machineId: 'press-1', sensor: 'temperature', ts, quality: 'bad', status: 'BadSensorFailure', value: 61.5, receivedAt: ts + 10, ...patch });

describe('reading marks', () => {
  it('stores Bad and Uncertain values with their status beside the readings, never in them', () => {
    const marks = readingMarks(db);
    marks.insert([mark(T0), mark(T0 + 1000, { quality: 'uncertain', status: 'UncertainLastUsableValue', value: null }), mark(T0, { machineId: 'other' })]);
    // the same mark again (a redelivered notification) lands once
    marks.insert([mark(T0)]);
    expect(marks.between('press-1', T0, T0 + 2000)).toEqual([
      { machineId: 'press-1', sensor: 'temperature', ts: T0, quality: 'bad', status: 'BadSensorFailure', value: 61.5 },
      { machineId: 'press-1', sensor: 'temperature', ts: T0 + 1000, quality: 'uncertain', status: 'UncertainLastUsableValue', value: null },
    ]);
    expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(0);
    expect(() => db.prepare("INSERT INTO reading_marks VALUES ('m', 1, 's', 'good', 'Good', 1)").run()).toThrow(/CHECK/);
  });

  it('goes with the raw readings when retention prunes them', () => {
    const marks = readingMarks(db);
    marks.insert(Array.from({ length: 10 }, (_, d) => mark(T0 + d * DAY_MS)));
    new Retention(db, { rawDays: 3, minuteDays: 30, hourDays: 365 }).step(T0 + 10 * DAY_MS, { maxRows: 1e9, maxMs: 1e9 });
    expect(marks.between('press-1', 0, T0 + 11 * DAY_MS).map((m) => (m.ts - T0) / DAY_MS)).toEqual([7, 8, 9]);
  });
});

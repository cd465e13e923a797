import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QualityMark } from '../../common/telemetry';
import { MIGRATIONS, migrate } from './migrations';
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
    expect(() => db.prepare("INSERT INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES ('m', 1, 's', 'good', 'Good', 1)").run()).toThrow(/CHECK/);
  });

  it('goes with the raw readings when retention prunes them', () => {
    const marks = readingMarks(db);
    marks.insert(Array.from({ length: 10 }, (_, d) => mark(T0 + d * DAY_MS)));
    new Retention(db, { rawDays: 3, minuteDays: 30, hourDays: 365 }).step(T0 + 10 * DAY_MS, { maxRows: 1e9, maxMs: 1e9 });
    expect(marks.between('press-1', 0, T0 + 11 * DAY_MS).map((m) => (m.ts - T0) / DAY_MS)).toEqual([7, 8, 9]);
  });

  it('numbers marks in the order they are stored, never reusing a number, a replaced mark numbered anew', () => {
    const marks = readingMarks(db);
    const seqs = () => db.prepare('SELECT ts, seq FROM reading_marks ORDER BY seq').raw().all() as [number, number][];
    marks.insert([mark(T0 + 2000), mark(T0)]);
    expect(seqs()).toEqual([[T0 + 2000, 1], [T0, 2]]);
    marks.insert([mark(T0, { status: 'BadOutOfService' })]);
    expect(seqs()).toEqual([[T0 + 2000, 1], [T0, 3]]);
    // retention empties the table: the next mark still comes after every number handed out
    new Retention(db, { rawDays: 1, minuteDays: 30, hourDays: 365 }).step(T0 + 10 * DAY_MS, { maxRows: 1e9, maxMs: 1e9 });
    expect(seqs()).toEqual([]);
    marks.insert([mark(T0 + 10 * DAY_MS)]);
    expect(seqs()).toEqual([[T0 + 10 * DAY_MS, 4]]);
  });
});

describe('reading marks from a store of schema 12', () => {
  it('keep every mark when migration 13 numbers them', () => {
    const file = join(dir, 'v12.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 12));
    const insert = old.prepare('INSERT INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('b', T0, 'x', 'bad', 'BadSensorFailure', null);
    insert.run('a', T0 + 1000, 'y', 'uncertain', 'UncertainLastUsableValue', 2.5);
    insert.run('a', T0, 'y', 'bad', 'BadSensorFailure', 1);
    old.close();
    const upgraded = openDatabase(file);
    try {
      expect(upgraded.prepare('SELECT seq, machine_id, ts, sensor, quality, status, value FROM reading_marks ORDER BY seq').raw().all()).toEqual([
        [1, 'a', T0, 'y', 'bad', 'BadSensorFailure', 1],
        [2, 'a', T0 + 1000, 'y', 'uncertain', 'UncertainLastUsableValue', 2.5],
        [3, 'b', T0, 'x', 'bad', 'BadSensorFailure', null],
      ]);
      expect(readingMarks(upgraded).between('a', T0, T0 + 2000)).toHaveLength(2);
    } finally {
      upgraded.close();
    }
  });
});

/**
 * What the historian reads from the local store, which is its buffer: rows after a position, by
 * primary-key seeks only (a week of raw telemetry is never walked whole).
 */
import { distinctMachines, distinctSensors, readingMachines } from '../store/distinct-keys';
import { metricNames } from '../store/metric-names';
import type { NamesLookup, StoredMetrics } from '../store/metrics-codec';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';
import type { EventMs } from '../../common/time';

export interface RawRow {
  ts: EventMs;
  /** JSON text or a packed row: read it with decodeMetrics(metrics, names). */
  metrics: StoredMetrics;
  /** The names of the store's packed rows. */
  names?: NamesLookup;
}
export interface RollupRow {
  bucket: number;
  n: number;
  avg: number | null;
  min: number | null;
  max: number | null;
}
export interface MarkRow {
  seq: number;
  machine_id: string;
  ts: number;
  sensor: string;
  quality: string;
  status: string;
  value: number | null;
}
export interface JournalRow {
  seq: number;
  event_id: string;
  alarm_id: string;
  machine_id: string;
  source: string;
  sensor: string | null;
  priority: string;
  at: number;
  action: string;
  from_state: string;
  to_state: string;
  active: number;
  username: string | null;
  console: string;
  note: string | null;
  message: string;
  value: number | null;
  limit_value: number | null;
}
export interface ModelOutputRow {
  machine_id: string;
  model: string;
  ts: number;
  state: string;
  output: string;
}

export type RollupTable = 'rollup_1m' | 'rollup_1h';

export function localOutbox(db: Db) {
  const names = metricNames(db);
  const withNames = (rows: RawRow[]): RawRow[] => {
    for (const r of rows) r.names = names;
    return rows;
  };
  return {
    machines: (): string[] => readingMachines(db),
    rollupMachines: (table: RollupTable): string[] => distinctMachines(db, table),
    rollupSensors: (table: RollupTable, machineId: string): string[] => distinctSensors(db, table, machineId),
    rawAfter: (machineId: string, after: number, limit: number): RawRow[] =>
      withNames(prepared<[string, number, number], RawRow>(db, 'SELECT ts, metrics FROM readings WHERE machine_id = ? AND ts > ? ORDER BY ts LIMIT ?').all(machineId, after, limit)),
    rawBetween: (machineId: string, from: EventMs, to: EventMs, limit: number): RawRow[] =>
      withNames(prepared<[string, number, number, number], RawRow>(db, 'SELECT ts, metrics FROM readings WHERE machine_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?').all(machineId, from, to, limit)),
    /** Rows after a position, counted up to cap (a bounded cost however large the backlog). */
    rawCount: (machineId: string, after: number, cap: number): number =>
      prepared<[string, number, number], number>(db, 'SELECT count(*) FROM (SELECT 1 FROM readings WHERE machine_id = ? AND ts > ? LIMIT ?)').pluck().get(machineId, after, cap) ?? 0,
    rawFirstAfter: (machineId: string, after: number): number | undefined =>
      prepared<[string, number], number>(db, 'SELECT ts FROM readings WHERE machine_id = ? AND ts > ? ORDER BY ts LIMIT 1').pluck().get(machineId, after),
    rollupAfter: (table: RollupTable, machineId: string, sensor: string, after: number, limit: number): RollupRow[] =>
      prepared<[string, string, number, number], RollupRow>(db, `SELECT bucket, n, avg, min, max FROM ${table} WHERE machine_id = ? AND sensor = ? AND bucket > ? ORDER BY bucket LIMIT ?`).all(machineId, sensor, after, limit),
    rollupCount: (table: RollupTable, machineId: string, sensor: string, after: number, cap: number): number =>
      prepared<[string, string, number, number], number>(db, `SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE machine_id = ? AND sensor = ? AND bucket > ? LIMIT ?)`).pluck().get(machineId, sensor, after, cap) ?? 0,
    /** Marks in the order they were stored (seq): a mark stored late still comes after the position. */
    marksAfter: (seq: number, limit: number): MarkRow[] =>
      prepared<[number, number], MarkRow>(db, 'SELECT seq, machine_id, ts, sensor, quality, status, value FROM reading_marks WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit),
    marksCount: (seq: number, cap: number): number =>
      prepared<[number, number], number>(db, 'SELECT count(*) FROM (SELECT 1 FROM reading_marks WHERE seq > ? LIMIT ?)').pluck().get(seq, cap) ?? 0,
    journalAfter: (seq: number, limit: number): JournalRow[] =>
      prepared<[number, number], JournalRow>(
        db,
        'SELECT seq, event_id, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, console, note, message, value, limit_value FROM alarm_journal WHERE seq > ? ORDER BY seq LIMIT ?',
      ).all(seq, limit),
    journalCount: (seq: number, cap: number): number => prepared<[number, number], number>(db, 'SELECT count(*) FROM (SELECT 1 FROM alarm_journal WHERE seq > ? LIMIT ?)').pluck().get(seq, cap) ?? 0,
    modelOutputs: (): ModelOutputRow[] => prepared<[], ModelOutputRow>(db, 'SELECT machine_id, model, ts, state, output FROM model_outputs').all(),
  };
}
export type LocalOutbox = ReturnType<typeof localOutbox>;

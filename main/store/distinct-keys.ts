import type { Db } from './open-database';
import { prepared } from './prepared';

/** Tables whose primary key starts with machine_id; the names are ours, never user input. */
export type KeyedTable = 'readings_stored' | 'reading_marks' | 'rollup_1m' | 'rollup_1h';

/**
 * Distinct machine ids by seeking the primary key once per machine. A plain SELECT DISTINCT walks
 * every row, which on a week of raw telemetry takes seconds; this takes one B-tree seek per machine.
 */
export function distinctMachines(db: Db, table: KeyedTable): string[] {
  const first = prepared<[], string>(db, `SELECT machine_id FROM ${table} ORDER BY machine_id LIMIT 1`).pluck();
  const next = prepared<[string], string>(db, `SELECT machine_id FROM ${table} WHERE machine_id > ? ORDER BY machine_id LIMIT 1`).pluck();
  const out: string[] = [];
  for (let id = first.get(); id !== undefined; id = next.get(id)) out.push(id);
  return out;
}

/** Machines with readings: the indexed ones, and those whose only rows are still recent (recent-readings.ts). */
export function readingMachines(db: Db): string[] {
  const stored = distinctMachines(db, 'readings_stored');
  const known = new Set(stored);
  const recent = prepared<[], string>(db, 'SELECT DISTINCT machine_id FROM readings_recent').pluck().all().filter((id) => !known.has(id));
  return recent.length === 0 ? stored : [...stored, ...recent].sort();
}

/** Distinct sensors of one machine in a rollup table, by the same seek-per-key walk. */
export function distinctSensors(db: Db, table: 'rollup_1m' | 'rollup_1h', machineId: string): string[] {
  const first = prepared<[string], string>(db, `SELECT sensor FROM ${table} WHERE machine_id = ? ORDER BY sensor LIMIT 1`).pluck();
  const next = prepared<[string, string], string>(db, `SELECT sensor FROM ${table} WHERE machine_id = ? AND sensor > ? ORDER BY sensor LIMIT 1`).pluck();
  const out: string[] = [];
  for (let s = first.get(machineId); s !== undefined; s = next.get(machineId, s)) out.push(s);
  return out;
}

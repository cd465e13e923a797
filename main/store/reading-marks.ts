/**
 * Values their source marked Bad or Uncertain, stored beside the readings (never in them, so that
 * rollups, features and models see only good values) with their status, for history and export.
 * They are rare (a source reports a status change, not every sample), so they are written here on
 * the main connection rather than through the telemetry writer's batches.
 */
import type { QualityMark } from '../../common/telemetry';
import type { Db } from './open-database';
import type { EventMs } from '../../common/time';

/** A mark as stored: when it was received is not kept. */
export type StoredMark = Omit<QualityMark, 'receivedAt'>;

export function readingMarks(db: Db) {
  const insert = db.prepare<[string, number, string, string, string, number | null]>(
    'INSERT OR REPLACE INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction((marks: readonly QualityMark[]) => {
    for (const m of marks) insert.run(m.machineId, m.ts, m.sensor, m.quality, m.status, m.value);
  });
  const between = db.prepare<[string, number, number], { machineId: string; sensor: string; ts: number; quality: 'bad' | 'uncertain'; status: string; value: number | null }>(
    'SELECT machine_id AS machineId, sensor, ts, quality, status, value FROM reading_marks WHERE machine_id = ? AND ts >= ? AND ts < ? ORDER BY ts, sensor',
  );
  return {
    insert(marks: readonly QualityMark[]): void {
      if (marks.length > 0) insertAll(marks);
    },
    /** One machine's marks in [from, to), oldest first. */
    between(machineId: string, from: EventMs, to: EventMs): StoredMark[] {
      return between.all(machineId, from, to);
    },
  };
}
export type ReadingMarks = ReturnType<typeof readingMarks>;

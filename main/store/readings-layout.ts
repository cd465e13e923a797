/**
 * The layout of `readings` (schema version 16). Keyed WITHOUT ROWID, the table's B-tree carried whole
 * packed rows (about 800 bytes) in its interior pages, about 4 to a page, so each commit rewrote 3.6
 * pages per stored row; as a rowid table with a unique (machine_id, ts) index, rows append at the
 * table's end and interior pages hold only rowids (figures: bench/README.md, 2026-12-07). Every query
 * finds a machine's rows by (machine_id, ts) in either layout, through the key or the index.
 *
 * Rewriting stored rows takes about 14 µs a row on the build machine and holds the start while it
 * runs, so a store with more than `maxRows` readings keeps the keyed layout (and works as before)
 * rather than keep a plant's console from starting for many minutes.
 */
import type { Db } from './open-database';

/** About half a minute of copying on the 2-core build machine. */
export const READINGS_REWRITTEN_AT_START_MAX = 2_000_000;

/** Moves readings to the rowid layout when there are at most maxRows of them; returns what it did, for the log. */
export function moveReadingsToRowidTable(db: Db, maxRows = READINGS_REWRITTEN_AT_START_MAX): string {
  const over = db.prepare<[number], number>('SELECT 1 FROM readings LIMIT 1 OFFSET ?').pluck().get(maxRows) !== undefined;
  if (over) return `readings kept in their keyed layout: more than ${maxRows.toLocaleString('en-US')} stored rows would hold the start for minutes`;
  // Copied in key order, so a machine's history from before this version stays together on disk.
  db.exec(`
    CREATE TABLE readings_v16 (
      machine_id TEXT NOT NULL,
      ts INTEGER NOT NULL,
      metrics TEXT NOT NULL
    );
    INSERT INTO readings_v16 (machine_id, ts, metrics) SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id, ts;
    DROP TABLE readings;
    ALTER TABLE readings_v16 RENAME TO readings;
    CREATE UNIQUE INDEX readings_machine_ts ON readings (machine_id, ts);
  `);
  return `readings moved to a rowid table with a (machine_id, ts) index: ${db.prepare('SELECT count(*) FROM readings').pluck().get() as number} rows`;
}

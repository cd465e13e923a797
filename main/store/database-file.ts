/** The main database's file in the data directory, and its size on disk. */
import { statSync } from 'node:fs';

export const DATABASE_FILE = 'factorybrain.db';

/** The database file and its write-ahead log; the WAL comes and goes, so a missing one counts as empty. */
export function databaseBytes(path: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      bytes += statSync(path + suffix).size;
    } catch {
      // the WAL file comes and goes
    }
  }
  return bytes;
}

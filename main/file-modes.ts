/** Owner-only file modes for the data directory and the database files. */
import { chmodSync, statSync } from 'node:fs';

/** chmod where the file system has modes and the file exists; a failure is logged, never fatal. */
export function restrictMode(path: string, mode: number, log: (message: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    if ((statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`${path}: mode not restricted: ${(err as Error).message}`);
  }
}

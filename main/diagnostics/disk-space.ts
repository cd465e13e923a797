/** Free and total space of the file system a folder is on; null where the platform cannot say. */
import { statfsSync } from 'node:fs';
import type { DiskSpace } from './diagnostics';

export function diskSpace(path: string): DiskSpace | null {
  try {
    const fs = statfsSync(path);
    if (fs.blocks <= 0) return null;
    return { path, freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize, freeRatio: fs.bavail / fs.blocks };
  } catch {
    return null;
  }
}

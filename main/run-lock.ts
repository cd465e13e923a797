/**
 * A PID file in the data directory, so that commands which must not run beside the app (restore)
 * can tell that it is running. A PID file left by a crash names a dead process and is ignored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const file = (dataDir: string) => join(dataDir, 'factorybrain.pid');
/** Data directories claimed by this process: the PID file cannot tell two runtimes of one process apart. */
const claimedHere = new Set<string>();

export function runningInstance(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(file(dataDir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Claims the data directory for this process; throws if another live instance holds it. */
export function claimDataDir(dataDir: string): () => void {
  const key = resolve(dataDir);
  const other = claimedHere.has(key) ? process.pid : runningInstance(dataDir);
  if (other !== null) throw new Error(`another FactoryBrain (pid ${other}) is already running on ${dataDir}`);
  writeFileSync(file(dataDir), String(process.pid));
  claimedHere.add(key);
  return () => {
    claimedHere.delete(key);
    rmSync(file(dataDir), { force: true });
  };
}

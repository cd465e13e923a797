/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: Debian's binaries, its own data directory
 * in a temp folder, a free loopback port, trust authentication on loopback only. As root it runs as
 * `nobody` (PostgreSQL refuses to run as root). It is stopped, and can be started again on the same
 * port, by its PID: a database outage on demand.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from './processes';

export const PG_BIN = process.env['FB_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** Why no cluster can be started here, or null when the binaries are present. */
export function pgUnavailable(): string | null {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'postgres')) ? null : `PostgreSQL 15 binaries not found in ${PG_BIN} (apt-get install postgresql)`;
}

export interface PgTestCluster {
  port: number;
  url: string;
  /** PID of the running postmaster, or null while stopped. */
  readonly pid: number | null;
  /** Fast shutdown by PID; resolves when the postmaster has exited. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

const NOBODY = 65534;

export async function startPgTestCluster(): Promise<PgTestCluster> {
  const unavailable = pgUnavailable();
  if (unavailable) throw new Error(unavailable);
  const root = mkdtempSync(join(tmpdir(), 'fb-pg-'));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  if (asRoot) chownSync(root, NOBODY, NOBODY);
  chmodSync(root, 0o700);
  const data = join(root, 'data');
  const init = spawnSync(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], { ...ids, cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error?.message}`);
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    const args = ['-D', data, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=40'];
    const proc = spawn(join(PG_BIN, 'postgres'), args, { ...ids, cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let log = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    child = proc;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = spawnSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { encoding: 'utf8' });
      if (ready.status === 0) return;
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        child = null;
        throw new Error(`postgres did not start on port ${port}: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    // SIGINT is PostgreSQL's fast shutdown: open sessions are ended, as in a real outage
    await stopProcess(proc, 'SIGINT');
  };

  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get pid() {
      return child?.pid ?? null;
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

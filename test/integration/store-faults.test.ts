/**
 * The store under faults: a damaged database file at start, a full disk while writing, and an online
 * backup taken under ingest load that a restore brings back with accounts, configuration and alarms.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { ConfigSchema, type AppConfig } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { main as cli } from '../../main/cli/index';
import { call, PASSWORD, setupAdmin, tempDirs, uniqueName, until } from './support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-faults-');
const running: Runtime[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});
afterAll(() => dirs.cleanup());

function configFor(dataDir: string, site: string): AppConfig {
  return ConfigSchema.parse({ dataDir, broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`] }, store: { flushMs: 20, backupHourUtc: null } });
}

async function start(config: AppConfig, logs: string[] = []): Promise<Runtime> {
  const runtime = await startRuntime(config, { log: (m) => logs.push(m) });
  running.push(runtime);
  return runtime;
}

async function stop(runtime: Runtime): Promise<void> {
  running.splice(running.indexOf(runtime), 1);
  await runtime.stop();
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Overwrites one page of the file with garbage, as a failing disk or a stray write would. */
function smashPage(file: string, page: number, pageSize: number): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

async function dataDirWithAccounts(site: string) {
  const dataDir = dirs.make();
  const runtime = await start(configFor(dataDir, site));
  const admin = await setupAdmin(runtime);
  await call(runtime, admin, 'users.create', { username: 'op1', password: PASSWORD, role: 'operator' });
  await stop(runtime);
  return dataDir;
}

describe('a damaged database file', () => {
  it('is detected at start and never written; the app runs degraded with a system alarm, accounts salvaged', async () => {
    const site = uniqueName('corrupt');
    const dataDir = await dataDirWithAccounts(site);
    const file = join(dataDir, DATABASE_FILE);
    const check = new Database(file, { readonly: true });
    const pageSize = check.pragma('page_size', { simple: true }) as number;
    const rootpage = check.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'alarm_journal'").pluck().get() as number;
    check.close();
    smashPage(file, rootpage, pageSize);
    const damaged = sha256(file);

    const logs: string[] = [];
    const runtime = await start(configFor(dataDir, site), logs);
    const health = runtime.health();
    expect(health.status).toBe('degraded');
    expect(health.store.lastError).toMatch(/is damaged .*left untouched.*2 accounts were copied.*factorybrain restore/);
    expect(health.store.path).not.toBe(file);
    expect(logs.join('\n')).toContain('is damaged');

    // the operators can still log in and see the plant, and the control room is told
    const op: Connection = { token: null, transport: 'ws' };
    await call(runtime, op, 'auth.login', { username: 'op1', password: PASSWORD });
    await until(async () => JSON.stringify(await call(runtime, op, 'alarms.active', {})).includes('system:store'), 'a system alarm for the store', 15_000);
    await stop(runtime);
    expect(sha256(file)).toBe(damaged);
  });

  it('is detected when it is not a database at all; the file stays as it was', async () => {
    const site = uniqueName('notdb');
    const dataDir = await dataDirWithAccounts(site);
    const file = join(dataDir, DATABASE_FILE);
    smashPage(file, 1, 4096);
    const damaged = sha256(file);
    const runtime = await start(configFor(dataDir, site));
    expect(runtime.health().store.lastError).toMatch(/is damaged \((file is not a database|database disk image is malformed)\).*no accounts could be read/);
    await stop(runtime);
    expect(sha256(file)).toBe(damaged);
  });
});

/** A small tmpfs is a real full disk (ENOSPC), not a simulation; mounting needs root with CAP_SYS_ADMIN. */
function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mountProbe = dirs.make();
const canMount = tryMountTmpfs(mountProbe, '1m') && (execFileSync('umount', [mountProbe]), true);

describe('a full disk while writing', () => {
  let mountPoint: string;
  beforeEach(() => {
    mountPoint = join(dirs.make(), 'small-disk');
    mkdirSync(mountPoint);
  });
  afterEach(() => {
    if (canMount) execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  });

  it.skipIf(!canMount)('raises a system alarm, keeps running, and recovers when space returns', { timeout: 60_000 }, async () => {
    expect(tryMountTmpfs(mountPoint, '2m')).toBe(true);
    const site = uniqueName('full');
    const runtime = await start(configFor(mountPoint, site));
    const admin = await setupAdmin(runtime);
    await until(() => runtime.health().broker.state === 'connected', 'the broker');
    const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    try {
      const metrics = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`sensor_${i}`, i * 1.5]));
      let ts = Date.parse('2024-01-01T00:00:00Z');
      const publish = async (n: number) => {
        for (let i = 0; i < n; i++) await pub.publishAsync(`factory/${site}/hall/m${i % 20}/telemetry`, JSON.stringify({ ts: (ts += 100), metrics }), { qos: 0 });
      };
      await until(async () => (await publish(500), runtime.health().store.lastError), 'the store to report the full disk', 30_000);
      expect(runtime.health().status).toBe('degraded');
      expect(runtime.health().store.lastError).toMatch(/SQLITE_FULL|full|SQLITE_IOERR/i);
      // still serving
      expect((await call(runtime, admin, 'health.get', {})).store.lastError).not.toBeNull();
      await until(async () => JSON.stringify(await call(runtime, admin, 'alarms.active', {})).includes('system:store'), 'a system alarm for the store', 15_000);

      execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
      await until(async () => (await publish(20), runtime.health().store.lastError === null), 'the store to recover', 20_000);
      const stored = runtime.stats.storedTotal;
      await publish(50);
      await until(() => runtime.stats.storedTotal >= stored + 50, 'new readings stored after recovery');
    } finally {
      await pub.endAsync(true);
    }
    await stop(runtime);
    const db = new Database(join(mountPoint, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

describe('online backup under load, and restore', () => {
  it('takes a backup that passes integrity_check while ingest runs, and a restore brings back accounts, configuration and alarm history', { timeout: 60_000 }, async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const site = uniqueName('backup');
    const dataDir = dirs.make();
    const runtime = await start(configFor(dataDir, site));
    const admin = await setupAdmin(runtime);
    await call(runtime, admin, 'users.create', { username: 'op1', password: PASSWORD, role: 'operator' });
    await until(() => runtime.health().broker.state === 'connected', 'the broker');
    const machineId = `${site}/hall/m0`;
    await call(runtime, admin, 'alarms.limits.set', {
      machineId,
      limits: [{ sensor: 'temperature', level: 'H', setpoint: 70, deadband: 1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'high', latching: false, enabled: true }],
    });

    const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    let publishing = true;
    let sent = 0;
    const load = (async () => {
      let ts = Date.now() - 3_600_000;
      while (publishing) {
        // about 2,000 messages a second: load for the backup, without starving the tests beside this one
        await Promise.all(Array.from({ length: 20 }, (_, i) => pub.publishAsync(`factory/${site}/hall/m${i % 10}/telemetry`, JSON.stringify({ ts: (ts += 10), metrics: { temperature: sent % 400 < 200 ? 80 : 20, pressure: 2 } }), { qos: 0 })));
        sent += 20;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await until(async () => (await call(runtime, admin, 'alarms.history', { from: 0, to: Date.now() + 3_600_000 })).entries.length > 0, 'an alarm in the journal', 15_000);
      await until(() => runtime.stats.storedTotal > 1000, 'ingest under way', 15_000);
      const backup = join(dirs.make(), 'under-load.db');
      expect(await cli(['backup', '--out', backup, '--data-dir', dataDir])).toBe(0);
      const storedAtBackup = runtime.stats.storedTotal;
      await until(() => runtime.stats.storedTotal > storedAtBackup + 200, 'ingest to go on after the backup');

      const copy = new Database(backup, { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(copy.prepare('SELECT count(*) FROM readings').pluck().get()).toBeGreaterThan(500);
      } finally {
        copy.close();
      }

      const restoredDir = dirs.make();
      // the audit chain is keyed: the key goes with the installation, as the administrator copies it
      copyFileSync(join(dataDir, 'audit.key'), join(restoredDir, 'audit.key'));
      expect(await cli(['restore', backup, '--data-dir', restoredDir])).toBe(0);
      const restored = await start(configFor(restoredDir, uniqueName('restored')));
      const admin2: Connection = { token: null, transport: 'ws' };
      await call(restored, admin2, 'auth.login', { username: 'admin', password: PASSWORD });
      expect((await call(restored, admin2, 'users.list', {})).map((u) => [u.username, u.role])).toEqual([
        ['admin', 'admin'],
        ['op1', 'operator'],
      ]);
      expect(JSON.stringify(await call(restored, admin2, 'alarms.limits.get', { machineId }))).toContain('"setpoint":70');
      expect((await call(restored, admin2, 'alarms.history', { from: 0, to: Date.now() + 3_600_000 })).entries.length).toBeGreaterThan(0);
      expect(await call(restored, admin2, 'audit.verify', {})).toMatchObject({ ok: true });
    } finally {
      publishing = false;
      await load;
      await pub.endAsync(true);
    }
  });
});

/**
 * The CLI, called in process through main(argv): usage errors, replay to mosquitto, and the data
 * commands (export, backup, restore) on a data dir filled by a short runtime run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi, type MockInstance } from 'vitest';
import { call, setupAdmin, spawnCli, tempDirs, uniqueName, until } from '../../test/integration/support';
import { loadConfig } from '../config';
import { startRuntime } from '../runtime';
import { DATABASE_FILE } from '../store/database-file';
import { main } from './index';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-cli-');
afterAll(() => dirs.cleanup());

let log: MockInstance<typeof console.log>;
let error: MockInstance<typeof console.error>;
beforeEach(() => {
  log = vi.spyOn(console, 'log').mockImplementation(() => {});
  error = vi.spyOn(console, 'error').mockImplementation(() => {});
  // progress lines go straight to stderr
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const printed = (spy: MockInstance<(...args: unknown[]) => void>) => spy.mock.calls.map((args) => args.map(String).join(' ')).join('\n');

describe('usage errors', () => {
  it('prints usage and exits 2 without a command', async () => {
    expect(await main([])).toBe(2);
    expect(printed(log)).toMatch(/^usage: factorybrain <command>/);
    for (const name of ['serve', 'simulate', 'replay', 'export', 'backup', 'restore']) expect(printed(log)).toContain(`  ${name}`);
  });

  it('prints usage and exits 0 when help is asked for', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(printed(log)).toMatch(/^usage: factorybrain/);
    expect(await main(['export', '--help'])).toBe(0);
    expect(printed(log)).toContain('usage: factorybrain export <machines|readings');
  });

  it('exits 2 on an unknown command', async () => {
    expect(await main(['frobnicate'])).toBe(2);
    expect(printed(error)).toContain('unknown command "frobnicate"');
  });

  it.each([
    [['serve', '--port', 'notanumber'], /^factorybrain serve: --port notanumber is not a valid value$/],
    [['serve', '--port', '80.5'], /^factorybrain serve: --port 80\.5 is not a valid value$/],
    [['serve', '--no-such-flag'], /^factorybrain serve: .*no-such-flag/],
    [['export'], /^factorybrain export: name what to export: machines, readings, alarms, alarm-events, tickets, orders$/],
    [['export', 'readings', '--format', 'xml'], /^factorybrain export: --format must be csv or json$/],
    [['simulate'], /^factorybrain simulate: --broker <url> is required/],
    [['simulate', '--broker', 'mqtt://127.0.0.1:1', '--machines', '0'], /^factorybrain simulate: --machines 0 is not a valid value$/],
    [['replay', 'x.csv'], /^factorybrain replay: --broker <url> is required$/],
    [['replay', 'x.csv', '--broker', 'mqtt://127.0.0.1:1'], /^factorybrain replay: --machine <id> or --topic <topic> is required$/],
    [['restore'], /^factorybrain restore: name the backup file to restore$/],
  ])('%j exits 2 with a one-line message', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(error).toHaveBeenCalledTimes(1);
    const line = printed(error);
    expect(line).not.toContain('\n');
    expect(line).toMatch(message);
  });

  it('exits 2 when the data dir has no database', async () => {
    const empty = dirs.make();
    expect(await main(['export', 'machines', '--data-dir', empty])).toBe(2);
    expect(printed(error)).toContain(`no database at ${join(empty, DATABASE_FILE)}`);
    expect(await main(['backup', '--data-dir', empty])).toBe(2);
  });
});

describe('replay', () => {
  it('publishes a CSV to mosquitto as fast as it takes with --speed 0', async () => {
    const dir = dirs.make();
    const file = join(dir, 'small.csv');
    const site = uniqueName('replay');
    const rows = ['timestamp,temp,Flow Rate'];
    for (let i = 0; i < 12; i++) rows.push(`2024-05-01T10:00:${String(i).padStart(2, '0')}Z,${20 + i},${i / 4}`);
    rows.splice(4, 0, '2024-05-01T10:00:99Z,oops,1');
    writeFileSync(file, `${rows.join('\n')}\n`);

    const sub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    try {
      const received: { topic: string; body: { ts: number; metrics: Record<string, number> } }[] = [];
      sub.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) as { ts: number; metrics: Record<string, number> } }));
      await sub.subscribeAsync(`factory/${site}/+/+/telemetry`, { qos: 0 });

      expect(await main(['replay', file, '--broker', brokerUrl, '--machine', 'X', '--site', site, '--speed', '0'])).toBe(0);
      expect(printed(log)).toContain('published 12 readings; 1 bad lines skipped');
      expect(printed(log)).toMatch(/line 5: /);

      await until(() => received.length >= 12, '12 replayed messages', 5_000);
      expect(received).toHaveLength(12);
      expect(new Set(received.map((r) => r.topic))).toEqual(new Set([`factory/${site}/replay/X/telemetry`]));
      expect(received[0]?.body).toEqual({ ts: Date.parse('2024-05-01T10:00:00Z'), metrics: { temp: 20, Flow_Rate: 0 } });
      expect(received.at(-1)?.body).toEqual({ ts: Date.parse('2024-05-01T10:00:11Z'), metrics: { temp: 31, Flow_Rate: 2.75 } });
    } finally {
      await sub.endAsync(true);
    }
  });
});

describe('data commands on a populated data dir', () => {
  const READINGS = 6;
  let dataDir: string;
  let site: string;
  let t0: number;
  const machineId = () => `${site}/hall/m1`;

  beforeAll(async () => {
    dataDir = dirs.make();
    site = uniqueName('cli');
    t0 = Date.parse('2024-06-01T08:00:00Z');
    // The config file in the data dir is what every command (and a serve child) reads.
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`] }, store: { flushMs: 10, backupHourUtc: null } }),
    );
    const runtime = await startRuntime(loadConfig({ overrides: { dataDir } }), { log: () => {} });
    try {
      await setupAdmin(runtime);
      await until(() => runtime.health().broker.state === 'connected', 'connection to mosquitto');
      const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
      try {
        await pub.publishAsync(`factory/${machineId()}/meta`, JSON.stringify({ type: 'pump', name: 'Pump, "main"', units: { temperature: '°C' } }), { qos: 1 });
        for (let i = 0; i < READINGS; i++) {
          await pub.publishAsync(`factory/${machineId()}/telemetry`, JSON.stringify({ ts: t0 + i * 1000, metrics: { temperature: 50 + i, pressure: 2.5 } }), { qos: 1 });
        }
      } finally {
        await pub.endAsync(true);
      }
      await until(() => runtime.stats.storedTotal >= READINGS, `${READINGS} stored readings`);
      await until(async () => (await call(runtime, { token: null, transport: 'ws' }, 'auth.state', {})).needsSetup === false, 'the admin');
    } finally {
      await runtime.stop();
    }
  });

  const countReadings = (file: string): number => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('exports readings as CSV in long format', async () => {
    const out = join(dirs.make(), 'readings.csv');
    expect(await main(['export', 'readings', '--format', 'csv', '--out', out, '--data-dir', dataDir])).toBe(0);
    expect(printed(error)).toContain(`exported ${READINGS * 2} readings to ${out}`);
    const lines = readFileSync(out, 'utf8').split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('machine_id,ts,time,sensor,value,unit');
    expect(lines).toHaveLength(1 + READINGS * 2);
    expect(lines).toContain(`${machineId()},${t0},2024-06-01T08:00:00.000Z,temperature,50,°C`);
    expect(lines).toContain(`${machineId()},${t0 + 5000},2024-06-01T08:00:05.000Z,pressure,2.5,`);
  });

  it('exports readings as JSON, filtered by machine and time', async () => {
    const out = join(dirs.make(), 'readings.json');
    expect(await main(['export', 'readings', '--format', 'json', '--out', out, '--data-dir', dataDir])).toBe(0);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { machine_id: string; ts: number; metrics: Record<string, number> }[];
    expect(rows).toHaveLength(READINGS);
    expect(rows[0]).toEqual({ machine_id: machineId(), ts: t0, metrics: { temperature: 50, pressure: 2.5 }, units: { temperature: '°C' } });
    expect(rows.map((r) => r.ts)).toEqual(Array.from({ length: READINGS }, (_, i) => t0 + i * 1000));

    const some = join(dirs.make(), 'some.json');
    const to = new Date(t0 + 2000).toISOString();
    expect(await main(['export', 'readings', '--format', 'json', '--out', some, '--machine', machineId(), '--from', String(t0 + 1000), '--to', to, '--data-dir', dataDir])).toBe(0);
    expect((JSON.parse(readFileSync(some, 'utf8')) as { ts: number }[]).map((r) => r.ts)).toEqual([t0 + 1000, t0 + 2000]);
    expect(await main(['export', 'readings', '--from', 'yesterday', '--data-dir', dataDir])).toBe(2);
  });

  it('exports machines as CSV and JSON', async () => {
    const csv = join(dirs.make(), 'machines.csv');
    expect(await main(['export', 'machines', '--out', csv, '--data-dir', dataDir])).toBe(0);
    const lines = readFileSync(csv, 'utf8').split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('id,name,site,area,type,protocol,first_seen,last_seen');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${machineId()},"Pump, ""main""",${site},hall,pump,json,\\d+,\\d+$`));

    const json = join(dirs.make(), 'machines.json');
    expect(await main(['export', 'machines', '--format', 'json', '--out', json, '--data-dir', dataDir])).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([expect.objectContaining({ id: machineId(), name: 'Pump, "main"', site, area: 'hall', type: 'pump', protocol: 'json' })]);
  });

  it('backs up to a file that passes integrity_check, and restores it only while FactoryBrain is stopped', { timeout: 45_000 }, async () => {
    const backupDir = dirs.make();
    const backup = join(backupDir, 'fb.db');
    expect(await main(['backup', '--out', backup, '--data-dir', dataDir])).toBe(0);
    expect(printed(log)).toContain(`backup written and verified: ${backup}`);
    expect(readdirSync(backupDir).sort()).toEqual(['fb.db', 'fb.db.audit-head.json']); // no .partial left behind
    const check = new Database(backup, { readonly: true, fileMustExist: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(READINGS);
      expect(check.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
    } finally {
      check.close();
    }

    // FactoryBrain running on the data dir in another process, receiving two more readings
    const dbPath = join(dataDir, DATABASE_FILE);
    const server = spawnCli(['serve', '--data-dir', dataDir, '--port', '0']);
    try {
      await until(() => server.stdout.includes('FactoryBrain is running') || server.child.exitCode !== null, 'the serve child to start', 20_000);
      expect(server.child.exitCode, server.stderr).toBeNull();
      await until(() => server.stdout.includes(': connected'), 'the serve child to connect', 10_000);
      const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
      try {
        for (let i = 0; i < 2; i++) await pub.publishAsync(`factory/${machineId()}/telemetry`, JSON.stringify({ ts: t0 + 100_000 + i, metrics: { temperature: 1 } }), { qos: 1 });
      } finally {
        await pub.endAsync(true);
      }
      await until(() => countReadings(dbPath) === READINGS + 2, 'the two new readings stored by the child', 10_000);

      expect(await main(['restore', backup, '--data-dir', dataDir])).toBe(2);
      expect(printed(error)).toMatch(new RegExp(`FactoryBrain \\(pid ${server.child.pid}\\) is running on .*; stop it before restoring`));
      expect(readdirSync(dataDir).some((f) => f.includes('.before-restore-'))).toBe(false);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'factorybrain.pid'))).toBe(false);
    expect(countReadings(dbPath)).toBe(READINGS + 2);

    expect(await main(['restore', backup, '--data-dir', dataDir])).toBe(0);
    expect(printed(log)).toMatch(/restored .*fb\.db; the previous database is kept as .*factorybrain\.db\.before-restore-/);
    const previous = readdirSync(dataDir).filter((f) => /^factorybrain\.db\.before-restore-[0-9TZ-]+Z$/.test(f));
    expect(previous).toHaveLength(1);
    expect(countReadings(join(dataDir, previous[0]!))).toBe(READINGS + 2);
    expect(countReadings(dbPath)).toBe(READINGS);

    // a file that is not a database is refused and the live one is left alone
    const junk = join(backupDir, 'junk.db');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    expect(await main(['restore', junk, '--data-dir', dataDir])).toBe(1);
    expect(printed(error)).toMatch(/cannot be restored|integrity_check|not a database/);
    expect(countReadings(dbPath)).toBe(READINGS);

    // the restored store works: the admin logs in, the machine and its readings are there
    const runtime = await startRuntime(loadConfig({ overrides: { dataDir } }), { log: () => {} });
    try {
      const connection = { token: null, transport: 'ws' as const };
      await call(runtime, connection, 'auth.login', { username: 'admin', password: 'correct-horse-battery' });
      expect((await call(runtime, connection, 'machines.list', {})).map((m) => m.id)).toEqual([machineId()]);
    } finally {
      await runtime.stop();
    }
  });
});

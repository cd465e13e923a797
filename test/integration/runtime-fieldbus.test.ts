/**
 * The runtime with the plant's own systems: a Modbus TCP device and an OPC UA server feeding the
 * same reading path as MQTT (registry, store, screens, system alarms), and the historian forwarding
 * what was stored to PostgreSQL (skipped, in one line, where Debian's PostgreSQL is not installed).
 */
import { join } from 'node:path';
import { setWarningLogger } from 'node-opcua';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { pgUnavailable, startPgTestCluster, type PgTestCluster } from '../support/pg-cluster';
import { startTestDevice, type TestDevice } from '../support/modbus-device';
import { startOpcuaTestServer, type TestServer } from '../../main/ingest-opcua/opcua-test-server';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { call, setupAdmin, tempDirs, until } from './support';

setWarningLogger(() => undefined);
const noPostgres = pgUnavailable();
if (noPostgres) console.warn(`runtime historian check skipped: ${noPostgres}`);

const dirs = tempDirs('fb-it-fieldbus-');
let runtime: Runtime;
let connection: Connection;
let device: TestDevice;
let opcua: TestServer;
let cluster: PgTestCluster | null = null;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  dataDir = dirs.make();
  device = await startTestDevice();
  device.holding[0] = 615; // 61.5 °C at scale 0.1
  device.holding[1] = 1200;
  opcua = await startOpcuaTestServer({ pkiDir: join(dataDir, 'server-pki') });
  if (!noPostgres) cluster = await startPgTestCluster();
  const config = ConfigSchema.parse({
    dataDir,
    broker: { embeddedPort: 0 },
    simulator: { enabled: false },
    store: { flushMs: 20, backupHourUtc: null },
    alarms: { site: 'north', console: 'cr1' },
    modbus: {
      devices: [
        {
          name: 'press-plc',
          host: '127.0.0.1',
          port: device.port,
          timeoutMs: 1000,
          lostAfterFailures: 2,
          machine: { id: 'mb-press', area: 'pressing', type: 'press' },
          blocks: [{ pollMs: 100, points: [{ metric: 'temperature', address: 0, scale: 0.1, unit: '°C' }, { metric: 'speed', address: 1 }] }],
        },
      ],
    },
    opcua: {
      servers: [
        {
          name: 'line-2',
          endpointUrl: opcua.endpointUrl,
          securityMode: 'None',
          securityPolicy: 'None',
          subscriptions: [
            {
              publishingIntervalMs: 100,
              samplingIntervalMs: 50,
              items: [
                { nodeId: 'ns=1;s=Press1.Speed', machine: 'ua-press', metric: 'speed', unit: 'rpm', range: { low: 0, high: 3000 } },
                { nodeId: 'ns=1;s=Press1.Temperature', machine: 'ua-press', metric: 'temperature' },
              ],
            },
          ],
        },
      ],
    },
    ...(cluster && { historian: { url: cluster.url, intervalMs: 200 } }),
  });
  runtime = await startRuntime(config, { log: (m) => logs.push(m) });
  connection = await setupAdmin(runtime);
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  await device?.close();
  await opcua?.stop();
  await cluster?.destroy();
  dirs.cleanup();
});

describe('runtime with Modbus TCP, OPC UA and the historian', () => {
  it('shows and stores the Modbus device and the OPC UA server as machines of their protocols', async () => {
    const machines = await until(
      async () => {
        const list = await call(runtime, connection, 'machines.list', {});
        const mb = list.find((m) => m.id === 'mb-press');
        const ua = list.find((m) => m.id === 'ua-press');
        return mb?.sensors['temperature'] && ua?.sensors['speed'] && { mb, ua };
      },
      'both machines with values',
      20_000,
    );
    expect(machines.mb).toMatchObject({ protocol: 'modbus', area: 'pressing', type: 'press', state: 'online' });
    expect(machines.mb.sensors['temperature']!.value).toBeCloseTo(61.5);
    expect(machines.ua.protocol).toBe('opcua');
    // units and ranges from the connector settings reach the machine like a meta message's
    expect(machines.mb.eng?.['temperature']?.unit).toBe('°C');
    expect(machines.ua.eng?.['speed']).toMatchObject({ unit: 'rpm', display: { low: 0, high: 3000 } });
    const now = Date.now();
    const history = await until(async () => {
      const h = await call(runtime, connection, 'readings.history', { machineId: 'mb-press', sensors: ['speed'], from: now - 60_000, to: now + 60_000, resolution: 'raw' });
      return h.series[0] && h.series[0].v.length >= 3 && h;
    }, 'stored Modbus readings');
    expect(history.series[0]!.v.every((v) => v === 1200)).toBe(true);
    const health = await call(runtime, connection, 'health.get', {});
    expect(health.fieldSources).toEqual([
      { protocol: 'modbus', name: 'press-plc', endpoint: `modbus://127.0.0.1:${device.port}/1`, state: 'ok', lastError: null },
      { protocol: 'opcua', name: 'line-2', endpoint: opcua.endpointUrl, state: 'ok', lastError: null },
    ]);
  });

  it.skipIf(noPostgres !== null)('forwards what was stored to PostgreSQL, keyed by site and console', async () => {
    const health = await until(async () => {
      const h = await call(runtime, connection, 'health.get', {});
      return h.historian?.state === 'ok' && h.historian.forwardedValues > 0 && h;
    }, 'historian forwarding', 20_000);
    expect(health.historian!.alarm).toBeNull();
    const client = new pg.Client(cluster!.url);
    await client.connect();
    try {
      // Each source's readings are forwarded on the pass after they are stored: wait for both machines.
      const rows = await until(async () => {
        const result = await client.query<{ site: string; console: string; machine_id: string; n: string }>("SELECT site, console, machine_id, count(*) AS n FROM fb_readings GROUP BY 1, 2, 3 ORDER BY machine_id");
        return result.rows.length >= 2 && result.rows;
      }, 'both machines in PostgreSQL', 20_000, 200);
      expect(rows.map((r) => [r.site, r.console, r.machine_id])).toEqual([
        ['north', 'cr1', 'mb-press'],
        ['north', 'cr1', 'ua-press'],
      ]);
    } finally {
      await client.end();
    }
  });

  it('stores a Bad OPC UA value with its quality mark and shows it bad, never as a reading', async () => {
    const sensor = async () => (await call(runtime, connection, 'machines.list', {})).find((m) => m.id === 'ua-press')?.sensors['temperature'];
    await until(async () => (await sensor())?.quality === 'good', 'a good temperature first', 20_000);
    opcua.bad = true;
    const bad = await until(async () => {
      const s = await sensor();
      return s?.quality === 'bad' && s;
    }, 'the temperature shown bad', 20_000);
    // the machine is still talking: a bad value is news, not silence
    expect((await call(runtime, connection, 'machines.list', {})).find((m) => m.id === 'ua-press')!.state).toBe('online');
    const store = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      const marks = await until(
        () => store.prepare("SELECT sensor, ts, quality, status, value FROM reading_marks WHERE machine_id = 'ua-press' ORDER BY ts").all() as { sensor: string; ts: number; quality: string; status: string; value: number | null }[],
        'the mark in the store',
      );
      expect(marks.length).toBeGreaterThan(0);
      expect(marks[0]).toMatchObject({ sensor: 'temperature', quality: 'bad', status: 'BadSensorFailure' });
      expect(marks.some((m) => m.ts === bad.ts)).toBe(true);
      // not a reading: no temperature stored (nor scored) while it was bad
      const history = await call(runtime, connection, 'readings.history', { machineId: 'ua-press', sensors: ['temperature'], from: marks[0]!.ts, to: Date.now() + 1, resolution: 'raw' });
      expect(history.series[0]?.v.filter((v) => v !== null) ?? []).toEqual([]);
      if (cluster) {
        // the historian forwards the mark beside the readings
        const client = new pg.Client(cluster.url);
        await client.connect();
        try {
          const forwarded = await until(
            async () => {
              const { rows } = await client.query<{ quality: string; status: string; ms: string }>("SELECT quality, status, (extract(epoch from ts) * 1000)::bigint AS ms FROM fb_reading_marks WHERE machine_id = 'ua-press' AND sensor = 'temperature'");
              const first = rows.filter((r) => r.ms === String(marks[0]!.ts));
              return first.length > 0 && first;
            },
            'the mark in PostgreSQL',
            20_000,
            200,
          );
          expect(forwarded[0]).toMatchObject({ quality: 'bad', status: 'BadSensorFailure' });
        } finally {
          await client.end();
        }
      }
    } finally {
      store.close();
      opcua.bad = false;
    }
    await until(async () => (await sensor())?.quality === 'good', 'good again', 20_000);
  });

  it('raises a system alarm when the Modbus device stops answering, and takes its machine offline', async () => {
    device.silent = true;
    const alarm = await until(async () => {
      const active = await call(runtime, connection, 'alarms.active', {});
      return active.alarms.find((a) => a.id === 'system:modbus:press-plc');
    }, 'the device alarm', 15_000);
    expect(alarm).toMatchObject({ source: 'system', priority: 'high' });
    expect(alarm.message).toMatch(/Modbus device press-plc .* is lost/);
    const mb = (await call(runtime, connection, 'machines.list', {})).find((m) => m.id === 'mb-press')!;
    expect(mb.state).toBe('offline');
    expect(logs.some((l) => /machines not saved/.test(l))).toBe(false);
  });
});

describe('engineer settings of the connectors, through the contract', () => {
  it('browses the OPC UA server, reads unit and range, lists certificates, and answers not_found for a server or certificate that is not there', async () => {
    const objects = await call(runtime, connection, 'opcua.browse', { server: 'line-2' });
    const press = objects.find((o) => o.browseName === '1:Press1')!;
    const children = await call(runtime, connection, 'opcua.browse', { server: 'line-2', nodeId: press.nodeId });
    expect(children.map((c) => c.displayName)).toEqual(expect.arrayContaining(['Temperature', 'Speed']));
    expect(await call(runtime, connection, 'opcua.describe', { server: 'line-2', nodeId: 'ns=1;s=Press1.Temperature' })).toMatchObject({ unit: '°C', range: { low: 0, high: 150 } });
    const certs = await call(runtime, connection, 'opcua.certificates', {});
    expect(certs.own?.thumbprint).toMatch(/^[0-9a-f]{40}$/);
    const missing = await runtime.dispatch(connection, 'opcua.browse', { server: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const trust = await runtime.dispatch(connection, 'opcua.trust', { thumbprint: '0'.repeat(40) });
    expect(trust).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('changes the Modbus devices live (audited), keeps secrets out of the audit log, and names a bad key', async () => {
    const bad = await runtime.dispatch(connection, 'connectors.modbus.set', { devices: [{ name: 'x', host: 'h', machine: { id: 'm' }, blocks: [{ table: 'coil', points: [{ metric: 'a', address: 0 }] }] }] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((bad as { error: { message: string } }).error.message).toMatch(/devices\.0\.blocks\.0\.points\.0\.type/);

    device.silent = false;
    device.holding[5] = 42;
    await call(runtime, connection, 'connectors.modbus.set', { devices: [{ name: 'press-plc-b', host: '127.0.0.1', port: device.port, machine: { id: 'mb-press-b' }, blocks: [{ pollMs: 100, points: [{ metric: 'level', address: 5 }] }] }] });
    await until(async () => (await call(runtime, connection, 'machines.list', {})).find((m) => m.id === 'mb-press-b')?.sensors['level']?.value === 42, 'the new device polled');
    const settings = await call(runtime, connection, 'connectors.settings', {});
    expect(settings.modbus).toMatchObject({ from: 'ui', devices: [{ name: 'press-plc-b' }] });
    expect(settings.opcua.from).toBe('config');

    const withPassword = await runtime.dispatch(connection, 'connectors.historian.set', { url: 'postgres://u:secret@127.0.0.1:1/x' });
    expect(withPassword).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await call(runtime, connection, 'connectors.opcua.password', { server: 'line-2', password: 'not-in-the-log' }).catch((e: Error) => expect(e.message).toMatch(/does not log in with a user name/));
    const audit = await call(runtime, connection, 'audit.export', {});
    const set = audit.filter((a) => a.action === 'connectors.modbus.set');
    expect(set.map((a) => a.outcome)).toEqual(['bad_request', 'ok']);
    expect(JSON.stringify(audit)).not.toMatch(/secret@|not-in-the-log/);
  });
});

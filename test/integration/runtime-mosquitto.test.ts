/**
 * The whole runtime against Debian mosquitto: JSON and Sparkplug B in, hostile payloads quarantined,
 * readings stored and read back through the contract, events pushed, and state kept across a restart.
 *
 * The broker is shared with other test files (some publish garbage or retained meta), so each test
 * uses its own site and Sparkplug group and subscribes only to those.
 */
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { EventName } from '../../common/contract';
import { QUARANTINE_REASONS, type Machine } from '../../common/telemetry';
import { ConfigSchema, type AppConfig } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, PASSWORD, setupAdmin, tempDirs, uniqueName, until } from './support';

const sp = sparkplug.get('spBv1.0')!;
const spb = (payload: Parameters<typeof sp.encodePayload>[0]) => Buffer.from(sp.encodePayload(payload));

const brokerUrl = inject('mosquittoUrl');
const MAX_PAYLOAD = 1024;

const dirs = tempDirs('fb-it-mosq-');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dirs.cleanup();
});

function configFor(dataDir: string, site: string, group: string): AppConfig {
  return ConfigSchema.parse({
    dataDir,
    broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`, `spBv1.0/${group}/#`] },
    ingest: { maxPayloadBytes: MAX_PAYLOAD },
    store: { flushMs: 10, backupHourUtc: null },
  });
}

const logs: string[] = [];
async function start(config: AppConfig): Promise<Runtime> {
  const runtime = await startRuntime(config, { log: (m) => logs.push(m) });
  let stopped = false;
  const stop = runtime.stop;
  runtime.stop = async () => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
  cleanups.push(() => runtime.stop());
  await until(() => runtime.health().broker.state === 'connected', 'the runtime to connect to mosquitto');
  return runtime;
}

async function publisher(): Promise<MqttClient> {
  const client = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

const telemetry = (ts: number | string, metrics: Record<string, unknown>) => JSON.stringify({ ts, metrics });
const HOUR = 3_600_000;

async function history(runtime: Runtime, connection: Connection, machineId: string) {
  const now = Date.now();
  return call(runtime, connection, 'readings.history', { machineId, from: now - HOUR, to: now + HOUR, resolution: 'raw' });
}

describe('runtime with an external mosquitto broker', () => {
  it('ingests JSON and Sparkplug B, quarantines hostile input per reason, stores and serves it, and keeps going', async () => {
    const site = uniqueName('site');
    const group = uniqueName('grp');
    const runtime = await start(configFor(dirs.make(), site, group));
    const events: { name: EventName; payload: unknown }[] = [];
    cleanups.push(runtime.subscribe((name, payload) => events.push({ name, payload })));

    const connection = await setupAdmin(runtime);
    // the contract refuses a connection that has not logged in
    const anonymous = await runtime.dispatch({ token: null, transport: 'ws' }, 'machines.list', {});
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    const pub = await publisher();
    const press = `${site}/hall/press1`;
    const pump = `${site}/yard/pump2`;
    const t0 = Date.now() - 60_000;
    const send = (topic: string, payload: string | Buffer) => pub.publishAsync(topic, payload, { qos: 1 });

    await send(`factory/${press}/meta`, JSON.stringify({ type: 'hydraulic_press', name: 'Press 1' }));
    await send(`factory/${pump}/meta`, JSON.stringify({ type: 'pump' }));
    for (let i = 0; i < 5; i++) await send(`factory/${press}/telemetry`, telemetry(t0 + i * 1000, { temperature: 40 + i, vibration: 1.5 }));
    await send(`factory/${pump}/telemetry`, telemetry(new Date(t0).toISOString(), { pressure: 3.25, running: true }));

    // hostile input, one per reason
    const topic = `factory/${press}/telemetry`;
    await send(topic, '{"ts": 1, "metrics": {');
    await send(topic, telemetry(t0 + 10_000, { temperature: 'NaN' }));
    await send(topic, telemetry(t0 + 11_000, { temperature: 1, padding: 0, note: 'x'.repeat(MAX_PAYLOAD) } as Record<string, unknown>));
    await send(topic, JSON.stringify([1, 2, 3]));
    await send(topic, telemetry(12, { temperature: 1 }));
    await send(`factory/${press}/meta`, JSON.stringify({ name: 'no type' }));
    // Sparkplug data from a node that never sent its birth
    await send(`spBv1.0/${group}/DDATA/ghost/dev9`, spb({ timestamp: t0, seq: 4, metrics: [{ alias: 1, type: 'Double', value: 1 }] }));

    // ... and the pipeline carries on
    await send(topic, telemetry(t0 + 20_000, { temperature: 99, vibration: 2 }));

    // Sparkplug B: node birth, device birth with aliases, device data by alias
    await send(`spBv1.0/${group}/NBIRTH/edge1`, spb({ timestamp: t0, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }));
    await send(`spBv1.0/${group}/DBIRTH/edge1/dev1`, spb({ timestamp: t0 + 500, seq: 1, metrics: [{ name: 'temperature', alias: 1, type: 'Double', value: 30.5 }] }));
    await send(`spBv1.0/${group}/DDATA/edge1/dev1`, spb({ timestamp: t0 + 1500, seq: 2, metrics: [{ alias: 1, type: 'Double', value: 31.5 }] }));

    const expectedRows = 5 + 1 + 1 + 2;
    await until(() => runtime.stats.storedTotal >= expectedRows, `${expectedRows} stored rows`);
    expect(runtime.stats.storedTotal).toBe(expectedRows);

    // machines, with type and name from meta
    const machines = await call(runtime, connection, 'machines.list', {});
    const byId = new Map(machines.map((m) => [m.id, m]));
    expect(byId.get(press)).toMatchObject({ id: press, name: 'Press 1', site, area: 'hall', type: 'hydraulic_press', protocol: 'json', state: 'online' });
    expect(byId.get(press)?.sensors['temperature']).toMatchObject({ value: 99, ts: t0 + 20_000, quality: 'good' });
    expect(byId.get(pump)).toMatchObject({ name: 'pump2', type: 'pump', protocol: 'json' });
    expect(byId.get(pump)?.sensors['running']?.value).toBe(1);
    expect(byId.get(`${group}/edge1/dev1`)).toMatchObject({ protocol: 'sparkplug', site: group, area: 'edge1', name: 'dev1' });
    // the unborn node's device was never discovered
    expect(byId.has(`${group}/ghost/dev9`)).toBe(false);

    // stored readings read back through the contract
    const pressHistory = await history(runtime, connection, press);
    expect(pressHistory.resolution).toBe('raw');
    const temperature = pressHistory.series.find((s) => s.sensor === 'temperature');
    expect(temperature?.t).toEqual([0, 1000, 2000, 3000, 4000, 20_000].map((d) => t0 + d));
    expect(temperature?.v).toEqual([40, 41, 42, 43, 44, 99]);
    expect(pressHistory.series.find((s) => s.sensor === 'vibration')?.v).toEqual([1.5, 1.5, 1.5, 1.5, 1.5, 2]);
    const pumpHistory = await history(runtime, connection, pump);
    expect(pumpHistory.series).toEqual([
      { sensor: 'pressure', t: [t0], v: [3.25] },
      { sensor: 'running', t: [t0], v: [1] },
    ]);
    const deviceHistory = await history(runtime, connection, `${group}/edge1/dev1`);
    expect(deviceHistory.series).toEqual([{ sensor: 'temperature', t: [t0 + 500, t0 + 1500], v: [30.5, 31.5] }]);

    // quarantine: counted per reason, kept with topic and payload head
    const quarantine = await call(runtime, connection, 'ingest.quarantine', {});
    expect(quarantine.counts).toEqual({
      ...Object.fromEntries(QUARANTINE_REASONS.map((r) => [r, 0])),
      oversized: 1,
      invalid_json: 1,
      unknown_shape: 2,
      bad_timestamp: 1,
      non_finite: 1,
      unknown_topic: 0,
      sparkplug_decode: 0,
      sparkplug_sequence: 0,
      sparkplug_unborn: 1,
    });
    expect(quarantine.entries).toHaveLength(7);
    const invalid = await call(runtime, connection, 'ingest.quarantine', { reason: 'invalid_json' });
    expect(invalid.entries).toHaveLength(1);
    expect(invalid.entries[0]).toMatchObject({ topic, reason: 'invalid_json', payloadBytes: '{"ts": 1, "metrics": {'.length });
    expect(Buffer.from(invalid.entries[0]!.payloadHead, 'base64').toString()).toBe('{"ts": 1, "metrics": {');
    const oversized = await call(runtime, connection, 'ingest.quarantine', { reason: 'oversized' });
    expect(oversized.entries[0]?.payloadBytes).toBeGreaterThan(MAX_PAYLOAD);

    const health = await call(runtime, connection, 'health.get', {});
    expect(health).toMatchObject({
      status: 'ok',
      broker: { url: brokerUrl, embedded: false, state: 'connected', lastError: null },
      simulator: { running: false, machines: 0 },
      machinesKnown: 4,
      quarantine: { total: 7 },
      store: { lastError: null },
    });

    // pushed events: live telemetry batches and machine changes
    const liveIds = () =>
      new Set(events.filter((e) => e.name === 'telemetry').flatMap((e) => (e.payload as { readings: { machineId: string }[] }).readings.map((r) => r.machineId)));
    await until(() => liveIds().has(press) && liveIds().has(`${group}/edge1/dev1`), 'telemetry events');
    const liveTemps = events
      .filter((e) => e.name === 'telemetry')
      .flatMap((e) => (e.payload as { readings: { machineId: string; metrics: Record<string, number> }[] }).readings)
      .filter((r) => r.machineId === press)
      .map((r) => r.metrics['temperature']);
    expect(liveTemps).toContain(99);
    const changedMachines = () => events.filter((e) => e.name === 'machines').flatMap((e) => (e.payload as { machines: Machine[] }).machines);
    await until(() => changedMachines().some((m) => m.id === press && m.type === 'hydraulic_press'), 'a machines event for the press');
    await until(() => events.some((e) => e.name === 'health'), 'a health event', 5_000);
  });

  it('keeps users and machines across a restart on the same data dir', async () => {
    const site = uniqueName('site');
    const group = uniqueName('grp');
    const config = configFor(dirs.make(), site, group);
    const first = await start(config);
    await setupAdmin(first, 'operator1');
    const pub = await publisher();
    const id = `${site}/line1/cnc7`;
    const t0 = Date.now() - 30_000;
    await pub.publishAsync(`factory/${id}/meta`, JSON.stringify({ type: 'cnc_mill', name: 'CNC 7' }), { qos: 1 });
    for (let i = 0; i < 3; i++) await pub.publishAsync(`factory/${id}/telemetry`, telemetry(t0 + i * 1000, { spindle: 1000 + i }), { qos: 1 });
    await until(() => first.stats.storedTotal >= 3, 'three stored rows');
    await first.stop();

    const second = await start(config);
    const anonymous: Connection = { token: null, transport: 'ws' };
    expect(await call(second, anonymous, 'auth.state', {})).toEqual({ needsSetup: false, user: null, locked: false });
    const wrong = await second.dispatch(anonymous, 'auth.login', { username: 'operator1', password: 'not-the-password' });
    expect(wrong.ok).toBe(false);
    const session = await call(second, anonymous, 'auth.login', { username: 'operator1', password: PASSWORD });
    expect(session.user).toMatchObject({ username: 'operator1', role: 'admin' });
    expect(anonymous.token).toBe(session.token);
    // a second setup is refused: the first administrator exists
    const again = await second.dispatch({ token: null, transport: 'ws' }, 'auth.setup', { username: 'intruder', password: PASSWORD });
    expect(again.ok).toBe(false);

    // known before any new message arrives
    const machines = await call(second, anonymous, 'machines.list', {});
    expect(machines.find((m) => m.id === id)).toMatchObject({ id, name: 'CNC 7', type: 'cnc_mill', protocol: 'json' });
    const stored = await history(second, anonymous, id);
    expect(stored.series).toEqual([{ sensor: 'spindle', t: [t0, t0 + 1000, t0 + 2000], v: [1000, 1001, 1002] }]);
  });
});

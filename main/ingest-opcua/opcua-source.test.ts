/**
 * The OPC UA source against node-opcua servers started in this process: values that change, one
 * that goes Bad, values of the wrong type, a restart, and a server that demands SignAndEncrypt, a
 * user name and a certificate an engineer has trusted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, DataValue, setWarningLogger, StatusCodes, Variant } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityMark, QuarantineEntry, Reading } from '../../common/telemetry';
import { Quarantine } from '../ingest/quarantine';
import { OpcuaConfigSchema } from './opcua-config';
import { OpcuaSource, type ServerStatus } from './opcua-source';
import { startOpcuaTestServer, TEST_USER, type TestServer } from './opcua-test-server';
import { acceptValue, severityOf, toQualityMark, toReadingValue } from './opcua-values';

// node-opcua prints every refused certificate and reconnection; the assertions below check them instead
setWarningLogger(() => undefined);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-opcua-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function collect(source: OpcuaSource) {
  const readings: Reading[] = [];
  const states: ServerStatus[] = [];
  const rejected: QuarantineEntry[] = [];
  const offline: string[] = [];
  source.onReadings((batch, protocol) => {
    expect(protocol).toBe('opcua');
    readings.push(...batch);
  });
  source.onState((s) => states.push(s));
  source.onRejected((e) => rejected.push(e));
  source.onOffline((id) => offline.push(id));
  return { readings, states, rejected, offline };
}

const item = (name: string, metric: string) => ({ nodeId: `ns=1;s=Press1.${name}`, machine: 'press-1', metric });

describe('OpcuaSource, open server (security None, anonymous)', () => {
  let server: TestServer;
  let source: OpcuaSource;
  let got: ReturnType<typeof collect>;
  const quarantine = new Quarantine(100);

  beforeAll(async () => {
    server = await startOpcuaTestServer({ pkiDir: join(dir, 'open') });
    const config = OpcuaConfigSchema.parse({
      servers: [
        {
          name: 'press-line',
          endpointUrl: server.endpointUrl,
          securityMode: 'None',
          securityPolicy: 'None',
          machines: { 'press-1': { area: 'pressing', type: 'press' } },
          subscriptions: [
            {
              publishingIntervalMs: 100,
              samplingIntervalMs: 50,
              items: [item('Temperature', 'temperature'), item('Speed', 'speed'), item('Running', 'running'), item('Label', 'label'), item('Vector', 'vector'), item('Broken', 'broken'), { nodeId: 'ns=1;s=Nope', machine: 'press-1', metric: 'nope' }],
            },
          ],
        },
      ],
    });
    source = new OpcuaSource({ config, pkiDir: join(dir, 'client-open'), quarantine, retryMs: 500 });
    got = collect(source);
    await source.start();
  }, 60_000);
  afterAll(async () => {
    await source?.stop();
    await server?.stop();
  });

  it('turns monitored item changes into readings in source time, one per machine and time', async () => {
    await until(() => got.readings.filter((r) => 'speed' in r.metrics).length >= 5);
    const r = got.readings.filter((x) => 'speed' in x.metrics).at(-1)!;
    expect(r.machineId).toBe('press-1');
    expect(r.metrics).toMatchObject({ temperature: expect.any(Number), speed: expect.any(Number), running: expect.any(Number) });
    // the server stamps all variables of one tick with one source time: one reading, not six
    const speeds = got.readings.filter((x) => 'speed' in x.metrics).map((x) => x.metrics['speed']!);
    expect(new Set(speeds).size).toBe(speeds.length);
    expect(Math.abs(r.ts - Date.now())).toBeLessThan(5000);
    const ts = got.readings.map((x) => x.ts);
    expect(new Set(ts).size).toBe(ts.length);
    expect(source.status()[0]).toMatchObject({ state: 'ok', refusedItems: 1 });
  });

  it('quarantines wrong types, huge arrays, NaN and unknown nodes once each, and never passes them on', () => {
    const reasons = got.rejected.map((e) => `${e.reason}:${e.detail.split(':')[0]}`);
    expect(reasons).toEqual(expect.arrayContaining(['unknown_shape:the server refused the item', 'unknown_shape:press-1/label', 'unknown_shape:press-1/vector', 'non_finite:press-1/broken']));
    expect(got.rejected.find((e) => e.detail.startsWith('press-1/vector'))!.detail).toMatch(/array of 5000/);
    expect(got.rejected.filter((e) => e.detail.startsWith('press-1/label'))).toHaveLength(1);
    expect(got.readings.some((x) => 'label' in x.metrics || 'vector' in x.metrics || 'broken' in x.metrics || 'nope' in x.metrics)).toBe(false);
  });

  it('keeps a Bad value out of the readings and quarantines it, then takes it again when Good', async () => {
    server.bad = true;
    await until(() => got.rejected.some((e) => e.reason === 'bad_quality'));
    const mark = got.readings.length;
    await until(() => got.readings.length >= mark + 3);
    expect(got.readings.slice(mark + 1).some((x) => 'temperature' in x.metrics)).toBe(false);
    expect(got.rejected.find((e) => e.reason === 'bad_quality')!.detail).toMatch(/BadSensorFailure/);
    server.bad = false;
    const again = got.readings.length;
    await until(() => got.readings.slice(again).some((x) => 'temperature' in x.metrics));
  });

  it('hands a Bad value on as a quality mark with its status, for the store and the screens, never as a reading', async () => {
    const marks: QualityMark[] = [];
    const off = source.onMarks((batch) => marks.push(...batch));
    server.bad = true;
    await until(() => marks.length > 0);
    server.bad = false;
    off();
    expect(marks[0]).toMatchObject({ machineId: 'press-1', sensor: 'temperature', quality: 'bad', status: 'BadSensorFailure' });
    expect(Math.abs(marks[0]!.ts - Date.now())).toBeLessThan(5000);
    // the server sends the value with the status; it is kept as sent, beside (not in) the readings
    expect(marks[0]!.value).toEqual(expect.any(Number));
  });

  it('browses the address space and reads unit and range from EUInformation and EURange', async () => {
    const objects = await source.browse('press-line');
    expect(objects.map((o) => o.browseName)).toEqual(expect.arrayContaining(['1:Press1']));
    const press = objects.find((o) => o.browseName === '1:Press1')!;
    const children = await source.browse('press-line', press.nodeId);
    expect(children.map((c) => c.displayName)).toEqual(expect.arrayContaining(['Temperature', 'Speed']));
    expect(await source.describe('press-line', 'ns=1;s=Press1.Temperature')).toEqual({ nodeId: 'ns=1;s=Press1.Temperature', unit: '°C', range: { low: 0, high: 150 } });
  });

  it('marks the server lost on a restart, then recovers the session and its subscription', async () => {
    const offlineBefore = got.offline.length;
    await server.restart();
    await until(() => got.states.some((s) => s.state === 'lost'));
    expect(got.offline.length).toBeGreaterThan(offlineBefore);
    await until(() => source.status()[0]!.state === 'ok', 30_000);
    const mark = got.readings.length;
    await until(() => got.readings.length >= mark + 3, 15_000);
  }, 60_000);
});

describe('OpcuaSource, server requiring SignAndEncrypt and a user', () => {
  let server: TestServer;
  const sources: OpcuaSource[] = [];
  beforeAll(async () => {
    server = await startOpcuaTestServer({ pkiDir: join(dir, 'secure'), secure: true });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.stop()));
    await server?.stop();
  });

  const configFor = (password: string) =>
    OpcuaConfigSchema.parse({
      servers: [{ name: 'secure', endpointUrl: server.endpointUrl, identity: { type: 'username', username: TEST_USER.username, password }, subscriptions: [{ publishingIntervalMs: 100, samplingIntervalMs: 50, items: [item('Speed', 'speed')] }] }],
    });

  it('refuses an untrusted server certificate until an engineer trusts it, then reads with the user', async () => {
    const source = new OpcuaSource({ config: configFor(TEST_USER.password), pkiDir: join(dir, 'client-secure'), quarantine: new Quarantine(10), retryMs: 300 });
    sources.push(source);
    const got = collect(source);
    await source.start();
    await until(() => source.status()[0]!.state === 'lost');
    expect(source.status()[0]!.lastError).toMatch(/BadCertificateUntrusted|certificate/i);
    await until(() => source.certificateStore().rejected.length === 1);
    const store = source.certificateStore();
    expect(store.own?.thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(store.trusted).toEqual([]);
    const rejected = store.rejected[0]!;
    await source.trust(rejected.thumbprint);
    expect(source.certificateStore().trusted.map((c) => c.thumbprint)).toEqual([rejected.thumbprint]);
    await until(() => got.readings.length >= 3, 30_000);
    expect(source.status()[0]).toMatchObject({ state: 'ok', lastError: null });
  }, 60_000);

  it('reports a wrong password and delivers nothing', async () => {
    const source = new OpcuaSource({ config: configFor('wrong-password'), pkiDir: join(dir, 'client-secure'), quarantine: new Quarantine(10), retryMs: 60_000 });
    sources.push(source);
    const got = collect(source);
    await source.start();
    await until(() => source.status()[0]!.state === 'lost');
    expect(source.status()[0]!.lastError).toMatch(/BadUserAccessDenied|BadIdentityTokenRejected|identity|user/i);
    expect(got.readings).toEqual([]);
  }, 30_000);
});

describe('OpcuaSource, changes of one publish response', () => {
  it('groups interleaved changes of machines and source times into one reading per machine and time', async () => {
    const config = OpcuaConfigSchema.parse({ servers: [{ name: 'x', endpointUrl: 'opc.tcp://127.0.0.1:1', subscriptions: [{ items: [{ nodeId: 'ns=1;s=a.x', machine: 'a', metric: 'x' }] }] }] });
    const source = new OpcuaSource({ config, pkiDir: join(dir, 'pki-grouping'), quarantine: new Quarantine(10), clock: () => Date.UTC(2026, 0, 1, 0, 1) });
    const got = collect(source);
    // the connection's handler for one monitored item's change, as the subscription calls it
    const connection = (source as unknown as { connections: { changed(m: object, nodeId: string, dv: DataValue): void }[] }).connections[0]!;
    const t1 = new Date(Date.UTC(2026, 0, 1));
    const t2 = new Date(Date.UTC(2026, 0, 1, 0, 0, 1));
    const dv = (value: number, at: Date, status = StatusCodes.Good) => new DataValue({ value: new Variant({ dataType: DataType.Double, value }), statusCode: status, sourceTimestamp: at, serverTimestamp: at });
    const change = (machine: string, metric: string, d: DataValue) => connection.changed({ machine, metric, failing: false }, `ns=1;s=${machine}.${metric}`, d);
    change('a', 'x', dv(1, t1));
    change('a', 'y', dv(2, t1));
    change('b', 'x', dv(3, t1));
    change('a', 'z', dv(4, t1));
    change('a', 'x', dv(5, t2));
    change('a', 'w', dv(9, t1, StatusCodes.BadSensorFailure));
    change('b', 'y', dv(6, t1));
    change('a', 'y', dv(7, t2));
    await until(() => got.readings.length > 0);
    expect(got.readings.map((r) => [r.machineId, r.ts, r.metrics])).toEqual([
      ['a', t1.getTime(), { x: 1, y: 2, z: 4 }],
      ['a', t2.getTime(), { x: 5, y: 7 }],
      ['b', t1.getTime(), { x: 3, y: 6 }],
    ]);
    // the next response starts new rows (a time already used gets the next free millisecond)
    change('a', 'x', dv(8, t2));
    await until(() => got.readings.length > 3);
    expect(got.readings.slice(3).map((r) => [r.machineId, r.ts, r.metrics])).toEqual([['a', t2.getTime() + 1, { x: 8 }]]);
    expect(got.rejected.map((e) => e.reason)).toEqual(['bad_quality']);
  });
});

describe('toReadingValue', () => {
  const base = { status: 0, statusName: 'Good', value: 1, isArray: false, sourceTimestamp: Date.UTC(2026, 0, 1), serverTimestamp: null };
  const now = Date.UTC(2026, 0, 1, 1);
  it('keeps Good numbers and booleans, in source time', () => {
    const out = { value: -1, ts: -1 };
    expect(acceptValue({ status: 0, statusName: 'Good', value: 2.5, isArray: false, sourceTimestamp: Date.UTC(2026, 0, 1), serverTimestamp: null }, now, out)).toBeNull();
    expect(out).toEqual({ value: 2.5, ts: Date.UTC(2026, 0, 1) });
    expect(acceptValue({ status: 0x80000000, statusName: 'Bad', value: 3, isArray: false, sourceTimestamp: null, serverTimestamp: null }, now, out)).toEqual({ reason: 'bad_quality', detail: 'status Bad (bad)' });
    expect(out).toEqual({ value: 2.5, ts: Date.UTC(2026, 0, 1) });
    expect(toReadingValue(base, now)).toEqual({ ok: true, value: 1, ts: Date.UTC(2026, 0, 1) });
    expect(toReadingValue({ ...base, value: true }, now)).toMatchObject({ ok: true, value: 1 });
    expect(toReadingValue({ ...base, value: [1, 5] }, now)).toMatchObject({ ok: true, value: 2 ** 32 + 5 });
  });
  it('refuses Uncertain, Bad, NaN, strings, arrays and implausible times', () => {
    expect(severityOf(0x40000000)).toBe('uncertain');
    expect(toReadingValue({ ...base, status: 0x40000000, statusName: 'Uncertain' }, now)).toMatchObject({ ok: false, reason: 'bad_quality' });
    expect(toReadingValue({ ...base, status: 0x80000000, statusName: 'Bad' }, now)).toMatchObject({ ok: false, reason: 'bad_quality' });
    expect(toReadingValue({ ...base, value: Number.NaN }, now)).toMatchObject({ ok: false, reason: 'non_finite' });
    expect(toReadingValue({ ...base, value: 'x' }, now)).toMatchObject({ ok: false, reason: 'unknown_shape' });
    expect(toReadingValue({ ...base, value: [1, 2, 3], isArray: true }, now)).toMatchObject({ ok: false, reason: 'unknown_shape' });
    expect(toReadingValue({ ...base, sourceTimestamp: 1000 }, now)).toMatchObject({ ok: false, reason: 'bad_timestamp' });
  });
  it('marks Bad and Uncertain values with their status and the value sent, in source time', () => {
    const where = { machineId: 'm1', sensor: 'temperature' };
    expect(toQualityMark(base, now, where)).toBeNull();
    expect(toQualityMark({ ...base, status: 0x80000000, statusName: 'BadSensorFailure', value: 61.5 }, now, where)).toEqual({ ...where, ts: Date.UTC(2026, 0, 1), quality: 'bad', status: 'BadSensorFailure', value: 61.5, receivedAt: now });
    expect(toQualityMark({ ...base, status: 0x40000000, statusName: 'UncertainLastUsableValue', value: Number.NaN }, now, where)).toMatchObject({ quality: 'uncertain', value: null });
    expect(toQualityMark({ ...base, status: 0x80000000, statusName: 'Bad', value: [1, 2], isArray: true }, now, where)).toMatchObject({ value: null });
    // an unset device clock does not put the mark in 1970
    expect(toQualityMark({ ...base, status: 0x80000000, statusName: 'Bad', sourceTimestamp: 1000 }, now, where)?.ts).toBe(now);
  });
  it('names the key of a bad configuration', () => {
    const r = OpcuaConfigSchema.safeParse({ servers: [{ name: 's', endpointUrl: 'http://x', subscriptions: [] }] });
    expect(r.error!.issues[0]!.path).toEqual(['servers', 0, 'endpointUrl']);
    const mode = OpcuaConfigSchema.safeParse({ servers: [{ name: 's', endpointUrl: 'opc.tcp://h:4840', securityMode: 'None' }] });
    expect(mode.error!.issues[0]!.path).toEqual(['servers', 0, 'securityPolicy']);
  });
});

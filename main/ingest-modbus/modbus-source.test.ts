import { afterEach, describe, expect, it } from 'vitest';
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import { ConfigSchema } from '../config';
import { Quarantine } from '../ingest/quarantine';
import { ModbusConfigSchema, type ModbusDevice } from './modbus-config';
import { ModbusSource, type DeviceStatus } from './modbus-source';
import { startTestDevice, type TestDevice } from '../../test/support/modbus-device';

const open: { close(): Promise<void> }[] = [];
const sources: ModbusSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function device(): Promise<TestDevice> {
  const d = await startTestDevice();
  open.push(d);
  return d;
}

function configOf(devices: unknown[]): ModbusDevice[] {
  return ModbusConfigSchema.parse({ devices }).devices;
}

function collect(source: ModbusSource) {
  const readings: Reading[] = [];
  const states: DeviceStatus[] = [];
  const offline: string[] = [];
  const rejected: QuarantineEntry[] = [];
  source.onReadings((batch, protocol) => {
    expect(protocol).toBe('modbus');
    readings.push(...batch);
  });
  source.onState((s) => states.push(s));
  source.onOffline((id) => offline.push(id));
  source.onRejected((e) => rejected.push(e));
  return { readings, states, offline, rejected };
}

async function until(what: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ModbusSource against modbus-serial TCP servers', () => {
  it('polls two devices, decodes every data type, merges neighbouring registers and follows changing values', async () => {
    const a = await device();
    const b = await device();
    // press: int16 -5 at 0, uint16 at 1, int32 at 2-3 (big), float32 word-swapped at 10-11, a coil
    a.holding[0] = 0xfffb;
    a.holding[1] = 1234;
    a.holding[2] = 0x0001;
    a.holding[3] = 0x86a0; // 100000
    const f = Buffer.alloc(4);
    f.writeFloatBE(61.25);
    a.holding[11] = f.readUInt16BE(0);
    a.holding[10] = f.readUInt16BE(2);
    a.coils[3] = true;
    b.input[50] = 2500;
    const devices = configOf([
      {
        name: 'press-plc',
        host: '127.0.0.1',
        port: a.port,
        unitId: 1,
        machine: { id: 'press-1', type: 'press' },
        blocks: [
          {
            pollMs: 100,
            points: [
              { metric: 'offset_mm', address: 0, type: 'int16' },
              { metric: 'count', address: 1 },
              { metric: 'parts', address: 2, type: 'int32' },
              { metric: 'temperature', address: 10, type: 'float32', wordOrder: 'little' },
            ],
          },
          { table: 'coil', pollMs: 100, points: [{ metric: 'running', address: 3, type: 'bool' }] },
        ],
      },
      { name: 'pump-plc', host: '127.0.0.1', port: b.port, unitId: 7, machine: { id: 'pump-1' }, blocks: [{ table: 'input', pollMs: 100, points: [{ metric: 'pressure', address: 50, scale: 0.01, offset: -1 }] }] },
    ]);
    const source = new ModbusSource({ devices, quarantine: new Quarantine(100) });
    sources.push(source);
    const metas: string[] = [];
    source.onMeta((m) => metas.push(`${m.id}:${m.protocol}:${m.type ?? '-'}`));
    const got = collect(source);
    source.start();
    await until(() => got.readings.some((r) => r.machineId === 'press-1') && got.readings.some((r) => r.machineId === 'pump-1'));
    expect(metas).toEqual(['press-1:modbus:press', 'pump-1:modbus:-']);
    const press = got.readings.find((r) => r.machineId === 'press-1')!;
    expect(press.metrics).toEqual({ offset_mm: -5, count: 1234, parts: 100000, temperature: 61.25, running: 1 });
    expect(got.readings.find((r) => r.machineId === 'pump-1')!.metrics).toEqual({ pressure: 24 });
    // holding 0..11 is one read (gap 4..9 is under maxGap 8), not four
    const before = a.requests;
    const pressReadings = got.readings.filter((r) => r.machineId === 'press-1').length;
    await until(() => got.readings.filter((r) => r.machineId === 'press-1').length >= pressReadings + 3);
    const polls = got.readings.filter((r) => r.machineId === 'press-1').length - pressReadings;
    expect(a.requests - before).toBeLessThanOrEqual(polls + 1);

    a.holding[1] = 4321;
    await until(() => got.readings.at(-1)?.machineId === 'press-1' ? got.readings.at(-1)!.metrics['count'] === 4321 : got.readings.some((r) => r.metrics['count'] === 4321));
    // event time increases per machine, one row per machine and time
    const ts = got.readings.filter((r) => r.machineId === 'press-1').map((r) => r.ts);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
    expect(new Set(ts).size).toBe(ts.length);
    expect(source.status().map((s) => s.state)).toEqual(['ok', 'ok']);
  });

  it('marks a device that stops answering lost, while the other keeps delivering, and recovers when it answers again', async () => {
    const a = await device();
    const b = await device();
    const devices = configOf([
      { name: 'a', host: '127.0.0.1', port: a.port, machine: { id: 'm-a' }, blocks: [{ pollMs: 50, points: [{ metric: 'x', address: 0 }] }] },
      { name: 'b', host: '127.0.0.1', port: b.port, timeoutMs: 100, lostAfterFailures: 2, machine: { id: 'm-b' }, blocks: [{ pollMs: 50, points: [{ metric: 'y', address: 0 }] }] },
    ]);
    const source = new ModbusSource({ devices, quarantine: new Quarantine(100), backoff: { initialMs: 50, maxMs: 200, jitter: 0 } });
    sources.push(source);
    const got = collect(source);
    source.start();
    await until(() => source.status().every((s) => s.state === 'ok'));
    b.silent = true;
    await until(() => got.offline.includes('m-b'), 5000);
    const lost = source.status().find((s) => s.name === 'b')!;
    expect(lost.state).toBe('lost');
    expect(lost.lastError).toMatch(/timed out/i);
    const fromA = got.readings.filter((r) => r.machineId === 'm-a').length;
    await until(() => got.readings.filter((r) => r.machineId === 'm-a').length >= fromA + 3);
    expect(source.status().find((s) => s.name === 'a')!.state).toBe('ok');

    b.silent = false;
    b.holding[0] = 77;
    await until(() => got.readings.some((r) => r.machineId === 'm-b' && r.metrics['y'] === 77), 5000);
    expect(source.status().find((s) => s.name === 'b')!.state).toBe('ok');
    expect(got.states.filter((s) => s.name === 'b').map((s) => s.state)).toEqual(['ok', 'lost', 'ok']);
  });

  it('quarantines a block out of range once and goes on polling the device', async () => {
    const a = await device();
    a.holding[5] = 9;
    const devices = configOf([
      {
        name: 'a',
        host: '127.0.0.1',
        port: a.port,
        machine: { id: 'm' },
        blocks: [
          { pollMs: 50, points: [{ metric: 'good', address: 5 }] },
          { pollMs: 50, points: [{ metric: 'beyond', address: 190, type: 'float32' }, { metric: 'far', address: 250 }] },
        ],
      },
    ]);
    const quarantine = new Quarantine(100);
    const source = new ModbusSource({ devices, quarantine });
    sources.push(source);
    const got = collect(source);
    source.start();
    await until(() => got.readings.length >= 5);
    expect(got.readings.every((r) => r.metrics['good'] === 9 && !('far' in r.metrics))).toBe(true);
    // 190-191 is in range, 250 is not: two reads (the gap is too wide), one refused
    expect(got.readings.at(-1)!.metrics).toHaveProperty('beyond');
    expect(got.rejected).toHaveLength(1);
    expect(got.rejected[0]).toMatchObject({ reason: 'source_error', topic: `modbus://127.0.0.1:${a.port}/1/holding/250+1` });
    expect(got.rejected[0]!.detail).toMatch(/exception 2/);
    expect(quarantine.counts().source_error).toBe(1);
    expect(source.status()[0]).toMatchObject({ state: 'ok' });
    expect(source.status()[0]!.exceptions).toBeGreaterThanOrEqual(4);
  });

  it('reports a device that refuses connections as lost and keeps retrying with back-off', async () => {
    const a = await device();
    const port = a.port;
    await a.close();
    open.pop();
    const devices = configOf([{ name: 'gone', host: '127.0.0.1', port, lostAfterFailures: 2, machine: { id: 'm' }, blocks: [{ points: [{ metric: 'x', address: 0 }] }] }]);
    const source = new ModbusSource({ devices, quarantine: new Quarantine(10), backoff: { initialMs: 20, maxMs: 40, jitter: 0 } });
    sources.push(source);
    const got = collect(source);
    source.start();
    await until(() => got.offline.length === 1);
    expect(source.status()[0]).toMatchObject({ state: 'lost' });
    expect(source.status()[0]!.lastError).toMatch(/cannot connect/);
    await until(() => source.status()[0]!.failedPolls >= 4);
    expect(got.offline).toEqual(['m']);
  });
});

describe('ModbusConfigSchema', () => {
  it('names the key of a bad setting', () => {
    const bad = ModbusConfigSchema.safeParse({ devices: [{ name: 'a', host: 'h', machine: { id: 'm' }, blocks: [{ table: 'coil', points: [{ metric: 'x', address: 1 }] }] }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['devices', 0, 'blocks', 0, 'points', 0, 'type']);
    const twice = ModbusConfigSchema.safeParse({ devices: [1, 2].map(() => ({ name: 'a', host: 'h', machine: { id: 'm' }, blocks: [{ points: [{ metric: 'x', address: 1 }] }] })) });
    expect(twice.error!.issues[0]!.path).toEqual(['devices', 1, 'name']);
    const unknown = ModbusConfigSchema.safeParse({ devices: [{ name: 'a', host: 'h', machine: { id: 'm' }, blocks: [{ points: [{ metric: 'x', adress: 1 }] }] }] });
    expect(JSON.stringify(unknown.error!.issues)).toMatch(/adress|address/);
  });

  it('names the full key in config.json, for every connector', () => {
    const paths = (input: unknown) => [...new Set(ConfigSchema.safeParse(input).error!.issues.map((i) => i.path.join('.')))];
    expect(paths({ modbus: { devices: [{ name: 'a', host: 'h', machine: { id: 'm' }, blocks: [{ points: [{ metric: 'x', address: 70000 }] }] }] } })).toEqual(['modbus.devices.0.blocks.0.points.0.address']);
    expect(paths({ opcua: { servers: [{ name: 's', endpointUrl: 'opc.tcp://h:4840', securityPolicy: 'Basic128Rsa15' }] } })).toEqual(['opcua.servers.0.securityPolicy']);
    expect(paths({ historian: { url: 'postgres://h/db', batchValues: 5 } })).toEqual(['historian.batchValues']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { MachineRegistry } from './machine-registry';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const reading = (receivedAt: number, metrics: Record<string, number>, machineId = 'plant1/press/p7', ts = receivedAt - 5): Reading => ({ machineId, ts, metrics, receivedAt });

describe('MachineRegistry', () => {
  it('discovers a machine from its first reading and reports it once', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    reg.observe(reading(T0, { temp: 20 }), 'json');
    reg.observe(reading(T0 + 100, { temp: 21 }), 'json');
    const changed = reg.tick(T0 + 200);
    expect(changed).toEqual([
      {
        id: 'plant1/press/p7',
        name: 'p7',
        site: 'plant1',
        area: 'press',
        type: 'unknown',
        protocol: 'json',
        firstSeen: T0,
        lastSeen: T0 + 100,
        state: 'online',
        sensors: { temp: { value: 21, ts: T0 + 95, quality: 'good' } },
      },
    ]);
    expect(reg.tick(T0 + 300)).toEqual([]);
  });

  it('merges meta without losing what it does not mention', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    reg.applyMeta({ id: 'plant1/press/p7', site: 'plant1', area: 'press', name: 'Press 7', type: 'press', protocol: 'json' }, T0);
    reg.applyMeta({ id: 'plant1/press/p7', site: 'plant1', area: 'press', name: 'Press seven', protocol: 'json' }, T0);
    expect(reg.get('plant1/press/p7')).toMatchObject({ name: 'Press seven', type: 'press', state: 'stale', sensors: {} });
  });

  it('marks a sensor stale after staleAfterMs, the machine when all its sensors are, and back on data', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    for (let t = 0; t <= 5_000; t += 1_000) reg.observe(reading(T0 + t, { temp: t, rpm: t }), 'json');
    reg.observe(reading(T0 + 12_000, { rpm: 1 }), 'json');
    reg.tick(T0 + 12_000);
    expect(reg.tick(T0 + 15_000)).toEqual([]);
    const partly = reg.tick(T0 + 15_001);
    expect(partly).toHaveLength(1);
    expect(partly[0]).toMatchObject({ state: 'online', sensors: { temp: { quality: 'stale', value: 5_000 }, rpm: { quality: 'good' } } });
    const all = reg.tick(T0 + 22_001);
    expect(all[0]).toMatchObject({ state: 'stale', sensors: { rpm: { quality: 'stale' } } });
    reg.observe(reading(T0 + 23_000, { temp: 9 }), 'json');
    expect(reg.tick(T0 + 23_000)[0]).toMatchObject({ state: 'online', sensors: { temp: { quality: 'good', value: 9 }, rpm: { quality: 'stale' } } });
  });

  it('waits three of a slow sensor’s own periods before calling it stale', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    for (let t = 0; t <= 300_000; t += 60_000) reg.observe(reading(T0 + t, { level: 1 }), 'json');
    reg.tick(T0 + 300_000);
    expect(reg.tick(T0 + 300_000 + 179_999)).toEqual([]);
    expect(reg.tick(T0 + 300_000 + 180_001)[0]).toMatchObject({ state: 'stale' });
  });

  it('keeps the newest value by event time when readings arrive out of order', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    reg.observe(reading(T0, { temp: 2 }, 'm/a/1', T0 - 1), 'json');
    reg.observe(reading(T0 + 1, { temp: 1 }, 'm/a/1', T0 - 50), 'json');
    expect(reg.get('m/a/1')?.sensors.temp).toEqual({ value: 2, ts: T0 - 1, quality: 'good' });
  });

  it('goes offline when the source says so, and stale on broker disconnect', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    reg.observe(reading(T0, { a: 1 }, 'g/e/d1'), 'sparkplug');
    reg.observe(reading(T0, { b: 1 }, 'g/e'), 'sparkplug');
    reg.tick(T0);
    reg.markOffline('g/e/d1');
    reg.markOffline('nobody');
    expect(reg.tick(T0 + 1)).toEqual([expect.objectContaining({ id: 'g/e/d1', state: 'offline', sensors: { a: expect.objectContaining({ quality: 'offline' }) } })]);
    reg.markAllStale();
    expect(reg.tick(T0 + 2)).toEqual([expect.objectContaining({ id: 'g/e', name: 'e', site: 'g', area: 'e', state: 'stale' })]);
    reg.observe(reading(T0 + 3, { a: 2 }, 'g/e/d1'), 'sparkplug');
    expect(reg.tick(T0 + 3)).toEqual([expect.objectContaining({ id: 'g/e/d1', state: 'online' })]);
    expect(reg.size).toBe(2);
    expect(reg.list().map((m) => m.id)).toEqual(['g/e/d1', 'g/e']);
  });

  it('shows a value its source marked Bad as bad, keeps the machine online, and turns good with the next good value', () => {
    const reg = new MachineRegistry({ staleAfterMs: 10_000 });
    reg.observe(reading(T0, { temp: 20, speed: 5 }), 'opcua');
    reg.tick(T0);
    reg.markQuality({ machineId: 'plant1/press/p7', sensor: 'temp', ts: T0 + 500, quality: 'bad', status: 'BadSensorFailure', value: null, receivedAt: T0 + 505 }, 'opcua');
    const [bad] = reg.tick(T0 + 600);
    expect(bad!.sensors['temp']).toEqual({ value: null, ts: T0 + 500, quality: 'bad' });
    expect(bad!.sensors['speed']!.quality).toBe('good');
    expect(bad!.state).toBe('online');
    // a mark older than the sensor's value does not replace it
    reg.markQuality({ machineId: 'plant1/press/p7', sensor: 'speed', ts: T0 - 1000, quality: 'uncertain', status: 'Uncertain', value: 1, receivedAt: T0 + 700 }, 'opcua');
    expect(reg.get('plant1/press/p7')!.sensors['speed']!.quality).toBe('good');
    reg.observe(reading(T0 + 1000, { temp: 21 }), 'opcua');
    expect(reg.get('plant1/press/p7')!.sensors['temp']).toEqual({ value: 21, ts: T0 + 995, quality: 'good' });
    // a machine first heard of through a mark is discovered, its sensor bad
    reg.markQuality({ machineId: 'ua/line/m2', sensor: 'flow', ts: T0, quality: 'uncertain', status: 'UncertainInitialValue', value: 3, receivedAt: T0 }, 'opcua');
    expect(reg.get('ua/line/m2')).toMatchObject({ protocol: 'opcua', state: 'online', sensors: { flow: { value: 3, quality: 'uncertain' } } });
  });
});

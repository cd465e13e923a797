import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../common/telemetry';
import { FeatureEngine } from './engine';
import { cycleCount, stressIntegral } from './machine-features';
import { expectBlockClose, naiveBlock, rng } from './naive.test-helper';
import { SENSOR_FEATURES } from './sensor-window';

const reading = (machineId: string, ts: number, metrics: Record<string, number>): Reading => ({ machineId, ts, metrics, receivedAt: ts });

describe('FeatureEngine', () => {
  for (const window of [2, 5, 60]) {
    it(`matches naive recomputation per sensor with late and intermittent sensors, window ${window}`, () => {
      const r = rng(1000 + window);
      const engine = new FeatureEngine({ window, machineFeatures: [] });
      const sensors = ['temp', 'vibration', 'current', 'pressure'];
      const history = new Map<string, Map<string, { values: number[]; times: number[] }>>();
      let t = 1_700_000_000_000;
      for (let i = 0; i < 800; i++) {
        t += 1 + Math.floor(r() * 1500);
        const machineId = r() < 0.5 ? 'press-1' : 'press-2';
        const metrics: Record<string, number> = {};
        sensors.forEach((s, k) => {
          // Sensor k appears only after reading 100k, and then reports 80% of the time.
          if (i >= 100 * k && r() < 0.8) metrics[s] = 1000 * k + r() * 10;
        });
        const frame = engine.update(reading(machineId, t, metrics));
        expect(frame).not.toBeNull();
        const perSensor = history.get(machineId) ?? new Map();
        history.set(machineId, perSensor);
        for (const [s, v] of Object.entries(metrics)) {
          const h = perSensor.get(s) ?? { values: [], times: [] };
          perSensor.set(s, h);
          h.values.push(v);
          h.times.push(t);
          const offset = frame!.names.indexOf(`${s}.value`);
          expect(offset).toBe(frame!.sensors.indexOf(s) * SENSOR_FEATURES.length);
          expectBlockClose(frame!.values, offset, naiveBlock(h.values, h.times, window, h.values.length - 1), `${machineId}/${s} #${i}`);
        }
      }
      expect(engine.counters()).toEqual({ accepted: 800, outOfOrder: 0, duplicates: 0, nonFinite: 0 });
    });
  }

  it('lays out machine features first and sensors by first appearance, replacing arrays on growth', () => {
    const engine = new FeatureEngine({ window: 4 });
    const first = engine.update(reading('m', 1000, { temp: 20 }))!;
    const names = first.names;
    expect(names).toEqual(['machine.cycles', ...SENSOR_FEATURES.map((f) => `temp.${f}`)]);
    expect(engine.update(reading('m', 2000, { temp: 21 }))).toBe(first);
    expect(first.names).toBe(names);
    engine.update(reading('m', 3000, { speed: 5, temp: 22 }));
    expect(first.names).not.toBe(names);
    expect(first.sensors).toEqual(['temp', 'speed']);
    expect(first.names.slice(1 + SENSOR_FEATURES.length, 2 + SENSOR_FEATURES.length)).toEqual(['speed.value']);
    expect(first.values.length).toBe(1 + 2 * SENSOR_FEATURES.length);
    expect(first.values[1]).toBe(22);
    expect(first.values[1 + SENSOR_FEATURES.length]).toBe(5);
  });

  it('skips and counts out-of-order and duplicate readings without touching the windows', () => {
    const engine = new FeatureEngine({ window: 3, machineFeatures: [] });
    engine.update(reading('m', 1000, { v: 1 }));
    engine.update(reading('m', 2000, { v: 2 }));
    expect(engine.update(reading('m', 1500, { v: 100 }))).toBeNull();
    expect(engine.update(reading('m', 2000, { v: 100 }))).toBeNull();
    expect(engine.update(reading('m', 500, { v: 100 }))).toBeNull();
    // Another machine's clock is independent.
    expect(engine.update(reading('other', 10, { v: 7 }))).not.toBeNull();
    const frame = engine.update(reading('m', 3000, { v: 3 }))!;
    // The one crossing: 1 -> 2 straddles 1.5, the mean when 2 arrived.
    [3, 2, Math.sqrt(2 / 3), 1, 3, 1 / Math.sqrt(2 / 3), 1, 1].forEach((e, k) => expect(frame.values[k]).toBeCloseTo(e, 12));
    expect(engine.counters('m')).toEqual({ accepted: 3, outOfOrder: 2, duplicates: 1, nonFinite: 0 });
    expect(engine.counters()).toEqual({ accepted: 4, outOfOrder: 2, duplicates: 1, nonFinite: 0 });
    expect(engine.counters('unknown')).toEqual({ accepted: 0, outOfOrder: 0, duplicates: 0, nonFinite: 0 });
  });

  it('skips a non-finite metric but keeps the reading', () => {
    const engine = new FeatureEngine({ window: 3, machineFeatures: [] });
    engine.update(reading('m', 1000, { v: 1, w: 1 }));
    const frame = engine.update(reading('m', 2000, { v: Number.NaN, w: 3 }))!;
    expect(frame.values[0]).toBe(1);
    expect(frame.values[8]).toBe(3);
    expect(engine.counters('m').nonFinite).toBe(1);
  });

  it('snapshot is a copy that later readings do not change', () => {
    const engine = new FeatureEngine({ window: 3 });
    expect(engine.snapshot('m')).toBeNull();
    engine.update(reading('m', 1000, { v: 1 }));
    const snap = engine.snapshot('m')!;
    engine.update(reading('m', 2000, { v: 9 }));
    expect(snap.ts).toBe(1000);
    expect(snap.values[1]).toBe(1);
    expect(engine.snapshot('m')!.values[1]).toBe(9);
    expect(engine.machineIds()).toEqual(['m']);
  });

  it('rejects a window below 2', () => {
    expect(() => new FeatureEngine({ window: 1 })).toThrow(RangeError);
  });
});

describe('machine features', () => {
  it('counts cycles across counter resets and ignores readings without the counter', () => {
    const engine = new FeatureEngine({ window: 3, machineFeatures: [cycleCount('count')] });
    const series: Record<string, number>[] = [
      { count: 100 },
      { count: 103 },
      { temp: 1 },
      { count: 110 },
      { count: 4 }, // device restarted: 4 new cycles
      { count: 6 },
    ];
    const cycles = series.map((metrics, i) => engine.update(reading('m', 1000 * (i + 1), metrics))!.values[0]);
    expect(cycles).toEqual([0, 3, 3, 10, 14, 16]);
  });

  it('integrates vibration above a per-machine nominal, holding each value until the next reading', () => {
    const nominal = (id: string): number => (id === 'a' ? 2 : 10);
    const engine = new FeatureEngine({ window: 3, machineFeatures: [cycleCount(), stressIntegral({ nominal })] });
    const series = [
      [0, 5], // held 5 for 2 s: (5 - 2) * 2 = 6
      [2000, 1], // held 1 for 1 s: below nominal
      [3000, 4], // held 4 for 0.5 s: 1
      [3500, 4],
    ];
    const stress = series.map(([ts, v]) => engine.update(reading('a', ts!, { vibration: v! }))!.values[1]);
    expect(stress).toEqual([0, 6, 6, 7]);
    expect(engine.update(reading('b', 0, { vibration: 5 }))!.names.slice(0, 2)).toEqual(['machine.cycles', 'machine.stress']);
    expect(engine.update(reading('b', 2000, { vibration: 5 }))!.values[1]).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { expectBlockClose, naiveBlock, rng } from './naive.test-helper';
import { SENSOR_FEATURE_COUNT, SensorWindow } from './sensor-window';

function run(values: number[], times: number[], window: number): void {
  const w = new SensorWindow(window);
  const out = new Float64Array(SENSOR_FEATURE_COUNT);
  for (let j = 0; j < values.length; j++) {
    w.push(values[j]!, times[j]!, out, 0);
    expectBlockClose(out, 0, naiveBlock(values, times, window, j), `window ${window}, sample ${j}`);
  }
}

describe('SensorWindow', () => {
  it('rejects windows that cannot hold a pair', () => {
    expect(() => new SensorWindow(1)).toThrow(RangeError);
    expect(() => new SensorWindow(2.5)).toThrow(RangeError);
  });

  for (const window of [2, 3, 7, 60]) {
    it(`matches naive recomputation on random data, window ${window}`, () => {
      const r = rng(window);
      const values: number[] = [];
      const times: number[] = [];
      let t = 1_700_000_000_000;
      for (let i = 0; i < 600; i++) {
        t += 1 + Math.floor(r() * 2000);
        times.push(t);
        values.push(r() * 100 - 50);
      }
      run(values, times, window);
    });
  }

  it('min and max hold through plateaus, ramps and repeated values', () => {
    const values = [5, 5, 5, 4, 3, 2, 1, 1, 2, 3, 4, 5, 6, 6, 6, 0, 9, 9, 0, 0, 0, 0, 7, 7, 1, 8, 8, 8, 8, 8, -1, 3];
    const times = values.map((_, i) => 1000 * (i + 1));
    for (const window of [2, 3, 4, 5, 9]) run(values, times, window);
  });

  it('keeps small spreads on large offsets exact over a long run (no drift)', () => {
    const r = rng(42);
    const window = 60;
    const w = new SensorWindow(window);
    const out = new Float64Array(SENSOR_FEATURE_COUNT);
    const values: number[] = [];
    const times: number[] = [];
    let t = 1_700_000_000_000;
    for (let i = 0; i < 50_000; i++) {
      t += 100;
      times.push(t);
      // A slowly growing counter-like signal with unit noise: the case sum-of-squares gets wrong.
      values.push(1e7 + i * 3 + r());
      w.push(values[i]!, t, out, 0);
    }
    expectBlockClose(out, 0, naiveBlock(values, times, window, values.length - 1), 'after 50k samples');
    expect(out[6]).toBeCloseTo(30, 0);
  });

  it('reports 0 std and z on a flat window even after larger values left it', () => {
    const w = new SensorWindow(3);
    const out = new Float64Array(SENSOR_FEATURE_COUNT);
    [1e9, 0.1, 0.1, 0.1].forEach((v, i) => w.push(v, i * 1000, out, 0));
    expect(out[2]).toBe(0);
    expect(out[5]).toBe(0);
    expect(out[6]).toBe(0);
  });

  it('counts mean crossings of an oscillation and none on a ramp', () => {
    const w = new SensorWindow(10);
    const out = new Float64Array(SENSOR_FEATURE_COUNT);
    for (let i = 0; i < 30; i++) w.push(i % 2 === 0 ? 1 : -1, i * 1000, out, 0);
    expect(out[7]).toBe(9);
    const ramp = new SensorWindow(10);
    for (let i = 0; i < 30; i++) ramp.push(i, i * 1000, out, 0);
    expect(out[7]).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { FeatureEngine, type FeatureFrame } from './features/engine';
import { rng } from './features/naive.test-helper';
import { SENSOR_FEATURE_COUNT, SENSOR_FEATURES } from './features/sensor-window';
import { FEATURES_PER_SENSOR } from './anomaly-params';
import { AnomalyWindows } from './anomaly-windows';

const MEAN = SENSOR_FEATURES.indexOf('mean');
const STD = SENSOR_FEATURES.indexOf('std');
const SLOPE = SENSOR_FEATURES.indexOf('slope');

/** The detector's inputs as it used to build them: from two FeatureEngine frames. */
class Reference {
  private readonly short: FeatureEngine;
  private readonly long: FeatureEngine;
  frames: { short: FeatureFrame; long: FeatureFrame } | null = null;

  constructor(shortWindow: number, longWindow: number) {
    this.short = new FeatureEngine({ window: shortWindow, machineFeatures: [] });
    this.long = new FeatureEngine({ window: longWindow, machineFeatures: [] });
  }

  update(reading: Reading): boolean {
    const short = this.short.update(reading);
    const long = this.long.update(reading);
    expect(short === null).toBe(long === null);
    if (short && long) this.frames = { short, long };
    return short !== null;
  }

  accepted(machineId: string): number {
    return this.long.counters(machineId).accepted;
  }

  /** The model input row as the detector used to read it off the frames: [short mean, long slope] per sensor, NaN if unknown. */
  row(sensors: readonly string[]): Float32Array {
    return new Float32Array(sensors.flatMap((s) => [this.slot(s, 'short', MEAN), this.slot(s, 'long', SLOPE)]));
  }

  slot(sensor: string, frame: 'short' | 'long', feature: number): number {
    const f = this.frames![frame];
    const i = f.sensors.indexOf(sensor);
    return i < 0 ? Number.NaN : f.values[i * SENSOR_FEATURE_COUNT + feature]!;
  }
}

/** Compared as bytes: toEqual would call -0 and 0, or NaNs of different payloads, equal. */
const bits = (x: Float32Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/**
 * Readings of a few machines with what a live plant throws at the detector: duplicate, out-of-order and
 * NaN timestamps, NaN and infinite values, a sensor appearing late, metrics in a changing order or
 * missing, flat runs (exactly constant for longer than a window), integer levels that repeat, and a
 * counter-like level on a large offset.
 */
function stream(seed: number, count: number): Reading[] {
  const r = rng(seed);
  const out: Reading[] = [];
  const machines = ['m1', 'm2', 'm3'];
  const ts = new Map(machines.map((m) => [m, 1_700_000_000_000]));
  const level = new Map<string, number>();
  let flatUntil = 0;
  for (let i = 0; i < count; i++) {
    const machineId = machines[Math.floor(r() * machines.length)]!;
    let t = ts.get(machineId)!;
    const k = r();
    if (k < 0.05) t -= Math.floor(r() * 5000);
    else if (k < 0.1) t += 0;
    else if (k < 0.101) t = Number.NaN;
    else t += 1 + Math.floor(r() * 2000);
    if (Number.isFinite(t) && t > ts.get(machineId)!) ts.set(machineId, t);
    if (i >= flatUntil && r() < 0.01) flatUntil = i + 50 + Math.floor(r() * 150);
    const metrics: Record<string, number> = {};
    const names = i > count / 3 ? ['temperature', 'vibration', 'counter', 'late'] : ['temperature', 'vibration', 'counter'];
    if (r() < 0.1) names.reverse();
    for (const name of names) {
      if (r() < 0.05) continue;
      const key = `${machineId}.${name}`;
      const prev = level.get(key) ?? 0;
      let v: number;
      if (i < flatUntil && name !== 'counter') v = prev;
      else if (name === 'vibration') v = Math.round(r() * 3);
      else if (name === 'counter') v = 1e9 + i * 0.5 + r() * 1e-6;
      else v = prev + r() - 0.5;
      level.set(key, v);
      const bad = r();
      metrics[name] = bad < 0.02 ? Number.NaN : bad < 0.03 ? Number.POSITIVE_INFINITY : v;
    }
    out.push({ machineId, ts: t, metrics, receivedAt: 0 });
  }
  return out;
}

function compare(shortWindow: number, longWindow: number, seed: number): void {
  const lean = new Map<string, AnomalyWindows>();
  const reference = new Map<string, Reference>();
  let flats = 0;
  for (const [i, reading] of stream(seed, 6000).entries()) {
    const context = `reading ${i} of ${reading.machineId} at ${reading.ts}`;
    const w = lean.get(reading.machineId) ?? new AnomalyWindows(shortWindow, longWindow);
    lean.set(reading.machineId, w);
    const ref = reference.get(reading.machineId) ?? new Reference(shortWindow, longWindow);
    reference.set(reading.machineId, ref);
    expect(w.observe(reading), context).toBe(ref.update(reading));
    expect(w.accepted, context).toBe(ref.accepted(reading.machineId));
    if (!ref.frames) continue;
    expect(w.sensors, context).toEqual(ref.frames.long.sensors);

    // The calibration's order differs from the machine's, and names a sensor the machine never sent.
    const sensors = ['never', ...[...w.sensors].reverse()];
    const positions = w.positions(sensors);
    const x = new Float32Array(2 + sensors.length * FEATURES_PER_SENSOR).fill(7);
    w.write(positions, x, 2);
    expect(x.subarray(0, 2), context).toEqual(new Float32Array([7, 7]));
    expect(bits(x.subarray(2)), context).toEqual(bits(ref.row(sensors)));
    const all = new Float32Array(1 + w.sensors.length * FEATURES_PER_SENSOR).fill(7);
    w.writeAll(all, 1);
    expect(bits(all.subarray(1)), context).toEqual(bits(ref.row(w.sensors)));
    sensors.forEach((s, k) => {
      if (positions[k]! < 0) return;
      const flat = w.flat(positions[k]!);
      expect(flat, `${context}, ${s} flat`).toBe(ref.slot(s, 'long', STD) === 0);
      if (flat) flats++;
    });
  }
  expect(flats).toBeGreaterThan(100);
}

describe('AnomalyWindows', () => {
  for (const [shortWindow, longWindow, seed] of [
    [15, 60, 1],
    [15, 60, 2],
    [2, 3, 3],
    [60, 15, 4],
  ] as const) {
    it(`gives bit for bit the inputs FeatureEngine frames gave, windows ${shortWindow}/${longWindow}`, () => compare(shortWindow, longWindow, seed));
  }

  it('calls a window flat where SensorWindow reports std 0 from a rounding residue, not only where all values are equal', () => {
    // The rebuild at the 4th sample moves the reference to the mean of a window holding the outlier;
    // once that leaves, the sums cannot resolve one ulp of 1e9.
    const ulp = 2 ** -23;
    const values = [-3e9, 1e9, 1e9, 1e9, 1e9 + ulp, 1e9, 1e9];
    const w = new AnomalyWindows(2, 4);
    const ref = new Reference(2, 4);
    values.forEach((v, i) => {
      const reading = { machineId: 'm', ts: (i + 1) * 1000, metrics: { v }, receivedAt: 0 };
      w.observe(reading);
      ref.update(reading);
    });
    expect(ref.slot('v', 'long', STD)).toBe(0);
    expect(new Set(values.slice(-4)).size).toBe(2);
    expect(w.flat(0)).toBe(true);
  });
});

/**
 * The anomaly model's inputs for one machine, kept incrementally: per sensor the short-window mean,
 * the long-window slope and whether the long window is flat. These are the numbers FeatureEngine
 * frames of those windows give, bit for bit (same WindowSums, same skipping of duplicate, out-of-order
 * and non-finite values, same sensor order), without the frame, min/max deques and crossings that the
 * detector never reads.
 */
import type { Reading } from '../../common/telemetry';
import { WindowSums } from '../pipeline/features/window-sums';
import { FEATURES_PER_SENSOR } from './anomaly-params';

class SensorInputs {
  readonly short: WindowSums;
  readonly long: WindowSums;
  /** Latest samples in a row that are equal: the long window is constant once this covers it. */
  private run = 0;
  private last = Number.NaN;

  constructor(shortWindow: number, longWindow: number) {
    this.short = new WindowSums(shortWindow);
    this.long = new WindowSums(longWindow);
  }

  add(value: number, ts: number): void {
    this.short.add(value, ts);
    this.long.add(value, ts);
    this.run = value === this.last ? this.run + 1 : 1;
    this.last = value;
  }

  /**
   * Whether SensorWindow would report std 0 over the long window: its min equals its max, or the sums
   * leave no positive variance (a rounding residue on a nearly constant window).
   */
  flat(): boolean {
    return this.run >= this.long.count || !(this.long.rawVariance() > 0);
  }
}

export class AnomalyWindows {
  /** Readings not skipped as duplicates or out of order. */
  accepted = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  /** In order of each sensor's first finite value, as FeatureEngine places them; only ever appended to. */
  private readonly names: string[] = [];
  private readonly inputs: SensorInputs[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly shortWindow: number,
    private readonly longWindow: number,
  ) {}

  get sensors(): readonly string[] {
    return this.names;
  }

  /** Folds the reading in; false when it was skipped (its ts is not after the last accepted one). */
  observe(reading: Reading): boolean {
    const ts = reading.ts;
    if (!(ts > this.lastTs)) return false;
    this.lastTs = ts;
    this.accepted++;
    const metrics = reading.metrics;
    // A device sends its metrics in the same order every time, so the sensor after the previous one is
    // nearly always right, without a map lookup.
    let next = 0;
    for (const name in metrics) {
      const value = metrics[name]!;
      if (!Number.isFinite(value)) continue;
      const k = this.names[next] === name ? next : this.position(name);
      this.inputs[k]!.add(value, ts);
      next = k + 1;
    }
    return true;
  }

  /** Where each of these sensors sits here; -1 for one without a finite value yet. */
  positions(sensors: readonly string[]): Int32Array {
    return Int32Array.from(sensors, (s) => this.index.get(s) ?? -1);
  }

  /** Writes the model input row over all sensors so far, in their order, into x from `at`. */
  writeAll(x: Float32Array, at: number): void {
    for (let k = 0; k < this.inputs.length; k++) this.put(k, x, at + k * FEATURES_PER_SENSOR);
  }

  /** Writes the model input row of the sensors at `positions` into x from `at`; NaN for a -1. */
  write(positions: Int32Array, x: Float32Array, at: number): void {
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!;
      const i = at + k * FEATURES_PER_SENSOR;
      if (p >= 0) {
        this.put(p, x, i);
      } else {
        x[i] = Number.NaN;
        x[i + 1] = Number.NaN;
      }
    }
  }

  flat(position: number): boolean {
    return this.inputs[position]!.flat();
  }

  /** [short-window mean, long-window slope]: the anomaly params' FEATURES_PER_SENSOR slots. */
  private put(k: number, x: Float32Array, i: number): void {
    const s = this.inputs[k]!;
    x[i] = s.short.mean();
    x[i + 1] = s.long.slope();
  }

  private position(sensor: string): number {
    let k = this.index.get(sensor);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(sensor);
      this.inputs.push(new SensorInputs(this.shortWindow, this.longWindow));
      this.index.set(sensor, k);
    }
    return k;
  }
}

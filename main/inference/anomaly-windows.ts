/**
 * The anomaly model's inputs for one machine, kept incrementally: per sensor the short-window mean,
 * the long-window slope and whether the long window is flat. These are the numbers FeatureEngine
 * frames of those windows give, bit for bit (the same window arithmetic, the same skipping of
 * duplicate, out-of-order and non-finite values, the same sensor order), without the frame, min/max
 * deques and crossings that the detector never reads.
 *
 * All of a machine's windows live in one Float64Array: every sensor's sums side by side, then each ring
 * stored slot by slot with the machine's sensors next to each other. A reading then touches a few
 * adjacent cache lines. With hundreds of machines interleaved nothing of a machine stays in cache
 * between its readings, and an object, two rings and boxed sums per sensor and window made memory
 * traffic, not arithmetic, most of the detector's cost.
 */
import type { Reading } from '../../common/telemetry';
import { FirstSeenOrder } from '../primitives/first-seen-order';
import { addToWindow, checkWindowSize, LEVEL_ONLY, WINDOW_SUMS, windowCount, windowMean, windowRawVariance, windowSlope } from './features/window-sums';
import { FEATURES_PER_SENSOR } from './anomaly-params';

// Per sensor: the run of equal latest values, then the short and the long window's sums. Only the
// short window's mean is read, so it keeps no times.
const RUN = 0;
const LAST = 1;
const SHORT = 2;
const LONG = SHORT + WINDOW_SUMS;
const PER_SENSOR = LONG + WINDOW_SUMS;

/** Where each ring starts in the state of a machine with `sensors` sensors. */
function layout(sensors: number, shortWindow: number, longWindow: number) {
  const shortValues = sensors * PER_SENSOR;
  const longValues = shortValues + shortWindow * sensors;
  const longTimes = longValues + longWindow * sensors;
  return { shortValues, longValues, longTimes, length: longTimes + longWindow * sensors };
}

export class AnomalyWindows {
  /** Readings not skipped as duplicates or out of order. */
  accepted = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  /** In order of each sensor's first finite value, as FeatureEngine places them; only ever appended to. */
  private readonly order = new FirstSeenOrder();
  private state = new Float64Array(0);
  private rings = layout(0, 0, 0);

  constructor(
    private readonly shortWindow: number,
    private readonly longWindow: number,
  ) {
    checkWindowSize(shortWindow);
    checkWindowSize(longWindow);
  }

  get sensors(): readonly string[] {
    return this.order.names;
  }

  /** Folds the reading in; false when it was skipped (its ts is not after the last accepted one). */
  observe(reading: Reading): boolean {
    const ts = reading.ts;
    if (!(ts > this.lastTs)) return false;
    this.lastTs = ts;
    this.accepted++;
    const metrics = reading.metrics;
    let next = 0;
    for (const name in metrics) {
      const value = metrics[name]!;
      if (!Number.isFinite(value)) continue;
      let k = this.order.find(name, next);
      if (k < 0) k = this.addSensor(name);
      this.add(k, value, ts);
      next = k + 1;
    }
    return true;
  }

  /** Where each of these sensors sits here; -1 for one without a finite value yet. */
  positions(sensors: readonly string[]): Int32Array {
    return Int32Array.from(sensors, (s) => this.order.find(s, -1));
  }

  /** Writes the model input row over all sensors so far, in their order, into x from `at`. */
  writeAll(x: Float32Array, at: number): void {
    for (let k = 0; k < this.order.names.length; k++) this.put(k, x, at + k * FEATURES_PER_SENSOR);
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

  /**
   * Whether SensorWindow would report std 0 over the long window: its min equals its max, or the sums
   * leave no positive variance (a rounding residue on a nearly constant window).
   */
  flat(position: number): boolean {
    const h = position * PER_SENSOR;
    return this.state[h + RUN]! >= windowCount(this.state, h + LONG, this.longWindow) || !(windowRawVariance(this.state, h + LONG, this.longWindow) > 0);
  }

  /** [short-window mean, long-window slope]: the anomaly params' FEATURES_PER_SENSOR slots. */
  private put(k: number, x: Float32Array, i: number): void {
    const h = k * PER_SENSOR;
    x[i] = windowMean(this.state, h + SHORT, this.shortWindow);
    x[i + 1] = windowSlope(this.state, h + LONG, this.longWindow);
  }

  private add(k: number, value: number, ts: number): void {
    const s = this.state;
    const r = this.rings;
    const stride = this.order.names.length;
    const h = k * PER_SENSOR;
    s[h + RUN] = value === s[h + LAST] ? s[h + RUN]! + 1 : 1;
    s[h + LAST] = value;
    addToWindow(s, h + SHORT, r.shortValues + k, LEVEL_ONLY, stride, this.shortWindow, value, ts);
    addToWindow(s, h + LONG, r.longValues + k, r.longTimes + k, stride, this.longWindow, value, ts);
  }

  /** A new sensor widens every ring by one column: rare (a machine's first readings), so it copies. */
  private addSensor(sensor: string): number {
    const k = this.order.names.length;
    const from = this.rings;
    const to = layout(k + 1, this.shortWindow, this.longWindow);
    const before = this.state;
    const after = new Float64Array(to.length);
    after.set(before.subarray(0, k * PER_SENSOR));
    after[k * PER_SENSOR + LAST] = Number.NaN;
    const widen = (src: number, dst: number, slots: number) => {
      for (let i = 0; i < slots; i++) after.set(before.subarray(src + i * k, src + (i + 1) * k), dst + i * (k + 1));
    };
    widen(from.shortValues, to.shortValues, this.shortWindow);
    widen(from.longValues, to.longValues, this.longWindow);
    widen(from.longTimes, to.longTimes, this.longWindow);
    this.state = after;
    this.rings = to;
    return this.order.add(sensor);
  }
}

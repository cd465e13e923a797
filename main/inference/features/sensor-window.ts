/**
 * Rolling statistics of one sensor over its last N samples, updated in O(1) (amortised) per sample
 * with no allocation after construction: the level and trend sums of WindowSums, plus min/max deques
 * and mean crossings over the same ring.
 */
import { WindowSums } from './window-sums';

/** Order of the per-sensor slots in a feature frame. */
export const SENSOR_FEATURES = ['value', 'mean', 'std', 'min', 'max', 'z', 'slope', 'crossings'] as const;
export type SensorFeature = (typeof SENSOR_FEATURES)[number];
export const SENSOR_FEATURE_COUNT = SENSOR_FEATURES.length;

export class SensorWindow extends WindowSums {
  /** 1 where the sample and the one before it lay on opposite sides of the mean of that moment. */
  private readonly crossed: Uint8Array;
  private crossedSum = 0;

  // Monotonic deques of ring slots, each a circular buffer of capacity `size`. A slot identifies a
  // sample because every slot in a deque holds a sample still inside the window.
  private readonly maxDq: Int32Array;
  private maxHead = 0;
  private maxLen = 0;
  private readonly minDq: Int32Array;
  private minHead = 0;
  private minLen = 0;

  constructor(size: number) {
    super(size);
    this.crossed = new Uint8Array(size);
    this.maxDq = new Int32Array(size);
    this.minDq = new Int32Array(size);
  }

  /** Adds a sample (ts strictly after the previous one) and writes the 8 SENSOR_FEATURES at out[offset..]. */
  push(value: number, ts: number, out: Float64Array, offset: number): void {
    const size = this.size;
    const values = this.values;
    const slot = this.slot;
    const full = this.seq >= size;

    if (full) {
      this.crossedSum -= this.crossed[slot]!;
      // The evicted sample can only be at a deque's head: deques hold slots oldest first.
      if (this.maxDq[this.maxHead] === slot) {
        this.maxHead = this.maxHead + 1 === size ? 0 : this.maxHead + 1;
        this.maxLen--;
      }
      if (this.minDq[this.minHead] === slot) {
        this.minHead = this.minHead + 1 === size ? 0 : this.minHead + 1;
        this.minLen--;
      }
    }
    const prev = this.seq === 0 ? value : values[slot === 0 ? size - 1 : slot - 1]!;
    this.add(value, ts);

    const maxDq = this.maxDq;
    while (this.maxLen > 0) {
      let back = this.maxHead + this.maxLen - 1;
      if (back >= size) back -= size;
      if (values[maxDq[back]!]! > value) break;
      this.maxLen--;
    }
    let tail = this.maxHead + this.maxLen;
    maxDq[tail >= size ? tail - size : tail] = slot;
    this.maxLen++;
    const minDq = this.minDq;
    while (this.minLen > 0) {
      let back = this.minHead + this.minLen - 1;
      if (back >= size) back -= size;
      if (values[minDq[back]!]! < value) break;
      this.minLen--;
    }
    tail = this.minHead + this.minLen;
    minDq[tail >= size ? tail - size : tail] = slot;
    this.minLen++;

    const mean = this.mean();
    const max = values[maxDq[this.maxHead]!]!;
    const min = values[minDq[this.minHead]!]!;
    // An exactly flat window has std 0; the sums alone could leave a residue of rounding error there.
    const variance = max === min ? 0 : this.rawVariance();
    const std = variance > 0 ? Math.sqrt(variance) : 0;

    const flag = (prev - mean) * (value - mean) < 0 ? 1 : 0;
    this.crossed[slot] = flag;
    this.crossedSum += flag;
    // The oldest sample's flag refers to a pair that reaches outside the window.
    const crossings = this.crossedSum - this.crossed[full ? this.slot : 0]!;

    out[offset] = value;
    out[offset + 1] = mean;
    out[offset + 2] = std;
    out[offset + 3] = min;
    out[offset + 4] = max;
    out[offset + 5] = std > 0 ? (value - mean) / std : 0;
    out[offset + 6] = this.slope();
    out[offset + 7] = crossings;
  }
}

/**
 * Rolling statistics of one sensor over its last N samples, updated in O(1) (amortised) per sample
 * with no allocation after construction.
 *
 * Sums are kept over shifted data (value - valueRef, ts - tsRef) so that a counter near 1e6 with a
 * spread of 1, or epoch-millisecond timestamps, do not lose their low digits to cancellation. Adding
 * and subtracting samples still accumulates rounding error, so every N samples the sums are rebuilt
 * from the ring and the references moved to the current mean and the oldest timestamp.
 */

/** Order of the per-sensor slots in a feature frame. */
export const SENSOR_FEATURES = ['value', 'mean', 'std', 'min', 'max', 'z', 'slope', 'crossings'] as const;
export type SensorFeature = (typeof SENSOR_FEATURES)[number];
export const SENSOR_FEATURE_COUNT = SENSOR_FEATURES.length;

export class SensorWindow {
  readonly size: number;
  /** Samples seen since creation. */
  private seq = 0;
  /** Ring slot the next sample goes to; when full, the slot of the sample it evicts. */
  private slot = 0;
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  /** 1 where the sample and the one before it lay on opposite sides of the mean of that moment. */
  private readonly crossed: Uint8Array;
  private crossedSum = 0;

  private valueRef = 0;
  private tsRef = 0;
  private sumY = 0;
  private sumYY = 0;
  private sumX = 0;
  private sumXX = 0;
  private sumXY = 0;
  private sinceRebuild = 0;

  // Monotonic deques of ring slots, each a circular buffer of capacity `size`. A slot identifies a
  // sample because every slot in a deque holds a sample still inside the window.
  private readonly maxDq: Int32Array;
  private maxHead = 0;
  private maxLen = 0;
  private readonly minDq: Int32Array;
  private minHead = 0;
  private minLen = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`window must be an integer >= 2, got ${size}`);
    this.size = size;
    this.values = new Float64Array(size);
    this.times = new Float64Array(size);
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

    if (this.seq === 0) {
      this.valueRef = value;
      this.tsRef = ts;
    }
    if (full) {
      const oldY = values[slot]! - this.valueRef;
      const oldX = this.times[slot]! - this.tsRef;
      this.sumY -= oldY;
      this.sumYY -= oldY * oldY;
      this.sumX -= oldX;
      this.sumXX -= oldX * oldX;
      this.sumXY -= oldX * oldY;
      this.crossedSum -= this.crossed[slot]!;
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
    values[slot] = value;
    this.times[slot] = ts;

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

    this.seq++;
    this.slot = slot + 1 === size ? 0 : slot + 1;
    const n = full ? size : this.seq;
    if (++this.sinceRebuild >= size) {
      this.rebuild();
    } else {
      const y = value - this.valueRef;
      const x = ts - this.tsRef;
      this.sumY += y;
      this.sumYY += y * y;
      this.sumX += x;
      this.sumXX += x * x;
      this.sumXY += x * y;
    }

    const meanY = this.sumY / n;
    const mean = this.valueRef + meanY;
    const max = values[maxDq[this.maxHead]!]!;
    const min = values[minDq[this.minHead]!]!;
    // An exactly flat window has std 0; the sums alone could leave a residue of rounding error there.
    const variance = max === min ? 0 : this.sumYY / n - meanY * meanY;
    const std = variance > 0 ? Math.sqrt(variance) : 0;

    const flag = (prev - mean) * (value - mean) < 0 ? 1 : 0;
    this.crossed[slot] = flag;
    this.crossedSum += flag;
    // The oldest sample's flag refers to a pair that reaches outside the window.
    const crossings = this.crossedSum - this.crossed[full ? this.slot : 0]!;

    let slope = 0;
    if (n > 1) {
      const meanX = this.sumX / n;
      const varX = this.sumXX / n - meanX * meanX;
      if (varX > 0) slope = ((this.sumXY / n - meanX * meanY) / varX) * 1000;
    }

    out[offset] = value;
    out[offset + 1] = mean;
    out[offset + 2] = std;
    out[offset + 3] = min;
    out[offset + 4] = max;
    out[offset + 5] = std > 0 ? (value - mean) / std : 0;
    out[offset + 6] = slope;
    out[offset + 7] = crossings;
  }

  /** Runs once every `size` samples, first when the window fills, so the ring is always full here. */
  private rebuild(): void {
    this.sinceRebuild = 0;
    const n = this.size;
    const values = this.values;
    const times = this.times;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += values[k]!;
    this.valueRef = sum / n;
    // The slot the next sample will take is the oldest one's.
    this.tsRef = times[this.slot]!;
    let sy = 0;
    let syy = 0;
    let sx = 0;
    let sxx = 0;
    let sxy = 0;
    for (let k = 0; k < n; k++) {
      const y = values[k]! - this.valueRef;
      const x = times[k]! - this.tsRef;
      sy += y;
      syy += y * y;
      sx += x;
      sxx += x * x;
      sxy += x * y;
    }
    this.sumY = sy;
    this.sumYY = syy;
    this.sumX = sx;
    this.sumXX = sxx;
    this.sumXY = sxy;
  }
}

/**
 * Level and trend of one sensor over its last N samples, updated in O(1) (amortised) per sample with
 * no allocation after construction. SensorWindow builds the full feature block on it; the anomaly
 * detector uses it alone, so both get bit-identical means and slopes.
 *
 * Sums are kept over shifted data (value - valueRef, ts - tsRef) so that a counter near 1e6 with a
 * spread of 1, or epoch-millisecond timestamps, do not lose their low digits to cancellation. Adding
 * and subtracting samples still accumulates rounding error, so every N samples the sums are rebuilt
 * from the ring and the references moved to the current mean and the oldest timestamp.
 */
export class WindowSums {
  readonly size: number;
  /** Samples seen since creation. */
  protected seq = 0;
  /** Ring slot the next sample goes to; when full, the slot of the sample it evicts. */
  protected slot = 0;
  protected readonly values: Float64Array;
  private readonly times: Float64Array;

  private valueRef = 0;
  private tsRef = 0;
  private sumY = 0;
  private sumYY = 0;
  private sumX = 0;
  private sumXX = 0;
  private sumXY = 0;
  private sinceRebuild = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`window must be an integer >= 2, got ${size}`);
    this.size = size;
    this.values = new Float64Array(size);
    this.times = new Float64Array(size);
  }

  /** Samples in the window: fewer than `size` while it fills. */
  get count(): number {
    return this.seq >= this.size ? this.size : this.seq;
  }

  /** Adds a sample (ts strictly after the previous one), evicting the oldest once the window is full. */
  add(value: number, ts: number): void {
    const slot = this.slot;
    if (this.seq === 0) {
      this.valueRef = value;
      this.tsRef = ts;
    }
    if (this.seq >= this.size) {
      const oldY = this.values[slot]! - this.valueRef;
      const oldX = this.times[slot]! - this.tsRef;
      this.sumY -= oldY;
      this.sumYY -= oldY * oldY;
      this.sumX -= oldX;
      this.sumXX -= oldX * oldX;
      this.sumXY -= oldX * oldY;
    }
    this.values[slot] = value;
    this.times[slot] = ts;
    this.seq++;
    this.slot = slot + 1 === this.size ? 0 : slot + 1;
    if (++this.sinceRebuild >= this.size) {
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
  }

  mean(): number {
    return this.valueRef + this.sumY / this.count;
  }

  /**
   * Population variance as the sums give it: on a window of equal samples it can be a rounding residue
   * of either sign instead of 0, which callers that know the window is flat replace with 0.
   */
  rawVariance(): number {
    const n = this.count;
    const meanY = this.sumY / n;
    return this.sumYY / n - meanY * meanY;
  }

  /** Least-squares slope of value against event time, units per second; 0 without a time spread. */
  slope(): number {
    const n = this.count;
    if (n < 2) return 0;
    const meanX = this.sumX / n;
    const varX = this.sumXX / n - meanX * meanX;
    return varX > 0 ? ((this.sumXY / n - meanX * (this.sumY / n)) / varX) * 1000 : 0;
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

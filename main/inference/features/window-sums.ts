/**
 * Level and trend of one sensor over its last N samples, updated in O(1) (amortised) per sample with
 * no allocation after construction. SensorWindow builds the full feature block on it; the anomaly
 * detector keeps the same windows for many sensors at once (AnomalyWindows). Both run the functions
 * below, so they get bit-identical means and slopes.
 *
 * Sums are kept over shifted data (value - valueRef, ts - tsRef) so that a counter near 1e6 with a
 * spread of 1, or epoch-millisecond timestamps, do not lose their low digits to cancellation. Adding
 * and subtracting samples still accumulates rounding error, so every N samples the sums are rebuilt
 * from the ring and the references moved to the current mean and the oldest timestamp.
 *
 * A window lives in a Float64Array: WINDOW_SUMS slots of sums and counters from `h`, and two rings of
 * `size` slots, values from `values` and times from `times`, ring slot i at `+ i * stride`. A stride
 * above 1 lets several windows share one array with their rings interleaved. A window whose slope and
 * variance are never read may have no times ring (`times` = LEVEL_ONLY): its mean is the same.
 */
const VALUE_REF = 0;
const TS_REF = 1;
const SUM_Y = 2;
const SUM_YY = 3;
const SUM_X = 4;
const SUM_XX = 5;
const SUM_XY = 6;
/** Samples seen since creation. */
const SEQ = 7;
/** Ring slot the next sample goes to; when full, the slot of the sample it evicts. */
const SLOT = 8;
const SINCE_REBUILD = 9;
export const WINDOW_SUMS = 10;
export const LEVEL_ONLY = -1;

export function checkWindowSize(size: number): void {
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`window must be an integer >= 2, got ${size}`);
}

/** Samples in the window: fewer than `size` while it fills. */
export function windowCount(s: Float64Array, h: number, size: number): number {
  const seq = s[h + SEQ]!;
  return seq >= size ? size : seq;
}

/** Adds a sample (ts strictly after the previous one), evicting the oldest once the window is full. */
export function addToWindow(s: Float64Array, h: number, values: number, times: number, stride: number, size: number, value: number, ts: number): void {
  const seq = s[h + SEQ]!;
  const slot = s[h + SLOT]!;
  if (seq === 0) {
    s[h + VALUE_REF] = value;
    s[h + TS_REF] = ts;
  }
  const level = times === LEVEL_ONLY;
  const v = values + slot * stride;
  const t = times + slot * stride;
  if (seq >= size) {
    const oldY = s[v]! - s[h + VALUE_REF]!;
    s[h + SUM_Y] = s[h + SUM_Y]! - oldY;
    if (!level) {
      const oldX = s[t]! - s[h + TS_REF]!;
      s[h + SUM_YY] = s[h + SUM_YY]! - oldY * oldY;
      s[h + SUM_X] = s[h + SUM_X]! - oldX;
      s[h + SUM_XX] = s[h + SUM_XX]! - oldX * oldX;
      s[h + SUM_XY] = s[h + SUM_XY]! - oldX * oldY;
    }
  }
  s[v] = value;
  if (!level) s[t] = ts;
  s[h + SEQ] = seq + 1;
  s[h + SLOT] = slot + 1 === size ? 0 : slot + 1;
  const since = s[h + SINCE_REBUILD]! + 1;
  if (since >= size) {
    rebuild(s, h, values, times, stride, size);
  } else {
    s[h + SINCE_REBUILD] = since;
    const y = value - s[h + VALUE_REF]!;
    s[h + SUM_Y] = s[h + SUM_Y]! + y;
    if (!level) {
      const x = ts - s[h + TS_REF]!;
      s[h + SUM_YY] = s[h + SUM_YY]! + y * y;
      s[h + SUM_X] = s[h + SUM_X]! + x;
      s[h + SUM_XX] = s[h + SUM_XX]! + x * x;
      s[h + SUM_XY] = s[h + SUM_XY]! + x * y;
    }
  }
}

export function windowMean(s: Float64Array, h: number, size: number): number {
  return s[h + VALUE_REF]! + s[h + SUM_Y]! / windowCount(s, h, size);
}

/**
 * Population variance as the sums give it: on a window of equal samples it can be a rounding residue
 * of either sign instead of 0, which callers that know the window is flat replace with 0.
 */
export function windowRawVariance(s: Float64Array, h: number, size: number): number {
  const n = windowCount(s, h, size);
  const meanY = s[h + SUM_Y]! / n;
  return s[h + SUM_YY]! / n - meanY * meanY;
}

/** Least-squares slope of value against event time, units per second; 0 without a time spread. */
export function windowSlope(s: Float64Array, h: number, size: number): number {
  const n = windowCount(s, h, size);
  if (n < 2) return 0;
  const meanX = s[h + SUM_X]! / n;
  const varX = s[h + SUM_XX]! / n - meanX * meanX;
  return varX > 0 ? ((s[h + SUM_XY]! / n - meanX * (s[h + SUM_Y]! / n)) / varX) * 1000 : 0;
}

/** Runs once every `size` samples, first when the window fills, so the ring is always full here. */
function rebuild(s: Float64Array, h: number, values: number, times: number, stride: number, n: number): void {
  s[h + SINCE_REBUILD] = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += s[values + k * stride]!;
  const valueRef = sum / n;
  s[h + VALUE_REF] = valueRef;
  if (times === LEVEL_ONLY) {
    let sy = 0;
    for (let k = 0; k < n; k++) sy += s[values + k * stride]! - valueRef;
    s[h + SUM_Y] = sy;
    return;
  }
  // The slot the next sample will take is the oldest one's.
  const tsRef = s[times + s[h + SLOT]! * stride]!;
  s[h + TS_REF] = tsRef;
  let sy = 0;
  let syy = 0;
  let sx = 0;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    const y = s[values + k * stride]! - valueRef;
    const x = s[times + k * stride]! - tsRef;
    sy += y;
    syy += y * y;
    sx += x;
    sxx += x * x;
    sxy += x * y;
  }
  s[h + SUM_Y] = sy;
  s[h + SUM_YY] = syy;
  s[h + SUM_X] = sx;
  s[h + SUM_XX] = sxx;
  s[h + SUM_XY] = sxy;
}

/** One window in an array of its own. */
export class WindowSums {
  readonly size: number;
  /** Sums, then the values ring, then the times ring. */
  private readonly state: Float64Array;
  protected readonly values: Float64Array;

  constructor(size: number) {
    checkWindowSize(size);
    this.size = size;
    this.state = new Float64Array(WINDOW_SUMS + 2 * size);
    this.values = this.state.subarray(WINDOW_SUMS, WINDOW_SUMS + size);
  }

  /** Samples seen since creation. */
  protected get seq(): number {
    return this.state[SEQ]!;
  }

  /** Ring slot the next sample goes to; when full, the slot of the sample it evicts. */
  protected get slot(): number {
    return this.state[SLOT]!;
  }

  get count(): number {
    return windowCount(this.state, 0, this.size);
  }

  add(value: number, ts: number): void {
    addToWindow(this.state, 0, WINDOW_SUMS, WINDOW_SUMS + this.size, 1, this.size, value, ts);
  }

  mean(): number {
    return windowMean(this.state, 0, this.size);
  }

  rawVariance(): number {
    return windowRawVariance(this.state, 0, this.size);
  }

  slope(): number {
    return windowSlope(this.state, 0, this.size);
  }
}

/** Straightforward O(N) recomputation of the sensor block, the reference the incremental code must match. */
import { SENSOR_FEATURE_COUNT } from './sensor-window';

export function naiveBlock(values: readonly number[], times: readonly number[], window: number, j: number): Float64Array {
  const mean = (end: number): number => {
    const start = Math.max(0, end - window + 1);
    let s = 0;
    for (let i = start; i <= end; i++) s += values[i]!;
    return s / (end - start + 1);
  };
  const start = Math.max(0, j - window + 1);
  const n = j - start + 1;
  const m = mean(j);
  const mt = times.slice(start, j + 1).reduce((a, b) => a + b, 0) / n;
  let vv = 0;
  let tt = 0;
  let tv = 0;
  let min = Infinity;
  let max = -Infinity;
  let crossings = 0;
  for (let i = start; i <= j; i++) {
    const v = values[i]!;
    vv += (v - m) ** 2;
    tt += (times[i]! - mt) ** 2;
    tv += (times[i]! - mt) * (v - m);
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (i > start) {
      const mi = mean(i);
      if ((values[i - 1]! - mi) * (v - mi) < 0) crossings++;
    }
  }
  const std = Math.sqrt(vv / n);
  const out = new Float64Array(SENSOR_FEATURE_COUNT);
  out.set([values[j]!, m, std, min, max, std > 0 ? (values[j]! - m) / std : 0, tt > 0 ? (tv / tt) * 1000 : 0, crossings]);
  return out;
}

/** Small seeded generator so a failing case can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function expectBlockClose(actual: Float64Array, offset: number, expected: Float64Array, context: string): void {
  for (let k = 0; k < SENSOR_FEATURE_COUNT; k++) {
    const a = actual[offset + k]!;
    const e = expected[k]!;
    if (!(Math.abs(a - e) <= 1e-7 * (1 + Math.abs(e)))) {
      throw new Error(`${context}: slot ${k} is ${a}, expected ${e}`);
    }
  }
}

/**
 * Health and remaining life from the degradation of the machine's worst sensor. Severity is the
 * deviation from the normal model as a share of that kind of sensor's failure level (0 = as
 * learned, 1 = failure level); health is 100 × (1 − severity). A remaining life is given only while
 * severity rises with a significant linear trend, extrapolated to the failure level with a band
 * from the slope's standard error; otherwise "no degradation trend".
 */
import { sensorGroup, type AnomalyType } from '../anomaly-type';
import { FAILURE_LEVEL } from './condition-params';

/**
 * Severity of one sensor from its smoothed residual (sensor units) and expected level. Deviations
 * inside the sensor's normal envelope (its slow threshold, in sensor units) cost no health: health
 * falls only once the machine has left what it does normally, then by the physical scale.
 */
export function severity(sensor: string, smoothed: number, expected: number, slowThreshold: number, sigma: number, group: AnomalyType = sensorGroup(sensor)): number {
  const level = Math.max(Math.abs(expected), 1e-9);
  const envelope = slowThreshold * sigma;
  const residual = Math.sign(smoothed) * Math.max(0, Math.abs(smoothed) - envelope);
  switch (group) {
    case 'vibration_bearing':
      // Only a rise wears a bearing; a quieter machine is not less healthy.
      return Math.max(0, residual / level) / FAILURE_LEVEL.vibrationRatio;
    case 'thermal':
      return Math.max(0, residual) / FAILURE_LEVEL.thermalRise;
    case 'pressure_flow':
      return Math.abs(residual / level) / FAILURE_LEVEL.pressureShare;
    case 'electrical':
      return Math.abs(residual / level) / FAILURE_LEVEL.electricalShare;
    default:
      return Math.abs(residual / envelope) / FAILURE_LEVEL.otherThresholds;
  }
}

export const healthOf = (severity: number) => 100 * (1 - Math.min(1, Math.max(0, severity)));

export interface Prognosis {
  rul: { hours: number; low: number; high: number } | null;
  failureProbability: number;
  trendPerHour: number | null;
  detail: string | null;
}

/** Severity below this is the noise of a healthy machine: the trend is fitted from the last time it was there. */
const ONSET = 0.05;
/** z of the band's edges: an 80 % interval. */
const Z80 = 1.2816;
const MAX_RUL_HOURS = 24 * 365;

/**
 * A ring of (time, severity) points, one per minute of running; fits the trend since the onset of
 * the current rise.
 */
export class DegradationTrend {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(ts: number, severity: number): void {
    this.t[this.head] = ts;
    this.v[this.head] = severity;
    this.head = (this.head + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  clear(): void {
    this.size = 0;
  }

  get latest(): number | null {
    return this.size === 0 ? null : this.v[(this.head - 1 + this.capacity) % this.capacity]!;
  }

  prognosis(horizonHours: number, minT: number, minMinutes: number): Prognosis {
    const now = this.latest;
    if (now === null) return { rul: null, failureProbability: 0, trendPerHour: null, detail: 'no health history yet' };
    // Points since onset, newest first.
    let n = 0;
    let sumT = 0;
    let sumV = 0;
    let sumTT = 0;
    let sumTV = 0;
    let first = 0;
    let last = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head - 1 - k + 2 * this.capacity) % this.capacity;
      const v = this.v[i]!;
      if (v < ONSET) break;
      const t = this.t[i]! / 3_600_000;
      if (n === 0) last = t;
      first = t;
      n++;
      sumT += t;
      sumV += v;
      sumTT += t * t;
      sumTV += t * v;
    }
    if (now >= 1) return { rul: { hours: 0, low: 0, high: 0 }, failureProbability: 1, trendPerHour: null, detail: 'at the failure level' };
    if (n < 5 || (last - first) * 60 < minMinutes) return { rul: null, failureProbability: 0, trendPerHour: null, detail: 'no degradation trend' };
    const meanT = sumT / n;
    const meanV = sumV / n;
    const sxx = sumTT - n * meanT * meanT;
    const slope = sxx > 0 ? (sumTV - n * meanT * meanV) / sxx : 0;
    const intercept = meanV - slope * meanT;
    let sse = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.head - 1 - k + 2 * this.capacity) % this.capacity;
      const r = this.v[i]! - (intercept + slope * (this.t[i]! / 3_600_000));
      sse += r * r;
    }
    const se = Math.sqrt(sse / Math.max(1, n - 2) / Math.max(sxx, 1e-12));
    const trendPerHour = -100 * slope;
    if (!(slope > 0) || slope < minT * se) return { rul: null, failureProbability: 0, trendPerHour, detail: 'no degradation trend' };
    const fitted = Math.min(0.999, Math.max(0, intercept + slope * last));
    const gap = 1 - fitted;
    const hours = Math.min(MAX_RUL_HOURS, gap / slope);
    const low = Math.min(hours, gap / (slope + Z80 * se));
    const slow = slope - Z80 * se;
    const high = slow > 0 ? Math.min(MAX_RUL_HOURS, gap / slow) : MAX_RUL_HOURS;
    // P(the true slope reaches the failure level within the horizon), slope ~ N(slope, se).
    const needed = gap / horizonHours;
    const failureProbability = 1 - normalCdf((needed - slope) / Math.max(se, 1e-12));
    return { rul: { hours, low, high }, failureProbability, trendPerHour, detail: null };
  }
}

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

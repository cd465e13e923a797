/**
 * Health and remaining life. Severity is the worst sensor's deviation from the normal model beyond
 * its normal envelope, as a share of that kind of sensor's failure level (0 = as learned, 1 = failure
 * level); health is 100 × (1 − severity). Once health falls, the remaining life is extrapolated from
 * that sensor's deviation share (the same deviation without the envelope) to the failure level, with
 * a band from the slope's standard error; otherwise "no degradation trend".
 */
import { sensorGroup, type AnomalyType } from '../anomaly-type';
import { FAILURE_LEVEL } from './condition-params';

/**
 * Severity of one sensor from its smoothed residual (sensor units) and expected level. Deviations
 * inside the sensor's normal envelope (its slow threshold, in sensor units) cost no health: health
 * falls only once the machine has left what it does normally, then by the physical scale.
 */
export function severity(sensor: string, smoothed: number, expected: number, slowThreshold: number, sigma: number, group: AnomalyType = sensorGroup(sensor)): number {
  const envelope = slowThreshold * sigma;
  const residual = Math.sign(smoothed) * Math.max(0, Math.abs(smoothed) - envelope);
  return shareOfFailure(group, residual, expected, envelope);
}

/**
 * The same deviation without the envelope: how far the sensor is from its learned value as a share
 * of its failure level, 0 as learned. Wear shows in it from its first hour, long before it leaves
 * the envelope, so the remaining life is extrapolated on it.
 */
export function deviationShare(sensor: string, smoothed: number, expected: number, slowThreshold: number, sigma: number, group: AnomalyType = sensorGroup(sensor)): number {
  // A vibration below its model is kept: the level the wear starts from is the machine's own, not the model's.
  if (group === 'vibration_bearing') return smoothed / Math.max(Math.abs(expected), 1e-9) / FAILURE_LEVEL.vibrationRatio;
  return shareOfFailure(group, smoothed, expected, slowThreshold * sigma);
}

function shareOfFailure(group: AnomalyType, residual: number, expected: number, envelope: number): number {
  const level = Math.max(Math.abs(expected), 1e-9);
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
      return Math.abs(residual / Math.max(envelope, 1e-9)) / FAILURE_LEVEL.otherThresholds;
  }
}

export const healthOf = (severity: number) => 100 * (1 - Math.min(1, Math.max(0, severity)));

export interface Prognosis {
  rul: { hours: number; low: number; high: number } | null;
  failureProbability: number;
  trendPerHour: number | null;
  detail: string | null;
}

/** Severity below this is the noise of a healthy machine: a remaining life is given only above it. */
const ONSET = 0.05;
/** z of the band's edges: an 80 % interval. */
const Z80 = 1.2816;
/** The remaining life's relative error at the first warning that 80 % of bearing faults stayed within on tuning seeds 1–10. */
const RELATIVE_ERROR_80 = 0.2;
const MAX_RUL_HOURS = 24 * 365;
/** One machine's points at a time while fitting: every trend shares them (one thread). */
let fitT = new Float64Array(0);
let fitY = new Float64Array(0);
let fitG = new Uint8Array(0);
/** Load bands a trend tells apart (more fold into the last). */
const MAX_BANDS = 8;
/** Points a load band needs before the knee for a flat level of its own; fewer share the others'. */
const MIN_BAND_POINTS = 60;
/** The fewest points after the knee for a slope worth extrapolating. */
const MIN_RISE_POINTS = 5;
/**
 * The rise already shown, as a share of the failure level, before it is extrapolated: a slope
 * read from a rise smaller than this is mostly noise, and its remaining life is many times the
 * span it was measured on (chosen on the tuning seeds).
 */
const MIN_RISE = 0.1;

/**
 * A ring of points, one per minute of running: the time, the machine's severity, and each sensor's
 * deviation share (NaN where the sensor was not judged). The remaining life comes from a hinge fitted
 * to the share of the sensor that is worst now — flat as learned, then a straight rise from a knee
 * the fit chooses — extrapolated to the failure level (share 1). Fitting only the part above the
 * health envelope left an hour or two of noisy points at the first warning; the hinge uses the whole
 * rise since it began, and one sensor's history, so another sensor's noise does not bend it.
 */
export class DegradationTrend {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private readonly band: Uint8Array;
  private readonly d: Float32Array[] = [];
  private readonly ratio: boolean[] = [];
  private head = 0;
  private size = 0;
  private worstSensor = -1;

  constructor(private readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.band = new Uint8Array(capacity);
  }

  /**
   * `shares[k]` is sensor k's deviation share (NaN: not judged); `worst` the sensor with the highest
   * severity (-1: none). Without shares the severity stands for one sensor's share.
   */
  push(ts: number, severity: number, shares: ArrayLike<number> = [severity], worst = 0, band = 0): void {
    const i = this.head;
    this.t[i] = ts;
    this.v[i] = severity;
    this.band[i] = Math.min(MAX_BANDS - 1, Math.max(0, band));
    for (let k = 0; k < Math.max(shares.length, this.d.length); k++) {
      if (k >= this.d.length) this.d.push(new Float32Array(this.capacity).fill(Number.NaN));
      this.d[k]![i] = k < shares.length ? shares[k]! : Number.NaN;
    }
    this.worstSensor = worst;
    this.head = (this.head + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  clear(): void {
    this.size = 0;
  }

  /** Sensor k's share is a ratio to its model (vibration): its failure level follows its own healthy level. */
  markRatio(k: number): void {
    this.ratio[k] = true;
  }

  get latest(): number | null {
    return this.size === 0 ? null : this.v[(this.head - 1 + this.capacity) % this.capacity]!;
  }

  prognosis(horizonHours: number, minT: number, minMinutes: number): Prognosis {
    const now = this.latest;
    if (now === null) return { rul: null, failureProbability: 0, trendPerHour: null, detail: 'no health history yet' };
    if (now >= 1) return { rul: { hours: 0, low: 0, high: 0 }, failureProbability: 1, trendPerHour: null, detail: 'at the failure level' };
    if (!this.fallenFor(minMinutes)) return { rul: null, failureProbability: 0, trendPerHour: null, detail: 'no degradation trend' };
    const fit = this.hinge(minMinutes);
    if (fit === null) return { rul: null, failureProbability: 0, trendPerHour: null, detail: 'no degradation trend' };
    const { slope, se, fitted, rise, level } = fit;
    const trendPerHour = -100 * slope;
    if (!(slope > 0) || slope < minT * se || rise < MIN_RISE) return { rul: null, failureProbability: 0, trendPerHour, detail: 'no degradation trend' };
    const gap = Math.max(1e-3, this.failureShare(level) - fitted);
    const hours = Math.min(MAX_RUL_HOURS, gap / slope);
    // The band is the wider of the slope's and the estimate's own record: on the tuning seeds the
    // slope's band held the truth at the first warning 12 times in 30, as the straight line is not
    // the whole story (loads change, the knee is fitted).
    const low = Math.min(hours / (1 + RELATIVE_ERROR_80), gap / (slope + Z80 * se));
    const slow = slope - Z80 * se;
    const high = Math.max(Math.min(MAX_RUL_HOURS, hours / (1 - RELATIVE_ERROR_80)), slow > 0 ? Math.min(MAX_RUL_HOURS, gap / slow) : MAX_RUL_HOURS);
    // P(the true slope reaches the failure level within the horizon), slope ~ N(slope, se).
    const needed = gap / horizonHours;
    const failureProbability = 1 - normalCdf((needed - slope) / Math.max(se, 1e-12));
    return { rul: { hours, low, high }, failureProbability, trendPerHour, detail: null };
  }

  /**
   * The share at which the worst sensor fails. A ratio share's failure is that many times the level
   * the machine ran at before the wear (the hinge's flat part) where that lies below the model: a
   * model that reads the healthy machine some per cent high would put the failure as far late. A
   * flat part above the model is not taken as healthy: it may be wear already under way, learned
   * into a model fitted while the bearing wore, and the failure stays at the model's level.
   */
  private failureShare(level: number): number {
    if (!this.ratio[this.worstSensor]) return 1;
    const r = FAILURE_LEVEL.vibrationRatio;
    const healthy = 1 + r * Math.min(0, level);
    return healthy > 0.5 ? ((1 + r) * healthy - 1) / r : 1;
  }

  /** Health has stayed below the onset's level for `minMinutes` and five points: a dip is no trend. */
  private fallenFor(minMinutes: number): boolean {
    let k = 0;
    let first = 0;
    const last = this.t[(this.head - 1 + this.capacity) % this.capacity]!;
    for (; k < this.size; k++) {
      const i = (this.head - 1 - k + 2 * this.capacity) % this.capacity;
      if (this.v[i]! < ONSET) break;
      first = this.t[i]!;
    }
    return k >= MIN_RISE_POINTS && (last - first) / 60_000 >= minMinutes;
  }

  /**
   * Least squares of share = a[band] + c·max(0, t − knee) over every knee with MIN_RISE_POINTS points
   * and `minMinutes` after it; suffix sums make each knee O(bands). A load band with MIN_BAND_POINTS
   * before the knee has its own flat level, the others share one: a normal model reads a healthy
   * machine a few per cent off, differently in each band, and with one level for all a move between
   * bands before or after the knee reads as wear. A band first seen after the knee gets no level of
   * its own, which would leave its few points alone to set the slope. The slope's
   * standard error is widened by the residuals' lag-1 correlation: the shares are smoothed, so
   * neighbouring minutes are not independent and the plain error would make a band far narrower than
   * the truth. `level` is the flat level of the band the machine runs in now.
   */
  private hinge(minMinutes: number): { slope: number; se: number; fitted: number; rise: number; level: number } | null {
    const column = this.d[this.worstSensor];
    if (column === undefined) return null;
    if (fitT.length < this.size) {
      fitT = new Float64Array(this.capacity);
      fitY = new Float64Array(this.capacity);
      fitG = new Uint8Array(this.capacity);
    }
    const t = fitT;
    const y = fitY;
    const g = fitG;
    const start = (this.head - this.size + this.capacity) % this.capacity;
    const newest = this.t[(this.head - 1 + this.capacity) % this.capacity]!;
    let n = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.capacity;
      if (Number.isNaN(column[i]!)) continue;
      t[n] = (this.t[i]! - newest) / 3_600_000;
      y[n] = column[i]!;
      g[n] = this.band[i]!;
      n++;
    }
    if (n < MIN_RISE_POINTS + 2) return null;
    // Per band: its points, Σy, Σy², and suffix sums over k ≥ b of t, t², t·y, y.
    const cnt = new Float64Array(MAX_BANDS);
    const sy = new Float64Array(MAX_BANDS);
    const syy = new Float64Array(MAX_BANDS);
    for (let k = 0; k < n; k++) {
      cnt[g[k]!]!++;
      sy[g[k]!]! += y[k]!;
      syy[g[k]!]! += y[k]! * y[k]!;
    }
    const m = new Float64Array(MAX_BANDS);
    const st = new Float64Array(MAX_BANDS);
    const stt = new Float64Array(MAX_BANDS);
    const sty = new Float64Array(MAX_BANDS);
    const syb = new Float64Array(MAX_BANDS);
    const sx = new Float64Array(MAX_BANDS);
    const sxx = new Float64Array(MAX_BANDS);
    const sxy = new Float64Array(MAX_BANDS);
    const own = (j: number) => cnt[j]! - m[j]! >= MIN_BAND_POINTS;
    /** Least squares for the knee at t = tb given the suffix sums: each own band's mean and the shared one taken out. */
    const fitKnee = (tb: number) => {
      let cxx = 0;
      let cxy = 0;
      let within = 0;
      let pc = 0;
      let py = 0;
      let pyy = 0;
      let px = 0;
      let pxx = 0;
      let pxy = 0;
      for (let j = 0; j < MAX_BANDS; j++) {
        if (cnt[j] === 0) continue;
        sx[j] = st[j]! - m[j]! * tb;
        sxx[j] = stt[j]! - 2 * tb * st[j]! + m[j]! * tb * tb;
        sxy[j] = sty[j]! - tb * syb[j]!;
        if (own(j)) {
          cxx += sxx[j]! - (sx[j]! * sx[j]!) / cnt[j]!;
          cxy += sxy[j]! - (sx[j]! * sy[j]!) / cnt[j]!;
          within += syy[j]! - (sy[j]! * sy[j]!) / cnt[j]!;
        } else {
          pc += cnt[j]!;
          py += sy[j]!;
          pyy += syy[j]!;
          px += sx[j]!;
          pxx += sxx[j]!;
          pxy += sxy[j]!;
        }
      }
      if (pc > 0) {
        cxx += pxx - (px * px) / pc;
        cxy += pxy - (px * py) / pc;
        within += pyy - (py * py) / pc;
      }
      return { cxx, cxy, within, pc, py, px };
    };
    let best: { sse: number; c: number; b: number; sxx: number } | null = null;
    for (let b = n - 1; b >= 1; b--) {
      const j0 = g[b]!;
      m[j0]!++;
      st[j0]! += t[b]!;
      stt[j0]! += t[b]! * t[b]!;
      sty[j0]! += t[b]! * y[b]!;
      syb[j0]! += y[b]!;
      if (n - b < MIN_RISE_POINTS || (t[n - 1]! - t[b]!) * 60 < minMinutes) continue;
      const { cxx, cxy, within } = fitKnee(t[b - 1]!);
      if (cxx <= 1e-12) continue;
      const c = cxy / cxx;
      const sse = Math.max(0, within - c * cxy);
      if (best === null || sse < best.sse) best = { sse, c, b, sxx: cxx };
    }
    if (best === null) return null;
    const tb = t[best.b - 1]!;
    // The suffix sums back at the best knee, then each level: its mean less the rise in it.
    m.fill(0);
    st.fill(0);
    stt.fill(0);
    sty.fill(0);
    syb.fill(0);
    for (let k = best.b; k < n; k++) {
      m[g[k]!]!++;
      st[g[k]!]! += t[k]!;
      stt[g[k]!]! += t[k]! * t[k]!;
      sty[g[k]!]! += t[k]! * y[k]!;
      syb[g[k]!]! += y[k]!;
    }
    const pooled = fitKnee(tb);
    const shared = pooled.pc > 0 ? (pooled.py - best.c * pooled.px) / pooled.pc : 0;
    const a = new Float64Array(MAX_BANDS);
    let groups = pooled.pc > 0 ? 1 : 0;
    for (let j = 0; j < MAX_BANDS; j++) {
      if (cnt[j] === 0) continue;
      if (own(j)) {
        a[j] = (sy[j]! - best.c * sx[j]!) / cnt[j]!;
        groups++;
      } else a[j] = shared;
    }
    const fitAt = (k: number) => a[g[k]!]! + best.c * Math.max(0, t[k]! - tb);
    let num = 0;
    let den = 0;
    let prev = y[0]! - fitAt(0);
    den += prev * prev;
    for (let k = 1; k < n; k++) {
      const r = y[k]! - fitAt(k);
      num += r * prev;
      den += r * r;
      prev = r;
    }
    const rho = den > 0 ? Math.min(0.99, Math.max(0, num / den)) : 0;
    const se = Math.sqrt((best.sse / Math.max(1, n - 2 - groups) / best.sxx) * ((1 + rho) / (1 - rho)));
    return { slope: best.c, se, fitted: fitAt(n - 1), rise: best.c * (t[n - 1]! - tb), level: a[g[n - 1]!]! };
  }
}

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

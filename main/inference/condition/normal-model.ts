/**
 * A machine's normal model: each sensor a quadratic in the load share as the sensor sees it — at once
 * (power, vibration, pressure, with a running/idle offset) or through a first-order lag (temperature),
 * with the residual scale per load band. A lagged sensor sees the load share and the powered share
 * (1 idle or running, 0 off) through the same lag: heat comes from the standby heaters while powered
 * and from the work in proportion to load, and the thermal mass lags their sum, so a warm-up from off
 * and a step of load both follow one first-order response. The lag of each sensor is chosen from a geometric
 * set by the fit (least BIC), so a temperature gets its thermal time constant and a power none.
 * Learned from sufficient statistics (XᵀX, Xᵀy, yᵀy per sensor and band): learning keeps no rows,
 * refits are exact over everything seen, and older data is forgotten by scaling the sums.
 */
import { z } from 'zod';

/** Regressors: 1, running (0 when idle), u, u², then per lag the lagged average of u and of the powered share. */
export const LAGS = 6;
export const FEATURES = 4 + 2 * LAGS;
/** ln(1/0.9): a lag is taken only where it leaves at most 90 % of the residual variance of the immediate model. */
const LAG_PENALTY = Math.log(1 / 0.9);
const lag = (i: number) => [4 + 2 * i, 5 + 2 * i];
/**
 * The regressor sets a sensor may use: [1, running] with the load share and its square at once, or
 * the constant with the load through one lag or two neighbouring lags (a time constant between the
 * two). A lagged sensor gets no running step: heat follows the load through its lag, and a step
 * there lets the fit trade it against the lag, which then predicts a machine that has just stopped
 * far below ambient.
 */
const CANDIDATES: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  ...Array.from({ length: LAGS }, (_, i) => [0, ...lag(i)]),
  ...Array.from({ length: LAGS - 1 }, (_, i) => [0, ...lag(i), ...lag(i + 1)]),
];
export const BANDS = 4;
const TRI = (FEATURES * (FEATURES + 1)) / 2;
/** Per sensor and band: XᵀX (upper triangle), Xᵀy, yᵀy, n. */
const PER_BAND = TRI + FEATURES + 2;
/** A lagged load this many standard deviations from its learned mean is outside what the fit saw. */
const LAG_RANGE_SDS = 3;
/** A metric repeating this share of at least this many readings while idle holds its value while idle. */
const HOLD_SHARE = 0.9;
const HOLD_MIN_READINGS = 120;
/** The idle band's place in the sums (operating-state.ts: BAND_IDLE). */
const IDLE = 0;
/** A stale band still anchors the fit at its load with this share of its rows. */
const STALE_WEIGHT = 0.1;

/** The upper triangle of φφᵀ, in the sums' order. */
export function outerOf(phi: Float64Array, out: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < FEATURES; i++) {
    const a = phi[i]!;
    for (let j = i; j < FEATURES; j++) out[k++] = a * phi[j]!;
  }
  return out;
}
export const newOuter = () => new Float64Array(TRI);
const outerScratch = newOuter();

export class SensorSums {
  readonly sums = new Float64Array(BANDS * PER_BAND);
  /** Longest run of equal values while running: a stuck sensor is judged against it. */
  longestRun = 0;
  decreases = 0;
  increases = 0;
  /** Readings while idle, and those that repeated the reading before (see holdsWhileIdle). */
  idleReadings = 0;
  idleRepeats = 0;

  /** One reading while the machine idles; `repeated`: the same value as the reading before. */
  noteIdle(repeated: boolean): void {
    this.idleReadings++;
    if (repeated) this.idleRepeats++;
  }

  add(band: number, phi: Float64Array, y: number): void {
    this.addOuter(band, outerOf(phi, outerScratch), phi, y);
  }

  /** As add(), with the row's φφᵀ already computed: a row's sensors share it. */
  addOuter(band: number, outer: Float64Array, phi: Float64Array, y: number): void {
    const s = this.sums;
    const o = band * PER_BAND;
    for (let k = 0; k < TRI; k++) s[o + k]! += outer[k]!;
    for (let i = 0; i < FEATURES; i++) s[o + TRI + i]! += phi[i]! * y;
    s[o + TRI + FEATURES]! += y * y;
    s[o + TRI + FEATURES + 1]! += 1;
    this.fresh[band]! += 1;
  }

  /**
   * The load signal's top grew: every load share learned so far is `c` times what it now reads. The
   * sums follow exactly, since each regressor is the share, its square, or does not depend on it.
   */
  rescaleShares(c: number): void {
    const d = shareScale(c);
    const s = this.sums;
    for (let band = 0; band < BANDS; band++) {
      const o = band * PER_BAND;
      let k = o;
      for (let i = 0; i < FEATURES; i++) for (let j = i; j < FEATURES; j++) s[k++]! *= d[i]! * d[j]!;
      for (let i = 0; i < FEATURES; i++) s[o + TRI + i]! *= d[i]!;
    }
  }

  count(band: number): number {
    return this.sums[band * PER_BAND + TRI + FEATURES + 1]!;
  }

  /**
   * Rows per band as forgetting alone would leave them. The sums themselves never fall below
   * `keepRows` in a band, so a band the machine has not run in lately stays judged; its rows then
   * weigh in the coefficients only by this share, so the fit follows the slow drift the machine
   * shows where it runs now.
   */
  readonly fresh = new Float64Array(BANDS);

  /** Forgets older rows by `factor`, never below `keepRows` in a band (see `fresh`). */
  scale(factor: number, keepRows = 0): void {
    for (let band = 0; band < BANDS; band++) {
      const o = band * PER_BAND;
      const n = this.sums[o + TRI + FEATURES + 1]!;
      const f = n * factor >= keepRows ? factor : n > keepRows ? keepRows / n : 1;
      for (let i = o; i < o + PER_BAND; i++) this.sums[i]! *= f;
      this.fresh[band]! *= factor;
    }
  }

  /** The weight of a band's rows in the coefficients: its fresh share, and at least STALE_WEIGHT. */
  weight(band: number): number {
    const n = this.count(band);
    return n > 0 ? Math.min(1, Math.max(STALE_WEIGHT, this.fresh[band]! / n)) : 1;
  }

  /**
   * A value that never went down is a counter (production, not condition), and one that never changed
   * says nothing about the machine: neither is modelled, nor judged as stuck.
   */
  get isCounter(): boolean {
    return this.decreases === 0;
  }

  /**
   * A value that holds its last reading while its machine idles (a cycle time, a last part's weight)
   * says what the machine did before it stopped, not what it is doing: it is neither fitted nor
   * judged while idle.
   */
  get holdsWhileIdle(): boolean {
    return this.idleReadings >= HOLD_MIN_READINGS && this.idleRepeats >= HOLD_SHARE * this.idleReadings;
  }
}

export const SensorModelSchema = z.object({
  coef: z.array(z.number()).length(FEATURES),
  /** Residual standard deviation per band; null where the band has too little data. */
  sigma: z.array(z.number().nullable()).length(BANDS),
  /** Mean level, for relative deviations (vibration ratio, pressure share). */
  level: z.number(),
  /**
   * Per lag, the range of its levels the fit saw (low, high pairs: the learned mean within
   * LAG_RANGE_SDS standard deviations); absent in models saved before it.
   */
  lagRange: z
    .array(z.number())
    .length(2 * LAGS)
    .refine((r) => r.every((v, i) => i % 2 === 1 || v <= r[i + 1]!), 'each lag range runs from low to high')
    .optional(),
  /**
   * Per lag, the range of powered-share levels the fit saw, as lagRange; absent in models saved before
   * the powered share was an input, whose lagged coefficients were fitted on the squared lag instead.
   */
  poweredRange: z
    .array(z.number())
    .length(2 * LAGS)
    .refine((r) => r.every((v, i) => i % 2 === 1 || v <= r[i + 1]!), 'each powered range runs from low to high')
    .optional(),
});
export type SensorModel = z.infer<typeof SensorModelSchema>;

/** Fits one sensor over all bands with the regressor set of least BIC; null when it has too few rows. */
export function fitSensor(sums: SensorSums, minRowsPerBand: number): SensorModel | null {
  const s = sums.sums;
  const a = new Float64Array(FEATURES * FEATURES);
  const b = new Float64Array(FEATURES);
  let n = 0;
  let yy = 0;
  const held = sums.holdsWhileIdle;
  for (let band = 0; band < BANDS; band++) {
    const o = band * PER_BAND;
    const w = held && band === IDLE ? 0 : sums.weight(band);
    let k = o;
    for (let i = 0; i < FEATURES; i++)
      for (let j = i; j < FEATURES; j++) {
        a[i * FEATURES + j]! += w * s[k]!;
        if (i !== j) a[j * FEATURES + i]! += w * s[k]!;
        k++;
      }
    for (let i = 0; i < FEATURES; i++) b[i]! += w * s[o + TRI + i]!;
    yy += w * s[o + TRI + FEATURES]!;
    n += w * s[o + TRI + FEATURES + 1]!;
  }
  if (n < FEATURES * 4) return null;
  let best: { coef: Float64Array; bic: number } | null = null;
  for (const set of CANDIDATES) {
    const m = set.length;
    const sub = new Float64Array(m * m);
    const rhs = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) sub[i * m + j] = a[set[i]! * FEATURES + set[j]!]!;
      // Numerical safety only: an idle-only or constant-load history leaves a column empty.
      if (i > 0) sub[i * m + i]! += 1e-9 * n + 1e-12;
      rhs[i] = b[set[i]!]!;
    }
    const c = solve(sub, rhs);
    if (!c) continue;
    let fit = 0;
    for (let i = 0; i < m; i++) fit += c[i]! * rhs[i]!;
    const rss = Math.max(yy - fit, 1e-12 * yy, 1e-300);
    // A lag must earn its place: a lagged load is smoother than the measured one, so it fits a
    // sensor that follows the load at once slightly better in steady state and then lags every step.
    const bic = n * Math.log(rss / n) + m * Math.log(n) + (set[2] === 2 ? 0 : n * LAG_PENALTY);
    if (!best || bic < best.bic) {
      const coef = new Float64Array(FEATURES);
      set.forEach((f, i) => (coef[f] = c[i]!));
      best = { coef, bic };
    }
  }
  if (!best) return null;
  const coef = best.coef;
  const level = b[0]! / n;
  const sigma: (number | null)[] = [];
  for (let band = 0; band < BANDS; band++) {
    const o = band * PER_BAND;
    const count = s[o + TRI + FEATURES + 1]!;
    if (count < minRowsPerBand || (held && band === IDLE)) {
      sigma.push(null);
      continue;
    }
    // RSS = yᵀy − 2βᵀXᵀy + βᵀXᵀXβ over this band's sums, with the coefficients fitted on all bands.
    let bxy = 0;
    for (let i = 0; i < FEATURES; i++) bxy += coef[i]! * s[o + TRI + i]!;
    let bxxb = 0;
    let k = o;
    for (let i = 0; i < FEATURES; i++)
      for (let j = i; j < FEATURES; j++) {
        bxxb += (i === j ? 1 : 2) * coef[i]! * coef[j]! * s[k]!;
        k++;
      }
    const rss = Math.max(0, s[o + TRI + FEATURES]! - 2 * bxy + bxxb);
    sigma.push(Math.max(Math.sqrt(rss / count), sigmaFloor(level)));
  }
  return { coef: [...coef], sigma, level, lagRange: rangeOf(a, n, 4), poweredRange: rangeOf(a, n, 5) };
}

/**
 * The levels of each lagged input the fit saw (the load from column 4, the powered share from 5), from
 * the sums it already has (no per-row cost): a lag's fit on a pump that ran near full load through
 * learning extrapolates by tens of kelvin to a night at 60 %, and one on a machine that never stopped
 * while learning knows nothing of its warm-up, which is no fault of the machine's.
 */
function rangeOf(a: Float64Array, n: number, first: number): number[] {
  const range: number[] = [];
  for (let i = 0; i < LAGS; i++) {
    const j = first + 2 * i;
    const mean = a[j]! / n;
    const sd = Math.sqrt(Math.max(0, a[j * FEATURES + j]! / n - mean * mean));
    range.push(mean - LAG_RANGE_SDS * sd, mean + LAG_RANGE_SDS * sd);
  }
  return range;
}

/** Below this, a sensor that hardly moved would turn the next wobble into a huge deviation. */
export const sigmaFloor = (level: number) => Math.max(1e-3 * Math.abs(level), 1e-6);

/** Gaussian elimination with partial pivoting on a small dense system. */
export function solve(a: Float64Array, b: Float64Array): Float64Array | null {
  const n = b.length;
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (Math.abs(m[p * n + c]!) < 1e-300) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let v = x[r]!;
    for (let k = r + 1; k < n; k++) v -= m[r * n + k]! * x[k]!;
    x[r] = v / m[r * n + r]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/**
 * A sensor model saved before the powered share was an input: its lagged coefficients belong to the
 * squared lag, so a lagged sensor has no model until its machine's next refit; the rest still judge.
 */
export function fromSaved(sm: SensorModel | null): SensorModel | null {
  if (!sm || sm.poweredRange) return sm;
  return sm.coef.slice(4).every((c) => c === 0) ? sm : null;
}

/** Each regressor's factor when the load share is multiplied by c: 1, running, u, u², then per lag the load (c) and the powered share (1). */
function shareScale(c: number): Float64Array {
  const d = new Float64Array(FEATURES).fill(1);
  d[2] = c;
  d[3] = c * c;
  for (let i = 0; i < LAGS; i++) d[4 + 2 * i] = c;
  return d;
}

/** The regressors of one row into phi: 1, running, u, u², then per lag the load share and the powered share. */
export function regressors(phi: Float64Array, running: boolean, u: number, lags: Float64Array, powered: Float64Array): void {
  phi[0] = 1;
  phi[1] = running ? 1 : 0;
  phi[2] = u;
  phi[3] = u * u;
  for (let i = 0; i < LAGS; i++) {
    phi[4 + 2 * i] = lags[i]!;
    phi[5 + 2 * i] = powered[i]!;
  }
}

/**
 * Where a fitted normal model may judge: the loads it saw in each band, and, for a sensor that
 * follows the load through a lag, operating points near equilibrium and no further from it than
 * learning ever was.
 */
import type { FittedModel } from './condition-types';
import { BANDS, LAGS } from './normal-model';

/** A lag gap this much wider than learned, plus the slack in load share, is outside the model's domain. */
const DOMAIN_MARGIN = 1.1;
const DOMAIN_SLACK = 0.02;
/**
 * A lagged sensor (a temperature) is judged only near its equilibrium: while its lag is more than
 * this share of the load range behind the load (a warm-up, a large load step), a first-order model
 * is off by degrees that are not a fault.
 */
const WARM_GAP = 0.15;
/**
 * A lagged powered share this far outside the levels its fit saw is unseen, where the fit gave it a
 * weight: one that saw a few stops extrapolates their warm-ups to others. A machine that never stopped
 * while learning saw exactly 1, the same column as the constant, and its fit gives the powered share
 * no weight at all: its prediction does not depend on it, as before the input existed.
 */
const POWERED_SLACK = 1e-3;
/** A load within this share of the learned range of its band counts as learned. */
const LOAD_MARGIN = 0.05;

/** Per band, the lowest and highest load share seen (low, high pairs), before anything is seen. */
export const emptyLoadSeen = () => Float64Array.from({ length: BANDS * 2 }, (_, i) => (i % 2 ? -Infinity : Infinity));

/**
 * Whether the fitted model saw this load within the band: a level the machine never ran at while
 * learning (a pump at 40 % when it learned 60–100 %) is learned before it is judged, as a new band is.
 * A model saved before loads were recorded judges every load.
 */
export function loadLearned(model: FittedModel | null, band: number, u: number): boolean {
  const seen = model?.loadSeen;
  if (!seen) return true;
  const low = seen[2 * band];
  const high = seen[2 * band + 1];
  return low != null && high != null && u >= low - LOAD_MARGIN && u <= high + LOAD_MARGIN;
}

/**
 * Whether the row's operating point is one sensor k's model has seen: a sensor that follows the
 * load through a lag is not judged while the lag is further from the load than ever in learning
 * (a cold start after a stop the machine never made while learning), nor before it is warm.
 */
export function inDomain(model: FittedModel | null, k: number, phi: Float64Array): boolean {
  const sm = model?.models[k];
  if (!sm) return false;
  const spread = model.lagSpread;
  let warm = true;
  let fastest = true;
  for (let i = 0; i < LAGS; i++) {
    if (sm.coef[4 + 2 * i] === 0 && sm.coef[5 + 2 * i] === 0) continue;
    const level = phi[4 + 2 * i]!;
    const gap = Math.abs(phi[2]! - level);
    if (gap > (spread[i] ?? 0) * DOMAIN_MARGIN + DOMAIN_SLACK) return false;
    const range = sm.lagRange;
    if (range && (level < range[2 * i]! || level > range[2 * i + 1]!)) return false;
    const powered = sm.coef[5 + 2 * i] !== 0 ? sm.poweredRange : undefined;
    const on = phi[5 + 2 * i]!;
    if (powered && (on < powered[2 * i]! - POWERED_SLACK || on > powered[2 * i + 1]! + POWERED_SLACK)) return false;
    // Equilibrium is read on the sensor's fastest lag: the slowest one is behind for hours after any start.
    if (fastest) warm = gap <= WARM_GAP;
    fastest = false;
  }
  return warm;
}

/** The largest of a·x + b·x² for x in [lo, hi]. */
function quadraticMax(a: number, b: number, lo: number, hi: number): number {
  let best = Math.max(a * lo + b * lo * lo, a * hi + b * hi * hi);
  if (b < 0) {
    const x = -a / (2 * b);
    if (x > lo && x < hi) best = Math.max(best, a * x + b * x * x);
  }
  return best;
}

/**
 * How much higher sensor k's model could read at this running row if the machine were anywhere
 * between what its lags remember and where it is now: the load and each lagged load anywhere within
 * the span of the load now and every lagged load, each lagged powered share anywhere within the span
 * of them all and "powered" (a running machine is). Heat follows load through a lag, so a warming or
 * cooling machine reads no higher than that: a temperature above the model plus this headroom runs
 * hot whatever the transient, while the model alone cannot say how warm it should be (see inDomain).
 */
export function transientHeadroom(model: FittedModel, k: number, phi: Float64Array): number {
  const coef = model.models[k]?.coef;
  if (!coef) return Number.POSITIVE_INFINITY;
  const u = phi[2]!;
  let lo = u;
  let hi = u;
  let poweredLo = 1;
  for (let i = 0; i < LAGS; i++) {
    lo = Math.min(lo, phi[4 + 2 * i]!);
    hi = Math.max(hi, phi[4 + 2 * i]!);
    poweredLo = Math.min(poweredLo, phi[5 + 2 * i]!);
  }
  let headroom = quadraticMax(coef[2]!, coef[3]!, lo, hi) - (coef[2]! * u + coef[3]! * u * u);
  for (let i = 0; i < LAGS; i++) {
    const a = coef[4 + 2 * i]!;
    const b = coef[5 + 2 * i]!;
    headroom += Math.max(a * lo, a * hi) - a * phi[4 + 2 * i]!;
    headroom += Math.max(b * poweredLo, b) - b * phi[5 + 2 * i]!;
  }
  return headroom;
}

/**
 * Thresholds across a refit that changes what a sensor's model is. A threshold is in residual sigmas
 * of the model it was judged on (its reference: the model validation scored, or the one a check
 * scored since): that model's averages set it. A refit that gives the sensor other inputs (another lag
 * set) or a much smaller residual scale makes those sigmas another unit: a lagless model's loose sigmas
 * judged by a lagged model's tight ones alarm on every warm-up the lagless one absorbed. So at such a
 * refit the threshold keeps the reference's deviation in the sensor's own units (never fewer sigmas
 * than the reference's), and it tightens only on evidence: the new model's largest averages over a
 * validation period of the rows that came after it, out of sample as validation's were, outside
 * anomalies. The model then checked becomes the reference.
 */
import type { ConditionParams } from './condition-params';
import { HOUR, type FittedModel, type SensorState } from './condition-types';
import type { SensorModel } from './normal-model';

/** A residual scale this many times smaller or larger is another model, even on the same inputs. */
export const SCALE_CHANGE = 1.5;

/** The regressors a sensor's model uses, as a bit mask of its non-zero coefficients. */
export function inputsOf(sm: SensorModel): number {
  let mask = 0;
  sm.coef.forEach((c, i) => {
    if (c !== 0) mask |= 1 << i;
  });
  return mask;
}

/** The old residual scale over the new one: the geometric mean over the bands both models judge (1 where none). */
export function scaleRatio(old: SensorModel, next: SensorModel): number {
  let logs = 0;
  let n = 0;
  for (let band = 0; band < old.sigma.length; band++) {
    const a = old.sigma[band];
    const b = next.sigma[band];
    if (a == null || b == null || !(a > 0) || !(b > 0)) continue;
    logs += Math.log(a / b);
    n++;
  }
  return n > 0 ? Math.exp(logs / n) : 1;
}

/**
 * How far a refit moved a sensor's sigmas (old over new) where it changed what the model is: its
 * inputs, or its residual scale by SCALE_CHANGE or more; null where the model is the same model refitted.
 */
export function modelChange(old: SensorModel | null | undefined, next: SensorModel | null | undefined): number | null {
  if (!old || !next || old === next) return null;
  const ratio = scaleRatio(old, next);
  if (inputsOf(old) !== inputsOf(next)) return ratio;
  return ratio >= SCALE_CHANGE || ratio <= 1 / SCALE_CHANGE ? ratio : null;
}

/** The model a sensor's thresholds were judged on (by validation or by a finished check), and those thresholds. */
export interface Reference {
  model: SensorModel | null;
  fastT: number;
  slowT: number;
}

/**
 * A sensor's thresholds for the model a refit gave it: the reference's where the model is the
 * reference's refitted, else the same deviations in the sensor's units, never fewer sigmas than the
 * reference's. Carried from the reference, not from the last refit, so that a model switching back and
 * forth between neighbouring lags does not ratchet its thresholds up. `open`: they are wider than the
 * reference's, and only a check may bring them back.
 */
export function carried(ref: Reference, next: SensorModel | null | undefined): { fastT: number; slowT: number; open: boolean } {
  const ratio = modelChange(ref.model, next);
  const factor = ratio === null ? 1 : Math.max(1, ratio);
  return { fastT: ref.fastT * factor, slowT: ref.slowT * factor, open: factor > 1 };
}

/** A sensor's out-of-sample check after its model changed: until when, and the largest averages seen so far (current sigmas). */
export interface Recheck {
  until: number;
  maxFast: number;
  maxSlow: number;
}

/** A check already open when the model is refitted again: its maxima move into the new model's sigmas. */
export function rescaled(open: Recheck, ratio: number): Recheck {
  return { until: open.until, maxFast: open.maxFast * ratio, maxSlow: open.maxSlow * ratio };
}

/**
 * The threshold a finished check allows: what the new model's own averages call for, never above the
 * carried one. On the reference's inputs it stays at least the reference's (the same model with a
 * smaller scale is judged no tighter than validation judged it); on other inputs the reference's
 * sigmas say nothing of the new model, and the floor is the only bound.
 */
export function checked(carriedT: number, refT: number | null, maxSeen: number, margin: number, floor: number): number {
  return Math.max(refT ?? floor, Math.min(carriedT, Math.max(floor, margin * maxSeen)));
}

/** The reference's thresholds as a finished check's lower bound: where the model kept the reference's inputs, else none. */
export function sameInputs(ref: SensorModel | null, current: SensorModel | null | undefined): boolean {
  return !ref || !current || inputsOf(ref) === inputsOf(current);
}

/** Thresholds just set by validation: each sensor's reference is the model they were judged on, and no check is open. */
export function judgedOn(sensors: readonly SensorState[], model: FittedModel): void {
  sensors.forEach((s, k) => {
    s.ref = { model: model.models[k] ?? null, fastT: model.fastT[k]!, slowT: model.slowT[k]! };
    s.recheck = null;
  });
}

/**
 * After a refit from `previous` to `next`: each sensor's thresholds carried over from its reference
 * model, and a check opened where they widened (one already open keeps going, its maxima moved into
 * the new sigmas). True when a threshold moved.
 */
export function carryThresholds(sensors: readonly SensorState[], previous: FittedModel, next: FittedModel, p: ConditionParams, ts: number): boolean {
  if (previous.slowT.length === 0) return false;
  let moved = false;
  const fastT = [...next.fastT];
  const slowT = [...next.slowT];
  sensors.forEach((s, k) => {
    if (previous.fastT[k] === undefined || previous.slowT[k] === undefined) return;
    // A model loaded from disk: its thresholds were judged on the model it was saved with.
    s.ref ??= { model: previous.models[k] ?? null, fastT: previous.fastT[k], slowT: previous.slowT[k] };
    const c = carried(s.ref, next.models[k]);
    fastT[k] = Math.max(p.fastFloor, c.fastT);
    slowT[k] = Math.max(p.slowFloor, c.slowT);
    moved ||= fastT[k] !== previous.fastT[k] || slowT[k] !== previous.slowT[k];
    if (!c.open) s.recheck = null;
    else if (!s.recheck) s.recheck = { until: ts + p.validateHours * HOUR, maxFast: 0, maxSlow: 0 };
    else {
      const before = previous.models[k];
      const after = next.models[k];
      s.recheck = rescaled(s.recheck, before && after ? scaleRatio(before, after) : 1);
    }
  });
  next.fastT = fastT;
  next.slowT = slowT;
  return moved;
}

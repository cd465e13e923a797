import { describe, expect, it } from 'vitest';
import { FEATURES, type SensorModel } from './normal-model';
import { carried, checked, modelChange, rescaled, sameInputs, scaleRatio, SCALE_CHANGE } from './threshold-transfer';

/** A sensor model on the regressors `inputs` (coefficient 1 each) with these sigmas per band. */
function sensor(inputs: number[], sigma: (number | null)[]): SensorModel {
  const coef = new Array<number>(FEATURES).fill(0);
  for (const i of inputs) coef[i] = 1;
  return { coef, sigma, level: 100 };
}

const LAGLESS = [0, 1, 2, 3];
const LAG_3_4 = [0, 10, 11, 12, 13];

describe('threshold transfer', () => {
  it('takes the geometric mean of old over new sigma over the bands both models judge', () => {
    const old = sensor(LAGLESS, [null, 12, 16, 20]);
    const next = sensor(LAG_3_4, [5, 3, 4, 5]);
    expect(scaleRatio(old, next)).toBeCloseTo(4, 10);
    expect(scaleRatio(sensor(LAGLESS, [1, null, null, null]), sensor(LAGLESS, [null, 1, 1, 1]))).toBe(1);
  });

  it('calls a refit a change of model when its inputs change or its sigmas move by the scale change', () => {
    const old = sensor(LAGLESS, [10, 10, 10, 10]);
    expect(modelChange(old, sensor(LAG_3_4, [10, 10, 10, 10]))).toBeCloseTo(1, 10);
    expect(modelChange(old, sensor(LAG_3_4, [2, 2, 2, 2]))).toBeCloseTo(5, 10);
    expect(modelChange(old, sensor(LAGLESS, [9, 9, 9, 9]))).toBeNull();
    expect(modelChange(old, sensor(LAGLESS, [10 / SCALE_CHANGE, 10 / SCALE_CHANGE, 10 / SCALE_CHANGE, 10 / SCALE_CHANGE]))).toBeCloseTo(SCALE_CHANGE, 10);
    expect(modelChange(old, sensor(LAGLESS, [20, 20, 20, 20]))).toBeCloseTo(0.5, 10);
  });

  it('does not call a model kept through a refit, or one missing on either side, a change', () => {
    const old = sensor(LAGLESS, [10, 10, 10, 10]);
    expect(modelChange(old, old)).toBeNull();
    expect(modelChange(null, old)).toBeNull();
    expect(modelChange(old, undefined)).toBeNull();
  });

  it('carries thresholds from the reference model: the same deviation in sensor units, never fewer sigmas, and the reference\u2019s own where the model is the reference\u2019s refitted', () => {
    const ref = { model: sensor(LAGLESS, [10, 10, 10, 10]), fastT: 3, slowT: 2 };
    expect(carried(ref, sensor(LAG_3_4, [2, 2, 2, 2]))).toEqual({ fastT: 15, slowT: 10, open: true });
    expect(carried(ref, sensor(LAGLESS, [20, 20, 20, 20]))).toEqual({ fastT: 3, slowT: 2, open: false });
    expect(carried(ref, sensor(LAGLESS, [9, 9, 9, 9]))).toEqual({ fastT: 3, slowT: 2, open: false });
  });

  it('does not ratchet thresholds up when a model switches between neighbouring lags and back', () => {
    const ref = { model: sensor(LAG_3_4, [3, 3, 3, 3]), fastT: 3, slowT: 2 };
    const other = carried(ref, sensor([0, 8, 9, 10, 11], [2.8, 2.8, 2.8, 2.8]));
    expect(other.slowT).toBeCloseTo(2 * (3 / 2.8), 10);
    expect(carried(ref, sensor(LAG_3_4, [3.1, 3.1, 3.1, 3.1])).slowT).toBe(2);
  });

  it('moves an open check\u2019s maxima into the new sigmas', () => {
    expect(rescaled({ until: 7, maxFast: 1, maxSlow: 0.5 }, 4)).toEqual({ until: 7, maxFast: 4, maxSlow: 2 });
  });

  it('lets a finished check tighten to what the new model\u2019s averages call for, within the carried threshold and the reference\u2019s', () => {
    expect(checked(10, 2, 1.8, 2, 1.5)).toBeCloseTo(3.6, 10);
    expect(checked(10, 2, 0.2, 2, 1.5)).toBe(2);
    expect(checked(10, 1, 0.2, 2, 1.5)).toBe(1.5);
    expect(checked(10, 2, 7, 2, 1.5)).toBe(10);
  });

  it('bounds a finished check by the reference\u2019s thresholds only where the model kept the reference\u2019s inputs', () => {
    const ref = sensor(LAGLESS, [10, 10, 10, 10]);
    expect(sameInputs(ref, sensor(LAGLESS, [2, 2, 2, 2]))).toBe(true);
    expect(sameInputs(ref, sensor(LAG_3_4, [2, 2, 2, 2]))).toBe(false);
    expect(sameInputs(null, sensor(LAG_3_4, [2, 2, 2, 2]))).toBe(true);
    expect(checked(10, null, 0.2, 2, 1.5)).toBe(1.5);
  });
});

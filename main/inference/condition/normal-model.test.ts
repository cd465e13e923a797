import { describe, expect, it } from 'vitest';
import { FEATURES, fitSensor, LAGS, regressors, SensorModelSchema, SensorSums, solve } from './normal-model';
import { noise } from './test-machine';

/** Rows of a load that steps every `every` rows between 0.5 and 1, with lagged averages of it. */
function* rows(n: number, every: number, tauRows: readonly number[]) {
  const lags = new Float64Array(LAGS);
  for (let i = 0; i < n; i++) {
    const u = Math.floor(i / every) % 2 ? 0.5 : 1;
    lags.forEach((l, k) => (lags[k] = l + (1 - Math.exp(-1 / tauRows[k]!)) * (u - l)));
    const phi = new Float64Array(FEATURES);
    regressors(phi, true, u, lags);
    yield { u, phi, lags: Float64Array.from(lags) };
  }
}

const TAUS = [36, 72, 144, 288, 576, 1152];

describe('normal model', () => {
  it('solves a small system', () => {
    const x = solve(Float64Array.from([2, 1, 1, 3]), Float64Array.from([3, 5]));
    expect([...x!].map((v) => Number(v.toFixed(6)))).toEqual([0.8, 1.4]);
    expect(solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 2]))).toBeNull();
  });

  it('fits a sensor that follows the load at once without lags, with its noise as sigma', () => {
    const sums = new SensorSums();
    const n = noise(3);
    for (const r of rows(20_000, 400, TAUS)) sums.add(r.u > 0.7 ? 3 : 1, r.phi, 2 + 18 * r.u + 0.2 * n());
    const m = fitSensor(sums, 100)!;
    // Two load levels leave u and u² interchangeable: the predictions are what is fitted.
    const predict = (u: number) => m.coef[0]! + m.coef[1]! + m.coef[2]! * u + m.coef[3]! * u * u;
    expect(predict(0.5)).toBeCloseTo(11, 1);
    expect(predict(1)).toBeCloseTo(20, 1);
    expect(m.coef.slice(4).every((c) => c === 0)).toBe(true);
    expect(m.sigma[1]!).toBeCloseTo(0.2, 1);
    expect(m.sigma[3]!).toBeCloseTo(0.2, 1);
    expect(m.sigma[0]).toBeNull();
  });

  it('fits a lagged sensor (a temperature) through a lag near its time constant', () => {
    const sums = new SensorSums();
    const n = noise(4);
    let temperature = 60;
    for (const r of rows(20_000, 400, TAUS)) {
      temperature += (1 - Math.exp(-1 / 150)) * (20 + 40 * r.u - temperature);
      sums.add(r.u > 0.7 ? 3 : 1, r.phi, temperature + 0.2 * n());
    }
    const m = fitSensor(sums, 100)!;
    expect(m.coef[2]).toBe(0);
    expect(m.coef.slice(4).some((c) => c !== 0)).toBe(true);
    expect(m.sigma[3]!).toBeLessThan(1);
  });

  it('keeps the range of levels each lag was fitted on', () => {
    const sums = new SensorSums();
    const n = noise(6);
    // The first rows are left out: the helper's lags start at zero and rise for hours.
    let i = 0;
    for (const r of rows(25_000, 400, TAUS)) if (i++ >= 5_000) sums.add(r.u > 0.7 ? 3 : 1, r.phi, 2 + 18 * r.u + 0.2 * n());
    const range = fitSensor(sums, 100)!.lagRange!;
    // The slowest lag averages the steps out: it never stood at the lower load, nor at the higher.
    const slowest = 2 * (LAGS - 1);
    expect(range[slowest]!).toBeGreaterThan(0.5);
    expect(range[slowest]!).toBeLessThan(0.75);
    expect(range[slowest + 1]!).toBeGreaterThan(0.75);
    expect(range[slowest + 1]!).toBeLessThan(1);
    // The fastest follows every step: its range spans both loads.
    expect(range[0]!).toBeLessThan(0.5);
    expect(range[1]!).toBeGreaterThan(1);
  });

  it('refuses a saved lag range that runs from high to low, so that its machine learns again instead of never judging', () => {
    const sums = new SensorSums();
    for (const r of rows(2_000, 400, TAUS)) sums.add(1, r.phi, 2 + 18 * r.u);
    const fitted = fitSensor(sums, 100)!;
    expect(SensorModelSchema.safeParse(fitted).success).toBe(true);
    const reversed = [...fitted.lagRange!];
    [reversed[0], reversed[1]] = [reversed[1]!, reversed[0]!];
    const parsed = SensorModelSchema.safeParse({ ...fitted, lagRange: reversed });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('each lag range runs from low to high');
  });

  it('forgets by scaling its sums, and needs rows before it fits', () => {
    const sums = new SensorSums();
    expect(fitSensor(sums, 10)).toBeNull();
    for (const r of rows(100, 50, TAUS)) sums.add(3, r.phi, 5);
    const before = sums.count(3);
    sums.scale(0.5);
    expect(sums.count(3)).toBeCloseTo(before / 2);
  });

  it('tells a counter from a measurement', () => {
    const sums = new SensorSums();
    sums.increases = 50;
    expect(sums.isCounter).toBe(true);
    sums.decreases = 1;
    expect(sums.isCounter).toBe(false);
  });

  it('forgets a band the machine no longer runs in only down to the kept rows, and weighs it less in the fit than fresh rows', () => {
    const sums = new SensorSums();
    const n = noise(5);
    // Learned at both loads; later only full load is seen, and the machine's level drifts up by 1.
    for (const r of rows(20_000, 400, TAUS)) sums.add(r.u > 0.7 ? 3 : 1, r.phi, 2 + 18 * r.u + 0.2 * n());
    for (let refit = 0; refit < 40; refit++) {
      sums.scale(0.85, 500);
      for (const r of rows(800, 10_000, TAUS)) sums.add(3, r.phi, 3 + 18 * r.u + 0.2 * n());
    }
    expect(sums.count(1)).toBeCloseTo(500, 6);
    expect(sums.weight(1)).toBeLessThan(0.2);
    expect(sums.weight(3)).toBe(1);
    const m = fitSensor(sums, 100)!;
    // The stale band stays judged.
    expect(m.sigma[1]).not.toBeNull();
    // The fit follows where the machine runs now.
    const phi = [...rows(1, 10_000, TAUS)][0]!.phi;
    const pred = m.coef.reduce((a, c, i) => a + c * phi[i]!, 0);
    expect(pred).toBeCloseTo(21, 0);
  });
});

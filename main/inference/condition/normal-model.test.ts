import { describe, expect, it } from 'vitest';
import { FEATURES, fitSensor, fromSaved, LAGS, regressors, SensorModelSchema, SensorSums, solve } from './normal-model';
import { noise } from './test-machine';

/**
 * Rows of a load that steps every `every` rows through `levels` in turn (0: off), with lagged averages
 * of it (from zero, as the monitor's) and of the powered share (from the first row's, as the monitor's).
 */
function* rows(n: number, every: number, tauRows: readonly number[], levels: readonly number[] = [1, 0.5]) {
  const lags = new Float64Array(LAGS);
  const powered = new Float64Array(LAGS).fill(levels[0]! > 0 ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const u = levels[Math.floor(i / every) % levels.length]!;
    const on = u > 0 ? 1 : 0;
    lags.forEach((l, k) => (lags[k] = l + (1 - Math.exp(-1 / tauRows[k]!)) * (u - l)));
    powered.forEach((l, k) => (powered[k] = l + (1 - Math.exp(-1 / tauRows[k]!)) * (on - l)));
    const phi = new Float64Array(FEATURES);
    regressors(phi, true, u, lags, powered);
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
    let i = 0;
    for (const r of rows(25_000, 400, TAUS)) {
      temperature += (1 - Math.exp(-1 / 150)) * (20 + 40 * r.u - temperature);
      // The first rows are left out: the helper's lags start at zero and rise for hours.
      if (i++ >= 5_000) sums.add(r.u > 0.7 ? 3 : 1, r.phi, temperature + 0.2 * n());
    }
    const m = fitSensor(sums, 100)!;
    expect(m.coef[2]).toBe(0);
    expect(m.coef.slice(4).some((c) => c !== 0)).toBe(true);
    expect(m.sigma[3]!).toBeLessThan(1);
  });

  it('fits a machine with standby heat through its warm-ups from off and its load steps, one lag for both', () => {
    const sums = new SensorSums();
    const n = noise(7);
    // A molder: its heaters hold it 150 K over the hall while powered, the work adds up to 60 K more.
    const heatAt = (u: number) => 20 + (u > 0 ? 150 + 60 * u : 0);
    let temperature = heatAt(0.2);
    let i = 0;
    for (const r of rows(30_000, 700, TAUS, [0.2, 1, 0.6, 0, 0.2, 0.8])) {
      temperature += (1 - Math.exp(-1 / 144)) * (heatAt(r.u) - temperature);
      // Off rows are not learned, as in the monitor; the first rows neither, while the load's lags rise from zero.
      if (i++ >= 5_000 && r.u > 0) sums.add(r.u > 0.7 ? 3 : r.u > 0.3 ? 1 : 0, r.phi, temperature + 0.2 * n());
    }
    const m = fitSensor(sums, 100)!;
    expect(m.coef[2]).toBe(0);
    // Through the warm-up after each stop (idle band) as well as the load steps: the noise, no more.
    expect(m.sigma[0]!).toBeLessThan(0.3);
    expect(m.sigma[1]!).toBeLessThan(0.3);
    expect(m.sigma[3]!).toBeLessThan(0.3);
    expect(m.coef[4 + 2 * 2]).toBeCloseTo(60, 0);
    expect(m.coef[5 + 2 * 2]).toBeCloseTo(150, 0);
    // The powered share's range spans the warm-ups it saw.
    expect(m.poweredRange![2 * 2]!).toBeLessThan(0.8);
    expect(m.poweredRange![2 * 2 + 1]!).toBeGreaterThan(1);
  });

  it('rescales what it learned when the load\u2019s top grows: rows read on the old top fit as if read on the new one', () => {
    const direct = new SensorSums();
    const rescaled = new SensorSums();
    const n = noise(9);
    let temperature = 60;
    // The old top was 0.8 of the new one, so each share read on it was 1.25 times the share on the new.
    const old = 1 / 0.8;
    for (const r of rows(12_000, 400, TAUS, [1, 0.5, 0, 0.7])) {
      temperature += (1 - Math.exp(-1 / 150)) * (20 + (r.u > 0 ? 20 + 40 * r.u : 0) - temperature);
      if (r.u === 0) continue;
      const y = temperature + 0.2 * n();
      const band = r.u > 0.7 ? 3 : 1;
      direct.add(band, r.phi, y);
      const read = Float64Array.from(r.phi);
      read[2]! *= old;
      read[3]! *= old * old;
      for (let i = 0; i < LAGS; i++) read[4 + 2 * i]! *= old;
      rescaled.add(band, read, y);
    }
    rescaled.rescaleShares(0.8);
    const a = fitSensor(direct, 100)!;
    const b = fitSensor(rescaled, 100)!;
    b.coef.forEach((c, i) => expect(c).toBeCloseTo(a.coef[i]!, 6));
    b.sigma.forEach((v, band) => expect(v ?? 0).toBeCloseTo(a.sigma[band] ?? 0, 6));
    b.lagRange!.forEach((v, i) => expect(v).toBeCloseTo(a.lagRange![i]!, 6));
  });

  it('neither fits nor judges at idle a value that holds its last reading while its machine idles', () => {
    const held = new SensorSums();
    const running = new SensorSums();
    const n = noise(11);
    let last = 32;
    for (const r of rows(8_000, 400, TAUS, [1, 0.5, 0.2, 0.8])) {
      const idle = r.u === 0.2;
      if (!idle) last = 34 - 4 * r.u + 0.1 * n();
      const phi = Float64Array.from(r.phi);
      phi[1] = idle ? 0 : 1;
      held.idleReadings += idle ? 1 : 0;
      held.idleRepeats += idle ? 1 : 0;
      held.add(idle ? 0 : r.u > 0.7 ? 3 : 1, phi, last);
      if (!idle) running.add(r.u > 0.7 ? 3 : 1, phi, last);
    }
    expect(held.holdsWhileIdle).toBe(true);
    const m = fitSensor(held, 100)!;
    const without = fitSensor(running, 100)!;
    expect(m.sigma[0]).toBeNull();
    m.coef.forEach((c, i) => expect(c).toBeCloseTo(without.coef[i]!, 6));
    expect(m.sigma[3]!).toBeLessThan(0.15);
    // A value that moves while idle is fitted there as everywhere.
    const moving = new SensorSums();
    moving.idleReadings = 1_000;
    moving.idleRepeats = 200;
    expect(moving.holdsWhileIdle).toBe(false);
  });

  it('keeps the direct sensors of a model saved before the powered share was an input, and drops its lagged ones', () => {
    const sums = new SensorSums();
    for (const r of rows(2_000, 400, TAUS)) sums.add(1, r.phi, 2 + 18 * r.u);
    const direct = fitSensor(sums, 100)!;
    const lagged = { ...direct, coef: direct.coef.map((c, i) => (i === 8 ? 30 : i === 9 ? -5 : c)) };
    const { poweredRange: _, ...oldLagged } = lagged;
    const { poweredRange: __, ...oldDirect } = direct;
    expect(fromSaved(lagged)).toBe(lagged);
    expect(fromSaved(SensorModelSchema.parse(oldLagged))).toBeNull();
    expect(fromSaved(SensorModelSchema.parse(oldDirect))).toEqual(oldDirect);
    expect(fromSaved(null)).toBeNull();
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

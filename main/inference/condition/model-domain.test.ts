import { describe, expect, it } from 'vitest';
import type { FittedModel } from './condition-types';
import { emptyLoadSeen, inDomain, loadLearned, transientHeadroom } from './model-domain';
import { FEATURES, LAGS, regressors } from './normal-model';

/** Sensor 0 follows the load at once; sensor 1 through the 12-minute lag (index 2). */
const model = (loadSeen?: number[]): FittedModel => {
  const lagged = new Array<number>(FEATURES).fill(0);
  lagged[0] = 20;
  lagged[4 + 2 * 2] = 60;
  const direct = new Array<number>(FEATURES).fill(0);
  direct[0] = 1;
  direct[2] = 10;
  return {
    version: 1,
    fittedAt: 0,
    sensors: ['power', 'temperature'],
    models: [
      { coef: direct, sigma: [null, 1, 1, 1], level: 10 },
      { coef: lagged, sigma: [null, 1, 1, 1], level: 60 },
    ],
    loadMax: 20,
    powerMax: 20,
    fastT: [3, 3],
    slowT: [1.5, 1.5],
    longestRun: [2, 3],
    lagSpread: [0.4, 0.4, 0.3, 0.4, 0.4, 0.4],
    ...(loadSeen ? { loadSeen } : {}),
    signals: { load: 'power', power: 'power', from: 'name' },
  };
};

const phiAt = (u: number, lagged: number, powered = 1) => {
  const phi = new Float64Array(FEATURES);
  regressors(phi, true, u, new Float64Array(LAGS).fill(lagged), new Float64Array(LAGS).fill(powered));
  return phi;
};

describe('model domain', () => {
  it('judges a load only within the range its band learned, and every load for a model saved before ranges were kept', () => {
    const seen = Array.from(emptyLoadSeen());
    seen[2 * 2] = 0.6;
    seen[2 * 2 + 1] = 0.8;
    expect(loadLearned(model(seen), 2, 0.7)).toBe(true);
    expect(loadLearned(model(seen), 2, 0.84)).toBe(true);
    expect(loadLearned(model(seen), 2, 0.9)).toBe(false);
    expect(loadLearned(model(seen), 3, 0.95)).toBe(false);
    expect(loadLearned(model(), 3, 0.95)).toBe(true);
    expect(loadLearned(null, 1, 0.5)).toBe(true);
  });

  it('judges a lagged sensor only near equilibrium and never further from it than learning was; a direct one always', () => {
    const m = model();
    expect(inDomain(m, 1, phiAt(0.8, 0.75))).toBe(true);
    // Warming up: the lag is 0.2 behind, inside the learned spread but not warm.
    expect(inDomain(m, 1, phiAt(0.8, 0.6))).toBe(false);
    // A cold start never seen while learning: outside the spread.
    expect(inDomain(m, 1, phiAt(0.9, 0.2))).toBe(false);
    expect(inDomain(m, 0, phiAt(0.9, 0.2))).toBe(true);
    expect(inDomain(null, 0, phiAt(0.5, 0.5))).toBe(false);
  });

  it('judges a lagged sensor only at lag levels its fit saw, at equilibrium too; a direct one and a model saved before ranges were kept everywhere', () => {
    const m = model();
    m.models[0] = { ...m.models[0]!, lagRange: new Array<number>(2 * LAGS).fill(0.7).map((v, i) => (i % 2 ? 1 : v)) };
    m.models[1] = { ...m.models[1]!, lagRange: new Array<number>(2 * LAGS).fill(0.7).map((v, i) => (i % 2 ? 1 : v)) };
    expect(inDomain(m, 1, phiAt(0.8, 0.8))).toBe(true);
    // Steady at a load whose lagged level the fit never saw: a quadratic in the lag would extrapolate.
    expect(inDomain(m, 1, phiAt(0.6, 0.6))).toBe(false);
    expect(inDomain(m, 0, phiAt(0.6, 0.6))).toBe(true);
    expect(inDomain(model(), 1, phiAt(0.6, 0.6))).toBe(true);
  });

  it("gives a temperature's transient the headroom of the hottest state its lags remember, and none at equilibrium", () => {
    const m = model();
    // Sensor 1 reads 20 + 60·(lagged load): at equilibrium the model stands.
    expect(transientHeadroom(m, 1, phiAt(0.8, 0.8))).toBeCloseTo(0, 12);
    // Warming up to 0.8 with the lag at 0.3: it may read as high as it will once warm.
    expect(transientHeadroom(m, 1, phiAt(0.8, 0.3))).toBeCloseTo(60 * 0.5, 9);
    // Cooling from a full load to 0.4: the lag is hotter than the load, and the model reads that lag already.
    expect(transientHeadroom(m, 1, phiAt(0.4, 0.9))).toBeCloseTo(0, 9);
    // Lags apart: every lag may stand at the hottest remembered level (0.9 here, the other lags).
    const phi = phiAt(0.4, 0.9);
    phi[4 + 2 * 2] = 0.5;
    expect(transientHeadroom(m, 1, phi)).toBeCloseTo(60 * 0.4, 9);
    // Standby heat: 15 K once powered, its lag at 0.2 after a stop; the running machine will be fully powered.
    const heated = model();
    heated.models[1]!.coef[5 + 2 * 2] = 15;
    expect(transientHeadroom(heated, 1, phiAt(0.8, 0.8, 0.2))).toBeCloseTo(15 * 0.8, 9);
    // A term that falls with load takes its highest value at the low end; the instant load's quadratic peaks at its vertex.
    const falling = model();
    falling.models[1]!.coef[4 + 2 * 2] = -60;
    expect(transientHeadroom(falling, 1, phiAt(0.8, 0.3))).toBeCloseTo(0, 9);
    const peaked = model();
    peaked.models[1]!.coef[2] = 2;
    peaked.models[1]!.coef[3] = -2;
    // 2u − 2u² peaks at u = 0.5 with 0.5; at the load now, 0.9, it is 0.18; the lag remembers 0.2.
    expect(transientHeadroom(peaked, 1, phiAt(0.9, 0.2))).toBeCloseTo(0.5 - 0.18 + 60 * 0.7, 9);
    expect(transientHeadroom({ ...m, models: [] }, 1, phiAt(0.5, 0.5))).toBe(Number.POSITIVE_INFINITY);
  });

  it('judges a lagged sensor that weighs its powered share only at powered levels its fit saw', () => {
    const m = model();
    const coef = [...m.models[1]!.coef];
    coef[5 + 2 * 2] = 150;
    // Learned through warm-ups that took the 12-minute powered lag no lower than 0.8.
    const poweredRange = new Array<number>(2 * LAGS).fill(0.8).map((v, i) => (i % 2 ? 1.02 : v));
    m.models[1] = { ...m.models[1]!, coef, poweredRange };
    expect(inDomain(m, 1, phiAt(0.8, 0.8, 1))).toBe(true);
    expect(inDomain(m, 1, phiAt(0.8, 0.8, 0.85))).toBe(true);
    // Back at its load after a longer stop than any it learned: the load's lag caught up, the heaters' not.
    expect(inDomain(m, 1, phiAt(0.8, 0.8, 0.6))).toBe(false);
    expect(inDomain(m, 0, phiAt(0.8, 0.8, 0.6))).toBe(true);
    // A fit that gave the powered share no weight (a machine that never stopped) does not depend on it.
    m.models[1] = { ...m.models[1]!, coef: m.models[1]!.coef.map((c, i) => (i === 5 + 2 * 2 ? 0 : c)), poweredRange: new Array<number>(2 * LAGS).fill(1) };
    expect(inDomain(m, 1, phiAt(0.8, 0.8, 0.6))).toBe(true);
  });
});

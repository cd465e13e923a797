import { describe, expect, it } from 'vitest';
import { Moments } from './moments';

const of = (points: [number, number][]) => {
  const m = new Moments();
  for (const [x, y] of points) m.add(x, y);
  return m;
};

/** The textbook two-pass figures, for comparison. */
function twoPass(points: [number, number][]) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return { mx, my, varX: sxx / n, varY: syy / n, slope: sxy / sxx, residual: (syy - (sxy * sxy) / sxx) / n };
}

describe('Moments', () => {
  it('gives the two-pass mean, variance, slope and residual variance', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const points = Array.from({ length: 500 }, (_, i): [number, number] => [i * 0.5 + rand(), 3 - 0.2 * i + 5 * rand()]);
    const m = of(points);
    const want = twoPass(points);
    expect(m.n).toBe(500);
    expect(m.meanX).toBeCloseTo(want.mx, 9);
    expect(m.meanY).toBeCloseTo(want.my, 9);
    expect(m.varianceX()).toBeCloseTo(want.varX, 6);
    expect(m.varianceY()).toBeCloseTo(want.varY, 6);
    expect(m.slope()).toBeCloseTo(want.slope, 9);
    expect(m.residualVariance()).toBeCloseTo(want.residual, 6);
  });

  it('recovers an exact line: no residual, and its value anywhere', () => {
    const m = of([0, 1, 2, 3, 4].map((x) => [x, 5 + 2 * x]));
    expect(m.slope()).toBeCloseTo(2, 12);
    expect(m.at(10)).toBeCloseTo(25, 10);
    expect(m.residualVariance()).toBeCloseTo(0, 10);
  });

  it('keeps the low digits of values far from zero, where raw sums of squares lose them', () => {
    // Epoch-millisecond times with a spread of a few ms: the raw sum of squares is ~1e27.
    const points: [number, number][] = [0, 1, 2, 3].map((k) => [1.7e12 + k, 1e6 + (k % 2)]);
    const m = of(points);
    expect(m.varianceX()).toBeCloseTo(1.25, 9);
    expect(m.varianceY()).toBeCloseTo(0.25, 9);
    const n = points.length;
    const raw = points.reduce((s, [x]) => s + x * x, 0) / n - (points.reduce((s, [x]) => s + x, 0) / n) ** 2;
    expect(Math.abs(raw - 1.25)).toBeGreaterThan(1);
  });

  it('takes a flat x as no line: slope 0, the mean at every x, all of y unexplained', () => {
    const m = of([
      [3, 1],
      [3, 2],
      [3, 6],
    ]);
    expect(m.spreadX).toBe(0);
    expect(m.slope()).toBe(0);
    expect(m.at(100)).toBe(m.meanY);
    expect(m.residualVariance()).toBeCloseTo(m.varianceY(), 12);
    expect(m.varianceY()).toBeCloseTo(14 / 3, 12);
  });

  it('ignores a spread of x at or below the floor it is given', () => {
    const m = of([
      [0, 0],
      [1e-6, 1],
    ]);
    expect(m.slope()).toBeGreaterThan(0);
    expect(m.slope(1e-9)).toBe(0);
  });

  it('reads as zeros while empty', () => {
    const m = new Moments();
    expect([m.n, m.varianceX(), m.varianceY(), m.slope(), m.residualVariance()]).toEqual([0, 0, 0, 0, 0]);
  });
});

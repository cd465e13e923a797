import { describe, expect, it } from 'vitest';
import { DegradationTrend, healthOf, normalCdf, severity } from './degradation';

const H = 3_600_000;

describe('degradation', () => {
  it('costs no health inside the normal envelope, then by each kind of sensor\u2019s failure level', () => {
    // Vibration: 4x its expected level is the failure level; rises only.
    expect(severity('vibration', 0.1, 2, 2, 0.05)).toBe(0);
    expect(severity('vibration', 6.1, 2, 2, 0.05)).toBeCloseTo(1, 1);
    expect(severity('vibration', -1, 2, 2, 0.05)).toBe(0);
    // Temperature: 20 K above expected is the failure level; 10 K beyond the envelope is half of it.
    expect(severity('temperature', 10 + 2, 60, 2, 1)).toBeCloseTo(0.5);
    // Pressure: 40 % away, either way.
    expect(severity('pressure', -2.4 - 0.1, 6, 1, 0.1)).toBeCloseTo(1);
    expect(healthOf(0.3)).toBe(70);
    expect(healthOf(2)).toBe(0);
  });

  it('gives a remaining life only for a significant rising trend, with a band that holds the truth', () => {
    const trend = new DegradationTrend(720);
    for (let m = 0; m < 60; m++) trend.push(m * 60_000, 0.01);
    expect(trend.prognosis(24, 4, 20)).toMatchObject({ rul: null, detail: 'no degradation trend' });
    // Severity rising 0.1 an hour from 1 h on: failure level at 11 h.
    for (let m = 60; m < 300; m++) trend.push(m * 60_000, 0.1 * (m / 60 - 1) + 0.005 * Math.sin(m));
    const p = trend.prognosis(24, 4, 20);
    const truth = 11 - 299 / 60;
    expect(p.rul!.hours).toBeCloseTo(truth, 0);
    expect(p.rul!.low).toBeLessThanOrEqual(truth + 0.1);
    expect(p.rul!.high).toBeGreaterThanOrEqual(truth - 0.1);
    expect(p.failureProbability).toBeGreaterThan(0.99);
    expect(trend.prognosis(2, 4, 20).failureProbability).toBeLessThan(0.01);
    trend.push(301 * 60_000, 1.2);
    expect(trend.prognosis(24, 4, 20)).toMatchObject({ rul: { hours: 0 }, failureProbability: 1, detail: 'at the failure level' });
  });

  it('computes the normal distribution function', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.2816)).toBeCloseTo(0.9, 3);
    expect(normalCdf(-3)).toBeCloseTo(0.00135, 4);
    expect(H).toBe(3_600_000);
  });
});

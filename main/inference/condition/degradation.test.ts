import { describe, expect, it } from 'vitest';
import { DegradationTrend, deviationShare, healthOf, normalCdf, severity } from './degradation';

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

  it('measures the deviation share without the envelope, so wear shows before health falls', () => {
    // Vibration 1.5x its expected level: half of the way to 4x is 0.5 / 3 of the failure level.
    expect(deviationShare('vibration', 1, 2, 2, 0.05)).toBeCloseTo(1 / 6);
    expect(severity('vibration', 1, 2, 2, 0.05)).toBeCloseTo(0.9 / 6);
    // A vibration below its model stays below: the trend reads the wear from the machine's own level.
    expect(deviationShare('vibration', -1, 2, 2, 0.05)).toBeCloseTo(-1 / 6);
    expect(deviationShare('temperature', 10, 60, 2, 1)).toBeCloseTo(0.5);
  });

  it('extrapolates wear from where it began, not from where health started to fall', () => {
    // 10 h as learned, then a share rising linearly to the failure level over 20 h; the shares are
    // smoothed noise, and health (severity) only falls once the share passes an envelope of 0.1.
    const trend = new DegradationTrend(720);
    let noise = 0;
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const knee = 10 * 60;
    const failure = knee + 20 * 60;
    let p = trend.prognosis(24, 4, 60);
    let at = -1;
    for (let m = 0; m < failure; m++) {
      noise += 0.1 * (0.05 * rand() - noise);
      const share = Math.max(0, (m - knee) / (failure - knee)) + noise;
      trend.push(m * 60_000, Math.max(0, share - 0.1), [share], 0);
      p = trend.prognosis(24, 4, 60);
      // The first remaining life the room sees, when health first falls.
      if (p.rul !== null) {
        at = m;
        break;
      }
    }
    expect(p.rul).not.toBeNull();
    const truth = (failure - at) / 60;
    expect(at).toBeGreaterThan(knee);
    expect(at).toBeLessThan(knee + 0.3 * 20 * 60);
    expect(Math.abs(p.rul!.hours - truth) / truth).toBeLessThan(0.3);
    expect(p.rul!.low).toBeLessThanOrEqual(truth);
    expect(p.rul!.high).toBeGreaterThanOrEqual(truth);
  });

  it('puts a vibration’s failure at four times the level it ran at below its model, not the model’s', () => {
    // Wear from 2 h on takes the machine to 4x its own level at 22 h; `model` is the model's reading
    // of the healthy machine.
    const run = (ratio: boolean, model: number) => {
      const trend = new DegradationTrend(720);
      if (ratio) trend.markRatio(0);
      for (let m = 0; m <= 8 * 60; m++) {
        const worn = 1 + (3 * Math.max(0, m - 120)) / (20 * 60);
        const share = (worn / model - 1) / 3;
        trend.push(m * 60_000, Math.max(0, share - 0.05), [share], 0);
      }
      return trend.prognosis(24, 4, 60).rul!.hours;
    };
    expect(run(true, 1.15)).toBeCloseTo(14, 1);
    // Read against the model's level, the failure comes hours late.
    expect(run(false, 1.15)).toBeGreaterThan(14 * 1.2);
    // A level above the model may be wear already under way (a model learned on it): the failure
    // stays at four times the model's level.
    expect(run(true, 0.9)).toBeCloseTo(run(false, 0.9), 6);
  });

  it('gives each load band seen before the wear its own flat level, so a move between bands is not read as wear', () => {
    // The model reads the healthy machine 0.06 high in band 2 and true in band 1; the machine runs
    // an hour in each, by turns. Wear from 10 h on reaches the failure level at 30 h.
    const run = (bands: boolean, last: (m: number) => number) => {
      const trend = new DegradationTrend(720);
      const now = 13 * 60;
      for (let m = 0; m <= now; m++) {
        const band = m > now - 90 ? last(m) : 1 + (Math.floor(m / 60) % 2);
        const share = Math.max(0, (m - 600) / 1200) + (band === 2 ? 0.06 : 0);
        trend.push(m * 60_000, Math.max(0, share - 0.05), [share], 0, bands ? band : 0);
      }
      return trend.prognosis(24, 4, 60).rul!.hours;
    };
    // The last 90 minutes in band 2, where the share reaches 1 at 10 + 0.94 × 20 h: one level for
    // both bands reads the step as wear.
    const truth = 10 + 0.94 * 20 - 13;
    expect(Math.abs(run(true, () => 2) - truth) / truth).toBeLessThan(0.02);
    expect(Math.abs(run(false, () => 2) - truth) / truth).toBeGreaterThan(0.2);
    // A band first seen after the knee has no level of its own: it shares the others' (their mean, 0.03).
    expect(Math.abs(run(true, () => 3) - 17) / 17).toBeLessThan(0.1);
  });

  it('gives no remaining life while health has not left the envelope, however the share moves', () => {
    const trend = new DegradationTrend(720);
    for (let m = 0; m < 300; m++) trend.push(m * 60_000, 0, [0.01 * (m / 60)], 0);
    expect(trend.prognosis(24, 4, 60)).toMatchObject({ rul: null, detail: 'no degradation trend' });
  });

  it('computes the normal distribution function', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.2816)).toBeCloseTo(0.9, 3);
    expect(normalCdf(-3)).toBeCloseTo(0.00135, 4);
    expect(H).toBe(3_600_000);
  });
});

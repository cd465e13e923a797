import { describe, expect, it } from 'vitest';
import { Ambient, NOMINAL_AMBIENT_C } from './ambient';

const MON = Date.parse('2024-03-04T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const dailyMean = (a: Ambient, day: number) => {
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += a.plantAt(MON + day * DAY + h * HOUR);
  return sum / 24;
};

describe('Ambient', () => {
  it('swings about ±3 K over the day, warmest in the afternoon', () => {
    const a = new Ambient(1);
    for (let day = 0; day < 7; day++) {
      const at = (h: number) => a.plantAt(MON + day * DAY + h * HOUR);
      const swing = at(15) - at(3);
      expect(swing).toBeGreaterThan(4.5);
      expect(swing).toBeLessThan(7.5);
    }
  });

  it('drifts by a few K over a week and differs from seed to seed', () => {
    const a = new Ambient(1);
    const means = Array.from({ length: 14 }, (_, d) => dailyMean(a, d));
    const range = Math.max(...means) - Math.min(...means);
    expect(range).toBeGreaterThan(1.5);
    expect(range).toBeLessThan(7);
    for (const m of means) expect(Math.abs(m - NOMINAL_AMBIENT_C)).toBeLessThan(4);
    expect(dailyMean(new Ambient(2), 0)).not.toBeCloseTo(means[0] ?? 0, 3);
  });

  it('offsets each area by a small fixed amount on top of the plant air', () => {
    const a = new Ambient(3);
    const offsets = ['machining', 'fluids', 'air', 'forming', 'packaging', 'molding'].map((area) => a.at(MON, area) - a.plantAt(MON));
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(1.5);
    expect(new Set(offsets.map((o) => o.toFixed(3))).size).toBe(6);
    expect(a.at(MON + 5 * HOUR, 'air') - a.plantAt(MON + 5 * HOUR)).toBeCloseTo(offsets[2] ?? Number.NaN, 9);
  });

  it('follows the plant-local day', () => {
    expect(new Ambient(4, 120).plantAt(MON + 13 * HOUR)).toBeCloseTo(new Ambient(4, 0).plantAt(MON + 15 * HOUR), 0);
  });
});

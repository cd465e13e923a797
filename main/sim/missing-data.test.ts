import { describe, expect, it } from 'vitest';
import { MissingData } from './missing-data';

const T0 = Date.parse('2024-03-04T00:00:00Z');
const reading = () => ({ temperature: 40, vibration: 1, pressure: 6, power: 10 });

function deliver(m: MissingData, count: number, stepMs: number) {
  const out: (Record<string, number> | null)[] = [];
  for (let k = 0; k < count; k++) out.push(m.deliver(T0 + k * stepMs, reading()));
  return out;
}

describe('MissingData', () => {
  it('loses about 0.5% of readings and drops one metric from about 0.1%', () => {
    const out = deliver(new MissingData(1, 'M001', { gapsPerDay: 0 }), 200_000, 1000);
    const lost = out.filter((r) => r === null).length / out.length;
    const partial = out.filter((r) => r !== null && Object.keys(r).length === 3).length / out.length;
    expect(lost).toBeGreaterThan(0.004);
    expect(lost).toBeLessThan(0.006);
    expect(partial).toBeGreaterThan(0.0007);
    expect(partial).toBeLessThan(0.0013);
    expect(out.every((r) => r === null || Object.keys(r).length >= 3)).toBe(true);
  });

  it('has short outages of a few seconds, at the same instants whatever the step', () => {
    const silent = (stepMs: number) => {
      const m = new MissingData(2, 'M001', { lostRate: 0, absentMetricRate: 0, gapsPerDay: 4, gapMs: [3_000, 8_000] });
      const out = new Set<number>();
      for (let ts = T0; ts < T0 + 5 * 86_400_000; ts += stepMs) if (m.deliver(ts, reading()) === null) out.add(ts);
      return out;
    };
    const fine = silent(1000);
    // 20 outages of 3-8 s expected at 1 Hz.
    expect(fine.size).toBeGreaterThan(40);
    expect(fine.size).toBeLessThan(250);
    const runs = [...fine].sort((a, b) => a - b).reduce((n, ts, i, all) => n + (i === 0 || ts - (all[i - 1] ?? 0) > 1000 ? 1 : 0), 0);
    expect(runs).toBeGreaterThan(8);
    for (const ts of silent(2000)) expect(fine.has(ts)).toBe(true);
  });

  it('delivers everything when all rates are zero', () => {
    expect(deliver(new MissingData(3, 'M001', { lostRate: 0, absentMetricRate: 0, gapsPerDay: 0 }), 10_000, 1000).every((r) => r !== null && Object.keys(r).length === 4)).toBe(true);
  });
});

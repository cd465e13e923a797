import { describe, expect, it } from 'vitest';
import { KpiAccumulator } from './kpi-accumulator';

const H = 3_600_000;
const reading = (ts: number, metrics: Record<string, number>) => ({ machineId: 'm1', ts, metrics, receivedAt: ts });

describe('hourly KPI accumulator', () => {
  it('integrates power into kWh in event time, counts production and rejects, and skips long gaps', () => {
    const acc = new KpiAccumulator({ maxGapMs: 5 * 60_000 });
    // 10 kW for the first half hour, then a 20-minute gap (not integrated), then 20 kW
    for (let t = 0; t <= 30 * 60_000; t += 60_000) acc.add(reading(t, { power: 10, parts_total: 100 + t / 60_000, parts_rejected: 5 }));
    for (let t = 50 * 60_000; t < H; t += 60_000) acc.add(reading(t, { power: 20, parts_total: 200, parts_rejected: 6 }));
    expect(acc.close(H)).toEqual([]);
    const [hour] = acc.close(H + 2 * 60_000);
    expect(hour!.kwh).toBeCloseTo(10 * 0.5 + 20 * (9 / 60));
    expect(hour!.observedMs).toBe(30 * 60_000 + 9 * 60_000);
    expect(hour!.production).toBe(100);
    expect(hour!.parts).toBe(100);
    expect(hour!.rejected).toBe(1);
    expect(acc.history('m1')).toHaveLength(1);
  });

  it('ignores out-of-order readings and counter resets, and uses volume counters as production', () => {
    const acc = new KpiAccumulator();
    acc.add(reading(0, { power: 5, volume_total: 1000 }));
    acc.add(reading(60_000, { power: 5, volume_total: 1010 }));
    acc.add(reading(30_000, { power: 500, volume_total: 0 }));
    acc.add(reading(120_000, { power: 5, volume_total: 3 }));
    acc.add(reading(180_000, { power: 5, volume_total: 8 }));
    const [hour] = acc.close(2 * H);
    expect(hour).toMatchObject({ production: 15, parts: null, rejected: null });
    expect(hour!.kwh).toBeCloseTo(5 * (3 / 60));
  });

  it('closes every hour once its grace has passed, also an hour opened after a later one closed', () => {
    const acc = new KpiAccumulator({ graceMs: 60_000 });
    const at = (machineId: string, ts: number) => acc.add({ machineId, ts, metrics: { power: 10 }, receivedAt: ts });
    at('a', 1000);
    at('a', H + 1000);
    expect(acc.close(H + 59_999)).toEqual([]);
    expect(acc.close(H + 60_000).map((h) => [h.machineId, h.hour])).toEqual([['a', 0]]);
    // a machine first heard of now, with a reading from the hour that just closed for the others
    at('b', 2000);
    expect(acc.close(H + 60_001).map((h) => [h.machineId, h.hour])).toEqual([['b', 0]]);
    expect(acc.close(2 * H + 59_999)).toEqual([]);
    expect(acc.close(2 * H + 60_000).map((h) => [h.machineId, h.hour])).toEqual([['a', H]]);
  });
});

/** The soak drill at CI size: a quarter hour of plant time (bench/drills/soak.ts runs the 24 h). */
import { describe, expect, inject, it } from 'vitest';
import { runSoak } from '../../bench/drills/soak';

describe('soak at accelerated plant time', () => {
  it('stores every reading with bounded memory and no growth in open handles', { timeout: 120_000 }, async () => {
    const result = await runSoak({ brokerUrl: inject('mosquittoUrl'), hours: 0.25, speed: 240, machines: 12 });
    expect(result.published).toBeGreaterThan(10_000);
    expect(result.stored).toBeGreaterThanOrEqual(result.published);
    expect(result.handleGrowth).toBeLessThanOrEqual(0);
    expect(Math.max(...result.samples.map((s) => s.heapMb))).toBeLessThan(400);
  });
});

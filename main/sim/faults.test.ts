import { describe, expect, it } from 'vitest';
import { drawFault, FAULT_KINDS, faultDuration, REPAIR_MS, severity } from './faults';
import { Rng } from './random';

const MIN = 60_000;

describe('faults', () => {
  it('draws every kind within its duration range; a bearing failure carries its repair stop', () => {
    const rng = new Rng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const f = drawFault(rng, 0, ['temperature', 'pressure']);
      seen.add(f.kind);
      const { min, max } = faultDuration(f.kind);
      expect(f.endTs - f.startTs).toBeGreaterThanOrEqual(min);
      expect(f.endTs - f.startTs).toBeLessThanOrEqual(max);
      if (f.kind === 'bearing_wear') {
        expect((f.repairEndTs ?? 0) - f.endTs).toBeGreaterThanOrEqual(REPAIR_MS.min);
        expect((f.repairEndTs ?? 0) - f.endTs).toBeLessThanOrEqual(REPAIR_MS.max);
      } else expect(f.repairEndTs).toBeUndefined();
    }
    expect(seen).toEqual(new Set(FAULT_KINDS));
    expect(faultDuration('dropout')).toEqual({ min: 2 * MIN, max: 20 * MIN });
  });

  it('develops wear over the whole fault, heat over the first third, a leak within the first tenth', () => {
    const at = (kind: (typeof FAULT_KINDS)[number], progress: number) => severity({ kind, startTs: 0, endTs: 1000 }, progress * 1000);
    expect(at('bearing_wear', 0.5)).toBeCloseTo(0.5);
    expect(at('bearing_wear', 1)).toBe(1);
    expect(at('overheating', 1 / 6)).toBeCloseTo(0.5);
    expect(at('overheating', 0.5)).toBe(1);
    expect(at('leak', 0.05)).toBeCloseTo(0.5);
    expect(at('surge', 0)).toBe(1);
  });
});

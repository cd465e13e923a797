import { describe, expect, it } from 'vitest';
import { plantLoad } from './schedule';

// 2024-03-06 is a Wednesday, 2024-03-09 a Saturday.
const at = (iso: string) => Date.parse(iso);

describe('plantLoad', () => {
  it('runs the day shift harder than the night shift', () => {
    expect(plantLoad(at('2024-03-06T10:00:00Z'))).toBeGreaterThan(0.9);
    expect(plantLoad(at('2024-03-06T03:00:00Z'))).toBeLessThan(0.6);
  });

  it('dips at each shift change and recovers within half an hour', () => {
    for (const hour of ['06', '14', '22']) {
      const dip = plantLoad(at(`2024-03-06T${hour}:05:00Z`));
      const after = plantLoad(at(`2024-03-06T${hour}:30:00Z`));
      expect(dip).toBeLessThan(0.35);
      expect(after).toBeGreaterThan(dip * 1.5);
    }
  });

  it('is quiet at the weekend', () => {
    expect(plantLoad(at('2024-03-09T10:00:00Z'))).toBeLessThan(plantLoad(at('2024-03-06T10:00:00Z')) * 0.5);
  });

  it('places the shifts in local time', () => {
    // 05:05 UTC is 06:05 at UTC+1: the changeover dip.
    expect(plantLoad(at('2024-03-06T05:05:00Z'), 60)).toBeLessThan(0.35);
  });
});

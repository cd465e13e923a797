import { describe, expect, it } from 'vitest';
import { barGeometry } from './key-metrics';
import { graphPlan } from './metric-graph';

// a graph 110 x 16 CSS px: gap 8 px, bar (110 - 8) * 3/5 = 61.2 px wide, marks along its inner 59.2 px
const W = 110;
const H = 16;
const along = (f: number) => 1 + f * 59.2;

describe('graphPlan', () => {
  const eng = { unit: 'kN', normal: { low: 700, high: 850 }, display: { low: 0, high: 1000 } };
  const limits = { H: 900, HH: 950 };

  it('places the normal band, the limit ticks and the pointer along the bar as the scale says', () => {
    const plan = graphPlan(barGeometry(870, eng, limits, { min: 810, max: 870 }), 'good', [810, 870], W, H);
    expect(plan.bar.width).toBeCloseTo(61.2);
    expect(plan.bar.y).toBeCloseTo((16 - 11) / 2);
    expect(plan.normal!.x).toBeCloseTo(along(0.7));
    expect(plan.normal!.width).toBeCloseTo(0.15 * 59.2);
    expect(plan.limits.map((l) => [l.level, +l.x.toFixed(2), l.width])).toEqual([
      ['H', +along(0.9).toFixed(2), 2],
      ['HH', +along(0.95).toFixed(2), 3],
    ]);
    // 870 lies above the normal band: the heavier pointer at 87 %
    expect(plan.pointer!.x).toBeCloseTo(along(0.87));
    expect(plan.pointer!.look).toBe('abnormal');
    expect(plan.pointer!.width).toBeCloseTo(0.45 * 20);
  });

  it('draws the sparkline right of the bar, scaled to its own span, newest at the right edge', () => {
    const plan = graphPlan(barGeometry(5, undefined, undefined, { min: 1, max: 5 }), 'good', [1, 3, 5], W, H);
    const x0 = 61.2 + 8;
    expect(plan.spark.map((p) => +p.x.toFixed(2))).toEqual([+x0.toFixed(2), +((x0 + W) / 2).toFixed(2), W]);
    // lowest value at the bottom margin, highest at the top margin
    expect(plan.spark[0]!.y).toBeCloseTo(16 * 0.95);
    expect(plan.spark[2]!.y).toBeCloseTo(16 * 0.05);
    expect(plan.pointer!.look).toBe('normal');
  });

  it('fades the pointer of a value that is not good, stripes one past the scale, and draws none without a value', () => {
    expect(graphPlan(barGeometry(500, eng, limits, null), 'stale', [], W, H).pointer!.look).toBe('faded');
    const past = graphPlan(barGeometry(1200, eng, limits, null), 'good', [], W, H);
    expect(past.pointer!.look).toBe('clipped');
    expect(past.pointer!.x).toBeCloseTo(along(1));
    const none = graphPlan(barGeometry(null, eng, limits, null), 'good', [], W, H);
    expect(none.pointer).toBeNull();
    expect(none.spark).toEqual([]);
  });
});

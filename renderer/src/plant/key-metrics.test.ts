import { describe, expect, it } from 'vitest';
import { barGeometry, keepRows, keyMetrics, limitsBySensor } from './key-metrics';

describe('keyMetrics', () => {
  it('puts metrics with limits first, then those with a range, then the rest by name; never a counter', () => {
    const eng = { parts_total: { counter: true }, flow: { normal: { low: 10, high: 20 } } };
    const limits = { temperature: { H: 62 }, vibration: { HH: 7 } };
    expect(keyMetrics(['vibration', 'power', 'flow', 'parts_total', 'temperature', 'air'], eng, limits, 4)).toEqual(['temperature', 'vibration', 'flow', 'air']);
    expect(keyMetrics(['a', 'parts_total'], eng, undefined, 9)).toEqual(['a']);
    expect(keyMetrics(['a', 'b'], undefined, undefined, 0)).toEqual([]);
  });
});

describe('keepRows', () => {
  it('keeps a metric that stays chosen in its row, and puts new ones in the rows freed, then after', () => {
    expect(keepRows([], ['a', 'b'])).toEqual(['a', 'b']);
    expect(keepRows(['a', 'b'], ['b', 'a'])).toEqual(['a', 'b']);
    expect(keepRows(['a', 'b', 'c'], ['c', 'd', 'a'])).toEqual(['a', 'd', 'c']);
    expect(keepRows(['a', 'b'], ['c'])).toEqual(['c']);
    expect(keepRows(['a'], ['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    expect(keepRows(['a', 'b'], [])).toEqual([]);
  });
});

describe('limitsBySensor', () => {
  it('groups the effective limits by sensor and level', () => {
    expect(limitsBySensor([
      { sensor: 't', level: 'H', setpoint: 62 },
      { sensor: 't', level: 'HH', setpoint: 72 },
      { sensor: 'p', level: 'L', setpoint: 5 },
    ])).toEqual({ t: { H: 62, HH: 72 }, p: { L: 5 } });
  });
});

describe('barGeometry', () => {
  it('scales to the display range and marks the normal band, the limits and the pointer', () => {
    const g = barGeometry(50, { display: { low: 0, high: 100 }, normal: { low: 20, high: 60 } }, { H: 70, HH: 80 }, null);
    expect(g.scale).toEqual({ low: 0, high: 100 });
    expect(g.normal).toEqual({ from: 0.2, to: 0.6 });
    expect(g.limits).toEqual([
      { level: 'H', at: 0.7 },
      { level: 'HH', at: 0.8 },
    ]);
    expect(g.pointer).toBe(0.5);
    expect(g.zone).toBe('normal');
    expect(g.clipped).toBe(false);
  });

  it('says abnormal outside the normal band and alarm past a limit; clamps a value off the scale', () => {
    const eng = { display: { low: 0, high: 100 }, normal: { low: 20, high: 60 } };
    expect(barGeometry(65, eng, { H: 70 }, null).zone).toBe('abnormal');
    expect(barGeometry(75, eng, { H: 70 }, null).zone).toBe('alarm');
    expect(barGeometry(3, eng, { L: 5 }, null).zone).toBe('alarm');
    const off = barGeometry(140, eng, {}, null);
    expect(off.pointer).toBe(1);
    expect(off.clipped).toBe(true);
  });

  it('without a display range spans the band, the limits and the recent values with a margin', () => {
    const g = barGeometry(50, undefined, { L: 40, H: 60 }, { min: 45, max: 55 });
    expect(g.scale.low).toBeCloseTo(38);
    expect(g.scale.high).toBeCloseTo(62);
    expect(g.normal!.from).toBeCloseTo(2 / 24);
    expect(g.pointer).toBeCloseTo(0.5);
  });

  it('ignores a display range with low >= high, and copes with no value at all', () => {
    const g = barGeometry(null, { display: { low: 10, high: 10 } }, undefined, null);
    expect(g.scale).toEqual({ low: 0, high: 1 });
    expect(g.pointer).toBeNull();
    expect(g.zone).toBe('unknown');
  });
});

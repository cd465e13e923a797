import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAnomaly, topContributions } from './anomaly-type';

describe('topContributions', () => {
  it('equals the first k of a stable descending sort, ties in sensor order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 }), (values, offset, k) => {
        const sensors = values.map((_, j) => `s${j}`);
        const contrib = [...Array<number>(offset).fill(99), ...values];
        const sorted = sensors.map((sensor, j) => ({ sensor, contribution: values[j]! })).sort((a, b) => b.contribution - a.contribution);
        expect(topContributions(sensors, contrib, offset, k)).toEqual(sorted.slice(0, k));
      }),
    );
  });
});

describe('classifyAnomaly', () => {
  it('names the group of the top sensor, a flat top sensor or a lone spike as a sensor fault', () => {
    expect(classifyAnomaly([{ sensor: 'bearing_temp', contribution: 6 }, { sensor: 'vibration', contribution: 5 }], new Set())).toBe('thermal');
    expect(classifyAnomaly([{ sensor: 'pressure', contribution: 6 }], new Set(['pressure']))).toBe('sensor_fault');
    expect(classifyAnomaly([{ sensor: 'current', contribution: 30 }, { sensor: 'vibration', contribution: 0.5 }], new Set())).toBe('sensor_fault');
    expect(classifyAnomaly([], new Set())).toBe('unclassified');
  });
});

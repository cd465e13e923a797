import { describe, expect, it } from 'vitest';
import { decimalsFor, formatMeasure, formatNumber } from './eng-format';

describe('engineering formats', () => {
  it('prints counters as whole numbers with digit grouping', () => {
    expect(formatNumber(274988.4, { counter: true })).toBe('274,988');
    expect(formatMeasure(1234567, { counter: true, unit: 'parts' })).toBe('1,234,567 parts');
  });

  it('takes the decimals from the range', () => {
    expect(decimalsFor({ display: { low: 0, high: 12000 } })).toBe(0);
    expect(decimalsFor({ display: { low: 0, high: 120 } })).toBe(0);
    expect(decimalsFor({ display: { low: 0, high: 12 } })).toBe(1);
    expect(decimalsFor({ normal: { low: 0, high: 5 } })).toBe(2);
    expect(decimalsFor({ display: { low: 0, high: 0.5 } })).toBe(3);
    expect(decimalsFor(undefined)).toBe(1);
    expect(formatMeasure(94.96, { unit: '°C', display: { low: 0, high: 50 } })).toBe('95.0 °C');
    expect(formatMeasure(2.345, { unit: 'mm/s', display: { low: 0, high: 8 } })).toBe('2.35 mm/s');
  });

  it('never prints -0, and a dash with no unit for a missing value', () => {
    expect(formatNumber(-0.01)).toBe('0.0');
    expect(formatMeasure(null, { unit: '°C' })).toBe('—');
    expect(formatMeasure(Number.NaN, { unit: '°C' })).toBe('—');
    expect(formatMeasure(12.34)).toBe('12.3');
  });
});

import { describe, expect, it } from 'vitest';
import { HOUR_MS, type MachineHour } from '../../../agents/model';
import { bucketStart, kpiRows } from './reports';

describe('hourly KPI buckets (the energy screen\'s load profile)', () => {
  it('keeps each stored machine-hour as its own bucket, summed over machines', () => {
    const T0 = Date.UTC(2026, 2, 2, 6);
    expect(bucketStart(T0 + 30 * 60_000, 'hour', 'Asia/Kolkata')).toBe(T0);
    const hour = (machineId: string, h: number, kwh: number): MachineHour => ({ machineId, hour: T0 + h * HOUR_MS, kwh, production: 0, parts: null, rejected: null, observedMs: HOUR_MS, runMs: HOUR_MS, avgKw: null, vibration: null, temperature: null });
    const rows = kpiRows([hour('a', 0, 2), hour('b', 0, 3), hour('a', 1, 4)], 'hour', 0.5);
    expect(rows.map((r) => [r.bucket, r.kwh])).toEqual([
      [T0, 5],
      [T0 + HOUR_MS, 4],
    ]);
  });
});

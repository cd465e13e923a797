import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../common/telemetry';
import type { LiveSensor } from '../state/live-telemetry';
import { downtimeOf, oeeOf, plantKpis, reductionPct } from './kpis';

const machine = (id: string, state: Machine['state'], sensors: string[]): Machine => ({
  id,
  name: id,
  site: 's',
  area: 'a',
  type: 't',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state,
  sensors: Object.fromEntries(sensors.map((s) => [s, { value: null, ts: 0, quality: 'stale' }])),
});
const good = (value: number): LiveSensor => ({ value, ts: 1, receivedAt: 1, quality: 'good' });
const stale = (value: number): LiveSensor => ({ value, ts: 1, receivedAt: 1, quality: 'stale' });

describe('plantKpis', () => {
  it('sums fresh power only, counts the rest as unknown, and derives CO2 from the factor', () => {
    const live = new Map<string, Map<string, LiveSensor>>([
      ['a', new Map([['power', good(10)]])],
      ['b', new Map([['power', good(5)]])],
      ['c', new Map([['power', stale(100)]])],
      ['d', new Map([['power', good(7)]])],
    ]);
    const kpis = plantKpis(
      [machine('a', 'online', ['power']), machine('b', 'online', ['power']), machine('c', 'stale', ['power']), machine('d', 'offline', ['power'])],
      (id) => live.get(id),
      0.5,
    );
    expect(kpis.machines).toEqual({ total: 4, online: 2, stale: 1, offline: 1 });
    expect(kpis.powerKw).toBe(15);
    expect(kpis.powerUnknown).toBe(2);
    expect(kpis.co2KgPerH).toBe(7.5);
  });

  it('says unknown rather than zero when nothing fresh is there', () => {
    const kpis = plantKpis([machine('a', 'online', ['power', 'temp'])], () => undefined, 0.5);
    expect(kpis.powerKw).toBeNull();
    expect(kpis.co2KgPerH).toBeNull();
    expect(kpis.quality).toBeNull();
  });

  it('computes the quality factor from machines reporting both counters', () => {
    const live = new Map<string, Map<string, LiveSensor>>([
      ['a', new Map([['parts_total', good(900)], ['parts_rejected', good(18)]])],
      ['b', new Map([['parts_total', good(100)], ['parts_rejected', good(2)]])],
      ['c', new Map([['parts_total', good(1000)]])],
    ]);
    const kpis = plantKpis([machine('a', 'online', []), machine('b', 'online', []), machine('c', 'online', [])], (id) => live.get(id), 0.5);
    expect(kpis.quality).toBeCloseTo(0.98);
    expect(kpis.qualityMachines).toBe(2);
  });
});

describe('oeeOf', () => {
  const row = (machineId: string | null, oee: number | null) => ({ bucket: 0, machineId, kwh: 0, co2Kg: 0, production: 0, parts: null, rejected: null, availability: null, performance: null, quality: null, oee, downtimeH: 0 });

  it('is unknown without rows or without any OEE, never zero', () => {
    expect(oeeOf(null, null)).toBeNull();
    expect(oeeOf([row('a', null)], null)).toBeNull();
  });

  it("takes the plant's row for the plant and the mean of an area's machines for an area", () => {
    const rows = [row(null, 0.7), row('a', 0.6), row('b', 0.9), row('c', null)];
    expect(oeeOf(rows, null)).toBe(0.7);
    expect(oeeOf(rows, new Set(['a', 'b', 'c']))).toBeCloseTo(0.75);
    expect(oeeOf([row('a', 0.6), row('b', 0.8)], null)).toBeCloseTo(0.7);
  });
});

describe('downtimeOf', () => {
  const row = (machineId: string | null, downtimeH: number) => ({ bucket: 0, machineId, kwh: 0, co2Kg: 0, production: 0, parts: null, rejected: null, availability: null, performance: null, quality: null, oee: null, downtimeH });

  it("is unknown without rows for what was asked, the plant's row for the plant, the sum of an area's machines for an area", () => {
    expect(downtimeOf(null, null)).toBeNull();
    expect(downtimeOf([], null)).toBeNull();
    expect(downtimeOf([row(null, 2.5), row('a', 1)], null)).toBe(2.5);
    expect(downtimeOf([row(null, 0)], null)).toBe(0);
    expect(downtimeOf([row(null, 2.5), row('a', 1), row('b', 0.5), row('c', 4)], new Set(['a', 'b']))).toBe(1.5);
    expect(downtimeOf([row(null, 2.5)], new Set(['a']))).toBeNull();
  });
});

describe('reductionPct', () => {
  it('is saved over expected in %, and unknown without an accepted baseline', () => {
    expect(reductionPct({ savedKwh: 12, expectedKwh: 100 })).toBe(12);
    expect(reductionPct({ savedKwh: -5, expectedKwh: 50 })).toBe(-10);
    expect(reductionPct({ savedKwh: 0, expectedKwh: 0 })).toBeNull();
    expect(reductionPct(null)).toBeNull();
  });
});

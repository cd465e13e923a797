import { describe, expect, it } from 'vitest';
import { baselineSavings, createEnergyAgent, energyRecommendations, fitBaseline, tariffPrice, type EnergyInputs } from './energy';
import { HOUR_MS, type MachineHour, type Tariff } from './model';
import { AGENT, TOPIC } from './names';
import { createScheduler } from './scheduler';
import type { Decision } from './sdk';
import { hour, T0 } from './test-plant';

const tariff: Tariff = { currency: 'EUR', defaultPrice: 0.2, periods: [{ name: 'peak', price: 0.3, days: [1, 2, 3, 4, 5], fromHour: 8, toHour: 20 }, { name: 'night', price: 0.1, days: [0, 1, 2, 3, 4, 5, 6], fromHour: 22, toHour: 6 }] };

describe('energy baseline (ISO 50006, ASHRAE Guideline 14 hourly criteria)', () => {
  it('recovers a linear load and accepts it', () => {
    const points = Array.from({ length: 48 }, (_, i) => ({ production: 50 + (i % 10) * 10, kwh: 5 + 0.1 * (50 + (i % 10) * 10) + (i % 2 ? 0.3 : -0.3) }));
    const b = fitBaseline(points)!;
    expect(b.slope).toBeCloseTo(0.1, 2);
    expect(b.intercept).toBeCloseTo(5, 0);
    expect(b.cvRmse).toBeLessThan(0.3);
    expect(Math.abs(b.nmbe)).toBeLessThan(1e-9);
    expect(b).toMatchObject({ accepted: true, reason: null });
  });

  it('rejects a baseline whose CV(RMSE) exceeds 30 %', () => {
    const points = Array.from({ length: 48 }, (_, i) => ({ production: 100, kwh: i % 2 ? 2 : 18 }));
    const b = fitBaseline(points)!;
    expect(b.accepted).toBe(false);
    expect(b.reason).toMatch(/CV\(RMSE\)/);
  });

  it('needs more points than parameters, and measures savings as predicted minus actual', () => {
    expect(fitBaseline([{ production: 1, kwh: 1 }])).toBeNull();
    const b = { intercept: 5, slope: 0.1, n: 10, cvRmse: 0.1, nmbe: 0, r2: 0.9, accepted: true, reason: null };
    expect(baselineSavings(b, [{ production: 100, kwh: 13 }, { production: 0, kwh: 5 }])).toEqual({ expectedKwh: 20, actualKwh: 18, savedKwh: 2 });
  });

  it('prices from the tariff calendar in local time, wrapping past midnight', () => {
    expect(tariffPrice(tariff, T0 + 9 * HOUR_MS)).toEqual({ price: 0.3, period: 'peak' });
    expect(tariffPrice(tariff, T0 + 23 * HOUR_MS)).toEqual({ price: 0.1, period: 'night' });
    expect(tariffPrice(tariff, T0 + 3 * HOUR_MS)).toEqual({ price: 0.1, period: 'night' });
    expect(tariffPrice(tariff, T0 + 21 * HOUR_MS)).toEqual({ price: 0.2, period: 'standard' });
    // T0 is a Monday in January: Berlin is UTC+1, so 07:00 UTC is 08:00 on the plant's clock.
    expect(tariffPrice(tariff, T0 + 7 * HOUR_MS, 'Europe/Berlin')).toEqual({ price: 0.3, period: 'peak' });
    // Monday 2025-07-07 in summer: Berlin is UTC+2, so peak (08:00 local) starts at 06:00 UTC, and night ends at 04:00 UTC.
    const july = Date.UTC(2025, 6, 7);
    expect(tariffPrice(tariff, july + 6 * HOUR_MS, 'Europe/Berlin')).toEqual({ price: 0.3, period: 'peak' });
    expect(tariffPrice(tariff, july + 5 * HOUR_MS, 'Europe/Berlin')).toEqual({ price: 0.2, period: 'standard' });
    expect(tariffPrice(tariff, july + 3 * HOUR_MS, 'Europe/Berlin')).toEqual({ price: 0.1, period: 'night' });
  });
});

describe('energy recommendations', () => {
  const machines = ['a', 'b', 'c', 'hog', 'idle', 'air'].map((id) => ({ id, name: id.toUpperCase(), type: id === 'air' ? 'compressor' : 'press', area: 'x' }));
  const hours: Record<string, MachineHour[]> = {};
  for (const m of machines) hours[m.id] = Array.from({ length: 8 }, (_, i) => hour(m.id, i, { kwh: m.id === 'hog' ? 20 : 10, avgKw: m.id === 'hog' ? 20 : 10 }));
  hours['idle']![7] = hour('idle', 7, { production: 0, parts: 0, kwh: 6, avgKw: 6 });
  const inputs: EnergyInputs = { machines, hours, tariff, emissions: { locationKgPerKwh: 0.5, marketKgPerKwh: 0.2 }, timeZone: 'UTC', shiftableTypes: ['compressor'], standbyFactor: 0.3 };

  it('recommends load reduction, standby and off-peak with kWh, CO2 and cost estimates', () => {
    const recs = energyRecommendations(inputs, T0 + 9 * HOUR_MS, null);
    expect(recs.map((r) => [r.action, r.target])).toEqual([
      ['reduce_load', 'hog'],
      ['standby', 'idle'],
      ['schedule_off_peak', 'air'],
    ]);
    const standby = recs[1]!.params!.estimate as { kwh: number; co2Kg: number; co2MarketKg: number; cost: number };
    // 6 kWh idle, 70 % of it saved in standby, over 8 h; 0.5 and 0.2 kg/kWh; 0.3 EUR/kWh at peak
    expect(standby).toEqual({ kwh: 33.6, co2Kg: 16.8, co2MarketKg: 6.72, cost: 10.08 });
    const reduce = recs[0]!.params!.estimate as { kwh: number };
    // 0.2 kWh/unit against the type median of 0.1, over 100 units an hour, for 8 hours
    expect(reduce.kwh).toBeCloseTo(80);
    expect(recs[2]!.params!.estimate).toMatchObject({ kwh: 0, cost: 10 * 0.2 * 8 });
  });

  it('keeps quiet off-peak, and recommends once per machine and hour of data, in reduction mode too', () => {
    expect(energyRecommendations(inputs, T0 + 23 * HOUR_MS, null).map((r) => r.action)).toEqual(['reduce_load', 'standby']);
    const decisions: Decision[] = [];
    const scheduler = createScheduler({
      agents: [
        createEnergyAgent({ periodMs: HOUR_MS / 4 }),
        { name: AGENT.optimizer, periodMs: HOUR_MS, inputs: [], actions: [], run: () => ({ messages: [{ to: AGENT.energy, topic: TOPIC.activateReduction, payload: { reason: 'test', expectedKwh: 3 } }] }) },
      ],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => decisions.push(d),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: () => ({ ...inputs }),
    });
    scheduler.advance(T0 + 9 * HOUR_MS);
    scheduler.advance(T0 + 9.25 * HOUR_MS);
    expect(decisions.map((d) => [d.ts, d.action])).toEqual([
      [T0 + 9 * HOUR_MS, 'reduce_load'],
      [T0 + 9 * HOUR_MS, 'standby'],
      [T0 + 9 * HOUR_MS, 'schedule_off_peak'],
    ]);
  });
});

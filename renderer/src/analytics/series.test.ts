import { describe, expect, it } from 'vitest';
import type { KpiRow, Order, Quote } from '../../../common/contract-agents';
import { alarmRate, downtimeByMachine, kpiColumns, savingsByMonth, savingsThisMonth, TEN_MINUTES } from './series';

const row = (bucket: number, over: Partial<KpiRow> = {}): KpiRow => ({ bucket, machineId: null, kwh: 10, co2Kg: 5, production: 1, parts: null, rejected: null, availability: 0.9, performance: 0.8, quality: 0.95, oee: 0.684, downtimeH: 2, ...over });

describe('analytics series', () => {
  it('turns plant KPI rows into columns in time order, as percentages, skipping machine rows', () => {
    const c = kpiColumns([row(2000, { oee: null }), row(1000), row(1000, { machineId: 'm' })]);
    expect(c.x).toEqual([1000, 2000]);
    expect(c.series['oee']).toEqual([68.4, null]);
    expect(c.series['availability']![0]).toBeCloseTo(90);
    expect(c.series['downtimeH']).toEqual([2, 2]);
  });

  it('counts activations and re-alarms per 10 minutes, not acks or clears', () => {
    const from = 6 * TEN_MINUTES;
    const c = alarmRate(
      [
        { at: from + 1, action: 'activate' },
        { at: from + 2, action: 'ack' },
        { at: from + TEN_MINUTES + 5, action: 'realarm' },
        { at: from + TEN_MINUTES + 6, action: 'activate' },
        { at: from - 1, action: 'activate' },
      ],
      from,
      from + 3 * TEN_MINUTES,
    );
    expect(c.x).toEqual([from, from + TEN_MINUTES, from + 2 * TEN_MINUTES]);
    expect(c.series['alarms']).toEqual([1, 2, 0]);
  });

  it('sums savings of committed orders on negotiated quotes per month', () => {
    const quote = (id: number, quoted: number, negotiated: number | null): Quote => ({ id, supplierId: 's', partId: 'p', quantity: 1, quotedPrice: quoted, negotiatedPrice: negotiated, validUntil: null, source: 'entered', createdBy: null, createdAt: 0, savings: 0 });
    const order = (_id: number, quoteId: number | null, status: Order['status'], createdAt: number, quantity = 2, savings?: number | null) => ({ quoteId, status, createdAt, quantity, savings });
    const jan = Date.UTC(2026, 0, 15);
    const feb = Date.UTC(2026, 1, 3);
    const c = savingsByMonth(
      [order(1, 1, 'approved', jan), order(2, 1, 'delivered', jan, 1), order(3, 2, 'ordered', feb), order(4, 1, 'rejected', feb), order(5, 3, 'ordered', feb), order(6, null, 'ordered', feb), order(7, null, 'delivered', feb, 1, 2.5)],
      [quote(1, 10, 8), quote(2, 5, 4.5), quote(3, 5, null)],
      'UTC',
    );
    expect(c.x).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)]);
    // an order's own recorded savings count as they are
    expect(c.series['savings']).toEqual([6, 3.5]);
    expect(savingsThisMonth(c, feb + 1000, 'UTC')).toBe(3.5);
    expect(savingsThisMonth(c, Date.UTC(2026, 5, 1), 'UTC')).toBe(0);
  });

  it('counts the plant\'s calendar month, not the UTC month: the boundary falls at local midnight of the 1st in Berlin and in Chicago', () => {
    const order = (createdAt: number, savings: number) => ({ quoteId: null, status: 'delivered' as const, createdAt, quantity: 1, savings });
    // 31 Oct 23:30 UTC is already 1 Nov 00:30 in Berlin (CET, after the clocks went back) but still 31 Oct 18:30 in Chicago (CDT).
    const lateOct = Date.UTC(2026, 9, 31, 23, 30);
    // 1 Nov 03:00 UTC is 1 Nov 04:00 in Berlin, and still 31 Oct 22:00 in Chicago.
    const earlyNovUtc = Date.UTC(2026, 10, 1, 3);
    // 1 Nov 06:00 UTC is 1 Nov 01:00 in Chicago (CDT becomes CST at 02:00 that night).
    const novChicago = Date.UTC(2026, 10, 1, 6);
    const orders = [order(lateOct, 1), order(earlyNovUtc, 10), order(novChicago, 100)];

    const berlin = savingsByMonth(orders, [], 'Europe/Berlin');
    // Berlin's November begins at 31 Oct 23:00 UTC; all three orders fall in it.
    expect(berlin.x).toEqual([Date.UTC(2026, 9, 31, 23)]);
    expect(berlin.series['savings']).toEqual([111]);
    expect(savingsThisMonth(berlin, Date.UTC(2026, 9, 31, 22, 59), 'Europe/Berlin')).toBe(0);
    expect(savingsThisMonth(berlin, Date.UTC(2026, 9, 31, 23), 'Europe/Berlin')).toBe(111);

    const chicago = savingsByMonth(orders, [], 'America/Chicago');
    // Chicago's October began at 1 Oct 05:00 UTC (CDT) and its November at 1 Nov 05:00 UTC.
    expect(chicago.x).toEqual([Date.UTC(2026, 9, 1, 5), Date.UTC(2026, 10, 1, 5)]);
    expect(chicago.series['savings']).toEqual([11, 100]);
    expect(savingsThisMonth(chicago, Date.UTC(2026, 10, 1, 4, 59), 'America/Chicago')).toBe(11);
    expect(savingsThisMonth(chicago, Date.UTC(2026, 10, 1, 5), 'America/Chicago')).toBe(100);

    // The UTC month would have split them differently: 1 in October, 110 in November.
    expect(savingsByMonth(orders, [], 'UTC').series['savings']).toEqual([1, 110]);
  });

  it('ranks machines by hours off or idle', () => {
    expect(downtimeByMachine([
      { machineId: 'a', name: 'A', hours: { running: 20, idle: 1, off: 3 } },
      { machineId: 'b', name: 'B', hours: { off: 6 } },
      { machineId: 'c', name: 'C', hours: { running: 24 } },
    ], 2)).toEqual([
      { machineId: 'b', name: 'B', hours: 6 },
      { machineId: 'a', name: 'A', hours: 4 },
    ]);
  });
});

describe('tariffSpans', () => {
  it('joins consecutive hours of one band and weighs dearer bands heavier', async () => {
    const { tariffSpans } = await import('./series');
    const H = 3_600_000;
    expect(tariffSpans([
      { hour: 0, period: 'off-peak', price: 0.1 },
      { hour: H, period: 'off-peak', price: 0.1 },
      { hour: 2 * H, period: 'peak', price: 0.3 },
    ])).toEqual([
      { from: 0, to: 2 * H, label: 'off-peak 0.1', weight: 0 },
      { from: 2 * H, to: 3 * H, label: 'peak 0.3', weight: 1 },
    ]);
    expect(tariffSpans([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { AgentDecision } from '../../../common/contract-agents';
import { HOUR_MS } from '../../../agents/model';
import { hour, T0 } from '../../../agents/test-plant';
import { parseCsv } from '../../documents/csv';
import { dejaVuFonts } from '../../documents/pdf';
import { readBack } from '../../documents/pdf-text.test-helper';
import { bucketStart, kpiRows, optimizationReport, purchaseOrderDocument, reportPeriod } from './reports';

const UTC_SHIFTS = { timeZone: 'UTC', shiftStartHours: [0, 8, 16] };

describe('reports', () => {
  it('buckets by UTC day and ISO week (Monday)', () => {
    expect(bucketStart(T0 + 30 * HOUR_MS, 'day')).toBe(T0 + 24 * HOUR_MS);
    expect(bucketStart(T0 + 5 * 24 * HOUR_MS, 'week')).toBe(T0);
    expect(bucketStart(T0 - 1, 'week')).toBe(T0 - 7 * 24 * HOUR_MS);
  });

  it('sums energy, production and downtime and computes plant OEE per bucket', () => {
    const hours = [hour('a', 0), hour('a', 1, { runMs: HOUR_MS / 2, parts: 50, production: 50 }), hour('b', 25, { parts: null, rejected: null })];
    const rows = kpiRows(hours, 'day', 0.5);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ bucket: T0, kwh: 20, co2Kg: 10, production: 150, parts: 150, rejected: 2, availability: 0.75, performance: 1, downtimeH: 0.5 });
    expect(rows[0]!.oee).toBeCloseTo(0.75 * (148 / 150));
    expect(rows[1]).toMatchObject({ parts: null, oee: null, kwh: 10 });
  });

  it('writes the optimization report with actions and their results, and a purchase order', async () => {
    const d = (id: string, action: string, params: Record<string, unknown>): AgentDecision => ({ id, agent: 'plant-optimizer', ts: T0 + 7 * HOUR_MS, action, target: 'a', explanation: `why ${id}, with "quotes"`, inputs: {}, params, confidence: null, status: 'recorded', decidedBy: null, decidedAt: null, outcome: null });
    const file = await optimizationReport(
      { period: 'shift', to: T0 + 8 * HOUR_MS, machines: [{ id: 'a', name: 'A', type: 't', area: 'x' }], hours: { a: Array.from({ length: 8 }, (_, i) => hour('a', i)) }, decisions: [d('x:1:0', 'flag_oee_loss', {}), d('x:2:0', 'evaluate_action', { decisionId: 'x:1:0', met: true })], co2KgPerKwh: 0.5, ...UTC_SHIFTS },
      'csv',
    );
    const rows = parseCsv(file.content);
    expect(rows[0]![0]).toBe('section');
    expect(rows[1]!.slice(0, 4)).toEqual(['kpi', '2025-01-06 00:00 +00:00', 'a', 'A']);
    expect(rows[1]![8]).toBe('80.0');
    expect(rows.find((r) => r[12] === 'flag_oee_loss')![14]).toBe('met');
    expect(rows.find((r) => r[12] === 'flag_oee_loss')![15]).toBe('why x:1:0, with "quotes"');
    await expect(optimizationReport({ period: 'day', to: T0 + 24 * HOUR_MS, machines: [], hours: {}, decisions: [], co2KgPerKwh: 0.5, ...UTC_SHIFTS }, 'pdf')).resolves.toMatchObject({ mime: 'application/pdf', encoding: 'base64' });

    const po = await purchaseOrderDocument(
      { id: 7, partId: 'p', partName: '=cmd', supplierId: 's', supplierName: 'S', quantity: 2, unitPrice: 10, status: 'pending_approval', machineId: null, createdBy: 'agent:procurement', approvedBy: null, createdAt: T0, updatedAt: T0, quoteId: null, orderBy: null, urgency: 'low', negotiationTarget: 9, decisionId: null, note: null, negotiatedPrice: null, savings: null, estimatedDelivery: null, actualDelivery: null },
      'EUR',
      'csv',
    );
    const [header, values] = parseCsv(po.content);
    expect(values![header!.indexOf('total')]).toBe('20');
    // a value a spreadsheet would run as a formula is written as text
    expect(values![header!.indexOf('part')]).toBe("'=cmd");
  });

  it('prints a purchase order and a shift report with accented and non-Latin names in the PDF', async () => {
    const fonts = { DejaVuSans: dejaVuFonts().regular, 'DejaVuSans-Bold': dejaVuFonts().bold, DejaVuSansMono: dejaVuFonts().mono };
    const po = await purchaseOrderDocument(
      { id: 8, partId: 'lager-6204', partName: 'Kugellager Ø 20 mm', supplierId: 's', supplierName: 'Łódź Łożyska Sp. z o.o.', quantity: 4, unitPrice: 12.5, status: 'approved', machineId: 'pump-1', createdBy: 'agent:procurement', approvedBy: 'Zoë Çelik', createdAt: T0, updatedAt: T0, quoteId: null, orderBy: null, urgency: 'high', negotiationTarget: null, decisionId: null, note: null, negotiatedPrice: 11, savings: 6, estimatedDelivery: null, actualDelivery: null },
      'EUR',
      'pdf',
    );
    const poText = (await readBack(Buffer.from(po.content, 'base64'), fonts)).pages.flat();
    expect(poText).toContain('Purchase order #8');
    expect(poText).toContain(`${'part'.padEnd(20)} Kugellager Ø 20 mm`);
    expect(poText).toContain(`${'supplier'.padEnd(20)} Łódź Łożyska Sp. z o.o.`);
    expect(poText).toContain('Approved by Zoë Çelik.');
    expect(poText).toContain(`${'savings'.padEnd(20)} 6`);
    expect(poText).toContain(`${'total'.padEnd(20)} 44`);

    const report = await optimizationReport({ period: 'shift', to: T0 + 8 * HOUR_MS, machines: [{ id: 'a', name: 'Пресс-3', type: 't', area: 'x' }], hours: { a: Array.from({ length: 8 }, (_, i) => hour('a', i)) }, decisions: [], co2KgPerKwh: 0.5, ...UTC_SHIFTS }, 'pdf');
    const back = await readBack(Buffer.from(report.content, 'base64'), fonts);
    expect(back.wrongGlyphs).toEqual([]);
    expect(back.pages.flat().some((l) => l.startsWith('Пресс-3 ') && l.includes('kWh'))).toBe(true);
  });

  it('reports on the plant clock: local days of 25 hours, shifts on the wall clock, times with their offset', async () => {
    const zone = 'Europe/Berlin';
    // Sunday 25 October 2026 in Berlin: 25 hours, from 22:00 UTC on the 24th to 23:00 UTC on the 25th.
    const dayStart = Date.UTC(2026, 9, 24, 22);
    const hours = Array.from({ length: 28 }, (_, i) => ({ ...hour('a', 0), hour: dayStart - 2 * HOUR_MS + i * HOUR_MS }));
    const rows = kpiRows(hours, 'day', 0.5, false, zone);
    expect(rows.map((r) => [r.bucket, r.kwh])).toEqual([
      [Date.UTC(2026, 9, 23, 22), 20],
      [dayStart, 250],
      [Date.UTC(2026, 9, 25, 23), 10],
    ]);
    expect(bucketStart(dayStart + 30 * HOUR_MS, 'week', zone)).toBe(Date.UTC(2026, 9, 25, 23));

    const machines = [{ id: 'a', name: 'A', type: 't', area: 'x' }];
    const day = await optimizationReport({ period: 'day', to: Date.UTC(2026, 9, 25, 23), machines, hours: { a: hours }, decisions: [], co2KgPerKwh: 0.5, timeZone: zone, shiftStartHours: [6, 14, 22] }, 'csv');
    const dayRows = parseCsv(day.content);
    expect(dayRows[1]![1]).toBe('2026-10-25 00:00 +02:00');
    expect(dayRows[1]![8]).toBe('250.0');
    expect(reportPeriod('day', Date.UTC(2026, 9, 25, 23), zone, [6, 14, 22])).toEqual({ from: dayStart, to: Date.UTC(2026, 9, 25, 23) });
    // The night shift 22:00 to 06:00 that night is 9 hours long.
    const shiftEnd = Date.UTC(2026, 9, 25, 5);
    expect(reportPeriod('shift', shiftEnd, zone, [6, 14, 22])).toEqual({ from: Date.UTC(2026, 9, 24, 20), to: shiftEnd });
    const shift = await optimizationReport({ period: 'shift', to: shiftEnd, machines, hours: { a: hours }, decisions: [], co2KgPerKwh: 0.5, timeZone: zone, shiftStartHours: [6, 14, 22] }, 'csv');
    expect(shift.filename).toBe('optimization-shift-2026-10-25-06.csv');
    expect(parseCsv(shift.content)[1]![8]).toBe('90.0');
  });
});

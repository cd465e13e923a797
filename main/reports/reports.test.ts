import { describe, expect, it } from 'vitest';
import type { AgentDecision } from '../../common/contract-agents';
import { HOUR_MS } from '../../agents/model';
import { hour, T0 } from '../../agents/test-plant';
import { parseCsv } from './csv';
import { bucketStart, kpiRows, optimizationReport, purchaseOrderDocument } from './reports';

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

  it('writes the optimization report with actions and their results, and a purchase order', () => {
    const d = (id: string, action: string, params: Record<string, unknown>): AgentDecision => ({ id, agent: 'plant-optimizer', ts: T0 + 7 * HOUR_MS, action, target: 'a', explanation: `why ${id}, with "quotes"`, inputs: {}, params, confidence: null, status: 'recorded', decidedBy: null, decidedAt: null, outcome: null });
    const file = optimizationReport(
      { period: 'shift', to: T0 + 8 * HOUR_MS, machines: [{ id: 'a', name: 'A', type: 't', area: 'x' }], hours: { a: Array.from({ length: 8 }, (_, i) => hour('a', i)) }, decisions: [d('x:1:0', 'flag_oee_loss', {}), d('x:2:0', 'evaluate_action', { decisionId: 'x:1:0', met: true })], co2KgPerKwh: 0.5 },
      'csv',
    );
    const rows = parseCsv(file.content);
    expect(rows[0]![0]).toBe('section');
    expect(rows[1]!.slice(0, 4)).toEqual(['kpi', '2025-01-06 00:00', 'a', 'A']);
    expect(rows[1]![8]).toBe('80.0');
    expect(rows.find((r) => r[12] === 'flag_oee_loss')![14]).toBe('met');
    expect(rows.find((r) => r[12] === 'flag_oee_loss')![15]).toBe('why x:1:0, with "quotes"');
    expect(optimizationReport({ period: 'day', to: T0 + 24 * HOUR_MS, machines: [], hours: {}, decisions: [], co2KgPerKwh: 0.5 }, 'pdf')).toMatchObject({ mime: 'application/pdf', encoding: 'base64' });

    const po = purchaseOrderDocument(
      { id: 7, partId: 'p', partName: '=cmd', supplierId: 's', supplierName: 'S', quantity: 2, unitPrice: 10, status: 'pending_approval', machineId: null, createdBy: 'agent:procurement', approvedBy: null, createdAt: T0, updatedAt: T0, quoteId: null, orderBy: null, urgency: 'low', negotiationTarget: 9, decisionId: null, note: null },
      'EUR',
      'csv',
    );
    const [header, values] = parseCsv(po.content);
    expect(values![header!.indexOf('total')]).toBe('20');
    // a value a spreadsheet would run as a formula is written as text
    expect(values![header!.indexOf('part')]).toBe("'=cmd");
  });
});

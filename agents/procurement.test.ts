import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, type OrderRef, type SupplierOffer } from './model';
import { AGENT, TOPIC, type PrepareSparesPayload } from './names';
import { createProcurementAgent, negotiationTarget, orderByDate, rankDeals, savings, urgencyOf } from './procurement';
import { createScheduler } from './scheduler';
import type { Decision } from './sdk';
import { part, T0 } from './test-plant';

const offer = (supplierId: string, over: Partial<SupplierOffer> = {}): SupplierOffer => ({ supplierId, supplierName: supplierId, partId: 'bearing', unitPrice: 100, reliability: 0.9, deliveryDays: 5, ...over });

describe('procurement arithmetic', () => {
  it('orders by the earliest failure minus lead time minus margin, and grades urgency by the time left', () => {
    const failure = T0 + 20 * DAY_MS;
    expect(orderByDate(failure, 5, 2)).toBe(T0 + 13 * DAY_MS);
    expect(urgencyOf(T0 + 13 * DAY_MS, T0)).toBe('low');
    expect(urgencyOf(T0 + 5 * DAY_MS, T0)).toBe('medium');
    expect(urgencyOf(T0 + DAY_MS, T0)).toBe('high');
    expect(urgencyOf(T0 - 1, T0)).toBe('critical');
    expect(urgencyOf(null, T0)).toBe('critical');
    expect(negotiationTarget(200, 'low')).toBe(180);
    expect(negotiationTarget(200, 'critical')).toBe(200);
  });

  it('counts savings only from a recorded quote with a negotiated price', () => {
    expect(savings(offer('a', { negotiatedPrice: 80 }), 3)).toBe(0);
    expect(savings(offer('a', { quoteId: 1, negotiatedPrice: null }), 3)).toBe(0);
    expect(savings(offer('a', { quoteId: 1, unitPrice: 100, negotiatedPrice: 80 }), 3)).toBe(60);
  });

  it('ranks by 0.4 savings + 0.3 reliability + 0.3 speed, each normalised', () => {
    const ranked = rankDeals(
      [offer('cheap-slow', { quoteId: 1, unitPrice: 100, negotiatedPrice: 70, reliability: 0.8, deliveryDays: 10 }), offer('fast', { quoteId: 2, unitPrice: 100, negotiatedPrice: 85, reliability: 0.95, deliveryDays: 2 }), offer('list', { reliability: 0.99, deliveryDays: 4 })],
      2,
    );
    const byId = Object.fromEntries(ranked.map((r) => [r.offer.supplierId, r]));
    expect(byId['cheap-slow']).toMatchObject({ savings: 60, priceScore: 1, speedScore: 0.2, price: 70 });
    expect(byId['cheap-slow']!.score).toBeCloseTo(0.4 + 0.3 * 0.8 + 0.3 * 0.2);
    expect(byId['fast']!.score).toBeCloseTo(0.4 * 0.5 + 0.3 * 0.95 + 0.3 * 1);
    expect(byId['list']!.score).toBeCloseTo(0.3 * 0.99 + 0.3 * 0.5);
    expect(ranked.map((r) => r.offer.supplierId)).toEqual(['fast', 'cheap-slow', 'list']);
  });
});

describe('procurement agent on a scripted plant', () => {
  function harness(parts = [part('bearing', { onHand: 1, reorderPoint: 1, reorderQuantity: 2 })], orders: OrderRef[] = []) {
    const decisions: Decision[] = [];
    const scheduler = createScheduler({
      agents: [
        createProcurementAgent({ periodMs: HOUR_MS }),
        {
          name: AGENT.maintenance,
          periodMs: HOUR_MS,
          inputs: [],
          actions: [],
          run: (ctx) => {
            if (ctx.lastRunTs !== null) return;
            const payload: PrepareSparesPayload = { machineId: 'm1', machineType: 'pump', failureType: 'bearing_wear', failureLowTs: T0 + 10 * DAY_MS, ticketReason: 'test' };
            return { messages: [{ to: AGENT.procurement, topic: TOPIC.prepareSpares, payload }] };
          },
        },
      ],
      budgetMs: 1000,
      now: () => 0,
      onDecision: (d) => decisions.push(d),
      onError: (e) => {
        throw new Error(e.message);
      },
      readInputs: () => ({ parts, offers: [offer('slow', { deliveryDays: 9, reliability: 0.9 }), offer('quick', { deliveryDays: 3, reliability: 0.9 })], orders, marginDays: 2 }),
    });
    return { decisions, scheduler };
  }

  it('checks the part a predicted repair needs and drafts an order dated from the failure, lead time and margin', () => {
    const h = harness();
    h.scheduler.advance(T0);
    expect(h.decisions).toEqual([]);
    h.scheduler.advance(T0 + HOUR_MS);
    expect(h.decisions.map((d) => d.action)).toEqual(['check_part', 'draft_order']);
    const draft = h.decisions[1]!;
    expect(draft.params).toMatchObject({ partId: 'bearing', supplierId: 'quick', quantity: 2, unitPrice: 100, orderBy: T0 + 5 * DAY_MS, urgency: 'medium', negotiationTarget: 94, machineId: 'm1' });
    expect(draft.explanation).toMatch(/Order by 2025-01-11 \(lead time 3 d \+ 2 d margin\)/);
  });

  it('does not draft when an open order already covers the part', () => {
    const h = harness(undefined, [{ id: 1, partId: 'bearing', machineId: null, status: 'pending_approval', quantity: 2 }]);
    h.scheduler.advance(T0);
    h.scheduler.advance(T0 + HOUR_MS);
    expect(h.decisions.map((d) => d.action)).toEqual(['check_part']);
  });

  it('replenishes a part below its reorder point at medium urgency', () => {
    const h = harness([part('seal', { failureTypes: ['leak'], onHand: 0, reorderPoint: 2, reorderQuantity: 5 })]);
    h.scheduler.advance(T0);
    expect(h.decisions).toHaveLength(1);
    expect(h.decisions[0]!.params).toMatchObject({ partId: 'seal', quantity: 5, urgency: 'medium', orderBy: T0 });
  });
});

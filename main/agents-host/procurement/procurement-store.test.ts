import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/open-database';
import type { Db } from '../../store/open-database';
import { procurementStore, readCatalog } from './procurement-store';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

const agent = { username: 'agent:procurement', role: null };

describe('procurement store', () => {
  it('seeds the example catalog once, flagged as example prices', () => {
    const store = procurementStore(db);
    expect(store.seed(readCatalog(), 1)).toBe(true);
    expect(store.seed(readCatalog(), 2)).toBe(false);
    const parts = store.parts();
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.every((p) => p.examplePrice)).toBe(true);
    expect(store.updatePart('bearing-6205', { unitPrice: 17 }, 3)).toMatchObject({ unitPrice: 17, examplePrice: false });
  });

  it('offers a supplier’s latest valid quote in place of its list price, and imports quotes from CSV line by line', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const csv = 'supplier_id,part_id,quantity,quoted_price,negotiated_price,valid_until\r\nexample-bearings,bearing-6205,10,20,17,\r\nexample-bearings,nope,1,5,,\r\nexample-industrial,bearing-6205,x,5,,\r\nexample-industrial,bearing-6205,4,15,,2000-01-01\r\n';
    const result = store.importQuotes(csv, 'buyer', 100);
    expect(result.imported).toBe(2);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4]);
    const offers = store.offers(Date.UTC(2025, 0, 1)).filter((o) => o.partId === 'bearing-6205');
    const bearings = offers.find((o) => o.supplierId === 'example-bearings')!;
    expect(bearings).toMatchObject({ unitPrice: 20, negotiatedPrice: 17, quoteId: expect.any(Number) });
    // the industrial quote expired in 2000: its list price stands
    expect(offers.find((o) => o.supplierId === 'example-industrial')).toMatchObject({ unitPrice: 16 });
    expect(offers.find((o) => o.supplierId === 'example-industrial')!.quoteId).toBeUndefined();
    expect(store.quotes({ limit: 10 }).find((q) => q.supplierId === 'example-bearings')!.savings).toBe(30);
  });

  it('moves an order through approval, refusing an operator, and adds deliveries to stock', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const draft = store.createOrder({ partId: 'mech-seal-35', supplierId: null, quantity: 2, unitPrice: null, machineId: null, quoteId: null, orderBy: null, urgency: null, negotiationTarget: null, decisionId: null, note: null, createdBy: 'op' }, 10);
    expect(() => store.transition(draft.id, 'pending_approval', agent, 11)).toThrow(/needs a supplier/);
    const order = store.createOrder({ partId: 'mech-seal-35', supplierId: 'example-fluid', quantity: 2, unitPrice: 215, machineId: null, quoteId: null, orderBy: null, urgency: 'low', negotiationTarget: 193.5, decisionId: null, note: null, createdBy: 'op' }, 10);
    store.transition(order.id, 'pending_approval', agent, 11);
    expect(() => store.transition(order.id, 'approved', { username: 'op', role: 'operator' }, 12)).toThrow(/only a supervisor/);
    expect(store.transition(order.id, 'approved', { username: 'sue', role: 'supervisor' }, 12)).toMatchObject({ status: 'approved', approvedBy: 'sue' });
    expect(() => store.transition(order.id, 'delivered', { username: 'op', role: 'operator' }, 13)).toThrow(/cannot become delivered/);
    store.transition(order.id, 'ordered', { username: 'op', role: 'operator' }, 13);
    const before = store.part('mech-seal-35').onHand;
    store.transition(order.id, 'delivered', { username: 'op', role: 'operator' }, 14);
    expect(store.part('mech-seal-35').onHand).toBe(before + 2);
    expect(store.orderRefs().map((o) => o.id)).toEqual([draft.id]);
  });

  const DAY = 86_400_000;
  const sue = { username: 'sue', role: 'supervisor' as const };
  const base = { supplierId: 'example-fluid', machineId: null, quoteId: null, orderBy: null, urgency: null, negotiationTarget: null, decisionId: null, note: null, createdBy: 'op' };

  it('keeps the negotiated price and its savings, from the order or from its quote, and refuses a price above the one agreed from', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const manual = store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 2, unitPrice: 215, negotiatedPrice: 200 }, 10);
    expect(manual).toMatchObject({ unitPrice: 215, negotiatedPrice: 200, savings: 30, estimatedDelivery: null, actualDelivery: null });
    const quote = store.addQuote({ supplierId: 'example-bearings', partId: 'bearing-6205', quantity: 10, quotedPrice: 20, negotiatedPrice: 17, validUntil: null }, 'entered', 'buyer', 5);
    const fromQuote = store.createOrder({ ...base, supplierId: 'example-bearings', partId: 'bearing-6205', quantity: 10, unitPrice: null, quoteId: quote.id }, 10);
    expect(fromQuote).toMatchObject({ unitPrice: 20, negotiatedPrice: 17, savings: 30, quoteId: quote.id });
    expect(() => store.createOrder({ ...base, partId: 'bearing-6205', quantity: 1, unitPrice: null, quoteId: quote.id }, 10)).toThrow(/quote #\d+ is for bearing-6205 from example-bearings, not this order/);
    expect(() => store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 1, unitPrice: 100, negotiatedPrice: 120 }, 10)).toThrow(/negotiated price 120 is above the price 100/);
    expect(() => store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 1, unitPrice: null, negotiatedPrice: 90 }, 10)).toThrow(/needs the quoted or list price/);
    expect(store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 1, unitPrice: 100 }, 10).savings).toBeNull();
  });

  it('records expected and actual delivery, and rates suppliers on their delivered orders', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const deliver = (placedAt: number, deliveredAt: number) => {
      const o = store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 1, unitPrice: 215 }, placedAt);
      store.transition(o.id, 'pending_approval', agent, placedAt);
      store.transition(o.id, 'approved', sue, placedAt);
      const placed = store.transition(o.id, 'ordered', sue, placedAt);
      // example-fluid delivers in 4 days
      expect(placed.estimatedDelivery).toBe(placedAt + 4 * DAY);
      return store.transition(o.id, 'delivered', sue, deliveredAt);
    };
    expect(deliver(0, 3 * DAY)).toMatchObject({ estimatedDelivery: 4 * DAY, actualDelivery: 3 * DAY });
    deliver(10 * DAY, 14 * DAY + 3_600_000); // an hour late: still on the expected day
    deliver(20 * DAY, 27 * DAY); // three days late
    const fluid = store.suppliers().find((s) => s.id === 'example-fluid')!;
    expect(fluid.performance.delivered).toBe(3);
    expect(fluid.performance.onTime).toBe(2);
    expect(fluid.performance.onTimeShare).toBeCloseTo(2 / 3);
    expect(fluid.performance.averageDelayDays).toBeCloseTo((0 + 1 / 24 + 3) / 3);
    expect(store.suppliers().find((s) => s.id === 'example-bearings')!.performance).toEqual({ delivered: 0, onTime: 0, onTimeShare: null, averageDelayDays: null });
  });

  it('sums the savings of orders that went ahead per month', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const jan = Date.UTC(2026, 0, 15);
    const feb = Date.UTC(2026, 1, 15);
    for (const [at, negotiated] of [[jan, 200], [jan, 210], [feb, 205]] as const) {
      const o = store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 2, unitPrice: 215, negotiatedPrice: negotiated }, at);
      store.transition(o.id, 'pending_approval', agent, at);
      store.transition(o.id, 'approved', sue, at);
    }
    // A draft saves nothing yet.
    store.createOrder({ ...base, partId: 'mech-seal-35', quantity: 2, unitPrice: 215, negotiatedPrice: 100 }, feb);
    const month = (ts: number) => new Date(ts).toISOString().slice(0, 7);
    expect(store.savingsByMonth(0, month)).toEqual([
      { month: '2026-01', savings: 40, orders: 2 },
      { month: '2026-02', savings: 20, orders: 1 },
    ]);
    expect(store.savingsByMonth(feb, month)).toEqual([{ month: '2026-02', savings: 20, orders: 1 }]);
  });

  it('takes the parts a closed ticket used out of stock, together with the close or not at all', () => {
    const store = procurementStore(db);
    store.seed(readCatalog(), 1);
    const onHand = store.part('bearing-6205').onHand;
    expect(store.withPartsUsed(7, [{ partId: 'bearing-6205', quantity: 1 }], 'tech', 50, () => 'closed')).toBe('closed');
    expect(store.part('bearing-6205').onHand).toBe(onHand - 1);
    expect(store.partsUsed(7)).toEqual([{ partId: 'bearing-6205', quantity: 1 }]);
    expect(() => store.withPartsUsed(8, [{ partId: 'bearing-6205', quantity: onHand + 5 }], 'tech', 51, () => 'closed')).toThrow(/only \d+ \S+ of .* on hand, \d+ used: correct the stock first/);
    // The close failing (ticket already closed) puts the stock back as it was.
    expect(() =>
      store.withPartsUsed(7, [{ partId: 'bearing-6205', quantity: 1 }], 'tech', 52, () => {
        throw new Error('ticket #7 is already closed');
      }),
    ).toThrow(/already closed/);
    expect(store.part('bearing-6205').onHand).toBe(onHand - 1);
    expect(store.partsUsed(7)).toHaveLength(1);
    expect(() => store.withPartsUsed(9, [{ partId: 'nope', quantity: 1 }], 'tech', 53, () => 'x')).toThrow(/no part nope/);
  });
});

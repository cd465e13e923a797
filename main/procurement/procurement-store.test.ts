import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database';
import type { Db } from '../store/open-database';
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
});

/**
 * Parts, suppliers, quotes and purchase orders: the procurement agent's repository. The example
 * catalog is seeded by parts-catalog.ts; orders move through order-states.ts.
 */
import type { Order, OrderStatus, Part, Quote } from '../../../common/contract-agents';
import type { Role } from '../../../common/roles';
import { OPEN_ORDER_STATUSES, type OrderRef, type PartInfo, type SupplierOffer } from '../../../agents/model';
import { CallFailure } from '../../../common/errors';
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';
import { refuseTransition } from './order-states';
import { seedCatalog, type Catalog } from './parts-catalog';
import { DAY_MS, ORDER_SELECT, savingsOf, toOrder, toPart, toQuote, type OrderRow, type PartRow, type QuoteRow } from './procurement-rows';
import { importQuoteCsv, type QuoteImport } from './quote-import';
import { offers, suppliers } from './supplier-offers';

export { readCatalog } from './parts-catalog';

export interface NewOrder {
  partId: string;
  supplierId: string | null;
  quantity: number;
  unitPrice: number | null;
  machineId: string | null;
  quoteId: number | null;
  orderBy: number | null;
  urgency: Order['urgency'];
  negotiationTarget: number | null;
  decisionId: string | null;
  note: string | null;
  createdBy: string;
  /** Agreed price; from the quote when the order comes from one and gives none. */
  negotiatedPrice?: number | null;
}

export interface NewQuote {
  supplierId: string;
  partId: string;
  quantity: number;
  quotedPrice: number;
  negotiatedPrice: number | null;
  validUntil: number | null;
}

export function procurementStore(db: Db) {
  const part = (id: string): Part => {
    const row = prepared<[string], PartRow>(db, 'SELECT * FROM parts WHERE id = ?').get(id);
    if (!row) throw new CallFailure('not_found', `no part ${id}`);
    return toPart(row);
  };
  const order = (id: number): Order => {
    const row = prepared<[number], OrderRow>(db, `${ORDER_SELECT} WHERE o.id = ?`).get(id);
    if (!row) throw new CallFailure('not_found', `no order #${id}`);
    return toOrder(row);
  };
  const supplierExists = (id: string) => prepared<[string]>(db, 'SELECT 1 FROM suppliers WHERE id = ?').get(id) !== undefined;

  function addQuote(q: NewQuote, source: Quote['source'], by: string | null, at: number): Quote {
    if (!supplierExists(q.supplierId)) throw new CallFailure('not_found', `no supplier ${q.supplierId}`);
    part(q.partId);
    const { lastInsertRowid } = prepared(db, 'INSERT INTO quotes (supplier_id, part_id, quantity, quoted_price, negotiated_price, valid_until, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run([
      q.supplierId,
      q.partId,
      q.quantity,
      q.quotedPrice,
      q.negotiatedPrice,
      q.validUntil,
      source,
      by,
      at,
    ]);
    return toQuote(prepared<[number], QuoteRow>(db, 'SELECT * FROM quotes WHERE id = ?').get(Number(lastInsertRowid))!);
  }

  return {
    seed: (catalog: Catalog, at: number): boolean => seedCatalog(db, catalog, at),

    part,
    parts: (): Part[] => prepared<[], PartRow>(db, 'SELECT * FROM parts ORDER BY name').all().map(toPart),
    updatePart(id: string, change: Partial<Pick<Part, 'onHand' | 'reorderPoint' | 'reorderQuantity' | 'leadTimeDays' | 'unitPrice'>>, at: number): Part {
      const p = part(id);
      prepared(db, 'UPDATE parts SET on_hand = ?, reorder_point = ?, reorder_quantity = ?, lead_time_days = ?, unit_price = ?, example_price = ?, updated_at = ? WHERE id = ?').run([
        change.onHand ?? p.onHand,
        change.reorderPoint ?? p.reorderPoint,
        change.reorderQuantity ?? p.reorderQuantity,
        change.leadTimeDays ?? p.leadTimeDays,
        change.unitPrice ?? p.unitPrice,
        change.unitPrice !== undefined ? 0 : p.examplePrice ? 1 : 0,
        at,
        id,
      ]);
      return part(id);
    },
    partInfos(): PartInfo[] {
      return prepared<[], PartRow>(db, 'SELECT * FROM parts')
        .all()
        .map((r) => {
          const { examplePrice: _ignored, ...info } = toPart(r);
          return info;
        });
    },

    suppliers: () => suppliers(db),
    /** Each supplier's offer per part: its latest valid quote where there is one, else its list price. */
    offers: (at: number): SupplierOffer[] => offers(db, at),

    quotes(query: { partId?: string; limit: number }): Quote[] {
      return prepared<[Record<string, unknown>], QuoteRow>(db, 'SELECT * FROM quotes WHERE (@partId IS NULL OR part_id = @partId) ORDER BY id DESC LIMIT @limit')
        .all({ partId: query.partId ?? null, limit: query.limit })
        .map(toQuote);
    },
    addQuote,
    importQuotes: (csv: string, by: string | null, at: number): QuoteImport => importQuoteCsv(db, csv, (q) => addQuote(q, 'csv', by, at)),

    order,
    orders(query: { status?: OrderStatus; limit: number }): Order[] {
      return prepared<[Record<string, unknown>], OrderRow>(db, `${ORDER_SELECT} WHERE (@status IS NULL OR o.status = @status) ORDER BY o.id DESC LIMIT @limit`)
        .all({ status: query.status ?? null, limit: query.limit })
        .map(toOrder);
    },
    orderRefs(): OrderRef[] {
      return prepared<[], { id: number; part: string; machine_id: string | null; status: OrderStatus; quantity: number }>(db, `SELECT id, part, machine_id, status, quantity FROM procurement_orders WHERE status IN (${OPEN_ORDER_STATUSES.map(() => '?').join(', ')})`)
        .all(...(OPEN_ORDER_STATUSES as []))
        .map((r) => ({ id: r.id, partId: r.part, machineId: r.machine_id, status: r.status, quantity: r.quantity }));
    },
    createOrder(o: NewOrder, at: number): Order {
      part(o.partId);
      if (o.supplierId !== null && !supplierExists(o.supplierId)) throw new CallFailure('not_found', `no supplier ${o.supplierId}`);
      let unitPrice = o.unitPrice;
      let negotiated = o.negotiatedPrice ?? null;
      if (o.quoteId !== null) {
        const q = prepared<[number], QuoteRow>(db, 'SELECT * FROM quotes WHERE id = ?').get(o.quoteId);
        if (!q) throw new CallFailure('not_found', `no quote #${o.quoteId}`);
        if (q.part_id !== o.partId || (o.supplierId !== null && q.supplier_id !== o.supplierId)) throw new CallFailure('bad_request', `quote #${o.quoteId} is for ${q.part_id} from ${q.supplier_id}, not this order`);
        unitPrice ??= q.quoted_price;
        negotiated ??= q.negotiated_price;
      }
      if (negotiated !== null && unitPrice === null) throw new CallFailure('bad_request', 'a negotiated price needs the quoted or list price it was agreed from (unitPrice)');
      if (negotiated !== null && unitPrice !== null && negotiated > unitPrice) throw new CallFailure('bad_request', `the negotiated price ${negotiated} is above the price ${unitPrice}; enter the higher one as the price`);
      const { lastInsertRowid } = prepared(
        db,
        `INSERT INTO procurement_orders (part, supplier, quantity, unit_price, status, machine_id, created_by, created_at, updated_at, quote_id, order_by, urgency, negotiation_target, decision_id, note, negotiated_price, savings)
         VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run([o.partId, o.supplierId, o.quantity, unitPrice, o.machineId, o.createdBy, at, at, o.quoteId, o.orderBy, o.urgency, o.negotiationTarget, o.decisionId, o.note, negotiated, savingsOf(unitPrice, negotiated, o.quantity)]);
      return order(Number(lastInsertRowid));
    },
    /** Savings of orders that went ahead (approved, ordered, delivered), by the month `monthOf` puts their creation in. */
    savingsByMonth(since: number, monthOf: (ts: number) => string): { month: string; savings: number; orders: number }[] {
      const rows = prepared<[number], { created_at: number; savings: number }>(db, "SELECT created_at, savings FROM procurement_orders WHERE savings IS NOT NULL AND status IN ('approved', 'ordered', 'delivered') AND created_at >= ? ORDER BY created_at").all(since);
      const months = new Map<string, { month: string; savings: number; orders: number }>();
      for (const r of rows) {
        const m = monthOf(r.created_at);
        const entry = months.get(m) ?? months.set(m, { month: m, savings: 0, orders: 0 }).get(m)!;
        entry.savings += r.savings;
        entry.orders++;
      }
      return [...months.values()];
    },
    /**
     * Takes the parts a ticket used out of stock and runs `close` in the same transaction: all of it
     * happens, or none (a part short in stock, or a close that fails, changes nothing). Never below zero.
     */
    withPartsUsed<T>(ticketId: number, parts: readonly { partId: string; quantity: number }[], by: string, at: number, close: () => T): T {
      return db.transaction(() => {
        for (const u of parts) {
          const p = part(u.partId);
          if (p.onHand < u.quantity) throw new CallFailure('conflict', `only ${p.onHand} ${p.unit} of ${p.name} on hand, ${u.quantity} used: correct the stock first`);
          prepared(db, 'UPDATE parts SET on_hand = on_hand - ?, updated_at = ? WHERE id = ?').run([u.quantity, at, u.partId]);
          prepared(db, 'INSERT INTO ticket_parts (ticket_id, part_id, quantity, used_by, at) VALUES (?, ?, ?, ?, ?)').run([ticketId, u.partId, u.quantity, by, at]);
        }
        return close();
      })();
    },
    partsUsed(ticketId: number): { partId: string; quantity: number }[] {
      return prepared<[number], { part_id: string; quantity: number }>(db, 'SELECT part_id, quantity FROM ticket_parts WHERE ticket_id = ? ORDER BY id').all(ticketId).map((r) => ({ partId: r.part_id, quantity: r.quantity }));
    },
    /** One step of the state machine; approvals record the approver, deliveries add to stock. */
    transition(id: number, to: OrderStatus, actor: { username: string; role: Role | null }, at: number, reason?: string): Order {
      return db.transaction(() => {
        const o = order(id);
        const refusal = refuseTransition(o.status, to, actor.role, { actor: actor.username, createdBy: o.createdBy });
        if (refusal) throw new CallFailure(refusal.startsWith('only') ? 'forbidden' : 'conflict', `order #${id}: ${refusal}`);
        if (to === 'pending_approval' && (o.supplierId === null || o.unitPrice === null)) throw new CallFailure('conflict', `order #${id} needs a supplier and a price before approval`);
        const note = reason ? `${o.note ? `${o.note}\n` : ''}${to}: ${reason}` : o.note;
        const approvedBy = to === 'approved' || to === 'rejected' ? actor.username : o.approvedBy;
        prepared(db, 'UPDATE procurement_orders SET status = ?, approved_by = ?, note = ?, updated_at = ? WHERE id = ?').run([to, approvedBy, note, at, id]);
        if (to === 'ordered' && o.estimatedDelivery === null) {
          // Expected by the supplier's delivery days, else the part's lead time.
          const days = o.supplierId === null ? null : (prepared<[string], { delivery_days: number }>(db, 'SELECT delivery_days FROM suppliers WHERE id = ?').get(o.supplierId)?.delivery_days ?? null);
          prepared(db, 'UPDATE procurement_orders SET estimated_delivery = ? WHERE id = ?').run([at + (days ?? part(o.partId).leadTimeDays) * DAY_MS, id]);
        }
        if (to === 'delivered') {
          prepared(db, 'UPDATE procurement_orders SET actual_delivery = ? WHERE id = ?').run([at, id]);
          prepared(db, 'UPDATE parts SET on_hand = on_hand + ?, updated_at = ? WHERE id = ?').run([o.quantity, at, o.partId]);
        }
        return order(id);
      })();
    },
  };
}
export type ProcurementStore = ReturnType<typeof procurementStore>;

/**
 * Parts, suppliers, quotes and purchase orders. The shipped catalog (assets/parts-catalog.json) is
 * seeded once into an empty store with its prices flagged as examples; from then on the plant's
 * own entries are the truth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Order, OrderStatus, Part, Quote } from '../../common/contract-agents';
import type { Role } from '../../common/roles';
import { OPEN_ORDER_STATUSES, type OrderRef, type PartInfo, type SupplierOffer } from '../../agents/model';
import { CallFailure } from '../ipc/call-failure';
import { parseCsv } from '../reports/csv';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';
import { refuseTransition } from './order-states';

export const CatalogSchema = z.object({
  currency: z.string(),
  parts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      machineTypes: z.array(z.string()),
      failureTypes: z.array(z.string()),
      unit: z.string(),
      onHand: z.number(),
      reorderPoint: z.number(),
      reorderQuantity: z.number(),
      leadTimeDays: z.number(),
      unitPrice: z.number(),
    }),
  ),
  suppliers: z.array(z.object({ id: z.string(), name: z.string(), reliability: z.number(), deliveryDays: z.number(), prices: z.record(z.string(), z.number()) })),
});
export type Catalog = z.infer<typeof CatalogSchema>;

export const CATALOG_FILE = join(import.meta.dirname, '../../assets/parts-catalog.json');
export const readCatalog = (file = CATALOG_FILE): Catalog => CatalogSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

interface PartRow {
  id: string;
  name: string;
  machine_types: string;
  failure_types: string;
  unit: string;
  on_hand: number;
  reserved: number;
  reorder_point: number;
  reorder_quantity: number;
  lead_time_days: number;
  unit_price: number;
  example_price: number;
}
interface QuoteRow {
  id: number;
  supplier_id: string;
  part_id: string;
  quantity: number;
  quoted_price: number;
  negotiated_price: number | null;
  valid_until: number | null;
  source: 'entered' | 'csv';
  created_by: string | null;
  created_at: number;
}
interface OrderRow {
  id: number;
  part: string;
  part_name: string | null;
  supplier: string | null;
  supplier_name: string | null;
  quantity: number;
  unit_price: number | null;
  status: OrderStatus;
  machine_id: string | null;
  created_by: string | null;
  approved_by: string | null;
  created_at: number;
  updated_at: number;
  quote_id: number | null;
  order_by: number | null;
  urgency: Order['urgency'];
  negotiation_target: number | null;
  decision_id: string | null;
  note: string | null;
  negotiated_price: number | null;
  savings: number | null;
  estimated_delivery: number | null;
  actual_delivery: number | null;
}

const DAY_MS = 86_400_000;
/** (unit − negotiated) × quantity, never negative; null without both prices. */
const savingsOf = (unitPrice: number | null, negotiatedPrice: number | null, quantity: number) => (unitPrice === null || negotiatedPrice === null ? null : Math.max(0, (unitPrice - negotiatedPrice) * quantity));

const toPart = (r: PartRow): Part => ({
  id: r.id,
  name: r.name,
  machineTypes: JSON.parse(r.machine_types) as string[],
  failureTypes: JSON.parse(r.failure_types) as string[],
  unit: r.unit,
  onHand: r.on_hand,
  reserved: r.reserved,
  reorderPoint: r.reorder_point,
  reorderQuantity: r.reorder_quantity,
  leadTimeDays: r.lead_time_days,
  unitPrice: r.unit_price,
  examplePrice: r.example_price === 1,
});
const toQuote = (r: QuoteRow): Quote => ({
  id: r.id,
  supplierId: r.supplier_id,
  partId: r.part_id,
  quantity: r.quantity,
  quotedPrice: r.quoted_price,
  negotiatedPrice: r.negotiated_price,
  validUntil: r.valid_until,
  source: r.source,
  createdBy: r.created_by,
  createdAt: r.created_at,
  savings: r.negotiated_price === null ? 0 : Math.max(0, (r.quoted_price - r.negotiated_price) * r.quantity),
});
const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  partId: r.part,
  partName: r.part_name ?? r.part,
  supplierId: r.supplier,
  supplierName: r.supplier_name,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  status: r.status,
  machineId: r.machine_id,
  createdBy: r.created_by,
  approvedBy: r.approved_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  quoteId: r.quote_id,
  orderBy: r.order_by,
  urgency: r.urgency,
  negotiationTarget: r.negotiation_target,
  decisionId: r.decision_id,
  note: r.note,
  negotiatedPrice: r.negotiated_price,
  savings: r.savings,
  estimatedDelivery: r.estimated_delivery,
  actualDelivery: r.actual_delivery,
});

const ORDER_SELECT = `SELECT o.*, p.name AS part_name, s.name AS supplier_name FROM procurement_orders o
  LEFT JOIN parts p ON p.id = o.part LEFT JOIN suppliers s ON s.id = o.supplier`;

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

/** On time: delivered less than a day after the expected time. The mean delay counts early as 0. */
export function deliveryPerformance(deliveries: readonly { estimated_delivery: number; actual_delivery: number }[]) {
  const late = deliveries.map((d) => Math.max(0, d.actual_delivery - d.estimated_delivery) / DAY_MS);
  const onTime = late.filter((days) => days < 1).length;
  const n = deliveries.length;
  return { delivered: n, onTime, onTimeShare: n === 0 ? null : onTime / n, averageDelayDays: n === 0 ? null : late.reduce((s, d) => s + d, 0) / n };
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
    /** Loads the example catalog into an empty store; a store with any part is left alone. */
    seed(catalog: Catalog, at: number): boolean {
      if (prepared(db, 'SELECT 1 FROM parts LIMIT 1').get() !== undefined) return false;
      db.transaction(() => {
        for (const p of catalog.parts) {
          prepared(db, 'INSERT INTO parts (id, name, machine_types, failure_types, unit, on_hand, reorder_point, reorder_quantity, lead_time_days, unit_price, example_price, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)').run([
            p.id,
            p.name,
            JSON.stringify(p.machineTypes),
            JSON.stringify(p.failureTypes),
            p.unit,
            p.onHand,
            p.reorderPoint,
            p.reorderQuantity,
            p.leadTimeDays,
            p.unitPrice,
            at,
          ]);
        }
        for (const s of catalog.suppliers) {
          prepared(db, 'INSERT INTO suppliers (id, name, reliability, delivery_days, example) VALUES (?, ?, ?, ?, 1)').run([s.id, s.name, s.reliability, s.deliveryDays]);
          for (const [partId, price] of Object.entries(s.prices)) prepared(db, 'INSERT INTO supplier_prices (supplier_id, part_id, unit_price) VALUES (?, ?, ?)').run([s.id, partId, price]);
        }
      })();
      return true;
    },

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

    suppliers() {
      const deliveries = prepared<[], { supplier: string; estimated_delivery: number; actual_delivery: number }>(
        db,
        "SELECT supplier, estimated_delivery, actual_delivery FROM procurement_orders WHERE status = 'delivered' AND supplier IS NOT NULL AND estimated_delivery IS NOT NULL AND actual_delivery IS NOT NULL",
      ).all();
      const prices = prepared<[], { supplier_id: string; part_id: string; unit_price: number }>(db, 'SELECT * FROM supplier_prices ORDER BY part_id').all();
      return prepared<[], { id: string; name: string; reliability: number; delivery_days: number; example: number }>(db, 'SELECT * FROM suppliers ORDER BY name')
        .all()
        .map((s) => ({
          id: s.id,
          name: s.name,
          reliability: s.reliability,
          deliveryDays: s.delivery_days,
          example: s.example === 1,
          prices: prices.filter((p) => p.supplier_id === s.id).map((p) => ({ partId: p.part_id, unitPrice: p.unit_price })),
          performance: deliveryPerformance(deliveries.filter((d) => d.supplier === s.id)),
        }));
    },

    /** Each supplier's offer per part: its latest valid quote where there is one, else its list price. */
    offers(at: number): SupplierOffer[] {
      const rows = prepared<[{ at: number }], { supplier_id: string; part_id: string; name: string; reliability: number; delivery_days: number; list_price: number | null; quote_id: number | null; quoted_price: number | null; negotiated_price: number | null }>(
        db,
        `WITH latest AS (
           SELECT q.* FROM quotes q WHERE (q.valid_until IS NULL OR q.valid_until >= @at)
             AND q.id = (SELECT MAX(id) FROM quotes q2 WHERE q2.supplier_id = q.supplier_id AND q2.part_id = q.part_id AND (q2.valid_until IS NULL OR q2.valid_until >= @at))
         ), pairs AS (SELECT supplier_id, part_id FROM supplier_prices UNION SELECT supplier_id, part_id FROM latest)
         SELECT pairs.supplier_id, pairs.part_id, s.name, s.reliability, s.delivery_days, sp.unit_price AS list_price, l.id AS quote_id, l.quoted_price, l.negotiated_price
         FROM pairs JOIN suppliers s ON s.id = pairs.supplier_id
         LEFT JOIN supplier_prices sp ON sp.supplier_id = pairs.supplier_id AND sp.part_id = pairs.part_id
         LEFT JOIN latest l ON l.supplier_id = pairs.supplier_id AND l.part_id = pairs.part_id`,
      ).all({ at });
      return rows.map((r) =>
        r.quote_id !== null
          ? { supplierId: r.supplier_id, supplierName: r.name, partId: r.part_id, unitPrice: r.quoted_price!, reliability: r.reliability, deliveryDays: r.delivery_days, quoteId: r.quote_id, negotiatedPrice: r.negotiated_price }
          : { supplierId: r.supplier_id, supplierName: r.name, partId: r.part_id, unitPrice: r.list_price!, reliability: r.reliability, deliveryDays: r.delivery_days },
      );
    },

    quotes(query: { partId?: string; limit: number }): Quote[] {
      return prepared<[Record<string, unknown>], QuoteRow>(db, 'SELECT * FROM quotes WHERE (@partId IS NULL OR part_id = @partId) ORDER BY id DESC LIMIT @limit')
        .all({ partId: query.partId ?? null, limit: query.limit })
        .map(toQuote);
    },
    addQuote,
    /** Imports every good line and reports the bad ones by line number; one bad line does not spoil the file. */
    importQuotes(csv: string, by: string | null, at: number): { imported: number; errors: { line: number; message: string }[] } {
      const rows = parseCsv(csv);
      const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
      const col = (name: string) => header.indexOf(name);
      const missing = ['supplier_id', 'part_id', 'quantity', 'quoted_price'].filter((n) => col(n) < 0);
      if (missing.length > 0) return { imported: 0, errors: [{ line: 1, message: `missing column(s): ${missing.join(', ')}` }] };
      const num = (row: string[], name: string): number | null => {
        const i = col(name);
        const text = i < 0 ? '' : (row[i] ?? '').trim();
        if (text === '') return null;
        const n = Number(text);
        if (!Number.isFinite(n) || n < 0) throw new Error(`${name} is not a number: ${text}`);
        return n;
      };
      const errors: { line: number; message: string }[] = [];
      let imported = 0;
      const run = db.transaction(() => {
        rows.forEach((row, i) => {
          try {
            const quantity = num(row, 'quantity');
            const quotedPrice = num(row, 'quoted_price');
            if (quantity === null || quantity <= 0) throw new Error('quantity is required and positive');
            if (quotedPrice === null) throw new Error('quoted_price is required');
            const validText = col('valid_until') < 0 ? '' : (row[col('valid_until')] ?? '').trim();
            const validUntil = validText === '' ? null : Date.parse(validText);
            if (validUntil !== null && !Number.isFinite(validUntil)) throw new Error(`valid_until is not a date: ${validText}`);
            addQuote({ supplierId: (row[col('supplier_id')] ?? '').trim(), partId: (row[col('part_id')] ?? '').trim(), quantity, quotedPrice, negotiatedPrice: num(row, 'negotiated_price'), validUntil }, 'csv', by, at);
            imported++;
          } catch (err) {
            errors.push({ line: i + 2, message: (err as Error).message });
          }
        });
      });
      run();
      return { imported, errors };
    },

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
        const refusal = refuseTransition(o.status, to, actor.role);
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

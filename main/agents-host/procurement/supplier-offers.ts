/** Suppliers with their list prices and delivery record, and what each offers per part today. */
import type { SupplierOffer } from '../../../agents/model';
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';
import { DAY_MS } from './procurement-rows';

/** On time: delivered less than a day after the expected time. The mean delay counts early as 0. */
export function deliveryPerformance(deliveries: readonly { estimated_delivery: number; actual_delivery: number }[]) {
  const late = deliveries.map((d) => Math.max(0, d.actual_delivery - d.estimated_delivery) / DAY_MS);
  const onTime = late.filter((days) => days < 1).length;
  const n = deliveries.length;
  return { delivered: n, onTime, onTimeShare: n === 0 ? null : onTime / n, averageDelayDays: n === 0 ? null : late.reduce((s, d) => s + d, 0) / n };
}

export function suppliers(db: Db) {
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
}

/** Each supplier's offer per part: its latest valid quote where there is one, else its list price. */
export function offers(db: Db, at: number): SupplierOffer[] {
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
}

/**
 * The shipped example catalog (assets/parts-catalog.json): seeded once into an empty store with its
 * prices flagged as examples; from then on the plant's own entries are the truth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PartSchema, SupplierSchema } from '../../../common/contract-agents';
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';

/** The shipped catalog: the contract's parts and suppliers without what only the store keeps (stock reserved, example flags, performance). */
export const CatalogSchema = z.object({
  currency: z.string(),
  parts: z.array(PartSchema.omit({ reserved: true, examplePrice: true })),
  suppliers: z.array(SupplierSchema.pick({ id: true, name: true, reliability: true, deliveryDays: true }).extend({ prices: z.record(z.string(), z.number()) })),
});
export type Catalog = z.infer<typeof CatalogSchema>;

export const CATALOG_FILE = join(import.meta.dirname, '../../../assets/parts-catalog.json');
export const readCatalog = (file = CATALOG_FILE): Catalog => CatalogSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

/** Loads the example catalog into an empty store; a store with any part is left alone. */
export function seedCatalog(db: Db, catalog: Catalog, at: number): boolean {
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
}

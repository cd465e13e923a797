/** Quotes from a supplier's CSV file (supplier_id, part_id, quantity, quoted_price, optional negotiated_price and valid_until). */
import { parseCsv } from '../../documents/csv';
import type { Db } from '../../store/open-database';
import type { NewQuote } from './procurement-store';

export interface QuoteImport {
  imported: number;
  errors: { line: number; message: string }[];
}

/** Imports every good line and reports the bad ones by line number; one bad line does not spoil the file. */
export function importQuoteCsv(db: Db, csv: string, add: (quote: NewQuote) => void): QuoteImport {
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
        add({ supplierId: (row[col('supplier_id')] ?? '').trim(), partId: (row[col('part_id')] ?? '').trim(), quantity, quotedPrice, negotiatedPrice: num(row, 'negotiated_price'), validUntil });
        imported++;
      } catch (err) {
        errors.push({ line: i + 2, message: (err as Error).message });
      }
    });
  });
  run();
  return { imported, errors };
}

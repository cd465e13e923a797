/**
 * What the analytics and energy charts draw, computed from what the host already answers: the KPI
 * rows (reports.kpis), the alarm journal (alarms.history), orders and quotes, and the condition
 * monitor's state history. Pure, so the figures are tested without a browser.
 */
import type { AlarmJournalEntry } from '../../../common/contract-alarms';
import type { KpiRow, Order, Quote } from '../../../common/contract-agents';
import { localParts, localToInstant } from '../../../common/plant-time';

export const TEN_MINUTES = 600_000;
/** EEMUA 191: about one alarm per 10 minutes is manageable; more than ten is a flood. */
export const EEMUA_ACCEPTABLE = 1;
export const EEMUA_FLOOD = 10;

export interface Columns {
  x: number[];
  series: Record<string, (number | null)[]>;
}

/** OEE and its three factors (as %), energy, CO2 and downtime per bucket. */
export function kpiColumns(rows: readonly KpiRow[]): Columns {
  const plant = rows.filter((r) => r.machineId === null).sort((a, b) => a.bucket - b.bucket);
  const pct = (v: number | null) => (v === null ? null : v * 100);
  return {
    x: plant.map((r) => r.bucket),
    series: {
      oee: plant.map((r) => pct(r.oee)),
      availability: plant.map((r) => pct(r.availability)),
      performance: plant.map((r) => pct(r.performance)),
      quality: plant.map((r) => pct(r.quality)),
      kwh: plant.map((r) => r.kwh),
      co2Kg: plant.map((r) => r.co2Kg),
      downtimeH: plant.map((r) => r.downtimeH),
    },
  };
}

/** Annunciations (activations and re-alarms) per 10 minutes over [from, to). */
export function alarmRate(entries: readonly Pick<AlarmJournalEntry, 'at' | 'action'>[], from: number, to: number): Columns {
  const start = Math.floor(from / TEN_MINUTES) * TEN_MINUTES;
  const n = Math.max(1, Math.ceil((to - start) / TEN_MINUTES));
  const counts = new Array<number>(n).fill(0);
  for (const e of entries) {
    if (e.action !== 'activate' && e.action !== 'realarm') continue;
    const i = Math.floor((e.at - start) / TEN_MINUTES);
    if (i >= 0 && i < n) counts[i]!++;
  }
  return { x: counts.map((_, i) => start + i * TEN_MINUTES), series: { alarms: counts } };
}

/** The plant's calendar month holding `ts`, as its first instant (local midnight of the 1st in `zone`). */
export function plantMonthOf(ts: number, zone: string): number {
  const p = localParts(zone, ts);
  return localToInstant(zone, p.year, p.month, 1);
}

const COMMITTED = new Set<Order['status']>(['approved', 'ordered', 'delivered']);

type OrderFigures = Pick<Order, 'status' | 'quoteId' | 'quantity' | 'createdAt'> & { savings?: number | null };

/** An order's own recorded savings; else (quoted − negotiated) x quantity of the quote it was placed on (list prices save nothing). */
function orderSavings(o: OrderFigures, quotes: ReadonlyMap<number, Pick<Quote, 'quotedPrice' | 'negotiatedPrice'>>): number | null {
  if (o.savings !== undefined && o.savings !== null) return o.savings;
  const q = o.quoteId === null ? undefined : quotes.get(o.quoteId);
  return q && q.negotiatedPrice !== null ? (q.quotedPrice - q.negotiatedPrice) * o.quantity : null;
}

/** Savings of committed orders (approved, ordered, delivered) per plant calendar month (in `zone`) of the order. */
export function savingsByMonth(orders: readonly OrderFigures[], quotes: readonly Quote[], zone: string): Columns {
  const byId = new Map(quotes.map((q) => [q.id, q]));
  const months = new Map<number, number>();
  for (const o of orders) {
    if (!COMMITTED.has(o.status)) continue;
    const saved = orderSavings(o, byId);
    if (saved === null) continue;
    const m = plantMonthOf(o.createdAt, zone);
    months.set(m, (months.get(m) ?? 0) + saved);
  }
  const x = [...months.keys()].sort((a, b) => a - b);
  return { x, series: { savings: x.map((m) => months.get(m)!) } };
}

/** Savings of the plant's current calendar month (columns from savingsByMonth in the same `zone`), 0 when none. */
export function savingsThisMonth(columns: Columns, now: number, zone: string): number {
  const i = columns.x.indexOf(plantMonthOf(now, zone));
  return i < 0 ? 0 : (columns.series['savings']?.[i] ?? 0);
}

/** Downtime per machine (hours off or idle), largest first, at most `top`. */
export function downtimeByMachine(totals: readonly { machineId: string; name: string; hours: Partial<Record<'running' | 'idle' | 'off' | 'unknown', number>> }[], top: number): { name: string; machineId: string; hours: number }[] {
  return totals
    .map((t) => ({ machineId: t.machineId, name: t.name, hours: (t.hours.off ?? 0) + (t.hours.idle ?? 0) }))
    .sort((a, b) => b.hours - a.hours || a.name.localeCompare(b.name))
    .slice(0, top);
}

/** Consecutive hours of one tariff band as one span; the dearer the band, the larger its weight. */
export function tariffSpans(hours: readonly { hour: number; period: string; price: number }[]): { from: number; to: number; label: string; weight: number }[] {
  if (hours.length === 0) return [];
  const prices = hours.map((h) => h.price);
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  const spans: { from: number; to: number; label: string; weight: number }[] = [];
  for (const h of hours) {
    const last = spans.at(-1);
    const label = `${h.period} ${h.price}`;
    if (last && last.label === label && last.to === h.hour) last.to = h.hour + 3_600_000;
    else spans.push({ from: h.hour, to: h.hour + 3_600_000, label, weight: high > low ? (h.price - low) / (high - low) : 0 });
  }
  return spans;
}

/**
 * OEE and the other plant KPIs from hourly machine records. OEE = availability × performance ×
 * quality (Nakajima); performance needs an ideal rate, and since a plant rarely enters nameplate
 * rates, the best rate the machine itself has shown over a full-enough hour stands in for it.
 */
import type { MachineHour } from './model';

/** An hour counts towards the demonstrated rate only if the machine ran at least this long in it. */
const MIN_RUN_MS_FOR_RATE = 30 * 60_000;

export interface Oee {
  availability: number;
  performance: number;
  quality: number;
  oee: number;
}

/** The hours' figures added up; parts and rejected stay null unless some hour counted them. */
export type KpiTotals = Pick<MachineHour, 'observedMs' | 'runMs' | 'kwh' | 'production' | 'parts' | 'rejected'>;

export function totals(hours: readonly MachineHour[]): KpiTotals {
  const t: KpiTotals = { observedMs: 0, runMs: 0, kwh: 0, production: 0, parts: null, rejected: null };
  for (const h of hours) {
    t.observedMs += h.observedMs;
    t.runMs += h.runMs;
    t.kwh += h.kwh;
    t.production += h.production;
    if (h.parts !== null) t.parts = (t.parts ?? 0) + h.parts;
    if (h.rejected !== null) t.rejected = (t.rejected ?? 0) + h.rejected;
  }
  return t;
}

/** Parts per run-millisecond at the machine's best full-enough hour; null before there is one. */
export function demonstratedRate(history: readonly MachineHour[]): number | null {
  let best: number | null = null;
  for (const h of history) {
    if (h.parts === null || h.runMs < MIN_RUN_MS_FOR_RATE) continue;
    const rate = h.parts / h.runMs;
    if (best === null || rate > best) best = rate;
  }
  return best;
}

/** OEE over `hours`; null where the machine does not count parts or has not been observed. */
export function oee(hours: readonly MachineHour[], idealRatePerMs: number | null): Oee | null {
  const t = totals(hours);
  if (t.parts === null || t.observedMs <= 0 || idealRatePerMs === null || idealRatePerMs <= 0) return null;
  const availability = clamp01(t.runMs / t.observedMs);
  const performance = t.runMs > 0 ? clamp01(t.parts / (idealRatePerMs * t.runMs)) : 0;
  const quality = t.parts > 0 ? clamp01((t.parts - (t.rejected ?? 0)) / t.parts) : 1;
  return { availability, performance, quality, oee: availability * performance * quality };
}

/** kWh per unit produced; null when nothing was produced. */
export const specificEnergy = (t: Pick<KpiTotals, 'kwh' | 'production'>): number | null => (t.production > 0 ? t.kwh / t.production : null);

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

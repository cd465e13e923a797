/**
 * Values in their engineering units: a counter as a whole number with digit grouping, any other
 * value with as many decimals as its range calls for (a 0–12,000 rpm spindle needs none, a
 * 0–10 mm/s vibration two), and one decimal when nothing says what the range is.
 */
import type { SensorEng } from '../../../common/telemetry';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixed = [0, 1, 2, 3].map((d) => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false }));

/** Decimals for a metric: from its display range, else its normal range; 1 without either. */
export function decimalsFor(eng: SensorEng | undefined): number {
  if (eng?.counter) return 0;
  const range = eng?.display ?? eng?.normal;
  if (!range) return 1;
  const span = Math.abs(range.high - range.low);
  if (!(span > 0)) return 1;
  return span >= 1000 ? 0 : span >= 100 ? 0 : span >= 10 ? 1 : span >= 1 ? 2 : 3;
}

/** The number alone, or "—" when there is none. */
export function formatNumber(value: number | null | undefined, eng?: SensorEng): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (eng?.counter) return grouped.format(Math.round(value));
  const d = decimalsFor(eng);
  const text = fixed[d]!.format(value);
  // Avoids "-0.0", which reads as a sign that is not there.
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** "95.0 °C"; the number alone when the unit is not known. */
export function formatMeasure(value: number | null | undefined, eng?: SensorEng): string {
  const number = formatNumber(value, eng);
  return eng?.unit && number !== '—' ? `${number} ${eng.unit}` : number;
}

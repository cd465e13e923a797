/**
 * Which metrics a tile draws, and the geometry of their analog bars: a scale, the normal band, the
 * alarm limits as ticks and a pointer, so that a value near a limit is seen before it is read.
 */
import type { EffectiveLimit } from '../../../common/contract-alarms';
import type { Range, SensorEng } from '../../../common/telemetry';

export type LimitLevel = 'LL' | 'L' | 'H' | 'HH';
export type SensorLimits = Partial<Record<LimitLevel, number>>;

/** The effective limits of one machine by sensor, from alarms.limits.get. */
export function limitsBySensor(limits: readonly Pick<EffectiveLimit, 'sensor' | 'level' | 'setpoint'>[]): Record<string, SensorLimits> {
  const out: Record<string, SensorLimits> = {};
  for (const l of limits) (out[l.sensor] ??= {})[l.level] = l.setpoint;
  return out;
}

const hasLimits = (l: SensorLimits | undefined) => l !== undefined && Object.keys(l).length > 0;

/**
 * The `count` metrics most worth a bar: those with alarm limits, then those with a normal or
 * display range, then the rest by name. Counters only climb, so they never get a bar.
 */
export function keyMetrics(names: readonly string[], eng: Readonly<Record<string, SensorEng>> | undefined, limits: Readonly<Record<string, SensorLimits>> | undefined, count: number): string[] {
  const rank = (name: string) => {
    const e = eng?.[name];
    if (e?.counter) return 3;
    if (hasLimits(limits?.[name])) return 0;
    if (e?.normal || e?.display) return 1;
    return 2;
  };
  return names
    .filter((n) => rank(n) < 3)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, Math.max(0, count));
}

/**
 * The rows a tile shows, given the rows it showed before: metrics still chosen keep their rows, and
 * new ones take the rows that were freed, in `chosen`'s order. When limits arrive and only re-rank
 * the same metrics, no row moves (a row that moves makes the browser lay out and layerize the page anew).
 */
export function keepRows(before: readonly string[], chosen: readonly string[]): string[] {
  const wanted = new Set(chosen);
  const kept = new Set(before.filter((name) => wanted.has(name)));
  const incoming = chosen.filter((name) => !kept.has(name));
  const rows = before.map((name) => (kept.has(name) ? name : incoming.shift())).filter((name): name is string => name !== undefined);
  return [...rows, ...incoming];
}

export interface BarGeometry {
  scale: Range;
  /** The normal band as fractions of the scale, when known. */
  normal: { from: number; to: number } | null;
  limits: { level: LimitLevel; at: number }[];
  /** The value as a fraction of the scale, clamped; null without a value. */
  pointer: number | null;
  /** Where the value lies: past a limit, outside the normal band, or inside it. */
  zone: 'alarm' | 'abnormal' | 'normal' | 'unknown';
  /** The value lies beyond the scale and the pointer sits at its end. */
  clipped: boolean;
}

const valid = (r: Range | undefined): r is Range => r !== undefined && Number.isFinite(r.low) && Number.isFinite(r.high) && r.high > r.low;

/**
 * The bar for one value. The scale is the metric's display range; without one it spans the normal
 * band, the limits and the recent values, with a margin, so the pointer never sits on an edge by default.
 */
export function barGeometry(value: number | null, eng: SensorEng | undefined, limits: SensorLimits | undefined, recent: { min: number; max: number } | null): BarGeometry {
  let scale: Range;
  if (valid(eng?.display)) scale = eng.display;
  else {
    const points = [
      ...(valid(eng?.normal) ? [eng.normal.low, eng.normal.high] : []),
      ...Object.values(limits ?? {}).filter((v): v is number => Number.isFinite(v)),
      ...(recent && Number.isFinite(recent.min) && Number.isFinite(recent.max) ? [recent.min, recent.max] : []),
      ...(value !== null && Number.isFinite(value) ? [value] : []),
    ];
    if (points.length === 0) scale = { low: 0, high: 1 };
    else {
      const low = Math.min(...points);
      const high = Math.max(...points);
      const margin = high > low ? (high - low) * 0.1 : Math.abs(high) * 0.1 || 1;
      scale = { low: low - margin, high: high + margin };
    }
  }
  const span = scale.high - scale.low;
  const frac = (v: number) => Math.min(1, Math.max(0, (v - scale.low) / span));
  const l = limits ?? {};
  let band: Range | null = valid(eng?.normal) ? eng.normal : null;
  if (!band && (l.L !== undefined || l.H !== undefined)) band = { low: l.L ?? scale.low, high: l.H ?? scale.high };
  const ticks = (['LL', 'L', 'H', 'HH'] as const).flatMap((level) => (l[level] !== undefined && Number.isFinite(l[level]) ? [{ level, at: frac(l[level]) }] : []));
  const has = value !== null && Number.isFinite(value);
  let zone: BarGeometry['zone'] = 'unknown';
  if (has) {
    const past = (l.HH !== undefined && value >= l.HH) || (l.H !== undefined && value >= l.H) || (l.LL !== undefined && value <= l.LL) || (l.L !== undefined && value <= l.L);
    zone = past ? 'alarm' : band && (value < band.low || value > band.high) ? 'abnormal' : 'normal';
  }
  return {
    scale,
    normal: band ? { from: frac(band.low), to: frac(band.high) } : null,
    limits: ticks,
    pointer: has ? frac(value) : null,
    zone,
    clipped: has && (value < scale.low || value > scale.high),
  };
}

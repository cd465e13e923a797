/**
 * How the condition monitor's figures read on screen: tiles, KPI row and the machine screen share
 * these, so an hour, a probability or a health score looks the same everywhere.
 */
import type { ConditionSummary, OperatingState } from '../../../common/contract-models';

/** Hours: whole hours from 10 h up, one decimal below. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  const h = Math.max(0, hours);
  return `${h >= 10 ? h.toFixed(0) : h.toFixed(1)} h`;
}

/** A probability (0..1) as a percentage; one decimal below 10 %, so a small risk does not read as 0 %. */
export function formatProbability(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const pct = Math.min(1, Math.max(0, p)) * 100;
  return `${pct.toFixed(pct < 10 ? 1 : 0)} %`;
}

/** RUL with its 80 % band: "42 h (30–61 h)". */
export function formatRul(rul: { hours: number; low: number; high: number }): string {
  return `${formatHours(rul.hours)} (${formatHours(rul.low).replace(' h', '')}–${formatHours(rul.high)})`;
}

export const OPERATING_STATE_LABEL: Record<OperatingState, string> = { running: 'running', idle: 'idle', off: 'off', unknown: 'unknown' };

/** Below this a health score gets a coloured band; at or above it stays ISA-101 grey. */
export const HEALTH_ATTENTION = 70;
export const HEALTH_POOR = 40;
export type HealthBand = 'normal' | 'degraded' | 'poor';

export function healthBand(health: number): HealthBand {
  return health < HEALTH_POOR ? 'poor' : health < HEALTH_ATTENTION ? 'degraded' : 'normal';
}

/** Learning progress: event-time hours seen of the hours the model needs at the least. */
export function learningPct(c: ConditionSummary): number | null {
  const { hoursSeen: seen, hoursNeeded: needed } = c.learning;
  if (!(needed > 0)) return null;
  return Math.min(99, Math.max(0, Math.floor((seen / needed) * 100)));
}

export function learningText(pct: number | null): string {
  return pct === null ? 'learning' : `learning ${pct} %`;
}

/** What a tile says about the model: a health score, learning, or nothing yet; never "normal". */
export type HealthView = { kind: 'learning'; text: string } | { kind: 'health'; text: string; band: HealthBand } | { kind: 'none'; text: string };

export function healthView(c: ConditionSummary): HealthView {
  if (c.phase === 'learning') return { kind: 'learning', text: learningText(learningPct(c)) };
  if (c.health === null || !Number.isFinite(c.health)) return { kind: 'none', text: 'health —' };
  return { kind: 'health', text: `health ${Math.round(c.health)}`, band: healthBand(c.health) };
}

export interface PlantHealth {
  /** Mean health over the machines that have a score; null when none has. */
  average: number | null;
  scored: number;
  learning: number;
  /** Lowest health first, at most three. */
  worst: { machineId: string; health: number }[];
}

export function plantHealth(conditions: Iterable<ConditionSummary>, include: (machineId: string) => boolean = () => true): PlantHealth {
  const scored: { machineId: string; health: number }[] = [];
  let learning = 0;
  for (const c of conditions) {
    if (!include(c.machineId)) continue;
    if (c.phase === 'learning') learning++;
    else if (c.health !== null && Number.isFinite(c.health)) scored.push({ machineId: c.machineId, health: c.health });
  }
  const average = scored.length === 0 ? null : scored.reduce((sum, s) => sum + s.health, 0) / scored.length;
  const worst = [...scored].sort((a, b) => a.health - b.health || a.machineId.localeCompare(b.machineId)).slice(0, 3);
  return { average, scored: scored.length, learning, worst };
}

/** Hours per state over a range, and the share of the range the machine was running. */
export function stateShares(hours: Partial<Record<OperatingState, number>>): { hours: Record<OperatingState, number>; total: number; runningShare: number | null } {
  const h = { running: hours.running ?? 0, idle: hours.idle ?? 0, off: hours.off ?? 0, unknown: hours.unknown ?? 0 };
  const total = h.running + h.idle + h.off + h.unknown;
  return { hours: h, total, runningShare: total > 0 ? h.running / total : null };
}

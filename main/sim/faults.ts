/**
 * Faults the simulator injects, how long they last and how hard they bite over their course. The
 * plant model applies the effects; this module only decides what and when.
 */
import type { Rng } from './random';

export const FAULT_KINDS = ['bearing_wear', 'overheating', 'leak', 'surge', 'stuck_sensor', 'dropout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  startTs: number;
  endTs: number;
  /** stuck_sensor: the metric whose value freezes. */
  metric?: string;
  /** bearing_wear: the end of the fault is the failure; the machine stands for repair until this time. */
  repairEndTs?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Relative frequency and duration range (ms) of each kind: sensor and network trouble is common, bearing failure rare and slow. */
const PROFILE: Readonly<Record<FaultKind, { weight: number; min: number; max: number }>> = {
  bearing_wear: { weight: 1, min: 6 * HOUR, max: 36 * HOUR },
  overheating: { weight: 2, min: 20 * MIN, max: 90 * MIN },
  leak: { weight: 2, min: 30 * MIN, max: 4 * HOUR },
  surge: { weight: 2, min: 2 * MIN, max: 15 * MIN },
  stuck_sensor: { weight: 2, min: 30 * MIN, max: 6 * HOUR },
  dropout: { weight: 3, min: 2 * MIN, max: 20 * MIN },
};
/** A failed bearing takes 2 to 8 hours to replace. */
export const REPAIR_MS = { min: 2 * HOUR, max: 8 * HOUR } as const;

/** Duration range (ms) of a fault kind. */
export const faultDuration = (kind: FaultKind): { min: number; max: number } => ({ min: PROFILE[kind].min, max: PROFILE[kind].max });

const TOTAL_WEIGHT = FAULT_KINDS.reduce((sum, k) => sum + PROFILE[k].weight, 0);

/** Draws the next fault starting at `startTs`; `metrics` are the ones a stuck sensor may freeze. */
export function drawFault(rng: Rng, startTs: number, metrics: readonly string[]): Fault {
  let pick = rng.next() * TOTAL_WEIGHT;
  let kind: FaultKind = FAULT_KINDS[FAULT_KINDS.length - 1] ?? 'dropout';
  for (const k of FAULT_KINDS) {
    pick -= PROFILE[k].weight;
    if (pick < 0) {
      kind = k;
      break;
    }
  }
  const { min, max } = PROFILE[kind];
  const fault: Fault = { kind, startTs, endTs: startTs + Math.round(rng.range(min, max)) };
  if (kind === 'stuck_sensor') fault.metric = rng.pick(metrics);
  if (kind === 'bearing_wear') fault.repairEndTs = fault.endTs + Math.round(rng.range(REPAIR_MS.min, REPAIR_MS.max));
  return fault;
}

/**
 * How far the fault has developed at `ts`, 0..1. Wear creeps in over the whole fault; heat builds
 * over the first third; a leak opens within the first tenth; the rest are on at once.
 */
export function severity(fault: Fault, ts: number): number {
  const progress = (ts - fault.startTs) / Math.max(1, fault.endTs - fault.startTs);
  const ramp = fault.kind === 'bearing_wear' ? 1 : fault.kind === 'overheating' ? 1 / 3 : fault.kind === 'leak' ? 0.1 : 0;
  if (ramp === 0) return 1;
  return Math.max(0, Math.min(1, progress / ramp));
}

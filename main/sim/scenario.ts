/**
 * Benchmark scenarios with ground truth: a realistic plant (operating modes, ambient drift, missing
 * data) and a fault plan drawn from the seed, so a condition-monitoring pipeline can be scored on
 * event recall, delay and false alarms per machine-day. Every fault kind appears on every seed, after
 * a fault-free learning period, on random machines at random times.
 */
import { measuredMetrics, type MachinePlan } from './catalog';
import { FAULT_KINDS, faultDuration, REPAIR_MS, type FaultKind } from './faults';
import { MISSING_DATA_DEFAULTS, type MissingDataOptions } from './missing-data';
import type { OperatingState } from './operating-modes';
import { Plant, type PlannedFault, type Sample } from './plant';
import { Rng, deriveSeed } from './random';

export interface ScenarioOptions {
  seed: number;
  /** At least 24, so that every machine type is present. */
  machines: number;
  days: number;
  rateHz: number;
  /** Event time of the first reading, epoch ms; default Monday 2024-03-04 00:00 UTC. */
  startTs?: number;
  /** Days without faults at the start, for the models to learn normal operation; default 2. */
  faultFreeDays?: number;
  /** Faults of each kind per seed; default 3. */
  faultsPerKind?: number;
  utcOffsetMinutes?: number;
  /** Delivery losses; default MISSING_DATA_DEFAULTS, false for perfect delivery. */
  missingData?: MissingDataOptions | false;
}

export interface TruthFault {
  machineId: string;
  kind: FaultKind;
  startTs: number;
  endTs: number;
  /** stuck_sensor: the frozen metric. */
  metric?: string;
  /** bearing_wear: the failure, equal to endTs. */
  failureTs?: number;
  /** bearing_wear: the machine stands for repair from failureTs until this time. */
  repairEndTs?: number;
}

export interface Scenario {
  /** The plant that the latest readings() call drives; operatingState() there is the state truth of the reading just yielded. */
  readonly plant: Plant;
  readonly machines: readonly MachinePlan[];
  /** Planned faults by start time. Missing data is not a fault and does not appear here. */
  readonly faults: readonly TruthFault[];
  readonly startTs: number;
  /** First instant after the scenario, exclusive. */
  readonly endTs: number;
  readonly learningEndTs: number;
  readonly periodMs: number;
  /** Every reading in event-time order: one tick every periodMs, machines in plan order. Each call replays from the start on a fresh plant. */
  readings(): Generator<Sample>;
  /** The true mode and load step of a machine at any instant, repair stops included. */
  modeAt(machineId: string, ts: number): OperatingState;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A machine has at least this long to recover between two faults. */
export const FAULT_GAP_MS = 12 * HOUR;
/** Monday, so a default week starts with a weekday. */
const DEFAULT_START = Date.parse('2024-03-04T00:00:00Z');
const PLACEMENT_TRIES = 2_000;

export function makeScenario(o: ScenarioOptions): Scenario {
  if (!Number.isInteger(o.machines) || o.machines < 24) throw new RangeError('a scenario needs at least 24 machines');
  if (!(o.rateHz > 0)) throw new RangeError('rateHz must be positive');
  if (!(o.days > 0)) throw new RangeError('days must be positive');
  const startTs = o.startTs ?? DEFAULT_START;
  const endTs = startTs + Math.round(o.days * DAY);
  const learningEndTs = startTs + Math.round((o.faultFreeDays ?? 2) * DAY);
  const periodMs = 1000 / o.rateHz;
  const base = { machines: o.machines, seed: o.seed, faultsPerMachinePerDay: 0, utcOffsetMinutes: o.utcOffsetMinutes };
  // The schedule alone (no faults) decides where faults can be seen, so plan on a plant without them.
  const planner = new Plant(base);
  const faults = planFaults(planner, o, learningEndTs, endTs);
  const plan: PlannedFault[] = faults.map(({ failureTs: _, ...f }) => f);
  const missingData = o.missingData === false ? undefined : (o.missingData ?? MISSING_DATA_DEFAULTS);
  const build = () => new Plant({ ...base, missingData, faultPlan: plan });
  let plant = build();
  let fresh = true;

  return {
    get plant() {
      return plant;
    },
    machines: plant.machines,
    faults,
    startTs,
    endTs,
    learningEndTs,
    periodMs,
    *readings() {
      if (!fresh) plant = build();
      fresh = false;
      const current = plant;
      for (let k = 0; ; k++) {
        const ts = startTs + Math.round(k * periodMs);
        if (ts >= endTs) return;
        yield* current.step(ts);
      }
    },
    modeAt: (machineId, ts) => {
      const repairing = faults.some((f) => f.machineId === machineId && f.repairEndTs !== undefined && ts >= f.endTs && ts < f.repairEndTs);
      return repairing ? { mode: 'off', level: 0 } : planner.modeAt(machineId, ts);
    },
  };
}

/**
 * Places faultsPerKind faults of every kind after the learning period: never two on one machine
 * within FAULT_GAP_MS of each other, and each machine-visible fault starting (and a bearing failing)
 * while its machine runs, so that every listed fault can be seen in the data.
 */
function planFaults(plant: Plant, o: ScenarioOptions, from: number, to: number): TruthFault[] {
  const rng = new Rng(deriveSeed(o.seed, 'scenario/faults'));
  const perKind = o.faultsPerKind ?? 3;
  const busy = new Map<string, { start: number; end: number }[]>();
  const faults: TruthFault[] = [];
  // Longest first: they are the hardest to fit.
  const kinds = [...FAULT_KINDS].sort((a, b) => faultDuration(b).max - faultDuration(a).max);
  for (const kind of kinds) {
    for (let n = 0; n < perKind; n++) {
      const fault = placeOne(plant, rng, kind, from, to, busy);
      if (!fault) throw new Error(`cannot place ${perKind} ${kind} faults between learning end and scenario end: more days or machines needed`);
      const taken = busy.get(fault.machineId) ?? [];
      taken.push({ start: fault.startTs, end: fault.repairEndTs ?? fault.endTs });
      busy.set(fault.machineId, taken);
      faults.push(fault);
    }
  }
  return faults.sort((a, b) => a.startTs - b.startTs || a.machineId.localeCompare(b.machineId));
}

function placeOne(plant: Plant, rng: Rng, kind: FaultKind, from: number, to: number, busy: Map<string, { start: number; end: number }[]>): TruthFault | null {
  const { min, max } = faultDuration(kind);
  for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
    const machine = rng.pick(plant.machines);
    const duration = Math.round(rng.range(min, max));
    const repair = kind === 'bearing_wear' ? Math.round(rng.range(REPAIR_MS.min, REPAIR_MS.max)) : 0;
    const latest = to - duration - repair;
    if (latest <= from) continue;
    const startTs = Math.round(rng.range(from, latest));
    const endTs = startTs + duration;
    const occupiedEnd = endTs + repair;
    const clash = (busy.get(machine.id) ?? []).some((b) => startTs < b.end + FAULT_GAP_MS && b.start < occupiedEnd + FAULT_GAP_MS);
    if (clash) continue;
    // A communication loss shows whatever the machine does; the rest need it running when they begin.
    if (kind !== 'dropout' && plant.modeAt(machine.id, startTs).mode !== 'running') continue;
    if (kind === 'bearing_wear' && plant.modeAt(machine.id, endTs - 1).mode !== 'running') continue;
    const fault: TruthFault = { machineId: machine.id, kind, startTs, endTs };
    if (kind === 'stuck_sensor') fault.metric = rng.pick(measuredMetrics(machine.spec));
    if (kind === 'bearing_wear') {
      fault.failureTs = endTs;
      fault.repairEndTs = occupiedEnd;
    }
    return fault;
  }
  return null;
}

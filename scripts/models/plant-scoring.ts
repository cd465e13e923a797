/**
 * Scores alarms against a scenario's ground truth: event recall and detection delay per fault kind,
 * false alarms per machine-day after learning, chattering, health below its limit before the end of
 * degradation faults, and remaining-life error on the gradual ones.
 */
import type { TruthFault } from '../../main/sim/scenario';

export interface AlarmRaise {
  alarmId: string;
  machineId: string;
  source: string;
  priority: string;
  at: number;
}

export interface RulSample {
  machineId: string;
  ts: number;
  hours: number;
  low: number;
  high: number;
}

export interface HealthLow {
  machineId: string;
  ts: number;
}

/** An alarm this long after a fault ends still belongs to it (recovery, the machine restarting). */
export const AFTER_FAULT_MS = 60 * 60_000;
export const DEGRADATION_KINDS = ['bearing_wear', 'overheating', 'leak'] as const;

export interface KindScore {
  kind: string;
  faults: number;
  detected: number;
  recall: number;
  medianDelayS: number | null;
  delaysS: number[];
}

export interface PlantScore {
  kinds: KindScore[];
  faults: number;
  detected: number;
  recall: number;
  falseAlarms: number;
  machineDays: number;
  falseAlarmsPerMachineDay: number;
  falseBySource: Record<string, number>;
  chattering: number;
  healthBelowLimitBeforeEnd: { faults: number; below: number };
  /** Relative RUL error at the first warning of each gradual fault: (estimate − truth) / truth. */
  rulErrors: { machineId: string; atFirstWarning: number | null; bandHeldAtFirstWarning: boolean | null; atFirstEstimate: number | null; trueHours: number }[];
}

export function scorePlant(options: {
  faults: readonly TruthFault[];
  raises: readonly AlarmRaise[];
  healthLows: readonly HealthLow[];
  ruls: readonly RulSample[];
  machines: number;
  learningEndTs: number;
  endTs: number;
}): PlantScore {
  const { faults, raises } = options;
  const byMachine = new Map<string, AlarmRaise[]>();
  for (const r of raises) {
    if (r.at < options.learningEndTs) continue;
    (byMachine.get(r.machineId) ?? byMachine.set(r.machineId, []).get(r.machineId)!).push(r);
  }
  const windowOf = (f: TruthFault) => [f.startTs, Math.max(f.endTs, f.repairEndTs ?? 0) + AFTER_FAULT_MS] as const;
  const kinds = new Map<string, KindScore>();
  let detected = 0;
  const firstWarning = new Map<TruthFault, number>();
  for (const f of faults) {
    const k = kinds.get(f.kind) ?? kinds.set(f.kind, { kind: f.kind, faults: 0, detected: 0, recall: 0, medianDelayS: null, delaysS: [] }).get(f.kind)!;
    k.faults++;
    const [from] = windowOf(f);
    // Detection must come while the fault is on (a dropout is detected only while the machine is silent).
    const hit = (byMachine.get(f.machineId) ?? []).find((r) => r.at >= from && r.at <= f.endTs + 60_000);
    if (hit) {
      k.detected++;
      detected++;
      k.delaysS.push((hit.at - f.startTs) / 1000);
      firstWarning.set(f, hit.at);
    }
  }
  for (const k of kinds.values()) {
    k.recall = k.faults ? k.detected / k.faults : 0;
    k.medianDelayS = median(k.delaysS);
  }
  let falseAlarms = 0;
  const falseBySource: Record<string, number> = {};
  for (const [machineId, list] of byMachine) {
    const windows = faults.filter((f) => f.machineId === machineId).map(windowOf);
    for (const r of list) {
      if (windows.some(([a, b]) => r.at >= a && r.at <= b)) continue;
      falseAlarms++;
      falseBySource[r.source] = (falseBySource[r.source] ?? 0) + 1;
    }
  }
  let chattering = 0;
  const byAlarm = new Map<string, number[]>();
  for (const r of raises) (byAlarm.get(r.alarmId) ?? byAlarm.set(r.alarmId, []).get(r.alarmId)!).push(r.at);
  for (const times of byAlarm.values()) for (let i = 2; i < times.length; i++) if (times[i]! - times[i - 2]! < 60_000) chattering++;
  const degradation = faults.filter((f) => (DEGRADATION_KINDS as readonly string[]).includes(f.kind));
  const below = degradation.filter((f) => options.healthLows.some((h) => h.machineId === f.machineId && h.ts >= f.startTs && h.ts <= f.endTs)).length;
  const rulErrors = faults
    .filter((f) => f.kind === 'bearing_wear')
    .map((f) => {
      const failure = f.failureTs ?? f.endTs;
      const during = options.ruls.filter((r) => r.machineId === f.machineId && r.ts >= f.startTs && r.ts < failure);
      const warn = firstWarning.get(f);
      const at = (s: RulSample | undefined) => (s ? (s.hours - (failure - s.ts) / 3_600_000) / ((failure - s.ts) / 3_600_000) : null);
      const atWarn = warn === undefined ? undefined : during.find((r) => r.ts >= warn);
      const truth = atWarn ? (failure - atWarn.ts) / 3_600_000 : 0;
      return {
        machineId: f.machineId,
        atFirstWarning: at(atWarn),
        bandHeldAtFirstWarning: atWarn ? atWarn.low <= truth && truth <= atWarn.high : null,
        atFirstEstimate: at(during[0]),
        trueHours: (failure - f.startTs) / 3_600_000,
      };
    });
  const machineDays = (options.machines * (options.endTs - options.learningEndTs)) / 86_400_000;
  return {
    kinds: [...kinds.values()],
    faults: faults.length,
    detected,
    recall: faults.length ? detected / faults.length : 0,
    falseAlarms,
    machineDays,
    falseAlarmsPerMachineDay: falseAlarms / machineDays,
    falseBySource,
    chattering,
    healthBelowLimitBeforeEnd: { faults: degradation.length, below },
    rulErrors,
  };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

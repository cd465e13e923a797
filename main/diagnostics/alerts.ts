/**
 * The alarms that follow from the diagnostics, as pure functions of the figures: a failed model
 * scoring run is critical; a contract call that fails too often, or answers too slowly, is a
 * warning. Each is one system alarm that names the worst call, raised once and cleared with
 * hysteresis (or, for the model, a hold time), so it does not chatter.
 */
import type { AlarmPriority } from '../../common/contract-alarms';
import type { CallStatsRow, DiagnosticsThresholds } from '../../common/contract-diagnostics';
import type { Condition } from '../alarms/conditions';
import type { WallMs } from '../../common/time';

export const DIAGNOSTIC_ALARMS = {
  modelFailure: 'system:model-failure',
  contractErrors: 'system:contract-errors',
  contractLatency: 'system:contract-latency',
} as const;
type DiagnosticAlarmId = (typeof DIAGNOSTIC_ALARMS)[keyof typeof DIAGNOSTIC_ALARMS];

/** A model that cannot score leaves the plant without its predictions: critical. Slow or failing calls are warnings. */
export const DIAGNOSTIC_PRIORITY: Record<DiagnosticAlarmId, AlarmPriority> = {
  'system:model-failure': 'critical',
  'system:contract-errors': 'low',
  'system:contract-latency': 'low',
};

export interface DiagnosticSample {
  calls: readonly CallStatsRow[];
  /** The latest failed scoring run; null while none has failed. */
  modelFailure: { at: WallMs; error: string } | null;
  thresholds: DiagnosticsThresholds;
}

const worst = (rows: readonly CallStatsRow[], value: (r: CallStatsRow) => number | null) => {
  let pick: { row: CallStatsRow; value: number } | null = null;
  for (const row of rows) {
    const v = value(row);
    if (v !== null && (pick === null || v > pick.value)) pick = { row, value: v };
  }
  return pick;
};

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

export function diagnosticConditions(s: DiagnosticSample, at: WallMs, wasActive: (alarmId: string) => boolean): Condition[] {
  const t = s.thresholds;
  const sys = (alarmId: DiagnosticAlarmId, active: boolean, message: string, value: number | null, limit: number | null): Condition => ({ alarmId, machineId: '', source: 'system', priority: DIAGNOSTIC_PRIORITY[alarmId], message, active, at, value, limit });
  // Only calls made often enough in the window are judged; a call that stops being made clears its alarm.
  const judged = s.calls.filter((r) => r.count >= t.minCalls);

  const failure = s.modelFailure;
  const holdMs = t.modelFailureHoldSeconds * 1000;
  const failing = failure !== null && at - failure.at < holdMs;
  const out = [sys(DIAGNOSTIC_ALARMS.modelFailure, failing, `Model scoring failed: ${failure?.error ?? 'none'}`, null, null)];

  const errors = worst(judged, (r) => r.errorRate);
  const errorsActive = errors !== null && (wasActive(DIAGNOSTIC_ALARMS.contractErrors) ? errors.value >= t.contractErrorRate.clear : errors.value > t.contractErrorRate.raise);
  out.push(
    sys(
      DIAGNOSTIC_ALARMS.contractErrors,
      errorsActive,
      errors ? `Contract call ${errors.row.name} failed ${pct(errors.value)} of ${errors.row.count} calls in ${t.windowSeconds} s (limit ${pct(t.contractErrorRate.raise)})` : 'Contract error rate',
      errors?.value ?? null,
      t.contractErrorRate.raise,
    ),
  );

  const slow = worst(judged, (r) => r.p99Ms);
  const slowActive = slow !== null && (wasActive(DIAGNOSTIC_ALARMS.contractLatency) ? slow.value >= t.contractLatencyMs.clear : slow.value > t.contractLatencyMs.raise);
  out.push(
    sys(
      DIAGNOSTIC_ALARMS.contractLatency,
      slowActive,
      slow ? `Contract call ${slow.row.name} p99 ${slow.value.toFixed(0)} ms over ${t.windowSeconds} s (limit ${t.contractLatencyMs.raise} ms)` : 'Contract latency',
      slow?.value ?? null,
      t.contractLatencyMs.raise,
    ),
  );
  return out;
}

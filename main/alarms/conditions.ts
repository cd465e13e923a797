/**
 * The non-limit alarm sources as pure functions from their inputs to alarm conditions: model
 * outputs (anomaly, failure probability, remaining useful life), machine health scores, and the
 * runtime's own health. Each threshold has hysteresis, so a value hovering at it does not chatter.
 */
import type { Health } from '../../common/contract';
import type { AlarmPriority, AlarmSource } from '../../common/contract-alarms';
import { diagnosticConditions, type DiagnosticSample } from '../diagnostics/alerts';

/** What inference gives per machine; the runtime hands each output to AlarmService.modelOutput. */
export interface ModelOutput {
  machineId: string;
  /** Event time of the newest reading the output was computed from. */
  ts: number;
  anomaly?: { score: number; flag: boolean; type?: string; contributors?: readonly string[] };
  /** Probability of failure within the model's horizon, 0..1. */
  failureProbability?: number;
  rulHours?: number;
  /** A failed model or an input it cannot judge: the output says nothing about the machine. */
  uncertain?: boolean;
}

export interface HealthScore {
  machineId: string;
  ts: number;
  /** 0..100, 100 = as new. */
  score: number;
}

/** The runtime's health plus the two probes Health does not carry. */
export interface SystemSample {
  health: Health;
  /** p99 of receipt-to-stored latency (our own pipeline, whatever the device clocks say), ms; NaN or null before any commit. */
  ingestLatencyMs: number | null;
  /**
   * How long a reading waits for its commit by design (the store's flushMs at light load), ms. The
   * latency alarm counts from there: it is about the pipeline falling behind, not about the wait
   * the plant configured.
   */
  commitWaitMs: number;
  /** Free fraction of the data directory's file system, 0..1; null when unknown. */
  diskFreeRatio: number | null;
  /** New machines and sensors refused beyond the configured limits: how many since start, and when last. */
  cardinality?: { count: number; lastAt: number | null };
  /** Contract calls and model scoring runs (main/diagnostics): their alarms follow the diagnostics settings. */
  diagnostics?: DiagnosticSample;
}

/** The cardinality alarm stays up this long after the last refusal, so a steady trickle does not chatter. */
const CARDINALITY_HOLD_MS = 10 * 60_000;

export interface Condition {
  alarmId: string;
  machineId: string;
  source: AlarmSource;
  priority: AlarmPriority;
  message: string;
  active: boolean;
  at: number;
  value: number | null;
  limit: number | null;
}

export const THRESHOLDS = {
  failureProbability: { raise: 0.7, clear: 0.65 },
  /** RUL clears once it is this much above the lead time again. */
  rulClearFactor: 1.1,
  health: { raise: 70, clear: 75 },
  /** Beyond SystemSample.commitWaitMs. */
  ingestLatencyMs: { raise: 500, clear: 250 },
  diskFree: { raise: 0.1, clear: 0.12 },
} as const;

/** Above/below a raise threshold, with a separate clear threshold; `wasActive` picks which applies. */
const hysteresis = (wasActive: boolean, breached: boolean, recovered: boolean) => (wasActive ? !recovered : breached);

const NO_CONDITIONS: readonly Condition[] = [];

/**
 * The conditions of a model output that change an alarm's state: a condition that stays as it was
 * changes nothing, and leaving it out spares building its message for nearly every reading.
 */
export function modelConditions(out: ModelOutput, leadTimeHours: number, wasActive: (alarmId: string) => boolean): readonly Condition[] {
  // An uncertain output is not evidence either way; the system alarm for the model says so.
  if (out.uncertain) return NO_CONDITIONS;
  let conditions: Condition[] | null = null;
  const anomalyId = `anomaly:${out.machineId}`;
  if (out.anomaly && out.anomaly.flag !== wasActive(anomalyId)) {
    const a = out.anomaly;
    const what = [a.type, a.contributors?.length ? `driven by ${a.contributors.slice(0, 3).join(', ')}` : null].filter(Boolean).join(', ');
    (conditions ??= []).push({ machineId: out.machineId, at: out.ts, alarmId: anomalyId, source: 'anomaly', priority: 'low', message: `Anomalous behaviour (score ${a.score.toFixed(2)})${what ? `: ${what}` : ''}`, active: a.flag, value: a.score, limit: null });
  }
  if (out.failureProbability !== undefined) {
    const id = `failure:${out.machineId}`;
    const was = wasActive(id);
    const p = out.failureProbability;
    const t = THRESHOLDS.failureProbability;
    const active = hysteresis(was, p > t.raise, p < t.clear);
    if (active !== was) (conditions ??= []).push({ machineId: out.machineId, at: out.ts, alarmId: id, source: 'predictive', priority: 'high', message: `Failure probability ${(p * 100).toFixed(0)}% (limit ${t.raise * 100}%)`, active, value: p, limit: t.raise });
  }
  if (out.rulHours !== undefined) {
    const id = `rul:${out.machineId}`;
    const was = wasActive(id);
    const rul = out.rulHours;
    const active = hysteresis(was, rul < leadTimeHours, rul > leadTimeHours * THRESHOLDS.rulClearFactor);
    if (active !== was) {
      (conditions ??= []).push({
        machineId: out.machineId,
        at: out.ts,
        alarmId: id,
        source: 'predictive',
        priority: 'medium',
        message: `Remaining useful life ${rul.toFixed(0)} h is under the spare-part lead time of ${leadTimeHours} h`,
        active,
        value: rul,
        limit: leadTimeHours,
      });
    }
  }
  return conditions ?? NO_CONDITIONS;
}

export function healthCondition(h: HealthScore, wasActive: (alarmId: string) => boolean): Condition {
  const id = `health:${h.machineId}`;
  const t = THRESHOLDS.health;
  return { alarmId: id, machineId: h.machineId, source: 'health', priority: 'low', message: `Machine health ${h.score.toFixed(0)} (limit ${t.raise})`, active: hysteresis(wasActive(id), h.score < t.raise, h.score >= t.clear), at: h.ts, value: h.score, limit: t.raise };
}

/** System alarms belong to no machine; their time is the wall clock, since they are about now. */
export function systemConditions(s: SystemSample, at: number, wasActive: (alarmId: string) => boolean): Condition[] {
  const sys = (alarmId: string, priority: AlarmPriority, active: boolean, message: string, value: number | null = null, limit: number | null = null): Condition => ({ alarmId, machineId: '', source: 'system', priority, message, active, at, value, limit });
  const h = s.health;
  const out = [
    sys('system:broker', 'high', h.broker.state !== 'connected', `Broker ${h.broker.url} is ${h.broker.state}${h.broker.lastError ? `: ${h.broker.lastError}` : ''}`),
    sys('system:store', 'critical', h.store.lastError !== null, `Store failure: ${h.store.lastError ?? 'none'}`),
    sys('system:model', 'medium', h.models.state === 'uncertain', `Model output uncertain: ${h.models.detail}`),
  ];
  const latency = s.ingestLatencyMs;
  if (latency !== null && Number.isFinite(latency)) {
    const t = THRESHOLDS.ingestLatencyMs;
    const raise = s.commitWaitMs + t.raise;
    const clear = s.commitWaitMs + t.clear;
    out.push(sys('system:ingest-latency', 'low', hysteresis(wasActive('system:ingest-latency'), latency > raise, latency < clear), `Ingest latency ${latency.toFixed(0)} ms (limit ${raise} ms)`, latency, raise));
  }
  // a field device or server that stopped answering, and a historian falling behind: each its own alarm
  for (const f of h.fieldSources ?? []) out.push(sys(`system:${f.protocol}:${f.name}`, 'high', f.state === 'lost', `${f.protocol === 'modbus' ? 'Modbus device' : 'OPC UA server'} ${f.name} (${f.endpoint}) is ${f.state}${f.lastError ? `: ${f.lastError}` : ''}`));
  if (h.historian) out.push(sys('system:historian', 'medium', h.historian.alarm !== null, h.historian.alarm ?? 'Historian forwarding', h.historian.backlogRows));
  if (s.cardinality) {
    const { count, lastAt } = s.cardinality;
    out.push(sys('system:cardinality', 'high', lastAt !== null && at - lastAt < CARDINALITY_HOLD_MS, `New machines or sensors refused beyond the configured limits (${count} since start); see the quarantine`, count));
  }
  if (s.diskFreeRatio !== null) {
    const t = THRESHOLDS.diskFree;
    const free = s.diskFreeRatio;
    out.push(sys('system:disk', 'high', hysteresis(wasActive('system:disk'), free < t.raise, free > t.clear), `Disk ${((1 - free) * 100).toFixed(0)}% full (limit ${(1 - t.raise) * 100}%)`, free, t.raise));
  }
  if (s.diagnostics) out.push(...diagnosticConditions(s.diagnostics, at, wasActive));
  return out;
}

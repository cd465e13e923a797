/**
 * The console's own figures for the diagnostics screen and the alarms that follow from them. The
 * collectors here are fed by the router (each call), the live tick (each scoring run) and the
 * timed database connections (each statement); the rest of the snapshot is read from the runtime's
 * parts when the screen asks, through `DiagnosticsSources`.
 */
import type { Health } from '../../common/contract';
import type { AlarmPriority } from '../../common/contract-alarms';
import type { AgentStatusSchema } from '../../common/contract-agents';
import type { BackupResult, DiagnosticsSnapshot, DiagnosticsThresholds } from '../../common/contract-diagnostics';
import type { ModelStatusSchema } from '../../common/contract-models';
import type { QuarantineEntry } from '../../common/telemetry';
import type { z } from 'zod';
import { DIAGNOSTIC_ALARMS, DIAGNOSTIC_PRIORITY, type DiagnosticSample } from './alerts';
import { CallStats } from './call-stats';
import type { DiagnosticsConfig } from './diagnostics-config';
import { InferenceRuns } from './inference-runs';
import { SlowQueryLog } from './slow-queries';
import type { EventMs, WallMs } from '../../common/time';

/** Quarantined entries shown on the screen; the quarantine screen call gives more. */
const LATEST_QUARANTINED = 10;

export interface DiskSpace {
  path: string;
  freeBytes: number;
  totalBytes: number;
  freeRatio: number;
}

export interface DiagnosticsSources {
  health(): Health;
  quarantineLatest(limit: number): QuarantineEntry[];
  models(): z.output<typeof ModelStatusSchema>[];
  backup: { hourUtc: number | null; dir: string; last(): BackupResult | null };
  agents: { enabled: boolean; eventTime(): EventMs | null; status(): z.output<typeof AgentStatusSchema>[] };
  disk(): DiskSpace | null;
  /** The alarm service's view of one alarm, for the state of the diagnostics alarms. */
  alarm(alarmId: string): { active: boolean; priority: AlarmPriority; message: string } | undefined;
}

export function thresholdsOf(config: DiagnosticsConfig): DiagnosticsThresholds {
  return {
    windowSeconds: config.windowSeconds,
    minCalls: config.minCalls,
    contractErrorRate: { ...config.contractErrorRate },
    contractLatencyMs: { ...config.contractLatencyMs },
    modelFailureHoldSeconds: config.modelFailureHoldSeconds,
    slowQueryMs: config.slowQueryMs,
  };
}

export function createDiagnostics(config: DiagnosticsConfig, now: () => WallMs) {
  const thresholds = thresholdsOf(config);
  const calls = new CallStats(config.windowSeconds, now);
  const inference = new InferenceRuns(config.windowSeconds, now);
  const slowQueries = new SlowQueryLog(config.slowQueryMs, now);

  return {
    thresholds,
    calls,
    inference,
    slowQueries,
    /** For RouterDeps.observe. */
    call: (name: string, ms: number, code: string) => calls.record(name, ms, code),
    /** For timeQueries: statements of one connection, named on the screen. */
    queries: (connection: string) => (sql: string, ms: number) => slowQueries.observe(connection, sql, ms),
    /** What the system alarms need, each health tick. */
    alertSample: (): DiagnosticSample => ({ calls: calls.rows(), modelFailure: inference.lastFailure, thresholds }),

    snapshot(sources: DiagnosticsSources): DiagnosticsSnapshot {
      const h = sources.health();
      const rows = calls.rows();
      return {
        at: now(),
        uptimeS: h.uptimeS,
        broker: h.broker,
        fieldSources: h.fieldSources ?? [],
        historian: h.historian ?? null,
        machinesKnown: h.machinesKnown,
        readingsPerSecond: h.readingsPerSecond,
        quarantine: { total: h.quarantine.total, byReason: h.quarantine.byReason, latest: sources.quarantineLatest(LATEST_QUARANTINED) },
        store: h.store,
        backup: { hourUtc: sources.backup.hourUtc, dir: sources.backup.dir, last: sources.backup.last() },
        models: { state: h.models.state, detail: h.models.detail, list: sources.models(), inference: inference.summary() },
        calls: { windowSeconds: config.windowSeconds, perSecond: rows.reduce((sum, r) => sum + r.perSecond, 0), rows },
        slowQueries: { thresholdMs: slowQueries.thresholdMs, total: slowQueries.total, latest: slowQueries.latest() },
        agents: { enabled: sources.agents.enabled, eventTime: sources.agents.eventTime(), list: sources.agents.status() },
        disk: sources.disk(),
        alerts: {
          thresholds,
          states: Object.values(DIAGNOSTIC_ALARMS).map((alarmId) => {
            const a = sources.alarm(alarmId);
            return { alarmId, priority: a?.priority ?? DIAGNOSTIC_PRIORITY[alarmId], active: a?.active ?? false, message: a?.active ? a.message : null };
          }),
        },
      };
    },
  };
}
export type Diagnostics = ReturnType<typeof createDiagnostics>;

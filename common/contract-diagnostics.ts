/**
 * The diagnostics screen's half of the contract: one snapshot of how the console itself is doing
 * (connections, rates, store, backups, models, contract calls, slow queries, agents, disk). For
 * engineers and administrators: it shows database paths and SQL. Spread into `calls` of contract.ts.
 */
import { z } from 'zod';
import { wallMs } from './time';
import { AgentStatusSchema } from './contract-agents';
import { AlarmPrioritySchema } from './contract-alarms';
import { FieldSourceHealthSchema, HistorianHealthSchema } from './contract-connectors';
import { ModelStatusSchema } from './contract-models';
import type { Permission } from './roles';
import { QuarantineEntrySchema } from './telemetry';

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

/** Latency in milliseconds over the rolling window; null while nothing was measured. */
const LatencySchema = z.object({ p50Ms: z.number().nullable(), p99Ms: z.number().nullable(), maxMs: z.number().nullable() });

export const CallStatsRowSchema = LatencySchema.extend({
  name: z.string(),
  count: z.number(),
  perSecond: z.number(),
  /** Calls the application failed ('internal'): what the error-rate warning counts. */
  errors: z.number(),
  errorRate: z.number(),
  /** Calls refused for the caller's reasons (login, role, request, not found, conflict): shown, not alarmed. */
  refused: z.number(),
});
export type CallStatsRow = z.infer<typeof CallStatsRowSchema>;

export const SlowQuerySchema = z.object({ at: wallMs(), ms: z.number(), connection: z.string(), sql: z.string() });
export type SlowQuery = z.infer<typeof SlowQuerySchema>;

export const BackupResultSchema = z.object({ at: z.number(), ok: z.boolean(), file: z.string().nullable(), bytes: z.number().nullable(), error: z.string().nullable() });
export type BackupResult = z.infer<typeof BackupResultSchema>;

export const DiagnosticAlertSchema = z.object({ alarmId: z.string(), priority: AlarmPrioritySchema, active: z.boolean(), message: z.string().nullable() });

export const DiagnosticsThresholdsSchema = z.object({
  windowSeconds: z.number(),
  minCalls: z.number(),
  contractErrorRate: z.object({ raise: z.number(), clear: z.number() }),
  contractLatencyMs: z.object({ raise: z.number(), clear: z.number() }),
  modelFailureHoldSeconds: z.number(),
  slowQueryMs: z.number(),
});
export type DiagnosticsThresholds = z.infer<typeof DiagnosticsThresholdsSchema>;

export const DiagnosticsSnapshotSchema = z.object({
  at: wallMs(),
  uptimeS: z.number(),
  broker: z.object({ url: z.string(), embedded: z.boolean(), state: z.string(), lastError: z.string().nullable() }),
  /** Modbus TCP devices and OPC UA servers; empty when none is configured. */
  fieldSources: z.array(FieldSourceHealthSchema),
  /** null when no historian is configured. */
  historian: HistorianHealthSchema.nullable(),
  machinesKnown: z.number(),
  readingsPerSecond: z.number(),
  quarantine: z.object({ total: z.number(), byReason: z.record(z.string(), z.number()), latest: z.array(QuarantineEntrySchema) }),
  store: z.object({ path: z.string(), bytes: z.number(), pendingRows: z.number(), lastError: z.string().nullable() }),
  backup: z.object({ hourUtc: z.number().nullable(), dir: z.string(), last: BackupResultSchema.nullable() }),
  models: z.object({
    state: z.enum(['not_loaded', 'ok', 'uncertain']),
    detail: z.string(),
    list: z.array(ModelStatusSchema),
    /** Each live scoring run, from the tick that asks for it to its outputs. */
    inference: LatencySchema.extend({ runs: z.number(), perSecond: z.number(), failures: z.number(), lastFailure: z.object({ at: wallMs(), error: z.string() }).nullable() }),
  }),
  calls: z.object({ windowSeconds: z.number(), perSecond: z.number(), rows: z.array(CallStatsRowSchema) }),
  slowQueries: z.object({ thresholdMs: z.number(), total: z.number(), latest: z.array(SlowQuerySchema) }),
  agents: z.object({ enabled: z.boolean(), eventTime: z.number().nullable(), list: z.array(AgentStatusSchema) }),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number(), freeRatio: z.number() }).nullable(),
  alerts: z.object({ thresholds: DiagnosticsThresholdsSchema, states: z.array(DiagnosticAlertSchema) }),
});
export type DiagnosticsSnapshot = z.infer<typeof DiagnosticsSnapshotSchema>;

export const diagnosticsCalls = {
  /** Engineers (supervisor) and administrators: the screen refreshes it every few seconds. */
  'diagnostics.snapshot': call({ request: z.object({}).strict(), response: DiagnosticsSnapshotSchema, permission: 'supervise', audited: false }),
} as const;

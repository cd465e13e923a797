/** Contract calls of the model outputs (anomaly, failure, RUL) for the machine screen. */
import { z } from 'zod';
import { eventMs } from './time';
import type { Permission } from './roles';

const spec = <Req extends z.ZodType, Res extends z.ZodType>(s: { request: Req; response: Res; permission: Permission; audited: boolean }) => s;

export const ANOMALY_TYPE_VALUES = ['thermal', 'vibration_bearing', 'pressure_flow', 'electrical', 'sensor_fault', 'unclassified'] as const;
const Contributor = z.object({ sensor: z.string(), contribution: z.number() });

export const AnomalyOutputSchema = z.object({
  machineId: z.string(),
  ts: eventMs(),
  state: z.enum(['calibrating', 'normal', 'anomaly', 'uncertain']),
  score: z.number().nullable(),
  threshold: z.number().nullable(),
  type: z.enum(ANOMALY_TYPE_VALUES).nullable(),
  contributors: z.array(Contributor),
  detail: z.string().nullable(),
});
export const FailureOutputSchema = z.object({
  machineId: z.string(),
  ts: eventMs(),
  state: z.enum(['ok', 'uncertain']),
  pFailure: z.number().nullable(),
  predictedFailure: z.boolean().nullable(),
  likelyType: z.string().nullable(),
  typeProbabilities: z.record(z.string(), z.number()),
  detail: z.string().nullable(),
});
export const RulOutputSchema = z.object({
  machineId: z.string(),
  ts: eventMs(),
  state: z.enum(['ok', 'uncertain']),
  rul: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  members: z.array(z.number()),
  detail: z.string().nullable(),
});
export const ModelStatusSchema = z.object({ name: z.string(), version: z.string().nullable(), state: z.enum(['ok', 'uncertain']), detail: z.string() });
export const AnomalyEventSchema = z.object({
  id: z.number(),
  machineId: z.string(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  peakScore: z.number(),
  threshold: z.number(),
  type: z.string().nullable(),
  contributors: z.array(z.string()),
});
const MachineId = z.string().min(1).max(256);

/** What a machine is doing, recognised from its own state signal; off and idle are states, never anomalies. */
export const OPERATING_STATES = ['off', 'idle', 'running', 'unknown'] as const;
export const OperatingStateSchema = z.enum(OPERATING_STATES);
export type OperatingState = z.infer<typeof OperatingStateSchema>;
/** Load bands within running, from the machine's own range of its state signal. */
export const LOAD_BANDS = ['idle', 'low', 'mid', 'high'] as const;

/** A machine watched closer for a while: its anomaly thresholds are multiplied by factor (0 < factor <= 1) until `until`. */
export const HeighteningSchema = z.object({ until: eventMs(), factor: z.number().gt(0).max(1), reason: z.string() });
export type Heightening = z.infer<typeof HeighteningSchema>;

export const ConditionOutputSchema = z.object({
  machineId: z.string(),
  /** The newest reading judged. */
  ts: eventMs(),
  operatingState: OperatingStateSchema,
  /** Index into LOAD_BANDS; null when off or unknown. */
  band: z.number().int().min(0).max(3).nullable(),
  /** The metric the state is read from, and whether an engineer named it (meta) or it was found in the data. */
  stateSignal: z.string().nullable(),
  stateSignalFrom: z.enum(['meta', 'name', 'data']).nullable(),
  /** learning: the normal model is not yet fitted; monitoring: judged against it. */
  phase: z.enum(['learning', 'monitoring']),
  learning: z.object({
    /** The machine's first reading, and hours of each band seen so far. */
    since: eventMs().nullable(),
    hoursSeen: z.number(),
    hoursNeeded: z.number(),
    bands: z.array(z.object({ band: z.enum(LOAD_BANDS), hours: z.number(), ready: z.boolean() })),
    /** Version of the fitted normal model in use, 0 while none. */
    version: z.number().int(),
  }),
  /** Anomaly episode: raised once, cleared with hysteresis. score is in units of the machine's own threshold (1 = at the limit). */
  anomaly: z.object({
    active: z.boolean(),
    score: z.number().nullable(),
    type: z.enum(ANOMALY_TYPE_VALUES).nullable(),
    contributors: z.array(Contributor),
    since: z.number().nullable(),
  }),
  /** 0..100 from the smoothed deviation against the normal model; null while learning. */
  health: z.number().nullable(),
  /** Health points per hour over the trend window (negative = degrading); null without a trend. */
  healthTrendPerHour: z.number().nullable(),
  /** Remaining useful life in hours with an 80 % band, only while the degradation trend is significant. */
  rul: z.object({ hours: z.number(), low: z.number(), high: z.number() }).nullable(),
  /** Probability of reaching the failure level within horizonHours. */
  failureProbability: z.number().nullable(),
  horizonHours: z.number(),
  /** Sensors that stopped varying while the machine runs. */
  stuckSensors: z.array(z.string()),
  /** The machine fell silent for longer than its own reporting period allows (judged in event time). */
  communicationLost: z.boolean(),
  /** Why there is no judgement, or what the prediction rests on ('no degradation trend'). */
  detail: z.string().nullable(),
  /** Heightened monitoring the plant optimizer asked for: thresholds times factor until `until`; optional, so outputs stored before it still parse. */
  heightened: HeighteningSchema.nullable().optional(),
});
export type ConditionOutput = z.infer<typeof ConditionOutputSchema>;

/** One line per machine for tiles and the dashboard. */
export const ConditionSummarySchema = ConditionOutputSchema.pick({ machineId: true, ts: true, operatingState: true, phase: true, learning: true, health: true, rul: true, failureProbability: true, communicationLost: true }).extend({
  anomalyActive: z.boolean(),
});
export type ConditionSummary = z.infer<typeof ConditionSummarySchema>;

export const HealthPointSchema = z.object({ ts: eventMs(), health: z.number(), rulHours: z.number().nullable() });
export const StateSpanSchema = z.object({ from: eventMs(), to: eventMs(), state: OperatingStateSchema });
/** The shares of a time range by operating state: availability and downtime come from these. */
export const StateTotalsSchema = z.object({ machineId: z.string(), from: z.number(), to: z.number(), hours: z.record(OperatingStateSchema, z.number()) });

export const modelCalls = {
  'models.status': spec({
    request: z.object({}).strict(),
    response: z.object({ state: z.enum(['ok', 'uncertain']), detail: z.string(), models: z.array(ModelStatusSchema) }),
    permission: 'view',
    audited: false,
  }),
  /** Everything the machine screen shows about one machine's models. */
  'models.machine': spec({
    request: z.object({ machineId: MachineId }).strict(),
    response: z.object({
      anomaly: AnomalyOutputSchema.nullable(),
      /** The machine's own condition monitor: state, health, failure probability and RUL in hours. */
      condition: ConditionOutputSchema.nullable(),
      failure: FailureOutputSchema.nullable(),
      rul: RulOutputSchema.nullable(),
      calibration: z.object({
        state: z.enum(['none', 'calibrating', 'calibrated']),
        sensors: z.array(z.string()),
        threshold: z.number().nullable(),
        from: z.number().nullable(),
        to: z.number().nullable(),
      }),
    }),
    permission: 'view',
    audited: false,
  }),
  'models.anomalyEvents': spec({
    request: z.object({ machineId: MachineId, limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    response: z.array(AnomalyEventSchema),
    permission: 'view',
    audited: false,
  }),
  /** Every machine's latest condition: the overview's tiles and the dashboard's plant health. */
  'models.conditions': spec({
    request: z.object({}).strict(),
    response: z.array(ConditionSummarySchema),
    permission: 'view',
    audited: false,
  }),
  /** Health score history (one point per minute at most) for the machine screen's trend. */
  'models.healthHistory': spec({
    request: z.object({ machineId: MachineId, from: z.number().int(), to: z.number().int() }).strict().refine((r) => r.to > r.from, { message: 'to must be after from' }),
    response: z.array(HealthPointSchema),
    permission: 'view',
    audited: false,
  }),
  /** Operating-state history: spans, and hours per state over the range. */
  'models.stateHistory': spec({
    request: z.object({ machineId: MachineId, from: z.number().int(), to: z.number().int() }).strict().refine((r) => r.to > r.from, { message: 'to must be after from' }),
    response: z.object({ spans: z.array(StateSpanSchema), totals: StateTotalsSchema }),
    permission: 'view',
    audited: false,
  }),
  /**
   * "This was normal operation": the machine's current (or last) anomaly episode becomes training data
   * for its state, and the normal model is refitted with it. Audited; needs a supervisor.
   */
  'models.markNormal': spec({
    request: z.object({ machineId: MachineId, note: z.string().trim().min(3).max(500) }).strict(),
    response: z.object({ ok: z.literal(true), version: z.number().int(), from: z.number(), to: z.number() }),
    permission: 'supervise',
    audited: true,
  }),
  /** Starts a new commissioning window: after maintenance or a process change, "normal" is new. */
  'models.recalibrate': spec({
    request: z.object({ machineId: MachineId }).strict(),
    response: z.object({ ok: z.literal(true), calibrationRows: z.number() }),
    permission: 'supervise',
    audited: true,
  }),
} as const;

/** Contract calls of the model outputs (anomaly, failure, RUL) for the machine screen. */
import { z } from 'zod';
import type { Permission } from './roles';

const spec = <Req extends z.ZodType, Res extends z.ZodType>(s: { request: Req; response: Res; permission: Permission; audited: boolean }) => s;

export const ANOMALY_TYPE_VALUES = ['thermal', 'vibration_bearing', 'pressure_flow', 'electrical', 'sensor_fault', 'unclassified'] as const;
const Contributor = z.object({ sensor: z.string(), contribution: z.number() });

export const AnomalyOutputSchema = z.object({
  machineId: z.string(),
  ts: z.number(),
  state: z.enum(['calibrating', 'normal', 'anomaly', 'uncertain']),
  score: z.number().nullable(),
  threshold: z.number().nullable(),
  type: z.enum(ANOMALY_TYPE_VALUES).nullable(),
  contributors: z.array(Contributor),
  detail: z.string().nullable(),
});
export const FailureOutputSchema = z.object({
  machineId: z.string(),
  ts: z.number(),
  state: z.enum(['ok', 'uncertain']),
  pFailure: z.number().nullable(),
  predictedFailure: z.boolean().nullable(),
  likelyType: z.string().nullable(),
  typeProbabilities: z.record(z.string(), z.number()),
  detail: z.string().nullable(),
});
export const RulOutputSchema = z.object({
  machineId: z.string(),
  ts: z.number(),
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
  /** Starts a new commissioning window: after maintenance or a process change, "normal" is new. */
  'models.recalibrate': spec({
    request: z.object({ machineId: MachineId }).strict(),
    response: z.object({ ok: z.literal(true), calibrationRows: z.number() }),
    permission: 'supervise',
    audited: true,
  }),
} as const;

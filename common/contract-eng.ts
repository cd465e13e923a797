/** Contract calls for engineering units and ranges: engineers' edits per machine type and per machine. */
import { z } from 'zod';
import type { Permission } from './roles';
import { MachineSchema, RangeSchema, SensorEngSchema } from './telemetry';

const spec = <Req extends z.ZodType, Res extends z.ZodType>(s: { request: Req; response: Res; permission: Permission; audited: boolean }) => s;

/** Short plain text: a unit ends up in screens, files, reports and speech. */
export const UnitSchema = z
  .string()
  .trim()
  .min(1, 'give a unit')
  .max(32, 'at most 32 characters')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  .refine((u) => !/[<>&"`\u0000-\u001f\u007f]/.test(u), 'no markup or control characters');
const EditRange = RangeSchema.refine((r) => r.low < r.high, 'low must be below high');

/** One metric's edit; a field left out keeps what the source (meta, Sparkplug birth) says. */
export const SensorEngEditSchema = z.object({ unit: UnitSchema.optional(), normal: EditRange.optional(), display: EditRange.optional(), counter: z.boolean().optional() }).strict();
export type SensorEngEdit = z.infer<typeof SensorEngEditSchema>;

const PerSensor = z.record(z.string(), SensorEngSchema);
export const EngOverridesSchema = z.object({ types: z.record(z.string(), PerSensor), machines: z.record(z.string(), PerSensor) });
export type EngOverridesDto = z.infer<typeof EngOverridesSchema>;

export const engCalls = {
  'machines.eng.get': spec({ request: z.object({}).strict(), response: EngOverridesSchema, permission: 'view', audited: false }),
  /** Sets (or with `eng: null` removes) the units and ranges of one metric for a machine type or one machine. */
  'machines.eng.set': spec({
    request: z
      .object({
        scope: z.enum(['type', 'machine']),
        key: z.string().min(1).max(256),
        sensor: z.string().min(1).max(128),
        eng: SensorEngEditSchema.nullable(),
      })
      .strict(),
    response: EngOverridesSchema,
    permission: 'supervise',
    audited: true,
  }),
  /** Machines not heard from for more than `days` days: candidates for retirement. */
  'machines.silent': spec({ request: z.object({ days: z.number().int().min(1).max(3650) }).strict(), response: z.array(MachineSchema), permission: 'supervise', audited: false }),
  /**
   * Retires machines silent for more than `days` days (all or none): they leave the screens and the
   * store's machine list and free their place under ingest.maxMachines. A later reading makes one new again.
   */
  'machines.retire': spec({
    request: z.object({ machineIds: z.array(z.string().min(1).max(256)).min(1).max(1000), days: z.number().int().min(1).max(3650) }).strict(),
    response: z.object({ retired: z.array(z.string()) }),
    permission: 'supervise',
    audited: true,
  }),
} as const;

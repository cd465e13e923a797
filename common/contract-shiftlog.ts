/**
 * The shift log's half of the contract: handover entries an operator writes for the next shift
 * (free text, optionally about a machine or an alarm), which the next shift acknowledges. Spread
 * into `calls` of contract.ts. Adding and acknowledging are audited.
 */
import { z } from 'zod';
import { FileSchema } from './contract-agents';
import type { Permission } from './roles';

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

export const ShiftSchema = z.object({
  /** 0-based position among the day's shift starts. */
  index: z.number(),
  start: z.number(),
  end: z.number(),
  /** Local date the shift began on, YYYY-MM-DD (plant time). */
  date: z.string(),
  startHour: z.number(),
});
export type ShiftRef = z.infer<typeof ShiftSchema>;

export const ShiftLogEntrySchema = z.object({
  id: z.number(),
  at: z.number(),
  author: z.string(),
  text: z.string(),
  machineId: z.string().nullable(),
  alarmId: z.string().nullable(),
  shift: ShiftSchema,
  ackedBy: z.string().nullable(),
  ackedAt: z.number().nullable(),
  ackNote: z.string().nullable(),
});
export type ShiftLogEntry = z.infer<typeof ShiftLogEntrySchema>;

const Id = z.number().int().positive();

export const shiftLogCalls = {
  /** The plant's current and previous shift, in its time zone. */
  'shiftlog.shifts': call({
    request: z.object({}).strict(),
    response: z.object({ timeZone: z.string(), current: ShiftSchema, previous: ShiftSchema }),
    permission: 'view',
    audited: false,
  }),
  /** Newest first. `query` matches text, author, machine and alarm (case-insensitive, plain text). */
  'shiftlog.list': call({
    request: z
      .object({
        query: z.string().trim().max(200).optional(),
        machineId: z.string().max(256).optional(),
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        unacknowledged: z.boolean().optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.object({ entries: z.array(ShiftLogEntrySchema), total: z.number() }),
    permission: 'view',
    audited: false,
  }),
  'shiftlog.add': call({
    request: z
      .object({
        text: z.string().trim().min(1, 'write what the next shift needs to know').max(4000),
        machineId: z.string().trim().min(1).max(256).optional(),
        alarmId: z.string().trim().min(1).max(512).optional(),
      })
      .strict(),
    response: ShiftLogEntrySchema,
    permission: 'operate',
    audited: true,
  }),
  /** The next shift acknowledges handover entries: only entries of an earlier shift, each once. */
  'shiftlog.ack': call({
    request: z.object({ ids: z.array(Id).min(1).max(500), note: z.string().trim().max(1000).optional() }).strict(),
    response: z.object({ entries: z.array(ShiftLogEntrySchema) }),
    permission: 'operate',
    audited: true,
  }),
  /** The handover document of a shift (default the one that just ended): its entries and their acknowledgements. */
  'shiftlog.export': call({
    request: z.object({ shift: z.enum(['current', 'previous']).default('previous'), format: z.enum(['csv', 'pdf']) }).strict(),
    response: FileSchema,
    permission: 'view',
    audited: false,
  }),
} as const;

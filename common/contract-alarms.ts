/**
 * The alarm half of the contract (ISA-18.2 / IEC 62682 states, EEMUA 191 load figures). It is
 * spread into `calls` and `events` of contract.ts, so every transport carries it like any other call.
 */
import { z } from 'zod';
import { eventMs } from './time';
import type { Permission } from './roles';

const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: { request: Req; response: Res; permission: Permission; audited: boolean }) => spec;

export const ALARM_STATES = [
  'normal',
  'active-unacknowledged',
  'active-acknowledged',
  'returned-to-normal-unacknowledged',
  'latched',
  'shelved',
  'suppressed-by-design',
  'out-of-service',
] as const;
export const AlarmStateSchema = z.enum(ALARM_STATES);
export type AlarmState = z.infer<typeof AlarmStateSchema>;

/** Highest first; the order is the default sort of the active list. */
export const ALARM_PRIORITIES = ['critical', 'high', 'medium', 'low', 'diagnostic'] as const;
export const AlarmPrioritySchema = z.enum(ALARM_PRIORITIES);
export type AlarmPriority = z.infer<typeof AlarmPrioritySchema>;

export const ALARM_SOURCES = ['limit', 'anomaly', 'predictive', 'health', 'communication', 'sensor', 'system'] as const;
export const AlarmSourceSchema = z.enum(ALARM_SOURCES);
export type AlarmSource = z.infer<typeof AlarmSourceSchema>;

export const LIMIT_LEVELS = ['HH', 'H', 'L', 'LL'] as const;
export const LimitLevelSchema = z.enum(LIMIT_LEVELS);
export type LimitLevel = z.infer<typeof LimitLevelSchema>;

export const AlarmSchema = z.object({
  id: z.string(),
  machineId: z.string(),
  source: AlarmSourceSchema,
  sensor: z.string().nullable(),
  level: LimitLevelSchema.nullable(),
  priority: AlarmPrioritySchema,
  state: AlarmStateSchema,
  /** The process condition, whatever the state: a shelved alarm can be active underneath. */
  active: z.boolean(),
  message: z.string(),
  /** The current occurrence's activation. */
  raisedAt: eventMs().nullable(),
  clearedAt: z.number().nullable(),
  ackedAt: z.number().nullable(),
  ackedBy: z.string().nullable(),
  note: z.string().nullable(),
  shelvedUntil: z.number().nullable(),
  /**
   * Who shelved or took the alarm out of service, and why. Suppressed by design (state
   * 'suppressed-by-design') has no person: modeBy is null and modeReason says what holds the alarm
   * ("machine idle", "machine off", "machine offline", "start-up: waiting for value above 5.1").
   */
  modeBy: z.string().nullable(),
  modeReason: z.string().nullable(),
  /**
   * When suppression by design began, in event time (an offline machine's: when this console saw it
   * gone). It stays while only the reason changes and is null once the suppression ends; it is also
   * kept under out of service, since the alarm comes back suppressed.
   */
  suppressedSince: eventMs().nullable(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  updatedAt: z.number(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

export const JOURNAL_ACTIONS = [
  'activate',
  'clear',
  'realarm',
  'ack',
  'shelve',
  'unshelve',
  'shelf-expired',
  'suppress',
  'unsuppress',
  'remove-from-service',
  'return-to-service',
] as const;
export const JournalActionSchema = z.enum(JOURNAL_ACTIONS);
export type JournalAction = z.infer<typeof JournalActionSchema>;

/** One state transition; flat so that the history exports to CSV column by column. */
export const AlarmJournalEntrySchema = z.object({
  seq: z.number(),
  eventId: z.string(),
  alarmId: z.string(),
  machineId: z.string(),
  source: AlarmSourceSchema,
  sensor: z.string().nullable(),
  priority: AlarmPrioritySchema,
  /** Event time for process transitions, wall time for operator and timer ones. */
  at: z.number(),
  action: JournalActionSchema,
  from: AlarmStateSchema,
  to: AlarmStateSchema,
  active: z.boolean(),
  username: z.string().nullable(),
  /** The console the action was taken on; another console's actions arrive over MQTT. */
  console: z.string(),
  note: z.string().nullable(),
  message: z.string(),
});
export type AlarmJournalEntry = z.infer<typeof AlarmJournalEntrySchema>;

export const LimitSettingSchema = z
  .object({
    sensor: z.string().min(1).max(128),
    level: LimitLevelSchema,
    setpoint: z.number().finite(),
    /** The value must come back this far inside the setpoint before the condition clears. */
    deadband: z.number().finite().min(0),
    onDelayMs: z.number().int().min(0).max(3_600_000),
    offDelayMs: z.number().int().min(0).max(3_600_000),
    /** An acknowledged alarm still active this long re-annunciates; 0 never. */
    reAlarmMs: z.number().int().min(0).max(7 * 86_400_000),
    priority: AlarmPrioritySchema,
    latching: z.boolean(),
    enabled: z.boolean(),
  })
  .strict();
export type LimitSetting = z.infer<typeof LimitSettingSchema>;

export const EffectiveLimitSchema = LimitSettingSchema.extend({
  /** default: from the machine type's published meta; engineer: edited and stored on this console. */
  origin: z.enum(['default', 'engineer']),
  updatedBy: z.string().nullable(),
  updatedAt: z.number().nullable(),
});
export type EffectiveLimit = z.infer<typeof EffectiveLimitSchema>;
const MachineLimitsSchema = z.object({
  machineId: z.string(),
  limits: z.array(EffectiveLimitSchema),
  /** Defaults a later meta message proposes; they apply only once an engineer accepts them (alarms.limits.acceptMeta). */
  proposedMeta: z.array(LimitSettingSchema).optional(),
});

const AlarmId = z.string().min(1).max(512);
const Reason = z.string().trim().min(3, 'give a reason').max(500);
const Note = z.string().trim().max(500);
const MachineId = z.string().min(1).max(256);

export const FloodGroupSchema = z.object({ key: z.string(), count: z.number(), firstOut: z.string(), alarmIds: z.array(z.string()) });
export const FloodSchema = z.object({
  console: z.string(),
  start: z.number(),
  /** null while the flood goes on. */
  end: z.number().nullable(),
  count: z.number(),
  firstOut: z.string(),
  groups: z.array(FloodGroupSchema),
});
export type Flood = z.infer<typeof FloodSchema>;

export const AlarmKpisSchema = z.object({
  from: z.number(),
  to: z.number(),
  annunciated: z.number(),
  perConsole: z.array(
    z.object({
      console: z.string(),
      total: z.number(),
      /** Average and worst annunciations per 10-minute bucket (EEMUA 191: about 1 is acceptable, over 10 a flood). */
      avgPer10Min: z.number(),
      peakPer10Min: z.number(),
      floodTimePct: z.number(),
    }),
  ),
  floods: z.array(FloodSchema),
  chattering: z.array(z.object({ alarmId: z.string(), maxPerMinute: z.number(), total: z.number() })),
  stale: z.array(z.object({ alarmId: z.string(), activeSince: z.number(), hours: z.number() })),
  badActors: z.array(z.object({ alarmId: z.string(), count: z.number(), sharePct: z.number() })),
  priorities: z.object({
    counts: z.record(AlarmPrioritySchema, z.number()),
    /** Shares of the operator-facing alarms (diagnostic excluded) in the EEMUA bands high (critical+high), medium, low. */
    share: z.object({ high: z.number(), medium: z.number(), low: z.number() }),
    target: z.object({ high: z.number(), medium: z.number(), low: z.number() }),
  }),
});
export type AlarmKpis = z.infer<typeof AlarmKpisSchema>;

const ActiveFilterSchema = z
  .object({
    states: z.array(AlarmStateSchema).max(ALARM_STATES.length).optional(),
    priorities: z.array(AlarmPrioritySchema).max(ALARM_PRIORITIES.length).optional(),
    sources: z.array(AlarmSourceSchema).max(ALARM_SOURCES.length).optional(),
    machineId: MachineId.optional(),
    /** Case-insensitive substring of id, machine, sensor or message. */
    search: z.string().max(200).optional(),
  })
  .strict();

const HistoryRequestSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    alarmId: AlarmId.optional(),
    machineId: MachineId.optional(),
    search: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(50_000).default(1000),
    /** Pages backwards: entries with a smaller seq. */
    beforeSeq: z.number().int().optional(),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: 'to must be after from' });

const Changed = z.object({ alarm: AlarmSchema });

export const alarmCalls = {
  'alarms.active': call({
    request: z
      .object({
        filter: ActiveFilterSchema.prefault({}),
        sort: z.enum(['priority', 'time', 'machine']).default('priority'),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    response: z.object({
      alarms: z.array(AlarmSchema),
      /** Before the limit was applied. */
      total: z.number(),
      /** Floods going on now, per console, with related alarms grouped and the first-out named. */
      floods: z.array(FloodSchema),
    }),
    permission: 'view',
    audited: false,
  }),
  'alarms.history': call({
    request: HistoryRequestSchema,
    response: z.object({ entries: z.array(AlarmJournalEntrySchema), nextBeforeSeq: z.number().nullable() }),
    permission: 'view',
    audited: false,
  }),
  'alarms.ack': call({ request: z.object({ alarmId: AlarmId, note: Note.optional() }).strict(), response: Changed, permission: 'operate', audited: true }),
  'alarms.shelve': call({
    request: z
      .object({ alarmId: AlarmId, reason: Reason, durationMinutes: z.number().int().min(1).max(24 * 60) })
      .strict(),
    response: Changed,
    permission: 'supervise',
    audited: true,
  }),
  'alarms.unshelve': call({ request: z.object({ alarmId: AlarmId, note: Note.optional() }).strict(), response: Changed, permission: 'supervise', audited: true }),
  'alarms.outOfService': call({ request: z.object({ alarmId: AlarmId, reason: Reason }).strict(), response: Changed, permission: 'supervise', audited: true }),
  'alarms.returnToService': call({ request: z.object({ alarmId: AlarmId, note: Note.optional() }).strict(), response: Changed, permission: 'supervise', audited: true }),
  'alarms.limits.get': call({ request: z.object({ machineId: MachineId }).strict(), response: MachineLimitsSchema, permission: 'view', audited: false }),
  /** Engineer edits: one row per sensor and level; `reset` rows go back to the machine type's default. */
  'alarms.limits.set': call({
    request: z
      .object({
        machineId: MachineId,
        limits: z.array(LimitSettingSchema).max(256).default([]),
        reset: z.array(z.object({ sensor: z.string().min(1).max(128), level: LimitLevelSchema }).strict()).max(256).default([]),
      })
      .strict(),
    response: MachineLimitsSchema,
    permission: 'supervise',
    audited: true,
  }),
  /** An engineer accepts the default limits the machine's meta proposes in place of the accepted ones. */
  'alarms.limits.acceptMeta': call({ request: z.object({ machineId: MachineId }).strict(), response: MachineLimitsSchema, permission: 'supervise', audited: true }),
  'alarms.kpis': call({
    request: z
      .object({ from: z.number().int().optional(), to: z.number().int().optional() })
      .strict(),
    response: AlarmKpisSchema,
    permission: 'view',
    audited: false,
  }),
} as const;

export const alarmEvents = {
  /** Alarms whose state, condition or attributes changed, each in full. */
  alarms: z.object({ alarms: z.array(AlarmSchema) }),
} as const;

/**
 * The one contract between renderer and main. The preload bridge, the IPC router and the
 * WebSocket transport are all generated from these tables: add a call here and every transport
 * carries it, validated on both sides and checked against the caller's role.
 */
import { z } from 'zod';
import { eventMs } from './time';
import { agentCalls, agentEvents } from './contract-agents';
import { alarmCalls, alarmEvents } from './contract-alarms';
import { areaCalls } from './contract-area';
import { engCalls } from './contract-eng';
import { connectorCalls, FieldSourceHealthSchema, HistorianHealthSchema } from './contract-connectors';
import { diagnosticsCalls } from './contract-diagnostics';
import { modelCalls } from './contract-models';
import { shiftLogCalls } from './contract-shiftlog';
import { userCalls } from './contract-users';
import { voiceCalls, voiceEvents } from './contract-voice';
import { RoleSchema, type Permission } from './roles';
import { MachineSchema, QuarantineEntrySchema, QuarantineReasonSchema } from './telemetry';

interface CallSpec<Req extends z.ZodType, Res extends z.ZodType> {
  request: Req;
  response: Res;
  permission: Permission;
  /** Audited calls leave a row in the audit log with user, time and outcome. */
  audited: boolean;
}
const call = <Req extends z.ZodType, Res extends z.ZodType>(spec: CallSpec<Req, Res>) => spec;

const Empty = z.object({}).strict();
const Username = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');
const Password = z.string().min(10, 'at least 10 characters').max(256);

export const UserSchema = z.object({ id: z.number(), username: z.string(), role: RoleSchema });
export type User = z.infer<typeof UserSchema>;
const SessionSchema = z.object({ user: UserSchema, token: z.string() });

export const BrokerStateSchema = z.enum(['connecting', 'connected', 'reconnecting', 'offline']);
export type BrokerState = z.infer<typeof BrokerStateSchema>;

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  uptimeS: z.number(),
  broker: z.object({ url: z.string(), embedded: z.boolean(), state: BrokerStateSchema, lastError: z.string().nullable() }),
  simulator: z.object({ running: z.boolean(), machines: z.number() }),
  machinesKnown: z.number(),
  readingsPerSecond: z.number(),
  quarantine: z.object({ total: z.number(), byReason: z.record(z.string(), z.number()) }),
  store: z.object({ path: z.string(), bytes: z.number(), pendingRows: z.number(), lastError: z.string().nullable() }),
  models: z.object({ state: z.enum(['not_loaded', 'ok', 'uncertain']), detail: z.string() }),
  versions: z.record(z.string(), z.string()),
  /** Modbus TCP devices and OPC UA servers; absent when none is configured. */
  fieldSources: z.array(FieldSourceHealthSchema).optional(),
  /** The enterprise historian; absent when none is configured. */
  historian: HistorianHealthSchema.optional(),
  /** The plant's clock (IANA zone) and the local hours its shifts start at. */
  plant: z.object({ timeZone: z.string(), shiftStartHours: z.array(z.number()) }).optional(),
  /** Where the log files are, and whether they are being written. */
  logs: z.object({ dir: z.string(), retentionDays: z.number(), state: z.enum(['ok', 'unavailable']), problem: z.string().nullable() }).optional(),
});
export type Health = z.infer<typeof HealthSchema>;

export const RESOLUTIONS = ['raw', '1m', '1h'] as const;
export const ResolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof ResolutionSchema>;

export const HistoryRequestSchema = z
  .object({
    machineId: z.string().min(1).max(256),
    sensors: z.array(z.string().min(1).max(128)).max(64).optional(),
    from: eventMs(z.number().int()),
    to: eventMs(z.number().int()),
    /** The screen's width in points: the store picks the finest resolution that stays under it. */
    maxPoints: z.number().int().min(10).max(1_000_000).default(2_000),
    resolution: ResolutionSchema.optional(),
  })
  .refine((r) => r.to > r.from, { message: 'to must be after from' });

export const SeriesSchema = z.object({
  sensor: z.string(),
  t: z.array(z.number()),
  /** avg for rollups */
  v: z.array(z.number().nullable()),
  min: z.array(z.number().nullable()).optional(),
  max: z.array(z.number().nullable()).optional(),
});
export const HistorySchema = z.object({ machineId: z.string(), resolution: ResolutionSchema, from: eventMs(), to: eventMs(), series: z.array(SeriesSchema) });
export type History = z.infer<typeof HistorySchema>;

export const calls = {
  'auth.state': call({
    request: Empty,
    /** setupTokenRequired: the first administrator can only be made with the token the host printed at start. */
    response: z.object({ needsSetup: z.boolean(), setupTokenRequired: z.boolean().optional(), user: UserSchema.nullable(), locked: z.boolean() }),
    permission: 'public',
    audited: false,
  }),
  /** First run only: creates the first administrator. There is no default account. Over the network it needs the setup token. */
  'auth.setup': call({ request: z.object({ username: Username, password: Password, setupToken: z.string().max(128).optional() }).strict(), response: SessionSchema, permission: 'public', audited: true }),
  'auth.login': call({
    request: z.object({ username: z.string().max(64), password: z.string().max(256) }).strict(),
    response: SessionSchema,
    permission: 'public',
    audited: true,
  }),
  /** Re-attaches a session after a reload or reconnect. */
  'auth.resume': call({ request: z.object({ token: z.string().max(256) }).strict(), response: SessionSchema, permission: 'public', audited: false }),
  'auth.logout': call({ request: Empty, response: z.object({ ok: z.literal(true) }), permission: 'view', audited: true }),
  'health.get': call({ request: Empty, response: HealthSchema, permission: 'view', audited: false }),
  'machines.list': call({ request: Empty, response: z.array(MachineSchema), permission: 'view', audited: false }),
  'readings.history': call({ request: HistoryRequestSchema, response: HistorySchema, permission: 'view', audited: false }),
  'ingest.quarantine': call({
    request: z.object({ reason: QuarantineReasonSchema.optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    response: z.object({ counts: z.record(z.string(), z.number()), entries: z.array(QuarantineEntrySchema) }),
    permission: 'view',
    audited: false,
  }),
  ...alarmCalls,
  ...engCalls,
  ...areaCalls,
  ...voiceCalls,
  ...modelCalls,
  ...userCalls,
  ...agentCalls,
  ...connectorCalls,
  ...shiftLogCalls,
  ...diagnosticsCalls,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
export type ParsedRequest<N extends CallName> = z.output<Calls[N]['request']>;
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export const CALL_NAMES = Object.keys(calls) as CallName[];
export const isCallName = (name: unknown): name is CallName => typeof name === 'string' && Object.hasOwn(calls, name);

export const LiveReadingSchema = z.object({ machineId: z.string(), ts: eventMs(), metrics: z.record(z.string(), z.number()) });
export type LiveReading = z.infer<typeof LiveReadingSchema>;

/** Pushed from main to every logged-in renderer; all need at least the 'view' permission. */
export const events = {
  /** High-rate telemetry, batched; the renderer feeds it to stores and charts, never to React state. */
  telemetry: z.object({ readings: z.array(LiveReadingSchema) }),
  /** Machines discovered, or whose state or sensor quality changed; `removed`: ids an engineer retired, which every console drops. */
  machines: z.object({ machines: z.array(MachineSchema), removed: z.array(z.string()).optional() }),
  health: HealthSchema,
  ...alarmEvents,
  ...voiceEvents,
  ...agentEvents,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const ERROR_CODES = ['bad_request', 'unknown_call', 'unauthenticated', 'locked', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const CallErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type CallError = z.infer<typeof CallErrorSchema>;
export type CallResult<T> = { ok: true; data: T } | { ok: false; error: CallError };

/** Names of the Electron IPC channels, derived so that no channel string is written twice. */
export const ipcChannel = (name: CallName) => `fb:call:${name}`;
export const ipcEventChannel = 'fb:event';

/** The bridge the preload exposes and the WebSocket client implements: one shape for both hosts. */
export interface Bridge {
  invoke<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<CallResponse<N>>>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
}

/** The WebSocket frames of the headless host. */
export const WsClientFrameSchema = z.object({ id: z.number().int().nonnegative(), call: z.string().max(64), request: z.unknown() });
export type WsServerFrame = { id: number; result: CallResult<unknown> } | { event: EventName; payload: unknown };

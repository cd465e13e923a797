/** The contract's handlers over the runtime's parts. Each is a thin adapter; the logic lives in its stage. */
import type { CallName, Health, History, ParsedRequest } from '../../common/contract';
import type { AlarmKpis } from '../../common/contract-alarms';
import type { Machine, QuarantineEntry, QuarantineReason } from '../../common/telemetry';
import type { ShiftLogHandlers } from '../shiftlog/handlers';
import type { AlarmService } from '../alarms/alarm-service';
import type { AuthService } from '../auth/auth-service';
import type { UserAdmin } from '../auth/user-admin';
import type { ModelService } from '../inference/model-service';
import type { EngService } from '../ingest/eng-service';
import type { MachineRetirement } from '../ingest/machine-retirement';
import type { AreaLayouts } from '../store/area-layouts';
import type { AuditLog } from '../store/audit-log';
import type { VoiceService } from '../voice/voice-service';
import type { connectorCalls } from '../../common/contract-connectors';
import type { DiagnosticsHandlers } from '../diagnostics/handlers';
import type { CallContext, Handlers } from './router';

export interface HandlerDeps {
  auth: AuthService;
  health(): Health;
  machines(): Machine[];
  eng: Pick<EngService, 'overrides' | 'set'>;
  retirement: MachineRetirement;
  areaLayouts: Pick<AreaLayouts, 'get' | 'set'>;
  history(request: ParsedRequest<'readings.history'>): History | Promise<History>;
  quarantine: { counts(): Record<string, number>; list(options: { reason?: QuarantineReason; limit: number }): QuarantineEntry[] };
  voice: Pick<VoiceService, 'settings' | 'updateSettings' | 'test' | 'log'>;
  alarms: AlarmService;
  /** alarms.kpis, answered off the main thread (alarms/kpi-reader.ts). */
  alarmKpis(request: ParsedRequest<'alarms.kpis'>): AlarmKpis | Promise<AlarmKpis>;
  models: ModelService;
  users: UserAdmin;
  auditLog: Pick<AuditLog, 'verify' | 'export'>;
  shiftLog: ShiftLogHandlers;
  diagnostics: DiagnosticsHandlers;
}

/** The router has checked the permission, so every non-public call has a session. */
/**
 * An operator's voice test is spoken at medium priority at most: the critical and high styles
 * (loudest, interrupting) are what the room answers as real alarms.
 */
const OPERATOR_TEST_PRIORITIES = new Set(['medium', 'low', 'diagnostic']);
const cappedVoiceTest = (request: ParsedRequest<'voice.test'>, ctx: CallContext): ParsedRequest<'voice.test'> =>
  ctx.session?.user.role === 'operator' && !OPERATOR_TEST_PRIORITIES.has(request.priority) ? { ...request, priority: 'medium' } : request;

const userOf = (ctx: CallContext) => ({ id: ctx.session!.user.id, username: ctx.session!.user.username });

/**
 * The calls the agent host answers (main/agents-host/handlers.ts, the repair guide's voice steps among
 * them). The composition root merges them and the connectors' calls, so this folder imports no host.
 */
export type AgentCallName = Extract<CallName, `agents.${string}` | `tickets.${string}` | `procurement.${string}` | `energy.${string}` | `reports.${string}` | 'voice.repairSteps'>;

export function createHandlers(deps: HandlerDeps): Omit<Handlers, AgentCallName | keyof typeof connectorCalls> {
  return {
    'auth.state': (_req, ctx) => {
      const needsSetup = deps.auth.needsSetup();
      const tokenRequired = needsSetup && deps.auth.setupTokenRequired({ network: ctx.transport === 'ws' });
      return { needsSetup, ...(tokenRequired ? { setupTokenRequired: true } : {}), user: ctx.session?.user ?? null, locked: ctx.session?.locked ?? false };
    },
    'auth.setup': async ({ username, password, setupToken }, ctx) => {
      const session = await deps.auth.setup(username, password, { network: ctx.transport === 'ws', token: setupToken });
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.login': async ({ username, password }, ctx) => {
      const session = await deps.auth.login(username, password, ctx.peer);
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.resume': ({ token }, ctx) => {
      const session = deps.auth.resume(token);
      ctx.setSession(session);
      return { user: session.user, token: session.token };
    },
    'auth.logout': (_req, ctx) => {
      if (ctx.session) deps.auth.logout(ctx.session.token);
      ctx.setSession(null);
      return { ok: true as const };
    },
    'health.get': () => deps.health(),
    'machines.list': () => deps.machines(),
    'machines.eng.get': () => deps.eng.overrides(),
    'machines.eng.set': ({ scope, key, sensor, eng }) => deps.eng.set(scope, key, sensor, eng),
    'machines.silent': ({ days }) => deps.retirement.silent(days),
    'machines.retire': ({ machineIds, days }) => deps.retirement.retire(machineIds, days),
    'areas.layout.get': ({ area }) => deps.areaLayouts.get(area),
    'areas.layout.set': ({ area, layout }, ctx) => deps.areaLayouts.set(area, layout, userOf(ctx).username),
    'readings.history': (request) => deps.history(request),
    'ingest.quarantine': ({ reason, limit }) => ({ counts: deps.quarantine.counts(), entries: deps.quarantine.list({ reason, limit }) }),
    'voice.settings.get': () => deps.voice.settings(),
    'voice.settings.set': (patch) => deps.voice.updateSettings(patch),
    'voice.test': (request, ctx) => deps.voice.test(cappedVoiceTest(request, ctx)),
    'voice.log': (query) => deps.voice.log(query),
    'alarms.active': (request) => deps.alarms.active(request),
    'alarms.history': (request) => deps.alarms.history(request),
    'alarms.ack': ({ alarmId, note }, ctx) => ({ alarm: deps.alarms.ack(userOf(ctx), alarmId, note) }),
    'alarms.shelve': ({ alarmId, reason, durationMinutes }, ctx) => ({ alarm: deps.alarms.shelve(userOf(ctx), alarmId, reason, durationMinutes) }),
    'alarms.unshelve': ({ alarmId, note }, ctx) => ({ alarm: deps.alarms.unshelve(userOf(ctx), alarmId, note) }),
    'alarms.outOfService': ({ alarmId, reason }, ctx) => ({ alarm: deps.alarms.outOfService(userOf(ctx), alarmId, reason) }),
    'alarms.returnToService': ({ alarmId, note }, ctx) => ({ alarm: deps.alarms.returnToService(userOf(ctx), alarmId, note) }),
    'alarms.limits.get': ({ machineId }) => deps.alarms.limits(machineId),
    'alarms.limits.set': ({ machineId, limits, reset }, ctx) => deps.alarms.setLimits(userOf(ctx), machineId, limits, reset),
    'alarms.limits.acceptMeta': ({ machineId }, ctx) => deps.alarms.acceptMeta(userOf(ctx), machineId),
    'alarms.kpis': (request) => deps.alarmKpis(request),
    'models.status': () => deps.models.status(),
    'models.machine': ({ machineId }) => deps.models.machine(machineId),
    'models.anomalyEvents': ({ machineId, limit }) => deps.models.events(machineId, limit),
    'models.recalibrate': ({ machineId }) => deps.models.recalibrate(machineId),
    'models.conditions': () => deps.models.conditions(),
    'models.healthHistory': ({ machineId, from, to }) => deps.models.healthHistory(machineId, from, to),
    'models.stateHistory': ({ machineId, from, to }) => deps.models.stateHistory(machineId, from, to),
    'models.markNormal': ({ machineId, note }, ctx) => deps.models.markNormal(machineId, note, userOf(ctx)),
    'users.list': () => deps.users.list(),
    'users.create': ({ username, password, role }) => deps.users.create(username, password, role),
    'users.update': ({ id, role }) => deps.users.setRole(id, role),
    'users.disable': ({ id, disabled }) => deps.users.setDisabled(id, disabled),
    'users.resetPassword': ({ id, password }) => deps.users.resetPassword(id, password),
    'auth.lock': (_req, ctx) => {
      deps.auth.lock(ctx.session!.token);
      return { locked: true as const };
    },
    'auth.unlock': async ({ password }, ctx) => {
      await deps.auth.unlock(ctx.session!.token, password, ctx.peer);
      return { locked: false as const };
    },
    'audit.verify': () => deps.auditLog.verify(),
    'audit.export': (query) => deps.auditLog.export(query),
    ...deps.shiftLog,
    ...deps.diagnostics,
  };
}

/**
 * The alarm system of one console: every source (limits, models, health scores, the runtime's own
 * health) feeds conditions into the ISA-18.2 state machine; every transition is committed with its
 * journal row and audit entry before screens, the announcer or other consoles hear of it.
 *
 * Operator actions (ack, shelve, out of service...) are the only state other consoles share: each
 * console evaluates the same readings itself, so raise and clear need no sharing. Actions carry an
 * event id (idempotent) and their time; of two actions on one alarm the later one wins.
 */
import { randomUUID } from 'node:crypto';
import type { Alarm, AlarmJournalEntry, AlarmKpis, AlarmSource, EffectiveLimit, Flood, LimitLevel, LimitSetting } from '../../common/contract-alarms';
import { ALARM_PRIORITIES } from '../../common/contract-alarms';
import type { ParsedRequest } from '../../common/contract';
import type { Machine, Reading } from '../../common/telemetry';
import type { AuditEntry } from '../audit/audit-port';
import { Listeners } from '../ingest/listeners';
import { CallFailure } from '../ipc/call-failure';
import type { AlarmStore, NewJournalEntry, StoredAlarm } from '../store/alarm-store';
import type { ConditionOutput, OperatingState } from '../../common/contract-models';
import { conditionAlarms, HEALTH_LIMIT_DEFAULT } from './from-condition';
import { healthCondition, modelConditions, systemConditions, type Condition, type HealthScore, type ModelOutput, type SystemSample } from './conditions';
import { computeKpis, consoleOf, detectFloods, isAnnunciation, TEN_MINUTES } from './kpis';
import { defaultLimits, effectiveLimits, isHighLevel, LimitEvaluator, type LimitChange, type MetaLimits, type StoredLimit } from './limits';
import { transition, type AlarmEvent, type AlarmStatus, type AnnunciateReason } from './state-machine';

export interface AlarmUser {
  /** null for a user of another console: user ids are local to each console's store. */
  id: number | null;
  username: string;
}

/** What identifies an alarm point and how it is shown; enough for another console to create it. */
export type AlarmPoint = Pick<StoredAlarm, 'id' | 'machineId' | 'source' | 'sensor' | 'level' | 'priority' | 'message' | 'latching'>;

export type OperatorKind = 'ack' | 'shelve' | 'unshelve' | 'remove-from-service' | 'return-to-service';

/** An operator's action as shared between consoles. */
export interface OperatorAction {
  eventId: string;
  alarmId: string;
  kind: OperatorKind;
  console: string;
  username: string;
  /** Wall time of the action. */
  at: number;
  /** raisedAt of the occurrence acted on: an ack belongs to one occurrence, not to the next. */
  occurrence: number | null;
  note?: string;
  reason?: string;
  until?: number;
  point: AlarmPoint;
}

export interface AlarmServiceOptions {
  store: AlarmStore;
  /** Wall clock, for operator actions, shelf expiry and system alarms. */
  now(): number;
  /** This console's name in the journal and on the wire. */
  console: string;
  log(message: string): void;
  newId?: () => string;
  /** Spare-part lead time for a machine, hours: RUL under it raises a predictive alarm. */
  leadTimeHours?: (machineId: string) => number;
  /** Health alarm limit (a setting, default 70). */
  healthLimit?: () => number;
  /**
   * Operating states come from the condition monitor: a machine's low limits arm only once it is
   * reported running, so a plant that starts with stopped machines raises no low alarms before the
   * first states are known. Without a monitor, low limits are armed until a state says otherwise.
   */
  statesFromMonitor?: boolean;
  maxShelveMs?: number;
  /** How far ahead of this console's clock another console's action may be dated; later ones are refused. */
  maxRemoteSkewMs?: number;
  /** Actions from other consoles held for alarms not raised here yet; beyond this the oldest is dropped. */
  maxPendingRemote?: number;
}

const DEFAULT_LEAD_TIME_HOURS = 168;
const DEFAULT_MAX_SHELVE_MS = 12 * 3_600_000;
const DEFAULT_MAX_REMOTE_SKEW_MS = 5 * 60_000;
const DEFAULT_MAX_PENDING_REMOTE = 10_000;
const DAY = 86_400_000;
/** alarms.kpis reads the journal on the ingest thread: a quarter and 200,000 events bound what one call costs. */
const MAX_KPI_RANGE_MS = 92 * DAY;
const MAX_KPI_ENTRIES = 200_000;
const PRIORITY_RANK = Object.fromEntries(ALARM_PRIORITIES.map((p, i) => [p, i])) as Record<string, number>;

const statusOf = (a: StoredAlarm): AlarmStatus => ({
  state: a.state,
  active: a.active,
  latching: a.latching,
  suppressedByDesign: a.suppressedByDesign,
  raisedAt: a.raisedAt,
  clearedAt: a.clearedAt,
  ackedAt: a.ackedAt,
  ackedBy: a.ackedBy,
  note: a.note,
  shelvedUntil: a.shelvedUntil,
  modeBy: a.modeBy,
  modeReason: a.modeReason,
});

/** The contract's view: the back end's bookkeeping stays here. */
const view = ({ latching: _l, suppressedByDesign: _s, opAt: _a, opEventId: _e, ...alarm }: StoredAlarm): Alarm => alarm;

const fresh = (p: AlarmPoint, now: number): StoredAlarm => ({
  ...p,
  state: 'normal',
  active: false,
  raisedAt: null,
  clearedAt: null,
  ackedAt: null,
  ackedBy: null,
  note: null,
  shelvedUntil: null,
  modeBy: null,
  modeReason: null,
  value: null,
  limit: null,
  updatedAt: now,
  suppressedByDesign: false,
  opAt: null,
  opEventId: null,
});

const sameLimits = (a: readonly LimitSetting[], b: readonly LimitSetting[]) => {
  const key = (l: readonly LimitSetting[]) => JSON.stringify([...l].sort((x, y) => `${x.sensor}:${x.level}`.localeCompare(`${y.sensor}:${y.level}`)));
  return key(a) === key(b);
};

function limitMessage(c: LimitChange): string {
  const s = c.setting;
  const word = s.level === 'HH' ? 'high-high' : s.level === 'H' ? 'high' : s.level === 'L' ? 'low' : 'low-low';
  return `${s.sensor} ${word}: ${c.value} ${s.level === 'HH' || s.level === 'H' ? '>' : '<'} ${s.setpoint}`;
}

interface Actor {
  userId: number | null;
  username: string | null;
  console: string;
  /** Given for operator actions: their id on the wire and in the journal. */
  eventId?: string;
}

export class AlarmService {
  private readonly alarms = new Map<string, StoredAlarm>();
  private readonly evaluator = new LimitEvaluator();
  private readonly metaDefaults: Map<string, LimitSetting[]>;
  /** Meta limits that differ from the accepted ones, waiting for an engineer. */
  private readonly pendingMeta = new Map<string, LimitSetting[]>();
  private readonly engineered = new Map<string, StoredLimit[]>();
  private readonly effective = new Map<string, LimitSetting[]>();
  /** Machines that are off or idle: their low limits are out of play. */
  private readonly standing = new Set<string>();
  /** Machines the monitor has reported a state for (see statesFromMonitor). */
  private readonly stateKnown = new Set<string>();
  /**
   * Actions from other consoles for an alarm this console does not know yet, or an ack for an
   * occurrence it has not raised yet: applied when it does. A remote action never creates an alarm.
   */
  private readonly pending = new Map<string, OperatorAction>();
  private readonly pendingChanges = new Map<string, Alarm>();
  private flushQueued = false;
  private readonly newId: () => string;
  private readonly changeListeners: Listeners<[Alarm[]]>;
  private readonly annunciateListeners: Listeners<[Alarm, AnnunciateReason]>;
  private readonly actionListeners: Listeners<[OperatorAction]>;

  constructor(private readonly options: AlarmServiceOptions) {
    this.newId = options.newId ?? randomUUID;
    const failed = (err: unknown) => options.log(`alarm listener failed: ${(err as Error).message}`);
    this.changeListeners = new Listeners(failed);
    this.annunciateListeners = new Listeners(failed);
    this.actionListeners = new Listeners(failed);
    for (const alarm of options.store.loadAll()) {
      this.alarms.set(alarm.id, alarm);
      if (alarm.source === 'limit') this.evaluator.seed(alarm.id, alarm.active);
    }
    for (const machineId of options.store.limitMachines()) this.engineered.set(machineId, options.store.limits(machineId));
    this.metaDefaults = options.store.metaDefaults();
  }

  // --- listeners

  /** Alarms that changed, coalesced per turn of the event loop: the 'alarms' event. */
  onChange(listener: (alarms: Alarm[]) => void): () => void {
    return this.changeListeners.add(listener);
  }
  /** For the announcer: an alarm to announce, announce again, stop announcing (cleared) or that was acknowledged. */
  onAnnunciate(listener: (alarm: Alarm, reason: AnnunciateReason) => void): () => void {
    return this.annunciateListeners.add(listener);
  }
  /** Operator actions taken on this console, for sharing with the others. */
  onAction(listener: (action: OperatorAction) => void): () => void {
    return this.actionListeners.add(listener);
  }

  // --- sources

  /**
   * Limits from the machine's meta. The first ones seen become its defaults (audited); a later meta
   * that would change or remove them is only a proposal: it waits, audited, for an engineer to
   * accept it (acceptMeta), since anyone who can publish a retained meta could otherwise move or
   * drop a machine's alarm limits unseen.
   */
  applyMeta(machineId: string, limits: MetaLimits | undefined): void {
    if (!limits) return;
    const proposed = defaultLimits(limits);
    const accepted = this.metaDefaults.get(machineId);
    const entry = (action: string, detail: Record<string, unknown>): AuditEntry => ({ at: this.options.now(), userId: null, username: null, action, target: machineId, outcome: 'ok', detail });
    if (accepted === undefined) {
      this.options.store.saveMetaDefaults(machineId, proposed, entry('alarms.limits.meta-adopted', { limits: proposed }));
      this.metaDefaults.set(machineId, proposed);
      this.effective.delete(machineId);
      return;
    }
    if (sameLimits(accepted, proposed)) {
      this.pendingMeta.delete(machineId);
      return;
    }
    const held = this.pendingMeta.get(machineId);
    if (held && sameLimits(held, proposed)) return;
    this.pendingMeta.set(machineId, proposed);
    this.options.store.auditOnly(entry('alarms.limits.meta-proposed', { current: accepted, proposed }));
    this.options.log(`alarms: meta of ${machineId} proposes other default limits; they wait for an engineer's acceptance`);
  }

  /** An engineer accepts the default limits a machine's meta proposes. */
  acceptMeta(user: AlarmUser, machineId: string) {
    const proposed = this.pendingMeta.get(machineId);
    if (!proposed) throw new CallFailure('not_found', `no proposed limits for ${machineId}`);
    const before = this.metaDefaults.get(machineId) ?? [];
    this.options.store.saveMetaDefaults(machineId, proposed, { at: this.options.now(), userId: user.id, username: user.username, action: 'alarms.limits.meta-accepted', target: machineId, outcome: 'ok', detail: { before, after: proposed } });
    this.metaDefaults.set(machineId, proposed);
    this.pendingMeta.delete(machineId);
    this.effective.delete(machineId);
    return this.limits(machineId);
  }

  /** Hot path: one call per reading. */
  reading(reading: Reading): void {
    const limits = this.limitsFor(reading.machineId);
    if (limits.length === 0) return;
    const changes = this.evaluator.evaluate(reading, limits);
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i]!;
      const point: AlarmPoint = { id: change.alarmId, machineId: reading.machineId, source: 'limit', sensor: change.setting.sensor, level: change.setting.level, priority: change.setting.priority, message: limitMessage(change), latching: change.setting.latching };
      const alarm = this.alarms.get(change.alarmId) ?? fresh(point, this.options.now());
      const update = change.change === 'activate' ? { priority: point.priority, message: point.message, latching: point.latching, value: change.value, limit: change.setting.setpoint } : { value: change.value };
      this.process(alarm, { type: change.change, at: change.at }, update);
    }
  }

  modelOutput(out: ModelOutput): void {
    const lead = this.options.leadTimeHours?.(out.machineId) ?? DEFAULT_LEAD_TIME_HOURS;
    for (const c of modelConditions(out, lead, this.wasActive)) this.condition(c);
  }

  /** The condition monitor's output: episodes, communication, stuck sensors, health and prognosis. */
  conditionOutput(out: ConditionOutput): void {
    for (const c of conditionAlarms(out, this.wasActive, this.options.healthLimit?.() ?? HEALTH_LIMIT_DEFAULT)) this.condition(c);
  }

  healthScore(score: HealthScore): void {
    this.condition(healthCondition(score, this.wasActive));
  }

  system(sample: SystemSample): void {
    for (const c of systemConditions(sample, this.options.now(), this.wasActive)) this.condition(c);
  }

  /**
   * State-based alarming (ISA-18.2): a stopped or idling machine's pressure, flow and temperature
   * fall by design, so its low and low-low limits are out of play until it runs again (and while its
   * state is not yet known); an active one returns to normal. High limits stay: a stopped machine can
   * still be too hot.
   */
  operatingState(machineId: string, state: OperatingState): void {
    const standing = state !== 'running';
    const first = !this.stateKnown.has(machineId);
    this.stateKnown.add(machineId);
    if (!first && standing === this.standing.has(machineId)) return;
    if (standing) this.standing.add(machineId);
    else this.standing.delete(machineId);
    this.effective.delete(machineId);
  }

  /** An offline machine's alarms are suppressed by design: its values mean nothing while it is gone. */
  machines(changed: readonly Machine[]): void {
    const offline = new Map(changed.map((m) => [m.id, m.state === 'offline']));
    for (const alarm of this.alarms.values()) {
      const isOffline = offline.get(alarm.machineId);
      if (isOffline === undefined || alarm.source === 'system') continue;
      const at = this.options.now();
      if (isOffline && !alarm.suppressedByDesign) this.process(alarm, { type: 'suppress', at, reason: 'machine offline' });
      else if (!isOffline && alarm.suppressedByDesign) this.process(alarm, { type: 'unsuppress', at });
    }
  }

  /** Expires shelves; called by the runtime every second or so. */
  tick(): void {
    const now = this.options.now();
    for (const alarm of this.alarms.values()) {
      if (alarm.state === 'shelved' && alarm.shelvedUntil !== null && alarm.shelvedUntil <= now) this.process(alarm, { type: 'shelf-expired', at: now });
    }
  }

  // --- operator actions

  ack(user: AlarmUser, alarmId: string, note?: string): Alarm {
    const alarm = this.known(alarmId);
    return this.operate(user, alarm, { kind: 'ack', note }, { type: 'ack', at: this.options.now(), by: user.username, note });
  }

  shelve(user: AlarmUser, alarmId: string, reason: string, durationMinutes: number): Alarm {
    const alarm = this.known(alarmId);
    const max = this.options.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS;
    if (durationMinutes * 60_000 > max) throw new CallFailure('bad_request', `a shelf lasts at most ${max / 60_000} minutes`);
    const at = this.options.now();
    const until = at + durationMinutes * 60_000;
    return this.operate(user, alarm, { kind: 'shelve', reason, until }, { type: 'shelve', at, by: user.username, reason, until });
  }

  unshelve(user: AlarmUser, alarmId: string, note?: string): Alarm {
    return this.operate(user, this.known(alarmId), { kind: 'unshelve', note }, { type: 'unshelve', at: this.options.now(), by: user.username, note });
  }

  outOfService(user: AlarmUser, alarmId: string, reason: string): Alarm {
    return this.operate(user, this.known(alarmId), { kind: 'remove-from-service', reason }, { type: 'remove-from-service', at: this.options.now(), by: user.username, reason });
  }

  returnToService(user: AlarmUser, alarmId: string, note?: string): Alarm {
    return this.operate(user, this.known(alarmId), { kind: 'return-to-service', note }, { type: 'return-to-service', at: this.options.now(), by: user.username, note });
  }

  /**
   * An action from another console (or this console's own, echoed back by the broker). Returns
   * whether it changed anything here.
   */
  applyRemote(action: OperatorAction): boolean {
    const o = this.options;
    if (this.checkRemote(action) !== null) return false;
    if (o.store.hasEvent(action.eventId)) return false;
    // A retained shelf read long after it ran out would shelve only to expire and re-annunciate.
    if (action.kind === 'shelve' && (action.until ?? 0) <= o.now()) return false;
    const alarm = this.alarms.get(action.alarmId);
    if (!alarm) {
      this.hold(action);
      return false;
    }
    // Of two actions on one alarm, the later wins; ties go to the larger event id so all consoles agree.
    if (alarm.opAt !== null && (action.at < alarm.opAt || (action.at === alarm.opAt && action.eventId <= (alarm.opEventId ?? '')))) return false;
    if (action.kind === 'ack' && action.occurrence !== alarm.raisedAt) {
      if (action.occurrence !== null && (alarm.raisedAt === null || action.occurrence > alarm.raisedAt)) this.hold(action);
      return false;
    }
    const actor: Actor = { userId: null, username: action.username, console: action.console, eventId: action.eventId };
    const before = alarm;
    const result = this.commit(alarm, this.eventOf(action), {}, actor);
    return typeof result !== 'string' && result !== before;
  }

  /**
   * Why another console's action cannot be taken, or null: dated beyond this console's clock (it
   * would beat every later real action), or a shelf longer than this console allows.
   */
  checkRemote(action: OperatorAction): string | null {
    const now = this.options.now();
    const skew = this.options.maxRemoteSkewMs ?? DEFAULT_MAX_REMOTE_SKEW_MS;
    if (action.at > now + skew) return `dated ${Math.round((action.at - now) / 1000)} s ahead of this console's clock`;
    if (action.kind === 'shelve') {
      const max = this.options.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS;
      if (action.until === undefined || action.until <= action.at) return 'a shelf without an end';
      if (action.until - action.at > max) return `a shelf longer than ${max / 60_000} minutes`;
    }
    return null;
  }

  /** Actions held for alarms not raised here yet. */
  get pendingRemote(): number {
    return this.pending.size;
  }

  // --- queries

  active(req: ParsedRequest<'alarms.active'>): { alarms: Alarm[]; total: number; floods: Flood[] } {
    const f = req.filter;
    const search = f.search?.trim().toLowerCase();
    const states = f.states && new Set(f.states);
    const priorities = f.priorities && new Set(f.priorities);
    const sources = f.sources && new Set<AlarmSource>(f.sources);
    const list = [...this.alarms.values()].filter(
      (a) =>
        (states ? states.has(a.state) : a.state !== 'normal') &&
        (!priorities || priorities.has(a.priority)) &&
        (!sources || sources.has(a.source)) &&
        (!f.machineId || a.machineId === f.machineId) &&
        (!search || [a.id, a.machineId, a.sensor ?? '', a.message].some((s) => s.toLowerCase().includes(search))),
    );
    const newest = (a: StoredAlarm, b: StoredAlarm) => (b.raisedAt ?? 0) - (a.raisedAt ?? 0);
    const byPriority = (a: StoredAlarm, b: StoredAlarm) => PRIORITY_RANK[a.priority]! - PRIORITY_RANK[b.priority]!;
    const compare = {
      priority: (a: StoredAlarm, b: StoredAlarm) => byPriority(a, b) || newest(a, b),
      time: (a: StoredAlarm, b: StoredAlarm) => newest(a, b) || byPriority(a, b),
      machine: (a: StoredAlarm, b: StoredAlarm) => a.machineId.localeCompare(b.machineId) || byPriority(a, b) || newest(a, b),
    }[req.sort];
    list.sort((a, b) => compare(a, b) || a.id.localeCompare(b.id));
    return { alarms: list.slice(0, req.limit).map(view), total: list.length, floods: this.floodsNow() };
  }

  history(req: ParsedRequest<'alarms.history'>): { entries: AlarmJournalEntry[]; nextBeforeSeq: number | null } {
    const entries = this.options.store.journal(req);
    return { entries, nextBeforeSeq: entries.length === req.limit ? entries[entries.length - 1]!.seq : null };
  }

  kpis(req: ParsedRequest<'alarms.kpis'>): AlarmKpis {
    const now = this.options.now();
    const to = req.to ?? now;
    const from = req.from ?? to - DAY;
    if (to <= from) throw new CallFailure('bad_request', 'to must be after from');
    if (to - from > MAX_KPI_RANGE_MS) throw new CallFailure('bad_request', `KPIs cover at most ${MAX_KPI_RANGE_MS / DAY} days; ask for a shorter range`);
    const entries = this.options.store.journal({ from, to, limit: MAX_KPI_ENTRIES + 1 });
    if (entries.length > MAX_KPI_ENTRIES) throw new CallFailure('bad_request', `more than ${MAX_KPI_ENTRIES} journal entries in this range; ask for a shorter range`);
    return computeKpis(entries, [...this.alarms.values()], { from, to, now });
  }

  limits(machineId: string): { machineId: string; limits: EffectiveLimit[]; proposedMeta?: LimitSetting[] } {
    const proposed = this.pendingMeta.get(machineId);
    return { machineId, limits: effectiveLimits(this.metaDefaults.get(machineId) ?? [], this.engineered.get(machineId) ?? []), ...(proposed && { proposedMeta: proposed }) };
  }

  setLimits(user: AlarmUser, machineId: string, rows: readonly LimitSetting[], reset: readonly { sensor: string; level: LimitLevel }[]) {
    const at = this.options.now();
    this.options.store.saveLimits(
      machineId,
      rows.map((r) => ({ ...r, updatedBy: user.username, updatedAt: at })),
      reset,
    );
    this.engineered.set(machineId, this.options.store.limits(machineId));
    this.effective.delete(machineId);
    return this.limits(machineId);
  }

  get(alarmId: string): Alarm | undefined {
    const a = this.alarms.get(alarmId);
    return a && view(a);
  }

  /** Floods going on now, from the last hour of the journal. */
  floodsNow(): Flood[] {
    const now = this.options.now();
    const entries = this.options.store.journal({ from: now - 6 * TEN_MINUTES, to: now + 1, limit: 100_000 });
    const annunciations = entries.filter(isAnnunciation).sort((a, b) => a.at - b.at);
    const byConsole = new Map<string, typeof annunciations>();
    for (const a of annunciations) {
      const c = consoleOf(a.machineId);
      const list = byConsole.get(c);
      if (list) list.push(a);
      else byConsole.set(c, [a]);
    }
    return [...byConsole].flatMap(([c, list]) => detectFloods(c, list, now).filter((f) => f.end === null));
  }

  // --- internals

  private readonly wasActive = (alarmId: string) => this.alarms.get(alarmId)?.active ?? false;

  private limitsFor(machineId: string): LimitSetting[] {
    let limits = this.effective.get(machineId);
    if (!limits) {
      limits = this.limits(machineId).limits;
      const lowOff = this.standing.has(machineId) || (this.options.statesFromMonitor === true && !this.stateKnown.has(machineId));
      if (lowOff) limits = limits.map((l) => (isHighLevel(l.level) ? l : { ...l, enabled: false }));
      this.effective.set(machineId, limits);
    }
    return limits;
  }

  private known(alarmId: string): StoredAlarm {
    const alarm = this.alarms.get(alarmId);
    if (!alarm) throw new CallFailure('not_found', `no alarm ${alarmId}`);
    return alarm;
  }

  private condition(c: Condition): void {
    const existing = this.alarms.get(c.alarmId);
    if (!existing && !c.active) return;
    const alarm = existing ?? fresh({ id: c.alarmId, machineId: c.machineId, source: c.source, sensor: null, level: null, priority: c.priority, message: c.message, latching: false }, this.options.now());
    if (alarm.active === c.active) return;
    this.process(alarm, { type: c.active ? 'activate' : 'clear', at: c.at }, c.active ? { message: c.message, priority: c.priority, value: c.value, limit: c.limit } : { value: c.value });
  }

  /** A process or timer event: never refused by design, never lost for want of a disk. */
  private process(alarm: StoredAlarm, event: AlarmEvent, update: Partial<StoredAlarm> = {}): void {
    this.commit(alarm, event, update, { userId: null, username: null, console: this.options.console });
    const current = this.alarms.get(alarm.id);
    const pending = this.pending.get(alarm.id);
    if (!pending || !current) return;
    if (pending.kind !== 'ack') {
      this.pending.delete(alarm.id);
      this.applyRemote(pending);
    } else if (current.raisedAt !== null && pending.occurrence !== null && current.raisedAt >= pending.occurrence) {
      this.pending.delete(alarm.id);
      if (current.raisedAt === pending.occurrence) this.applyRemote(pending);
    }
  }

  /** Keeps the latest action per alarm, and at most maxPendingRemote of them: the oldest held goes first. */
  private hold(action: OperatorAction): void {
    const held = this.pending.get(action.alarmId);
    if (held && held.at > action.at) return;
    this.pending.delete(action.alarmId);
    const max = this.options.maxPendingRemote ?? DEFAULT_MAX_PENDING_REMOTE;
    while (this.pending.size >= max) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(action.alarmId, action);
  }

  private operate(user: AlarmUser, alarm: StoredAlarm, fields: Pick<OperatorAction, 'kind' | 'note' | 'reason' | 'until'>, event: AlarmEvent): Alarm {
    const eventId = this.newId();
    const result = this.commit(alarm, event, {}, { userId: user.id, username: user.username, console: this.options.console, eventId });
    if (typeof result === 'string') throw new CallFailure('conflict', result);
    const { latching, id, machineId, source, sensor, level, priority, message } = alarm;
    this.actionListeners.emit({ eventId, alarmId: id, console: this.options.console, username: user.username, at: event.at, occurrence: alarm.raisedAt, ...fields, point: { id, machineId, source, sensor, level, priority, message, latching } });
    return view(result);
  }

  private eventOf(a: OperatorAction): AlarmEvent {
    switch (a.kind) {
      case 'ack':
        return { type: 'ack', at: a.at, by: a.username, note: a.note };
      case 'shelve':
        return { type: 'shelve', at: a.at, by: a.username, reason: a.reason ?? '', until: a.until ?? a.at };
      case 'unshelve':
        return { type: 'unshelve', at: a.at, by: a.username, note: a.note };
      case 'remove-from-service':
        return { type: 'remove-from-service', at: a.at, by: a.username, reason: a.reason ?? '' };
      case 'return-to-service':
        return { type: 'return-to-service', at: a.at, by: a.username, note: a.note };
    }
  }

  /**
   * Runs the state machine and commits the result. Returns the refusal's reason, or the alarm as
   * it now is (the same object when nothing changed or the event id was already journalled).
   */
  private commit(alarm: StoredAlarm, event: AlarmEvent, update: Partial<StoredAlarm>, actor: Actor): StoredAlarm | string {
    const t = transition(statusOf(alarm), event);
    if (!t.ok) return t.reason;
    const now = this.options.now();
    const operator = actor.eventId !== undefined;
    const next: StoredAlarm = { ...alarm, ...update, ...t.next, updatedAt: now, ...(operator ? { opAt: event.at, opEventId: actor.eventId! } : {}) };
    if (!t.transition && next.active === alarm.active && next.suppressedByDesign === alarm.suppressedByDesign && !operator) return alarm;
    const eventId = actor.eventId ?? this.newId();
    const note = 'note' in event ? (event.note ?? null) : 'reason' in event ? event.reason : null;
    const entry: NewJournalEntry | null = t.transition
      ? { eventId, alarmId: next.id, machineId: next.machineId, source: next.source, sensor: next.sensor, priority: next.priority, at: event.at, action: event.type, from: alarm.state, to: next.state, active: next.active, username: actor.username, console: actor.console, note, message: next.message }
      : null;
    const audit: AuditEntry | null = t.transition
      ? { at: now, userId: actor.userId, username: actor.username, action: `alarm.${event.type}`, target: next.id, outcome: 'ok', detail: { from: alarm.state, to: next.state, eventId, console: actor.console, eventAt: event.at, ...(note ? { note } : {}) } }
      : null;
    try {
      if (!this.options.store.commit(next, entry, audit)) return alarm;
    } catch (err) {
      // An operator must hear that the action was not recorded; a process alarm must still show.
      if (operator) throw err;
      this.options.log(`alarm ${next.id}: not saved: ${(err as Error).message}`);
    }
    this.alarms.set(next.id, next);
    if (event.type === 'ack' && next.source === 'limit') this.evaluator.acknowledged(next.id, next.machineId);
    const shown = view(next);
    this.pendingChanges.set(next.id, shown);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    if (t.annunciate) this.annunciateListeners.emit(shown, t.annunciate);
    return next;
  }

  private flush(): void {
    this.flushQueued = false;
    const changed = [...this.pendingChanges.values()];
    this.pendingChanges.clear();
    if (changed.length > 0) this.changeListeners.emit(changed);
  }
}

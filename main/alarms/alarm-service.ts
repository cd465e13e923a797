/**
 * The alarm system of one console: every source (limits, models, health scores, the runtime's own
 * health) feeds conditions into the commit core (alarm-core.ts), which runs the ISA-18.2 state
 * machine and commits each transition before anyone hears of it.
 *
 * Operator actions (ack, shelve, out of service...) are the only state other consoles share
 * (remote-merge.ts): each console evaluates the same readings itself, so raise and clear need no
 * sharing. Limit configuration and the screens' queries live in limit-config.ts and alarm-queries.ts;
 * this class is the one surface the runtime, the handlers and the announcer hold.
 */
import { randomUUID } from 'node:crypto';
import type { Alarm, AlarmJournalEntry, AlarmKpis, Flood, LimitLevel, LimitSetting } from '../../common/contract-alarms';
import type { ParsedRequest } from '../../common/contract';
import type { ConditionOutput, OperatingState } from '../../common/contract-models';
import { CallFailure } from '../../common/errors';
import type { Machine, Reading } from '../../common/telemetry';
import { Listeners } from '../primitives/listeners';
import type { AlarmStore, StoredAlarm } from './alarm-store';
import { AlarmCore, blankAlarm, view, type AlarmUser } from './alarm-core';
import { AlarmQueries } from './alarm-queries';
import { healthCondition, modelConditions, systemConditions, type Condition, type HealthScore, type ModelOutput, type SystemSample } from './conditions';
import { conditionAlarms, HEALTH_LIMIT_DEFAULT } from './from-condition';
import { LimitConfig, type MachineLimits } from './limit-config';
import { LimitEvaluator, type LimitChange, type MetaLimits } from './limits';
import { RemoteMerge, type OperatorAction } from './remote-merge';
import type { AlarmEvent, AnnunciateReason } from './state-machine';
import { eventFromWall, type WallMs } from '../../common/time';

export type { AlarmPoint, AlarmUser } from './alarm-core';
export type { OperatorAction, OperatorKind } from './remote-merge';

export interface AlarmServiceOptions {
  store: AlarmStore;
  /** Wall clock, for operator actions, shelf expiry and system alarms. */
  now(): WallMs;
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
  /**
   * The machine's operating state as of the reading being judged, asked synchronously on each
   * reading (the monitor has seen that reading first), so a stop takes the low limits out of play in
   * the same event time at any replay speed. Without it, states come through operatingState().
   */
  stateNow?: (machineId: string) => OperatingState;
  /** How long after a start a low limit waits for its value to come up; default one hour, 0 = not at all. */
  startupArmingMs?: number;
  /** How long a low limit is held out of play before its alarm shows it (suppressed by design); default 20 s. */
  showHoldAfterMs?: number;
  maxShelveMs?: number;
  /** How far ahead of this console's clock another console's action may be dated; later ones are refused. */
  maxRemoteSkewMs?: number;
  /** Actions from other consoles held for alarms not raised here yet; beyond this the oldest is dropped. */
  maxPendingRemote?: number;
}

const DEFAULT_LEAD_TIME_HOURS = 168;
const DEFAULT_MAX_SHELVE_MS = 12 * 3_600_000;
const OFFLINE = 'machine offline';

const levelWord = (s: LimitSetting) => (s.level === 'HH' ? 'high-high' : s.level === 'H' ? 'high' : s.level === 'L' ? 'low' : 'low-low');
const limitMessage = (s: LimitSetting, value: number) => `${s.sensor} ${levelWord(s)}: ${value} ${s.level === 'HH' || s.level === 'H' ? '>' : '<'} ${s.setpoint}`;
/** A point held before it was ever raised has no value to name yet. */
const heldMessage = (s: LimitSetting) => `${s.sensor} ${levelWord(s)}: < ${s.setpoint}`;

export class AlarmService {
  private readonly core: AlarmCore;
  private readonly limitConfig: LimitConfig;
  private readonly queries: AlarmQueries;
  private readonly remote: RemoteMerge;
  private readonly evaluator: LimitEvaluator;
  private readonly newId: () => string;
  private readonly maxShelveMs: number;
  private readonly actionListeners: Listeners<[OperatorAction]>;

  constructor(private readonly options: AlarmServiceOptions) {
    const { store, now, log } = options;
    this.evaluator = new LimitEvaluator(options.startupArmingMs, options.showHoldAfterMs);
    this.newId = options.newId ?? randomUUID;
    this.maxShelveMs = options.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS;
    this.actionListeners = new Listeners((err) => log(`alarm listener failed: ${(err as Error).message}`));
    this.core = new AlarmCore({
      store,
      now,
      log,
      console: options.console,
      newId: this.newId,
      committed: (alarm, event) => {
        if (event.type === 'ack' && alarm.source === 'limit') this.evaluator.acknowledged(alarm.id, alarm.machineId);
      },
    });
    for (const alarm of this.core.values()) {
      if (alarm.source === 'limit') this.evaluator.seed(alarm.id, alarm.active, alarm.state === 'suppressed-by-design' && alarm.modeReason !== OFFLINE ? alarm.modeReason : null);
    }
    this.limitConfig = new LimitConfig({ store, now, log, statesFromMonitor: options.statesFromMonitor, stateNow: options.stateNow, started: (machineId) => this.evaluator.startUp(machineId) });
    this.queries = new AlarmQueries({ store, now, alarms: () => this.core.values() });
    this.remote = new RemoteMerge({ core: this.core, store, now, maxShelveMs: this.maxShelveMs, maxRemoteSkewMs: options.maxRemoteSkewMs, maxPendingRemote: options.maxPendingRemote });
  }

  // --- listeners

  /** Alarms that changed, coalesced per turn of the event loop: the 'alarms' event. */
  onChange(listener: (alarms: Alarm[]) => void): () => void {
    return this.core.changeListeners.add(listener);
  }
  /** For the announcer: an alarm to announce, announce again, stop announcing (cleared) or that was acknowledged. */
  onAnnunciate(listener: (alarm: Alarm, reason: AnnunciateReason) => void): () => void {
    return this.core.annunciateListeners.add(listener);
  }
  /** Operator actions taken on this console, for sharing with the others. */
  onAction(listener: (action: OperatorAction) => void): () => void {
    return this.actionListeners.add(listener);
  }

  // --- sources

  /** Limits from the machine's meta: the first become its defaults, later changes wait for an engineer. */
  applyMeta(machineId: string, limits: MetaLimits | undefined): void {
    this.limitConfig.applyMeta(machineId, limits);
  }

  /** Hot path: one call per reading. */
  reading(reading: Reading): void {
    const limits = this.limitConfig.forReading(reading.machineId);
    if (limits.length === 0) return;
    const changes = this.evaluator.evaluate(reading, limits);
    for (let i = 0; i < changes.length; i++) this.limitChange(reading.machineId, changes[i]!);
  }

  private limitChange(machineId: string, change: LimitChange): void {
    const s = change.setting;
    const existing = this.core.get(change.alarmId);
    if (change.change === 'unsuppress') {
      if (existing?.suppressedByDesign) this.process(existing, { type: 'unsuppress', at: change.at, note: change.note });
      return;
    }
    const message = change.change === 'suppress' ? heldMessage(s) : limitMessage(s, change.value);
    const alarm = existing ?? blankAlarm({ id: change.alarmId, machineId, source: 'limit', sensor: s.sensor, level: s.level, priority: s.priority, message, latching: s.latching }, this.options.now());
    if (change.change === 'suppress') {
      this.process(alarm, { type: 'suppress', at: change.at, reason: change.reason }, existing ? {} : { limit: s.setpoint });
      return;
    }
    const update = change.change === 'activate' ? { priority: s.priority, message, latching: s.latching, value: change.value, limit: s.setpoint } : { value: change.value };
    this.process(alarm, { type: change.change, at: change.at }, update);
  }

  modelOutput(out: ModelOutput): void {
    const lead = this.options.leadTimeHours?.(out.machineId) ?? DEFAULT_LEAD_TIME_HOURS;
    for (const c of modelConditions(out, lead, this.core.wasActive)) this.condition(c);
  }

  /** The condition monitor's output: episodes, communication, stuck sensors, health and prognosis. */
  conditionOutput(out: ConditionOutput): void {
    for (const c of conditionAlarms(out, this.core.wasActive, this.options.healthLimit?.() ?? HEALTH_LIMIT_DEFAULT)) this.condition(c);
  }

  healthScore(score: HealthScore): void {
    this.condition(healthCondition(score, this.core.wasActive));
  }

  system(sample: SystemSample): void {
    for (const c of systemConditions(sample, this.options.now(), this.core.wasActive)) this.condition(c);
  }

  /** A machine's operating state: a standing machine's low limits are out of play (limit-config.ts). */
  operatingState(machineId: string, state: OperatingState): void {
    this.limitConfig.operatingState(machineId, state);
  }

  /**
   * An offline machine's alarms are suppressed by design: its values mean nothing while it is gone. A
   * low limit already held by the machine's state shows the new reason; back online it shows its hold again.
   */
  machines(changed: readonly Machine[]): void {
    const offline = new Map(changed.map((m) => [m.id, m.state === 'offline']));
    for (const alarm of this.core.values()) {
      const isOffline = offline.get(alarm.machineId);
      if (isOffline === undefined || alarm.source === 'system') continue;
      // The watchdog judges offline on this console's clock: the suppression is dated by it (suppressedSince).
      const at = eventFromWall(this.options.now());
      const held = alarm.source === 'limit' && alarm.state === 'suppressed-by-design';
      if (isOffline && (!alarm.suppressedByDesign || held)) this.process(alarm, { type: 'suppress', at, reason: OFFLINE });
      else if (!isOffline && alarm.suppressedByDesign) {
        const hold = alarm.source === 'limit' ? this.evaluator.reshow(alarm.id) : null;
        this.process(alarm, hold ? { type: 'suppress', at, reason: hold } : { type: 'unsuppress', at });
      }
    }
  }

  /** Expires shelves; called by the runtime every second or so. */
  tick(): void {
    const now = this.options.now();
    for (const alarm of this.core.values()) {
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
    const max = this.maxShelveMs;
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

  /** An action from another console (or this console's own, echoed back); whether it changed anything here. */
  applyRemote(action: OperatorAction): boolean {
    return this.remote.apply(action);
  }

  /** Why another console's action cannot be taken here, or null. */
  checkRemote(action: OperatorAction): string | null {
    return this.remote.check(action);
  }

  /** Actions held for alarms not raised here yet. */
  get pendingRemote(): number {
    return this.remote.held;
  }

  // --- limits and queries

  /** An engineer accepts the default limits a machine's meta proposes. */
  acceptMeta(user: AlarmUser, machineId: string): MachineLimits {
    return this.limitConfig.acceptMeta(user, machineId);
  }

  limits(machineId: string): MachineLimits {
    return this.limitConfig.limits(machineId);
  }

  setLimits(user: AlarmUser, machineId: string, rows: readonly LimitSetting[], reset: readonly { sensor: string; level: LimitLevel }[]): MachineLimits {
    return this.limitConfig.setLimits(user, machineId, rows, reset);
  }

  active(req: ParsedRequest<'alarms.active'>): { alarms: Alarm[]; total: number; floods: Flood[] } {
    return this.queries.active(req);
  }

  history(req: ParsedRequest<'alarms.history'>): { entries: AlarmJournalEntry[]; nextBeforeSeq: number | null } {
    return this.queries.history(req);
  }

  kpis(req: ParsedRequest<'alarms.kpis'>): AlarmKpis {
    return this.queries.kpis(req);
  }

  /** Floods going on now, from the last hour of the journal. */
  floodsNow(): Flood[] {
    return this.queries.floodsNow();
  }

  get(alarmId: string): Alarm | undefined {
    const a = this.core.get(alarmId);
    return a && view(a);
  }

  // --- internals

  private known(alarmId: string): StoredAlarm {
    const alarm = this.core.get(alarmId);
    if (!alarm) throw new CallFailure('not_found', `no alarm ${alarmId}`);
    return alarm;
  }

  private condition(c: Condition): void {
    const existing = this.core.get(c.alarmId);
    if (!existing && !c.active) return;
    const alarm = existing ?? blankAlarm({ id: c.alarmId, machineId: c.machineId, source: c.source, sensor: null, level: null, priority: c.priority, message: c.message, latching: false }, this.options.now());
    if (alarm.active === c.active) return;
    this.process(alarm, { type: c.active ? 'activate' : 'clear', at: c.at }, c.active ? { message: c.message, priority: c.priority, value: c.value, limit: c.limit } : { value: c.value });
  }

  /** A process or timer event: never refused by design, never lost for want of a disk. */
  private process(alarm: StoredAlarm, event: AlarmEvent, update: Partial<StoredAlarm> = {}): void {
    this.core.commit(alarm, event, update, { userId: null, username: null, console: this.options.console });
    this.remote.release(alarm.id);
  }

  private operate(user: AlarmUser, alarm: StoredAlarm, fields: Pick<OperatorAction, 'kind' | 'note' | 'reason' | 'until'>, event: AlarmEvent): Alarm {
    const eventId = this.newId();
    const result = this.core.commit(alarm, event, {}, { userId: user.id, username: user.username, console: this.options.console, eventId });
    if (typeof result === 'string') throw new CallFailure('conflict', result);
    const { latching, id, machineId, source, sensor, level, priority, message } = alarm;
    this.actionListeners.emit({ eventId, alarmId: id, console: this.options.console, username: user.username, at: event.at, occurrence: alarm.raisedAt, ...fields, point: { id, machineId, source, sensor, level, priority, message, latching } });
    return view(result);
  }
}

/**
 * The commit core of one console's alarms: every event on an alarm point runs through the ISA-18.2
 * state machine here, and each transition is committed with its journal row and audit entry before
 * screens, the announcer or other consoles hear of it.
 */
import type { Alarm } from '../../common/contract-alarms';
import type { AuditEntry } from '../audit/audit-port';
import { Listeners } from '../primitives/listeners';
import type { AlarmStore, NewJournalEntry, StoredAlarm } from './alarm-store';
import { NORMAL, transition, type AlarmEvent, type AlarmStatus, type AnnunciateReason } from './state-machine';
import type { WallMs } from '../../common/time';

export interface AlarmUser {
  /** null for a user of another console: user ids are local to each console's store. */
  id: number | null;
  username: string;
}

/** What identifies an alarm point and how it is shown; enough for another console to create it. */
export type AlarmPoint = Pick<StoredAlarm, 'id' | 'machineId' | 'source' | 'sensor' | 'level' | 'priority' | 'message' | 'latching'>;

/** Who caused an event: the console itself (process and timer events) or an operator. */
export interface Actor {
  userId: number | null;
  username: string | null;
  console: string;
  /** Given for operator actions: their id on the wire and in the journal. */
  eventId?: string;
}

export interface AlarmCoreOptions {
  store: AlarmStore;
  now(): WallMs;
  console: string;
  log(message: string): void;
  newId(): string;
  /** Called after each committed change, with the event that caused it. */
  committed(alarm: StoredAlarm, event: AlarmEvent): void;
}

const statusOf = (a: StoredAlarm): AlarmStatus => ({
  state: a.state,
  active: a.active,
  latching: a.latching,
  suppressedByDesign: a.suppressedByDesign,
  suppressedSince: a.suppressedSince,
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
export const view = ({ latching: _l, suppressedByDesign: _s, opAt: _a, opEventId: _e, ...alarm }: StoredAlarm): Alarm => alarm;

/** An alarm point that has never been raised: the state machine's blank status. */
export const blankAlarm = (p: AlarmPoint, now: number): StoredAlarm => ({ ...NORMAL, ...p, value: null, limit: null, updatedAt: now, opAt: null, opEventId: null });

export class AlarmCore {
  private readonly alarms = new Map<string, StoredAlarm>();
  private readonly pendingChanges = new Map<string, Alarm>();
  private flushQueued = false;
  readonly changeListeners: Listeners<[Alarm[]]>;
  readonly annunciateListeners: Listeners<[Alarm, AnnunciateReason]>;

  constructor(private readonly options: AlarmCoreOptions) {
    const failed = (err: unknown) => options.log(`alarm listener failed: ${(err as Error).message}`);
    this.changeListeners = new Listeners(failed);
    this.annunciateListeners = new Listeners(failed);
    for (const alarm of options.store.loadAll()) this.alarms.set(alarm.id, alarm);
  }

  get(alarmId: string): StoredAlarm | undefined {
    return this.alarms.get(alarmId);
  }

  values(): IterableIterator<StoredAlarm> {
    return this.alarms.values();
  }

  readonly wasActive = (alarmId: string): boolean => this.alarms.get(alarmId)?.active ?? false;

  /**
   * Runs the state machine and commits the result. Returns the refusal's reason, or the alarm as
   * it now is (the same object when nothing changed or the event id was already journalled).
   */
  commit(alarm: StoredAlarm, event: AlarmEvent, update: Partial<StoredAlarm>, actor: Actor): StoredAlarm | string {
    const t = transition(statusOf(alarm), event);
    if (!t.ok) return t.reason;
    const now = this.options.now();
    const operator = actor.eventId !== undefined;
    const next: StoredAlarm = { ...alarm, ...update, ...t.next, updatedAt: now, ...(operator ? { opAt: event.at, opEventId: actor.eventId! } : {}) };
    if (!t.transition && next.active === alarm.active && next.suppressedByDesign === alarm.suppressedByDesign && next.modeReason === alarm.modeReason && !operator) return alarm;
    const eventId = actor.eventId ?? this.options.newId();
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
    this.options.committed(next, event);
    const shown = view(next);
    this.pendingChanges.set(next.id, shown);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    if (t.annunciate) this.annunciateListeners.emit(shown, t.annunciate);
    return next;
  }

  /** Changes reach the 'alarms' event coalesced per turn of the event loop. */
  private flush(): void {
    this.flushQueued = false;
    const changed = [...this.pendingChanges.values()];
    this.pendingChanges.clear();
    if (changed.length > 0) this.changeListeners.emit(changed);
  }
}

/**
 * Operator actions from other consoles (alarm-sync.ts carries them) merged into this console's
 * alarms. Actions carry an event id (idempotent) and their time; of two actions on one alarm the
 * later one wins. A remote action never creates an alarm: one for an alarm this console has not
 * raised yet, or an ack for an occurrence it has not reached yet, is held until it does.
 */
import type { AlarmStore } from './alarm-store';
import type { AlarmCore, AlarmPoint, Actor } from './alarm-core';
import type { AlarmEvent } from './state-machine';
import type { WallMs } from '../../common/time';

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

export interface RemoteMergeOptions {
  core: AlarmCore;
  store: AlarmStore;
  now(): WallMs;
  /** The longest shelf this console allows. */
  maxShelveMs: number;
  /** How far ahead of this console's clock another console's action may be dated; later ones are refused. */
  maxRemoteSkewMs?: number;
  /** Actions held for alarms not raised here yet; beyond this the oldest is dropped. */
  maxPendingRemote?: number;
}

const DEFAULT_MAX_REMOTE_SKEW_MS = 5 * 60_000;
const DEFAULT_MAX_PENDING_REMOTE = 10_000;

/** The state machine's event for an operator action. */
export function eventOf(a: OperatorAction): AlarmEvent {
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

export class RemoteMerge {
  /** Held actions by alarm id, oldest first. */
  private readonly pending = new Map<string, OperatorAction>();

  constructor(private readonly options: RemoteMergeOptions) {}

  /**
   * An action from another console (or this console's own, echoed back by the broker). Returns
   * whether it changed anything here.
   */
  apply(action: OperatorAction): boolean {
    const o = this.options;
    if (this.check(action) !== null) return false;
    if (o.store.hasEvent(action.eventId)) return false;
    // A retained shelf read long after it ran out would shelve only to expire and re-annunciate.
    if (action.kind === 'shelve' && (action.until ?? 0) <= o.now()) return false;
    const alarm = o.core.get(action.alarmId);
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
    const result = o.core.commit(alarm, eventOf(action), {}, actor);
    return typeof result !== 'string' && result !== alarm;
  }

  /**
   * Why another console's action cannot be taken, or null: dated beyond this console's clock (it
   * would beat every later real action), or a shelf longer than this console allows.
   */
  check(action: OperatorAction): string | null {
    const now = this.options.now();
    const skew = this.options.maxRemoteSkewMs ?? DEFAULT_MAX_REMOTE_SKEW_MS;
    if (action.at > now + skew) return `dated ${Math.round((action.at - now) / 1000)} s ahead of this console's clock`;
    if (action.kind === 'shelve') {
      const max = this.options.maxShelveMs;
      if (action.until === undefined || action.until <= action.at) return 'a shelf without an end';
      if (action.until - action.at > max) return `a shelf longer than ${max / 60_000} minutes`;
    }
    return null;
  }

  /** Actions held for alarms not raised here yet. */
  get held(): number {
    return this.pending.size;
  }

  /** After a process event on the alarm: applies the action held for it once its occurrence is here. */
  release(alarmId: string): void {
    const current = this.options.core.get(alarmId);
    const pending = this.pending.get(alarmId);
    if (!pending || !current) return;
    if (pending.kind !== 'ack') {
      this.pending.delete(alarmId);
      this.apply(pending);
    } else if (current.raisedAt !== null && pending.occurrence !== null && current.raisedAt >= pending.occurrence) {
      this.pending.delete(alarmId);
      if (current.raisedAt === pending.occurrence) this.apply(pending);
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
}

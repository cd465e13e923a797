/**
 * The alarm state machine of ISA-18.2 / IEC 62682, as a pure function: status + event -> next status.
 *
 * The process condition (`active`) is tracked apart from the state, so that an alarm that is
 * shelved, suppressed or out of service still knows whether its condition holds; when it comes
 * back it re-annunciates if, and only if, the condition is active then.
 *
 * Design suppression is a flag as well as a state: an out-of-service alarm whose machine went
 * offline meanwhile must come back suppressed, not annunciating.
 */
import type { AlarmState, JournalAction } from '../../common/contract-alarms';
import type { EventMs } from '../../common/time';

export interface AlarmStatus {
  state: AlarmState;
  active: boolean;
  latching: boolean;
  suppressedByDesign: boolean;
  /** When design suppression began; it stays through a change of reason and ends with the suppression. */
  suppressedSince: EventMs | null;
  raisedAt: number | null;
  clearedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
  note: string | null;
  shelvedUntil: number | null;
  modeBy: string | null;
  modeReason: string | null;
}

/** Each event type is a journal action, so the journal names what happened in the same words. */
export type AlarmEvent = (
  | { type: 'activate'; at: number }
  | { type: 'clear'; at: number }
  /** An acknowledged alarm still active after its re-alarm time. */
  | { type: 'realarm'; at: number }
  | { type: 'ack'; at: number; by: string; note?: string }
  | { type: 'shelve'; at: number; by: string; reason: string; until: number }
  | { type: 'unshelve'; at: number; by: string; note?: string }
  | { type: 'shelf-expired'; at: number }
  | { type: 'suppress'; at: EventMs; reason: string }
  | { type: 'unsuppress'; at: number; note?: string }
  | { type: 'remove-from-service'; at: number; by: string; reason: string }
  | { type: 'return-to-service'; at: number; by: string; note?: string }
) & { type: JournalAction };

export type AnnunciateReason = 'new' | 'reannunciate' | 'cleared' | 'acked';

export type Transition =
  | {
      ok: true;
      next: AlarmStatus;
      /** The state changed: a journal entry is due. A condition change alone in a hidden state is not one. */
      transition: boolean;
      annunciate: AnnunciateReason | null;
    }
  | { ok: false; reason: string };

export const NORMAL: AlarmStatus = {
  state: 'normal',
  active: false,
  latching: false,
  suppressedByDesign: false,
  suppressedSince: null,
  raisedAt: null,
  clearedAt: null,
  ackedAt: null,
  ackedBy: null,
  note: null,
  shelvedUntil: null,
  modeBy: null,
  modeReason: null,
};

/** States in which the alarm is hidden from the operator and the condition is only tracked. */
const HIDDEN: ReadonlySet<AlarmState> = new Set(['shelved', 'suppressed-by-design', 'out-of-service']);
export const isHidden = (state: AlarmState) => HIDDEN.has(state);

const ok = (next: AlarmStatus, from: AlarmState, annunciate: AnnunciateReason | null = null): Transition => ({ ok: true, next, transition: next.state !== from, annunciate });
const refuse = (reason: string): Transition => ({ ok: false, reason });
const noMode = { shelvedUntil: null, modeBy: null, modeReason: null };

/** A fresh occurrence: annunciated, unacknowledged, with the previous ack and note forgotten. */
const raise = (s: AlarmStatus, at: number, annunciate: AnnunciateReason): Transition =>
  ok({ ...s, ...noMode, state: 'active-unacknowledged', active: true, raisedAt: at, clearedAt: null, ackedAt: null, ackedBy: null, note: null }, s.state, annunciate);

/** Leaving shelved / suppressed / out of service: back to what the condition says now. */
function reinstate(s: AlarmStatus, at: number, annunciate: AnnunciateReason): Transition {
  if (s.suppressedByDesign) return ok({ ...s, ...noMode, state: 'suppressed-by-design' }, s.state);
  if (s.active) return raise(s, s.raisedAt ?? at, annunciate);
  return ok({ ...s, ...noMode, state: 'normal' }, s.state);
}

export function transition(s: AlarmStatus, e: AlarmEvent): Transition {
  switch (e.type) {
    case 'activate':
      if (s.active) return ok(s, s.state);
      if (isHidden(s.state)) return ok({ ...s, active: true, raisedAt: e.at, clearedAt: null }, s.state);
      return raise(s, e.at, 'new');

    case 'clear': {
      if (!s.active) return ok(s, s.state);
      const cleared = { ...s, active: false, clearedAt: e.at };
      // A shelf is one-shot: it ends when the alarm returns to normal.
      if (s.state === 'shelved') return ok({ ...cleared, ...noMode, state: 'normal' }, s.state);
      if (isHidden(s.state)) return ok(cleared, s.state);
      if (s.latching) return ok({ ...cleared, state: 'latched' }, s.state, 'cleared');
      if (s.state === 'active-unacknowledged') return ok({ ...cleared, state: 'returned-to-normal-unacknowledged' }, s.state, 'cleared');
      return ok({ ...cleared, state: 'normal' }, s.state, 'cleared');
    }

    case 'realarm':
      if (s.state !== 'active-acknowledged') return ok(s, s.state);
      return ok({ ...s, state: 'active-unacknowledged', ackedAt: null, ackedBy: null }, s.state, 'reannunciate');

    case 'ack': {
      const acked = { ...s, ackedAt: e.at, ackedBy: e.by, note: e.note ?? s.note };
      if (s.state === 'active-unacknowledged') return ok({ ...acked, state: 'active-acknowledged' }, s.state, 'acked');
      // Acknowledging a returned or latched alarm is also its reset.
      if (s.state === 'returned-to-normal-unacknowledged' || s.state === 'latched') return ok({ ...acked, state: 'normal' }, s.state, 'acked');
      return refuse(`nothing to acknowledge: the alarm is ${s.state}`);
    }

    case 'shelve':
      if (s.state !== 'active-unacknowledged' && s.state !== 'active-acknowledged') return refuse(`only an active alarm can be shelved; this one is ${s.state}`);
      return ok({ ...s, state: 'shelved', shelvedUntil: e.until, modeBy: e.by, modeReason: e.reason }, s.state);

    case 'unshelve':
    case 'shelf-expired':
      if (s.state !== 'shelved') return refuse(`the alarm is not shelved but ${s.state}`);
      return reinstate(s, e.at, 'reannunciate');

    case 'suppress':
      // Still suppressed for another reason (idle, then starting up): the reason shown changes, the state does not.
      if (s.suppressedByDesign) return ok(s.state === 'suppressed-by-design' && s.modeReason !== e.reason ? { ...s, modeReason: e.reason } : s, s.state);
      if (s.state === 'out-of-service') return ok({ ...s, suppressedByDesign: true, suppressedSince: e.at }, s.state);
      return ok({ ...s, ...noMode, suppressedByDesign: true, suppressedSince: e.at, state: 'suppressed-by-design', modeBy: null, modeReason: e.reason }, s.state);

    case 'unsuppress':
      if (!s.suppressedByDesign) return ok(s, s.state);
      if (s.state === 'out-of-service') return ok({ ...s, suppressedByDesign: false, suppressedSince: null }, s.state);
      return reinstate({ ...s, suppressedByDesign: false, suppressedSince: null }, e.at, 'new');

    case 'remove-from-service':
      if (s.state === 'out-of-service') return refuse('the alarm is already out of service');
      return ok({ ...s, state: 'out-of-service', shelvedUntil: null, modeBy: e.by, modeReason: e.reason }, s.state);

    case 'return-to-service':
      if (s.state !== 'out-of-service') return refuse(`the alarm is in service (${s.state})`);
      return reinstate(s, e.at, 'new');
  }
}

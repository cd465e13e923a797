import { describe, expect, it } from 'vitest';
import type { AlarmState } from '../../common/contract-alarms';
import { NORMAL, transition, type AlarmEvent, type AlarmStatus } from './state-machine';

/** Runs events from normal and returns the final status, failing on any refusal. */
function run(events: AlarmEvent[], start: AlarmStatus = NORMAL): AlarmStatus {
  let s = start;
  for (const e of events) {
    const t = transition(s, e);
    if (!t.ok) throw new Error(`${e.type} refused in ${s.state}: ${t.reason}`);
    s = t.next;
  }
  return s;
}
const step = (s: AlarmStatus, e: AlarmEvent) => transition(s, e);

const activate = (at = 10): AlarmEvent => ({ type: 'activate', at });
const clear = (at = 20): AlarmEvent => ({ type: 'clear', at });
const ack = (at = 15, note?: string): AlarmEvent => ({ type: 'ack', at, by: 'olga', note });
const shelve = (until = 1000): AlarmEvent => ({ type: 'shelve', at: 16, by: 'sam', reason: 'sensor being replaced', until });
const oos = (): AlarmEvent => ({ type: 'remove-from-service', at: 17, by: 'sam', reason: 'calibration' });
const rts = (): AlarmEvent => ({ type: 'return-to-service', at: 30, by: 'sam' });

const unacked = run([activate()]);
const acked = run([activate(), ack()]);
const rtnUnacked = run([activate(), clear()]);
const latched = run([activate(), clear()], { ...NORMAL, latching: true });
const shelved = run([activate(), shelve()]);
const suppressed = run([{ type: 'suppress', at: 5, reason: 'machine offline' }]);
const outOfService = run([oos()]);

describe('alarm state machine: process events', () => {
  it('normal -> active-unacknowledged on activation, annunciated as new, with the occurrence time', () => {
    const t = step(NORMAL, activate(10));
    expect(t).toMatchObject({ ok: true, transition: true, annunciate: 'new', next: { state: 'active-unacknowledged', active: true, raisedAt: 10 } });
  });

  it('active-unacknowledged -> returned-to-normal-unacknowledged when the condition clears', () => {
    expect(step(unacked, clear(20))).toMatchObject({ ok: true, transition: true, annunciate: 'cleared', next: { state: 'returned-to-normal-unacknowledged', active: false, clearedAt: 20 } });
  });

  it('active-acknowledged -> normal when the condition clears', () => {
    expect(step(acked, clear())).toMatchObject({ ok: true, transition: true, annunciate: 'cleared', next: { state: 'normal', active: false } });
  });

  it('returned-to-normal-unacknowledged -> active-unacknowledged on a new activation, as a new occurrence', () => {
    const t = step(rtnUnacked, activate(40));
    expect(t).toMatchObject({ ok: true, annunciate: 'new', next: { state: 'active-unacknowledged', raisedAt: 40, clearedAt: null } });
  });

  it('a latching alarm goes to latched on return to normal, from unacknowledged or acknowledged', () => {
    expect(latched.state).toBe('latched');
    const ackedLatching = run([activate(), ack()], { ...NORMAL, latching: true });
    expect(step(ackedLatching, clear())).toMatchObject({ ok: true, next: { state: 'latched' } });
  });

  it('latched -> active-unacknowledged when the condition returns before the reset', () => {
    expect(step(latched, activate(50))).toMatchObject({ ok: true, annunciate: 'new', next: { state: 'active-unacknowledged' } });
  });

  it('repeated activation or clear of the same condition changes nothing', () => {
    expect(step(unacked, activate(11))).toMatchObject({ ok: true, transition: false, annunciate: null, next: unacked });
    expect(step(NORMAL, clear())).toMatchObject({ ok: true, transition: false, next: NORMAL });
  });

  it('re-alarm: active-acknowledged -> active-unacknowledged, re-annunciated; ignored in any other state', () => {
    expect(step(acked, { type: 'realarm', at: 99 })).toMatchObject({ ok: true, annunciate: 'reannunciate', next: { state: 'active-unacknowledged', ackedBy: null } });
    expect(step(unacked, { type: 'realarm', at: 99 })).toMatchObject({ ok: true, transition: false });
  });
});

describe('alarm state machine: acknowledgement', () => {
  it('active-unacknowledged -> active-acknowledged, with user, time and note', () => {
    expect(step(unacked, ack(15, 'checking the pump'))).toMatchObject({ ok: true, annunciate: 'acked', next: { state: 'active-acknowledged', ackedAt: 15, ackedBy: 'olga', note: 'checking the pump' } });
  });

  it('returned-to-normal-unacknowledged -> normal', () => {
    expect(step(rtnUnacked, ack())).toMatchObject({ ok: true, annunciate: 'acked', next: { state: 'normal' } });
  });

  it('latched -> normal (the operator reset)', () => {
    expect(step(latched, ack())).toMatchObject({ ok: true, next: { state: 'normal' } });
  });

  it.each<[string, AlarmStatus]>([
    ['normal', NORMAL],
    ['active-acknowledged', acked],
    ['shelved', shelved],
    ['suppressed-by-design', suppressed],
    ['out-of-service', outOfService],
  ])('is refused in %s', (_name, s) => {
    expect(step(s, ack())).toMatchObject({ ok: false });
  });

  it('a new occurrence forgets the previous acknowledgement and note', () => {
    const again = run([activate(1), ack(2, 'n'), clear(3), activate(4)]);
    expect(again).toMatchObject({ state: 'active-unacknowledged', ackedAt: null, ackedBy: null, note: null, raisedAt: 4 });
  });
});

describe('alarm state machine: shelving', () => {
  it.each<[string, AlarmStatus]>([
    ['active-unacknowledged', unacked],
    ['active-acknowledged', acked],
  ])('%s -> shelved, with expiry, user and reason', (_name, s) => {
    expect(step(s, shelve(500))).toMatchObject({ ok: true, transition: true, annunciate: null, next: { state: 'shelved', shelvedUntil: 500, modeBy: 'sam', modeReason: 'sensor being replaced' } });
  });

  it.each<[string, AlarmStatus]>([
    ['normal', NORMAL],
    ['returned-to-normal-unacknowledged', rtnUnacked],
    ['latched', latched],
    ['shelved', shelved],
    ['out-of-service', outOfService],
    ['suppressed-by-design', suppressed],
  ])('is refused in %s', (_name, s) => {
    expect(step(s, shelve())).toMatchObject({ ok: false });
  });

  it('is one-shot: shelved -> normal when the condition clears, and the shelf is gone', () => {
    expect(step(shelved, clear(30))).toMatchObject({ ok: true, transition: true, next: { state: 'normal', active: false, shelvedUntil: null, modeBy: null } });
  });

  it('tracks a re-activation underneath without annunciating', () => {
    const cleared = { ...shelved, active: false };
    expect(step(cleared, activate(60))).toMatchObject({ ok: true, transition: false, annunciate: null, next: { state: 'shelved', active: true, raisedAt: 60 } });
  });

  it('a shelf that expires on an active alarm re-annunciates it', () => {
    expect(step(shelved, { type: 'shelf-expired', at: 1000 })).toMatchObject({ ok: true, annunciate: 'reannunciate', next: { state: 'active-unacknowledged', shelvedUntil: null, ackedBy: null } });
  });

  it('unshelve by hand re-annunciates an active alarm', () => {
    expect(step(shelved, { type: 'unshelve', at: 40, by: 'sam' })).toMatchObject({ ok: true, annunciate: 'reannunciate', next: { state: 'active-unacknowledged' } });
  });

  it('unshelve is refused when the alarm is not shelved', () => {
    expect(step(unacked, { type: 'unshelve', at: 40, by: 'sam' })).toMatchObject({ ok: false });
    expect(step(unacked, { type: 'shelf-expired', at: 40 })).toMatchObject({ ok: false });
  });
});

describe('alarm state machine: suppression by design', () => {
  it.each<[AlarmState, AlarmStatus]>([
    ['normal', NORMAL],
    ['active-unacknowledged', unacked],
    ['active-acknowledged', acked],
    ['shelved', shelved],
  ])('%s -> suppressed-by-design', (_name, s) => {
    expect(step(s, { type: 'suppress', at: 5, reason: 'machine offline' })).toMatchObject({ ok: true, transition: true, annunciate: null, next: { state: 'suppressed-by-design', suppressedByDesign: true, shelvedUntil: null } });
  });

  it('unsuppress: back to normal when the condition is clear, annunciated as new when active', () => {
    expect(step(suppressed, { type: 'unsuppress', at: 6 })).toMatchObject({ ok: true, annunciate: null, next: { state: 'normal', suppressedByDesign: false } });
    const activeUnderneath = run([activate(7)], suppressed);
    expect(activeUnderneath.state).toBe('suppressed-by-design');
    expect(step(activeUnderneath, { type: 'unsuppress', at: 8 })).toMatchObject({ ok: true, annunciate: 'new', next: { state: 'active-unacknowledged', raisedAt: 7 } });
  });

  it('suppressed again for another reason: only the reason shown changes, with no transition to journal', () => {
    expect(step(suppressed, { type: 'suppress', at: 6, reason: 'machine idle' })).toMatchObject({ ok: true, transition: false, annunciate: null, next: { state: 'suppressed-by-design', modeReason: 'machine idle' } });
    expect(step(suppressed, { type: 'suppress', at: 6, reason: 'machine offline' })).toMatchObject({ ok: true, transition: false, next: suppressed });
    const oosSuppressed = run([{ type: 'suppress', at: 18, reason: 'machine offline' }], outOfService);
    expect(step(oosSuppressed, { type: 'suppress', at: 19, reason: 'machine idle' })).toMatchObject({ ok: true, next: { state: 'out-of-service', modeReason: 'calibration' } });
  });

  it('while out of service only the flag moves; returning to service then lands suppressed', () => {
    const s = run([{ type: 'suppress', at: 18, reason: 'machine offline' }], outOfService);
    expect(s).toMatchObject({ state: 'out-of-service', suppressedByDesign: true });
    expect(step(s, rts())).toMatchObject({ ok: true, next: { state: 'suppressed-by-design' } });
  });

  it('keeps since when it is suppressed through a change of reason, out of service and back, and forgets it once lifted', () => {
    expect(suppressed.suppressedSince).toBe(5);
    expect(run([{ type: 'suppress', at: 6, reason: 'machine idle' }, activate(7), clear(8)], suppressed).suppressedSince).toBe(5);
    const oosSuppressed = run([{ type: 'suppress', at: 18, reason: 'machine offline' }], outOfService);
    expect(oosSuppressed.suppressedSince).toBe(18);
    expect(run([rts()], oosSuppressed)).toMatchObject({ state: 'suppressed-by-design', suppressedSince: 18 });
    expect(run([oos(), { type: 'unsuppress', at: 20 }], suppressed)).toMatchObject({ state: 'out-of-service', suppressedByDesign: false, suppressedSince: null });
    expect(run([{ type: 'unsuppress', at: 6 }], suppressed).suppressedSince).toBeNull();
    expect(run([activate(7), { type: 'unsuppress', at: 8 }], suppressed)).toMatchObject({ state: 'active-unacknowledged', suppressedSince: null });
  });
});

describe('alarm state machine: out of service', () => {
  it.each<[string, AlarmStatus]>([
    ['normal', NORMAL],
    ['active-unacknowledged', unacked],
    ['active-acknowledged', acked],
    ['returned-to-normal-unacknowledged', rtnUnacked],
    ['latched', latched],
    ['shelved', shelved],
    ['suppressed-by-design', suppressed],
  ])('%s -> out-of-service with user and reason', (_name, s) => {
    expect(step(s, oos())).toMatchObject({ ok: true, transition: true, next: { state: 'out-of-service', modeBy: 'sam', modeReason: 'calibration', shelvedUntil: null } });
  });

  it('is refused when already out of service', () => {
    expect(step(outOfService, oos())).toMatchObject({ ok: false });
  });

  it('return to service: normal when clear, annunciated when the condition is active', () => {
    expect(step(outOfService, rts())).toMatchObject({ ok: true, annunciate: null, next: { state: 'normal', modeBy: null } });
    const active = run([activate(20)], outOfService);
    expect(step(active, rts())).toMatchObject({ ok: true, annunciate: 'new', next: { state: 'active-unacknowledged' } });
  });

  it('return to service is refused for an alarm in service', () => {
    expect(step(NORMAL, rts())).toMatchObject({ ok: false });
  });

  it('a clear while out of service is tracked, not journalled as a transition', () => {
    const active = run([activate(20)], outOfService);
    expect(step(active, clear(25))).toMatchObject({ ok: true, transition: false, next: { state: 'out-of-service', active: false } });
  });
});

/**
 * Low limits held out of play by the machine's state or by start-up arming are suppressed by design
 * (ISA-18.2): visible with their reason, journalled once per entry and exit, never per reading.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperatingState } from '../../common/contract-models';
import { alarmStore } from './alarm-store';
import { createAuditLog } from '../store/audit-log';
import { openDatabase, type Db } from '../store/open-database';
import { AlarmService } from './alarm-service';
import type { AnnunciateReason } from './state-machine';

const M = 'plant/press/p1';
const LOW = `limit:${M}:pressure:L`;
const SAM = { id: 2, username: 'sam' };
const T0 = Date.UTC(2026, 11, 6, 6, 0, 0);

let dir: string;
let dbs: Db[];
let ids = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-held-'));
  dbs = [];
});
afterEach(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A console whose low pressure limit (5, deadband 0.1) follows the state `stateNow` says, as the condition monitor would. */
function station(name = 'console-a') {
  const db = openDatabase(join(dir, `${name}.db`));
  dbs.push(db);
  const s = { state: 'running' as OperatingState };
  const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: () => T0, console: name, log: () => {}, newId: () => `${name}-${++ids}`, statesFromMonitor: true, stateNow: () => s.state, startupArmingMs: 600_000 });
  alarms.setLimits(SAM, M, [{ sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 2000, offDelayMs: 2000, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
  const annunciations: [string, AnnunciateReason][] = [];
  alarms.onAnnunciate((a, reason) => annunciations.push([a.id, reason]));
  /** Readings at 1 s from `from` to `to` (event time offsets from T0), in the given state. */
  const run = (from: number, to: number, state: OperatingState, pressure: number | ((t: number) => number)) => {
    s.state = state;
    for (let t = from; t <= to; t += 1000) alarms.reading({ machineId: M, ts: T0 + t, metrics: { pressure: typeof pressure === 'number' ? pressure : pressure(t) }, receivedAt: T0 + t });
  };
  const journal = () =>
    alarms
      .history({ from: 0, to: T0 + 86_400_000, limit: 1000 })
      .entries.reverse()
      .map((e) => ({ action: e.action, at: e.at - T0, from: e.from, to: e.to, note: e.note }));
  return { alarms, run, journal, annunciations };
}

describe('low limits held by design are suppressed by design, visibly', () => {
  it('enters once when the machine stands, shows why through off, idle and start-up, and leaves once when armed', () => {
    const { alarms, run, journal, annunciations } = station();
    run(0, 60_000, 'running', 6);
    run(61_000, 200_000, 'idle', 0.4);
    expect(alarms.get(LOW)).toMatchObject({ state: 'suppressed-by-design', active: false, modeReason: 'machine idle', modeBy: null, limit: 5, message: 'pressure low: < 5' });
    // Since the hold began in event time, not since it was shown (the state hold later).
    expect(alarms.get(LOW)?.suppressedSince).toBe(T0 + 61_000);
    expect(alarms.active({ filter: { states: ['suppressed-by-design'] }, sort: 'time', limit: 10 }).alarms.map((a) => a.id)).toEqual([LOW]);
    run(201_000, 300_000, 'off', 0);
    expect(alarms.get(LOW)).toMatchObject({ modeReason: 'machine off', suppressedSince: T0 + 61_000 });
    // Started: held until the pressure first comes up past its deadband.
    run(301_000, 330_000, 'running', (t) => (t - 300_000) / 6000);
    expect(alarms.get(LOW)).toMatchObject({ state: 'suppressed-by-design', modeReason: 'start-up: waiting for value above 5.1', suppressedSince: T0 + 61_000 });
    run(331_000, 400_000, 'running', 6);
    expect(alarms.get(LOW)).toMatchObject({ state: 'normal', active: false, suppressedSince: null });
    expect(journal()).toEqual([
      { action: 'suppress', at: 61_000, from: 'normal', to: 'suppressed-by-design', note: 'machine idle' },
      { action: 'unsuppress', at: 331_000, from: 'suppressed-by-design', to: 'normal', note: `start-up: armed at ${new Date(T0 + 331_000).toISOString()}` },
    ]);
    expect(annunciations).toEqual([]);
    // In play again: a real low pressure raises.
    run(401_000, 410_000, 'running', 3);
    expect(alarms.get(LOW)).toMatchObject({ state: 'active-unacknowledged', active: true });
  });

  it('adds no event for an idle and running wobble inside the state hold, nor for a short dip of a running machine', () => {
    const { run, journal } = station();
    run(0, 60_000, 'running', 6);
    // A running machine whose raw signals dip to idle for 5 s every half minute.
    for (let t = 61_000; t < 300_000; t += 30_000) {
      run(t, t + 4000, 'idle', 6);
      run(t + 5000, t + 29_000, 'running', 6);
    }
    expect(journal()).toEqual([]);
    // Standing: held once; flicking to running for a reading now and then (value still down) changes only the reason.
    for (let t = 300_000; t < 600_000; t += 20_000) {
      run(t, t + 18_000, 'idle', 0.4);
      run(t + 19_000, t + 19_000, 'running', 0.4);
    }
    expect(journal().map((e) => e.action)).toEqual(['suppress']);
  });

  it('suppresses an active low alarm when the machine stops, without a clear or an annunciation, and brings it back normal', () => {
    const { alarms, run, journal, annunciations } = station();
    run(0, 10_000, 'running', 4);
    expect(alarms.get(LOW)?.state).toBe('active-unacknowledged');
    run(11_000, 100_000, 'off', 0);
    expect(alarms.get(LOW)).toMatchObject({ state: 'suppressed-by-design', active: false, modeReason: 'machine off', suppressedSince: T0 + journal()[1]!.at });
    run(101_000, 200_000, 'running', 6);
    expect(alarms.get(LOW)?.state).toBe('normal');
    expect(journal().map((e) => `${e.action} ${e.from} -> ${e.to}`)).toEqual(['activate normal -> active-unacknowledged', 'suppress active-unacknowledged -> suppressed-by-design', 'unsuppress suppressed-by-design -> normal']);
    expect(annunciations).toEqual([[LOW, 'new']]);
  });

  it('gives the same events on a replay of the same readings', () => {
    const day = (c: ReturnType<typeof station>) => {
      for (let t = 0; t < 3_600_000; t += 600_000) {
        c.run(t, t + 299_000, 'running', (x) => 5.2 + ((x / 1000) % 7) / 10);
        c.run(t + 300_000, t + 599_000, (t / 600_000) % 2 ? 'off' : 'idle', 0.3);
      }
      return c.journal();
    };
    const a = station('console-a');
    const first = day(a);
    expect(first.filter((e) => e.action === 'suppress')).toHaveLength(6);
    expect(first.filter((e) => e.action === 'unsuppress')).toHaveLength(5);
    const b = station('console-b');
    expect(day(b)).toEqual(first);
    // Suppressed since the last suppress, in event time, on both.
    expect(a.alarms.get(LOW)?.suppressedSince).toBe(T0 + first.at(-1)!.at);
    expect(b.alarms.get(LOW)?.suppressedSince).toBe(a.alarms.get(LOW)?.suppressedSince);
  });

  it('after a restart, neither repeats a suppression still held nor forgets to lift one that ended', () => {
    const a = station('console-r');
    a.run(0, 60_000, 'idle', 0.4);
    expect(a.journal().map((e) => e.action)).toEqual(['suppress']);
    expect(a.alarms.get(LOW)?.suppressedSince).toBe(T0);
    const b = station('console-r');
    // The time read back from the store before any reading, and kept through the readings after.
    expect(b.alarms.get(LOW)?.suppressedSince).toBe(T0);
    b.run(61_000, 120_000, 'idle', 0.4);
    expect(b.journal().map((e) => e.action)).toEqual(['suppress']);
    expect(b.alarms.get(LOW)?.suppressedSince).toBe(T0);
    const c = station('console-r');
    // A machine first seen running after the restart is up already: nothing to wait for.
    c.run(121_000, 130_000, 'running', 6);
    expect(c.alarms.get(LOW)?.suppressedSince).toBeNull();
    expect(c.journal().map((e) => `${e.action} ${e.at}`)).toEqual(['suppress 0', 'unsuppress 121000']);
  });

  it('shows "machine offline" while its machine is gone, and its hold again when it is back', () => {
    const { alarms, run, journal } = station();
    run(0, 60_000, 'idle', 0.4);
    const machine = (state: 'offline' | 'online') => ({ id: M, name: 'P1', type: 'press', area: 'press', line: null, state, lastSeen: T0, sensors: {} }) as never;
    const since = alarms.get(LOW)?.suppressedSince;
    expect(since).toBe(T0 + journal()[0]!.at);
    alarms.machines([machine('offline')]);
    expect(alarms.get(LOW)).toMatchObject({ state: 'suppressed-by-design', modeReason: 'machine offline', suppressedSince: since });
    alarms.machines([machine('online')]);
    expect(alarms.get(LOW)).toMatchObject({ state: 'suppressed-by-design', modeReason: 'machine idle', suppressedSince: since });
    run(61_000, 80_000, 'idle', 0.4);
    expect(journal().map((e) => e.action)).toEqual(['suppress']);
  });
});

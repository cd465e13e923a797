import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Health } from '../../common/contract';
import type { Alarm } from '../../common/contract-alarms';
import type { Machine } from '../../common/telemetry';
import { alarmStore } from './alarm-store';
import { createAuditLog } from '../store/audit-log';
import { openDatabase, type Db } from '../store/open-database';
import { AlarmService, type AlarmServiceOptions, type OperatorAction } from './alarm-service';
import type { AnnunciateReason } from './state-machine';

const M = 'plant/machining/cnc1';
const TEMP_H = `limit:${M}:temperature:H`;
const TEMP_HH = `limit:${M}:temperature:HH`;
const OLGA = { id: 1, username: 'olga' };
const SAM = { id: 2, username: 'sam' };

let dir: string;
let dbs: Db[];
let clock: number;
let ids = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-alarms-'));
  dbs = [];
  clock = 1_700_000_000_000;
});
afterEach(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A console with its own store; the same console name reopens the same file, as after a restart. */
function service(console = 'console-a', statesFromMonitor = false, extra: Partial<AlarmServiceOptions> = {}) {
  const db = openDatabase(join(dir, `${console}.db`));
  dbs.push(db);
  const audit = createAuditLog(db);
  const alarms = new AlarmService({ store: alarmStore(db, audit), now: () => clock, console, log: () => {}, newId: () => `${console}-${++ids}`, statesFromMonitor, ...extra });
  const changes: Alarm[][] = [];
  const annunciations: [string, AnnunciateReason][] = [];
  const actions: OperatorAction[] = [];
  alarms.onChange((c) => changes.push(c));
  alarms.onAnnunciate((a, reason) => annunciations.push([a.id, reason]));
  alarms.onAction((a) => actions.push(a));
  // zero delays keep these tests about the service, not the evaluator
  alarms.applyMeta(M, { temperature: { high: 62, highHigh: 72 } });
  alarms.setLimits(SAM, M, [{ sensor: 'temperature', level: 'H', setpoint: 62, deadband: 1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
  return { alarms, audit, changes, annunciations, actions };
}
const reading = (ts: number, temperature: number) => ({ machineId: M, ts, metrics: { temperature }, receivedAt: ts });
const tick = () => new Promise<void>((r) => queueMicrotask(r));
const active = (s: AlarmService) => s.active({ filter: {}, sort: 'priority', limit: 500 });

describe('AlarmService', () => {
  it('raises a limit alarm in event time, journals and audits it, and tells screens and the announcer', async () => {
    const { alarms, audit, changes, annunciations } = service();
    alarms.reading(reading(1000, 60));
    alarms.reading(reading(2000, 65));
    expect(alarms.get(TEMP_H)).toMatchObject({ state: 'active-unacknowledged', active: true, raisedAt: 2000, priority: 'medium', value: 65, limit: 62, sensor: 'temperature', level: 'H' });
    expect(annunciations).toEqual([[TEMP_H, 'new']]);
    await tick();
    expect(changes.flat().map((a) => a.id)).toEqual([TEMP_H]);
    const history = alarms.history({ from: 0, to: clock + 1, limit: 10 });
    expect(history.entries).toMatchObject([{ alarmId: TEMP_H, action: 'activate', from: 'normal', to: 'active-unacknowledged', at: 2000, username: null, console: 'console-a' }]);
    expect(audit.list({ limit: 10, action: 'alarm.activate' })).toMatchObject([{ target: TEMP_H, outcome: 'ok', detail: { from: 'normal', to: 'active-unacknowledged', eventAt: 2000 } }]);
  });

  it('acknowledges with user, time and note, shares the action, and refuses a second ack', () => {
    const { alarms, audit, actions, annunciations } = service();
    alarms.reading(reading(1000, 65));
    clock += 5000;
    const acked = alarms.ack(OLGA, TEMP_H, 'checking coolant');
    expect(acked).toMatchObject({ state: 'active-acknowledged', ackedBy: 'olga', ackedAt: clock, note: 'checking coolant' });
    expect(annunciations.at(-1)).toEqual([TEMP_H, 'acked']);
    expect(actions).toMatchObject([{ kind: 'ack', alarmId: TEMP_H, username: 'olga', occurrence: 1000, note: 'checking coolant', console: 'console-a', point: { machineId: M, source: 'limit' } }]);
    expect(audit.list({ limit: 10, action: 'alarm.ack' })).toMatchObject([{ at: clock, userId: 1, username: 'olga', target: TEMP_H, detail: { note: 'checking coolant' } }]);
    expect(() => alarms.ack(OLGA, TEMP_H)).toThrow(/nothing to acknowledge/);
    expect(() => alarms.ack(OLGA, 'limit:nope')).toThrow(/no alarm/);
  });

  it('shelves for a limited time and re-annunciates when the shelf expires on an active alarm', () => {
    const { alarms, annunciations } = service();
    alarms.reading(reading(1000, 65));
    expect(() => alarms.shelve(SAM, TEMP_H, 'nuisance', 13 * 60)).toThrow(/at most 720 minutes/);
    expect(alarms.shelve(SAM, TEMP_H, 'sensor being replaced', 30)).toMatchObject({ state: 'shelved', shelvedUntil: clock + 30 * 60_000, modeBy: 'sam', modeReason: 'sensor being replaced' });
    clock += 29 * 60_000;
    alarms.tick();
    expect(alarms.get(TEMP_H)?.state).toBe('shelved');
    clock += 60_000;
    alarms.tick();
    expect(alarms.get(TEMP_H)).toMatchObject({ state: 'active-unacknowledged', shelvedUntil: null });
    expect(annunciations.at(-1)).toEqual([TEMP_H, 'reannunciate']);
    expect(alarms.history({ from: 0, to: clock + 1, limit: 10 }).entries.map((e) => e.action)).toEqual(['shelf-expired', 'shelve', 'activate']);
  });

  it('takes an alarm out of service and back, refusing what the state does not allow', () => {
    const { alarms } = service();
    alarms.reading(reading(1000, 65));
    expect(alarms.outOfService(SAM, TEMP_H, 'calibration')).toMatchObject({ state: 'out-of-service', modeReason: 'calibration' });
    expect(() => alarms.outOfService(SAM, TEMP_H, 'again')).toThrow(/already out of service/);
    alarms.reading(reading(2000, 50));
    expect(alarms.get(TEMP_H)).toMatchObject({ state: 'out-of-service', active: false });
    expect(alarms.returnToService(SAM, TEMP_H)).toMatchObject({ state: 'normal' });
    expect(() => alarms.unshelve(SAM, TEMP_H)).toThrow(/not shelved/);
  });

  it('keeps everything across a restart and does not raise an active alarm twice', () => {
    const first = service();
    first.alarms.reading(reading(1000, 65));
    first.alarms.ack(OLGA, TEMP_H, 'seen');
    const second = service();
    expect(second.alarms.get(TEMP_H)).toMatchObject({ state: 'active-acknowledged', ackedBy: 'olga', note: 'seen', raisedAt: 1000 });
    second.alarms.reading(reading(2000, 66));
    expect(second.annunciations).toEqual([]);
    second.alarms.reading(reading(3000, 50));
    expect(second.alarms.get(TEMP_H)?.state).toBe('normal');
    expect(second.alarms.limits(M).limits.find((l) => l.level === 'H')).toMatchObject({ origin: 'engineer', updatedBy: 'sam', onDelayMs: 0 });
  });

  it('applies another console’s actions once, in time order, and holds an ack for an occurrence not raised here yet', () => {
    const a = service('console-a');
    const b = service('console-b');
    // console b sees the excursion later than a
    a.alarms.reading(reading(1000, 65));
    a.alarms.ack(OLGA, TEMP_H, 'on it');
    const ack = a.actions[0]!;
    expect(b.alarms.applyRemote(ack)).toBe(false);
    expect(b.alarms.get(TEMP_H)).toBeUndefined();
    b.alarms.reading(reading(1000, 65));
    expect(b.alarms.get(TEMP_H)).toMatchObject({ state: 'active-acknowledged', ackedBy: 'olga', note: 'on it' });
    expect(b.alarms.history({ from: 0, to: clock + 1, limit: 10 }).entries[0]).toMatchObject({ action: 'ack', console: 'console-a', username: 'olga', eventId: ack.eventId });
    // the same event again (echo, redelivery, retained copy) changes nothing
    expect(b.alarms.applyRemote(ack)).toBe(false);

    // an older action arriving after a newer one is ignored
    clock += 1000;
    const shelve = { ...ack, eventId: 'x-2', kind: 'shelve' as const, at: clock, reason: 'nuisance', until: clock + 60_000 };
    const stale = { ...ack, eventId: 'x-1', kind: 'remove-from-service' as const, at: clock - 500, reason: 'late' };
    expect(b.alarms.applyRemote(shelve)).toBe(true);
    expect(b.alarms.applyRemote(stale)).toBe(false);
    expect(b.alarms.get(TEMP_H)).toMatchObject({ state: 'shelved', modeBy: 'olga' });
  });

  it('never creates an alarm from another console’s action: it holds it until the alarm is raised here', () => {
    const b = service('console-b');
    const action: OperatorAction = {
      eventId: 'e1',
      alarmId: 'failure:plant/fluids/p1',
      kind: 'remove-from-service',
      console: 'console-a',
      username: 'sam',
      at: clock,
      occurrence: null,
      reason: 'model retraining',
      point: { id: 'failure:plant/fluids/p1', machineId: 'plant/fluids/p1', source: 'predictive', sensor: null, level: null, priority: 'high', message: 'Failure probability', latching: false },
    };
    expect(b.alarms.applyRemote(action)).toBe(false);
    expect(b.alarms.get('failure:plant/fluids/p1')).toBeUndefined();
    expect(b.alarms.pendingRemote).toBe(1);
    b.alarms.modelOutput({ machineId: 'plant/fluids/p1', ts: clock, failureProbability: 0.95 });
    expect(b.alarms.get('failure:plant/fluids/p1')).toMatchObject({ state: 'out-of-service', modeReason: 'model retraining' });
    expect(b.alarms.pendingRemote).toBe(0);
  });

  it('raises model, health and system alarms with hysteresis', () => {
    const { alarms } = service();
    alarms.modelOutput({ machineId: M, ts: 5000, anomaly: { score: 0.93, flag: true, type: 'bearing', contributors: ['vibration'] }, failureProbability: 0.72, rulHours: 100 });
    expect(alarms.get(`anomaly:${M}`)).toMatchObject({ state: 'active-unacknowledged', source: 'anomaly', message: expect.stringContaining('bearing, driven by vibration') });
    expect(alarms.get(`failure:${M}`)).toMatchObject({ state: 'active-unacknowledged', priority: 'high', value: 0.72 });
    expect(alarms.get(`rul:${M}`)).toMatchObject({ state: 'active-unacknowledged', limit: 168 });
    // inside the hysteresis band the failure alarm stays; below it, it clears
    alarms.modelOutput({ machineId: M, ts: 6000, failureProbability: 0.68 });
    expect(alarms.get(`failure:${M}`)?.active).toBe(true);
    alarms.modelOutput({ machineId: M, ts: 7000, failureProbability: 0.6, anomaly: { score: 0.1, flag: false } });
    expect(alarms.get(`failure:${M}`)).toMatchObject({ active: false, state: 'returned-to-normal-unacknowledged' });
    expect(alarms.get(`anomaly:${M}`)?.active).toBe(false);
    // an uncertain output is no evidence either way
    alarms.modelOutput({ machineId: M, ts: 8000, uncertain: true, failureProbability: 0.99 });
    expect(alarms.get(`failure:${M}`)?.active).toBe(false);

    alarms.healthScore({ machineId: M, ts: 9000, score: 65 });
    expect(alarms.get(`health:${M}`)).toMatchObject({ active: true, source: 'health' });

    const health = { status: 'degraded', broker: { url: 'mqtt://x', state: 'reconnecting', lastError: 'ECONNREFUSED', embedded: false }, store: { lastError: null }, models: { state: 'uncertain', detail: 'model file missing' } } as unknown as Health;
    alarms.system({ health, ingestLatencyMs: 800, commitWaitMs: 100, diskFreeRatio: 0.05 });
    for (const id of ['system:broker', 'system:model', 'system:ingest-latency', 'system:disk']) expect(alarms.get(id), id).toMatchObject({ active: true, source: 'system', machineId: '' });
    expect(alarms.get('system:ingest-latency')?.message).toBe('Ingest latency 800 ms (limit 600 ms)');
    expect(alarms.get('system:store')).toBeUndefined();
    expect(alarms.get('system:broker')?.message).toContain('ECONNREFUSED');
  });

  it('judges ingest latency beyond the commit wait the store is configured with, with hysteresis', () => {
    const { alarms } = service();
    const health = { status: 'ok', broker: { url: 'mqtt://x', state: 'connected', lastError: null, embedded: false }, store: { lastError: null }, models: { state: 'ok', detail: '' } } as unknown as Health;
    const latency = (ms: number) => {
      alarms.system({ health, ingestLatencyMs: ms, commitWaitMs: 1000, diskFreeRatio: 0.5 });
      return alarms.get('system:ingest-latency')?.active ?? false;
    };
    // a light-load plant commits once a second: readings wait about that long, and that is no alarm
    expect(latency(1100)).toBe(false);
    expect(latency(1600)).toBe(true);
    expect(alarms.get('system:ingest-latency')?.message).toBe('Ingest latency 1600 ms (limit 1500 ms)');
    expect(latency(1300)).toBe(true);
    expect(latency(1200)).toBe(false);
  });

  it('suppresses an offline machine’s alarms by design and brings them back when it returns', () => {
    const { alarms, annunciations } = service();
    alarms.reading(reading(1000, 65));
    const machine = (state: Machine['state']) => ({ id: M, state }) as Machine;
    alarms.machines([machine('offline')]);
    expect(alarms.get(TEMP_H)).toMatchObject({ state: 'suppressed-by-design', modeReason: 'machine offline' });
    alarms.machines([machine('online')]);
    expect(alarms.get(TEMP_H)).toMatchObject({ state: 'active-unacknowledged', raisedAt: 1000 });
    expect(annunciations.map(([, r]) => r)).toEqual(['new', 'new']);
  });

  it('lists, filters, sorts and searches the active alarms', () => {
    const { alarms } = service();
    alarms.reading(reading(1000, 80)); // H and HH (the HH default has its on-delay)
    alarms.reading(reading(5000, 80));
    alarms.healthScore({ machineId: 'plant/fluids/p2', ts: 6000, score: 40 });
    expect(active(alarms).alarms.map((a) => a.id)).toEqual([TEMP_HH, TEMP_H, 'health:plant/fluids/p2']);
    expect(alarms.active({ filter: {}, sort: 'time', limit: 500 }).alarms[0]!.id).toBe('health:plant/fluids/p2');
    expect(alarms.active({ filter: { search: 'HEALTH' }, sort: 'priority', limit: 500 }).alarms.map((a) => a.id)).toEqual(['health:plant/fluids/p2']);
    expect(alarms.active({ filter: { priorities: ['high'] }, sort: 'priority', limit: 500 }).alarms.map((a) => a.id)).toEqual([TEMP_HH]);
    const limited = alarms.active({ filter: { machineId: M }, sort: 'machine', limit: 1 });
    expect(limited).toMatchObject({ total: 2, alarms: [{ id: TEMP_HH }] });
  });

  it('pages the history backwards and reports KPIs over the journal', () => {
    const { alarms } = service();
    for (let i = 0; i < 12; i++) {
      alarms.reading(reading(clock - 300_000 + i * 2000, 65));
      alarms.reading(reading(clock - 300_000 + i * 2000 + 1000, 50));
    }
    const page1 = alarms.history({ from: 0, to: clock + 1, limit: 10 });
    expect(page1.entries).toHaveLength(10);
    const page2 = alarms.history({ from: 0, to: clock + 1, limit: 10, beforeSeq: page1.nextBeforeSeq! });
    expect(page2.entries).toHaveLength(10);
    expect(page2.entries[0]!.seq).toBeLessThan(page1.entries[9]!.seq);
    const kpis = alarms.kpis({});
    expect(kpis.annunciated).toBe(12);
    expect(kpis.perConsole).toMatchObject([{ console: 'plant/machining', total: 12, peakPer10Min: 12 }]);
    expect(kpis.floods).toHaveLength(1);
    expect(kpis.chattering[0]).toMatchObject({ alarmId: TEMP_H, total: 12 });
    expect(active(alarms).floods).toMatchObject([{ console: 'plant/machining', end: null, firstOut: TEMP_H }]);
  });
});

describe('AlarmService: state-based limits and the condition monitor', () => {
  it('puts low limits out of play while the machine is off or idle, and keeps high ones', () => {
    const { alarms } = service();
    alarms.setLimits(SAM, M, [{ sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
    const at = (ts: number, pressure: number, temperature = 50) => alarms.reading({ machineId: M, ts, metrics: { pressure, temperature }, receivedAt: ts });
    at(1000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(true);
    alarms.operatingState(M, 'off');
    at(2000, 0.2, 80);
    // The stopped machine's low pressure returns to normal; its high temperature still raises.
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(false);
    expect(alarms.get(TEMP_H)?.active).toBe(true);
    alarms.operatingState(M, 'running');
    // Started again: the low limit waits for the pressure to come up (start-up arming), then guards it.
    at(3000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(false);
    at(4000, 5.2);
    at(5000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(true);
  });

  it('with states from the condition monitor, arms low limits only once the machine is reported running', () => {
    const { alarms } = service('console-states', true);
    alarms.setLimits(SAM, M, [{ sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
    const at = (ts: number, pressure: number, temperature = 50) => alarms.reading({ machineId: M, ts, metrics: { pressure, temperature }, receivedAt: ts });
    // A stopped machine at start-up: no state yet, then 'unknown', then 'off'.
    at(1000, 0.2);
    alarms.operatingState(M, 'unknown');
    at(2000, 0.2);
    alarms.operatingState(M, 'off');
    at(3000, 0.2, 80);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active ?? false).toBe(false);
    expect(alarms.get(TEMP_H)?.active).toBe(true);
    alarms.operatingState(M, 'running');
    at(4000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active ?? false).toBe(false);
    at(5000, 5.2);
    at(6000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(true);
  });

  it('arms a low limit after a start once its value comes up, or after the start-up time when it never does', () => {
    const { alarms } = service('console-arming', true, { startupArmingMs: 60_000 });
    alarms.setLimits(SAM, M, [
      { sensor: 'temperature', level: 'L', setpoint: 170, deadband: 2, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true },
      { sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true },
    ], []);
    const at = (ts: number, temperature: number, pressure: number) => alarms.reading({ machineId: M, ts, metrics: { temperature, pressure }, receivedAt: ts });
    const low = (sensor: string) => alarms.get(`limit:${M}:${sensor}:L`)?.active ?? false;
    alarms.operatingState(M, 'running');
    at(1000, 180, 6);
    alarms.operatingState(M, 'idle');
    at(2000, 120, 0.5);
    expect([low('temperature'), low('pressure')]).toEqual([false, false]);
    // Warm-up after the restart: the temperature climbs through its low limit; the pressure never comes up.
    alarms.operatingState(M, 'running');
    for (let t = 3000; t <= 50_000; t += 1000) at(t, 120 + t / 1000, 0.5);
    expect([low('temperature'), low('pressure')]).toEqual([false, false]);
    at(55_000, 172.5, 0.5);
    // The temperature is up and armed; the pressure is armed after the start-up time and raises.
    at(64_000, 160, 0.5);
    expect([low('temperature'), low('pressure')]).toEqual([true, true]);
  });

  it('asks the monitor for the state on each reading when it can (stateNow), so a stop is seen in the same event time', () => {
    let state: 'running' | 'idle' = 'running';
    const { alarms } = service('console-now', true, { stateNow: () => state });
    alarms.setLimits(SAM, M, [{ sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 3000, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
    const at = (ts: number, pressure: number) => alarms.reading({ machineId: M, ts, metrics: { pressure }, receivedAt: ts });
    at(1000, 6);
    at(2000, 4.5);
    state = 'idle';
    at(3000, 3);
    at(9000, 1);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active ?? false).toBe(false);
    state = 'running';
    at(10_000, 6);
    at(11_000, 4);
    at(15_000, 4);
    expect(alarms.get(`limit:${M}:pressure:L`)?.active).toBe(true);
  });

  it('raises and clears the condition monitor\u2019s episode, communication, stuck-sensor, health and prognosis alarms', () => {
    const { alarms } = service();
    const base = {
      machineId: M,
      operatingState: 'running' as const,
      band: 3,
      stateSignal: 'power',
      stateSignalFrom: 'name' as const,
      phase: 'monitoring' as const,
      learning: { since: 0, hoursSeen: 50, hoursNeeded: 48, bands: [], version: 3 },
      anomaly: { active: false, score: 0.2, type: null, contributors: [], since: null },
      health: 95,
      healthTrendPerHour: null,
      rul: null,
      failureProbability: 0,
      horizonHours: 24,
      stuckSensors: [],
      communicationLost: false,
      detail: null,
    };
    alarms.conditionOutput({ ...base, ts: 1000 });
    expect(active(alarms).alarms).toEqual([]);
    alarms.conditionOutput({ ...base, ts: 2000, anomaly: { active: true, score: 1.4, type: 'vibration_bearing', contributors: [{ sensor: 'vibration', contribution: 1.4 }], since: 1500 }, health: 62, rul: { hours: 9, low: 7, high: 12 }, failureProbability: 0.9, stuckSensors: ['pressure'] });
    expect(alarms.get(`anomaly:${M}`)).toMatchObject({ active: true, source: 'anomaly', priority: 'medium' });
    expect(alarms.get(`anomaly:${M}`)?.message).toContain('vibration');
    expect(alarms.get(`health:${M}`)).toMatchObject({ active: true, source: 'health', value: 62 });
    expect(alarms.get(`prognosis:${M}`)).toMatchObject({ active: true, source: 'predictive', priority: 'high' });
    expect(alarms.get(`prognosis:${M}`)?.message).toContain('remaining life 9.0 h');
    expect(alarms.get(`stuck:${M}`)).toMatchObject({ active: true, source: 'sensor' });
    // Silent: communication loss raises, and nothing else about the machine changes meanwhile.
    alarms.conditionOutput({ ...base, ts: 3000, communicationLost: true });
    expect(alarms.get(`comm:${M}`)).toMatchObject({ active: true, source: 'communication' });
    expect(alarms.get(`anomaly:${M}`)?.active).toBe(true);
    // Back and well: everything returns to normal; health clears only 5 points above its limit.
    alarms.conditionOutput({ ...base, ts: 4000, health: 72 });
    expect(alarms.get(`comm:${M}`)?.active).toBe(false);
    expect(alarms.get(`anomaly:${M}`)?.active).toBe(false);
    expect(alarms.get(`health:${M}`)?.active).toBe(true);
    alarms.conditionOutput({ ...base, ts: 5000, health: 76 });
    expect(alarms.get(`health:${M}`)?.active).toBe(false);
    // A machine still learning raises nothing but communication and stuck sensors.
    alarms.conditionOutput({ ...base, ts: 6000, phase: 'learning', health: 10, anomaly: { ...base.anomaly, active: true } });
    expect(alarms.get(`anomaly:${M}`)?.active).toBe(false);
  });
});

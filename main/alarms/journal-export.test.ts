/**
 * The alarm-management export (`export alarm-events`): the alarm journal, one row per event in the
 * order it was recorded, from alarms driven through the real alarm service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmService } from './alarm-service';
import { alarmStore } from './alarm-store';
import { createAuditLog } from '../store/audit-log';
import { ALARM_EVENT_COLUMNS, exportRows, type ExportFormat, type ExportOptions } from '../store/export';
import { openDatabase, type Db } from '../store/open-database';

const M1 = 'plant/machining/cnc1';
const M2 = 'plant/machining/cnc2';
const T0 = Date.UTC(2024, 5, 1, 8, 0, 0);
const OLGA = { id: 1, username: 'olga' };
const SAM = { id: 2, username: 'sam' };

let dir: string;
let db: Db;
let clock: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-export-events-'));
  db = openDatabase(join(dir, 'store.db'));
  clock = T0;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exported(format: ExportFormat, opts: ExportOptions = {}): Promise<{ text: string; rows: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const rows = await exportRows(db, 'alarm-events', format, out, opts);
  return { text: Buffer.concat(chunks).toString('utf8'), rows };
}

/** Two machines with a high temperature limit (62, deadband 1, no delays), alarms raised and handled by operators. */
function drive() {
  let ids = 0;
  const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: () => clock, console: 'console-a', log: () => {}, newId: () => `e${++ids}` });
  for (const m of [M1, M2]) {
    alarms.setLimits(SAM, m, [{ sensor: 'temperature', level: 'H', setpoint: 62, deadband: 1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
  }
  const reading = (machineId: string, at: number, temperature: number) => {
    clock = at;
    alarms.reading({ machineId, ts: at, metrics: { temperature }, receivedAt: at });
  };
  const id = (m: string) => `limit:${m}:temperature:H`;
  reading(M1, T0 + 1_000, 65); // raise
  clock = T0 + 5_000;
  alarms.ack(OLGA, id(M1), 'checking coolant');
  reading(M1, T0 + 9_000, 50); // clear: acknowledged and back to normal
  reading(M2, T0 + 10_000, 70.5); // raise on the other machine
  clock = T0 + 12_000;
  alarms.shelve(SAM, id(M2), 'sensor being replaced', 30);
  clock = T0 + 15_000;
  alarms.unshelve(SAM, id(M2), 'new sensor fitted');
  reading(M2, T0 + 20_000, 40); // clears unacknowledged
  clock = T0 + 25_000;
  alarms.ack(OLGA, id(M2));
  clock = T0 + 26_000;
  alarms.outOfService(SAM, id(M1), 'calibration, "probe 2"');
  clock = T0 + 27_000;
  alarms.returnToService(SAM, id(M1), 'done');
}

const line = (at: number, rest: string) => `${new Date(at).toISOString()},${at},${rest}`;
const A1 = `limit:${M1}:temperature:H,${M1},limit,temperature,medium`;
const A2 = `limit:${M2}:temperature:H,${M2},limit,temperature,medium`;
const MSG1 = 'temperature high: 65 > 62';
const MSG2 = 'temperature high: 70.5 > 62';
const HEADER = 'time,at,alarm_id,machine_id,source,sensor,priority,action,from_state,to_state,active,username,console,value,limit,note,message,event_id,seq';

describe('exportRows alarm-events', () => {
  it('writes every journal event as CSV, in the order it was recorded', async () => {
    drive();
    const { text, rows } = await exported('csv');
    expect(rows).toBe(10);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.trimEnd().split('\r\n')).toEqual([
      HEADER,
      line(T0 + 1_000, `${A1},activate,normal,active-unacknowledged,true,,console-a,65,62,,${MSG1},e1,1`),
      line(T0 + 5_000, `${A1},ack,active-unacknowledged,active-acknowledged,true,olga,console-a,,,checking coolant,${MSG1},e2,2`),
      line(T0 + 9_000, `${A1},clear,active-acknowledged,normal,false,,console-a,50,62,,${MSG1},e3,3`),
      line(T0 + 10_000, `${A2},activate,normal,active-unacknowledged,true,,console-a,70.5,62,,${MSG2},e4,4`),
      line(T0 + 12_000, `${A2},shelve,active-unacknowledged,shelved,true,sam,console-a,,,sensor being replaced,${MSG2},e5,5`),
      line(T0 + 15_000, `${A2},unshelve,shelved,active-unacknowledged,true,sam,console-a,,,new sensor fitted,${MSG2},e6,6`),
      line(T0 + 20_000, `${A2},clear,active-unacknowledged,returned-to-normal-unacknowledged,false,,console-a,40,62,,${MSG2},e7,7`),
      line(T0 + 25_000, `${A2},ack,returned-to-normal-unacknowledged,normal,false,olga,console-a,,,,${MSG2},e8,8`),
      line(T0 + 26_000, `${A1},remove-from-service,normal,out-of-service,false,sam,console-a,,,"calibration, ""probe 2""",${MSG1},e9,9`),
      line(T0 + 27_000, `${A1},return-to-service,out-of-service,normal,false,sam,console-a,,,done,${MSG1},e10,10`),
    ]);
    expect(ALARM_EVENT_COLUMNS.join(',')).toBe(HEADER);
  });

  it('writes the same events as a JSON array, filtered by machine and inclusive time range', async () => {
    drive();
    const all = JSON.parse((await exported('json')).text) as Record<string, unknown>[];
    expect(all.map((e) => e.action)).toEqual(['activate', 'ack', 'clear', 'activate', 'shelve', 'unshelve', 'clear', 'ack', 'remove-from-service', 'return-to-service']);
    expect(Object.keys(all[0]!)).toEqual([...ALARM_EVENT_COLUMNS]);
    expect(all[4]).toEqual({
      time: '2024-06-01T08:00:12.000Z',
      at: T0 + 12_000,
      alarm_id: `limit:${M2}:temperature:H`,
      machine_id: M2,
      source: 'limit',
      sensor: 'temperature',
      priority: 'medium',
      action: 'shelve',
      from_state: 'active-unacknowledged',
      to_state: 'shelved',
      active: true,
      username: 'sam',
      console: 'console-a',
      value: null,
      limit: null,
      note: 'sensor being replaced',
      message: MSG2,
      event_id: 'e5',
      seq: 5,
    });
    const some = await exported('json', { machineId: M2, from: T0 + 12_000, to: T0 + 20_000 });
    expect(some.rows).toBe(3);
    expect((JSON.parse(some.text) as Record<string, unknown>[]).map((e) => [e.action, e.at])).toEqual([
      ['shelve', T0 + 12_000],
      ['unshelve', T0 + 15_000],
      ['clear', T0 + 20_000],
    ]);
  });

  it('includes the suppressions by design of low limits held while their machine stands, with their reasons', async () => {
    const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: () => clock, console: 'console-a', log: () => {}, statesFromMonitor: true, stateNow: () => state, startupArmingMs: 60_000 });
    let state: 'running' | 'idle' = 'running';
    alarms.setLimits(SAM, M1, [{ sensor: 'pressure', level: 'L', setpoint: 5, deadband: 0.1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'medium', latching: false, enabled: true }], []);
    const run = (from: number, to: number, pressure: number) => {
      for (let t = from; t <= to; t += 1000) alarms.reading({ machineId: M1, ts: T0 + t, metrics: { pressure }, receivedAt: T0 + t });
    };
    run(0, 10_000, 6);
    state = 'idle';
    run(11_000, 60_000, 0.3);
    state = 'running';
    run(61_000, 70_000, 6);
    const rows = JSON.parse((await exported('json')).text) as Record<string, unknown>[];
    expect(rows.map((e) => [e.action, e.at, e.from_state, e.to_state, e.note, e.message])).toEqual([
      ['suppress', T0 + 11_000, 'normal', 'suppressed-by-design', 'machine idle', 'pressure low: < 5'],
      ['unsuppress', T0 + 61_000, 'suppressed-by-design', 'normal', `start-up: armed at ${new Date(T0 + 61_000).toISOString()}`, 'pressure low: < 5'],
    ]);
    expect((await exported('csv')).text).toContain(',suppress,normal,suppressed-by-design,false,,console-a,,,machine idle,');
  });

  it('writes a header-only CSV and an empty JSON array for an empty journal', async () => {
    expect(await exported('csv')).toEqual({ text: `${HEADER}\r\n`, rows: 0 });
    expect(JSON.parse((await exported('json')).text)).toEqual([]);
    drive();
    expect(await exported('csv', { from: T0 + 60_000 })).toEqual({ text: `${HEADER}\r\n`, rows: 0 });
  });

  it('streams a large journal page by page, in recorded order', async () => {
    const insert = db.prepare(
      `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, console, note, message, recorded_at)
       VALUES (?, 'a', 'm', 'limit', 's', 'low', ?, ?, 'normal', 'normal', 0, NULL, 'c', NULL, 'msg', 0)`,
    );
    // event time going backwards (another console's late actions): the export keeps the recorded order
    db.transaction(() => {
      for (let i = 0; i < 4500; i++) insert.run(`e${i}`, T0 - i, i % 2 ? 'clear' : 'activate');
    })();
    const progress: number[] = [];
    const { text, rows } = await exported('csv', { onProgress: (n) => progress.push(n) });
    expect(rows).toBe(4500);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4501);
    expect(lines.slice(1).map((l) => l.split(',').at(-1))).toEqual(Array.from({ length: 4500 }, (_, i) => String(i + 1)));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(4500);
  });

  it('exports a journal written before it kept values, with the value columns empty', async () => {
    drive();
    db.exec('ALTER TABLE alarm_journal DROP COLUMN value; ALTER TABLE alarm_journal DROP COLUMN limit_value;');
    const [first] = JSON.parse((await exported('json')).text) as Record<string, unknown>[];
    expect(first).toMatchObject({ action: 'activate', value: null, limit: null, message: MSG1 });
  });
});

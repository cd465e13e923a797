/**
 * `factorybrain export alarm-events`, called in process through main(argv) on a data dir whose
 * store holds a few alarms driven through raise, acknowledge, shelve and clear.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { AlarmService } from '../alarms/alarm-service';
import { DATABASE_FILE } from '../store/database-file';
import { alarmStore } from '../alarms/alarm-store';
import { createAuditLog } from '../store/audit-log';
import { openDatabase } from '../store/open-database';
import { main } from './index';

const M = 'plant/machining/cnc1';
const ALARM = `limit:${M}:temperature:H`;
const T0 = Date.UTC(2024, 5, 1, 8, 0, 0);
const HEADER = 'time,at,alarm_id,machine_id,source,sensor,priority,action,from_state,to_state,active,username,console,value,limit,note,message,event_id,seq';

const root = mkdtempSync(join(tmpdir(), 'fb-cli-events-'));
const dataDir = join(root, 'full');
const emptyDir = join(root, 'empty');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  for (const dir of [dataDir, emptyDir]) mkdirSync(dir);
  openDatabase(join(emptyDir, DATABASE_FILE)).close();
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    let clock = T0;
    let ids = 0;
    const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: () => clock, console: 'console-a', log: () => {}, newId: () => `e${++ids}` });
    const sam = { id: 1, username: 'sam' };
    alarms.setLimits(sam, M, [{ sensor: 'temperature', level: 'H', setpoint: 62, deadband: 1, onDelayMs: 0, offDelayMs: 0, reAlarmMs: 0, priority: 'high', latching: false, enabled: true }], []);
    const reading = (at: number, temperature: number) => {
      clock = at;
      alarms.reading({ machineId: M, ts: at, metrics: { temperature }, receivedAt: at });
    };
    reading(T0 + 1_000, 64); // raise
    clock = T0 + 2_000;
    alarms.ack(sam, ALARM, 'seen');
    clock = T0 + 3_000;
    alarms.shelve(sam, ALARM, 'chattering', 60);
    reading(T0 + 4_000, 55); // clear while shelved
  } finally {
    db.close();
  }
});

let error: MockInstance<typeof console.error>;
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  error = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const printed = (spy: MockInstance<(...args: unknown[]) => void>) => spy.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
const iso = (ms: number) => new Date(ms).toISOString();

describe('export alarm-events', () => {
  it('writes one CSV row per journal event: raise, ack, shelve, clear', async () => {
    const out = join(root, 'events.csv');
    expect(await main(['export', 'alarm-events', '--out', out, '--data-dir', dataDir])).toBe(0);
    expect(printed(error)).toBe(`exported 4 alarm-events to ${out}`);
    const a = `${ALARM},${M},limit,temperature,high`;
    const msg = 'temperature high: 64 > 62';
    expect(readFileSync(out, 'utf8')).toBe(
      [
        HEADER,
        `${iso(T0 + 1_000)},${T0 + 1_000},${a},activate,normal,active-unacknowledged,true,,console-a,64,62,,${msg},e1,1`,
        `${iso(T0 + 2_000)},${T0 + 2_000},${a},ack,active-unacknowledged,active-acknowledged,true,sam,console-a,,,seen,${msg},e2,2`,
        `${iso(T0 + 3_000)},${T0 + 3_000},${a},shelve,active-acknowledged,shelved,true,sam,console-a,,,chattering,${msg},e3,3`,
        `${iso(T0 + 4_000)},${T0 + 4_000},${a},clear,shelved,normal,false,,console-a,55,62,,${msg},e4,4`,
        '',
      ].join('\r\n'),
    );
  });

  it('writes JSON within --from/--to, given as ISO-8601 or epoch ms', async () => {
    const out = join(root, 'events.json');
    expect(await main(['export', 'alarm-events', '--format', 'json', '--out', out, '--from', iso(T0 + 2_000), '--to', String(T0 + 3_000), '--machine', M, '--data-dir', dataDir])).toBe(0);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
    expect(rows.map((r) => [r.action, r.username, r.note])).toEqual([
      ['ack', 'sam', 'seen'],
      ['shelve', 'sam', 'chattering'],
    ]);
  });

  it('writes a header-only CSV for an empty journal', async () => {
    const out = join(root, 'empty.csv');
    expect(await main(['export', 'alarm-events', '--out', out, '--data-dir', emptyDir])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${HEADER}\r\n`);
    expect(printed(error)).toBe(`exported 0 alarm-events to ${out}`);
  });

  it('is listed in the export help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['export', '--help'])).toBe(0);
    expect(printed(log)).toContain('<machines|readings|alarms|alarm-events|tickets|orders>');
  });

  it.each([
    [['export', 'alarm-event'], /^factorybrain export: name what to export: machines, readings, alarms, alarm-events, tickets, orders$/],
    [['export', 'alarm-events', '--format', 'xlsx'], /^factorybrain export: --format must be csv or json$/],
    [['export', 'alarm-events', '--from', 'last tuesday'], /^factorybrain export: --from last tuesday is neither epoch ms nor an ISO-8601 time$/],
    [['export', 'alarm-events', '--from', '2024-06-02T00:00:00Z', '--to', '2024-06-01T00:00:00Z'], /^factorybrain export: --from is after --to$/],
    [['export', 'alarm-events', '--since', '1'], /^factorybrain export: .*since/],
    [['export', 'alarm-events', '--data-dir', join(root, 'nowhere')], /^factorybrain export: no database at /],
  ])('%j exits 2 with a one-line message', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(error).toHaveBeenCalledTimes(1);
    const line = printed(error);
    expect(line).not.toContain('\n');
    expect(line).toMatch(message);
  });
});

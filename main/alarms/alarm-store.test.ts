import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmRow } from '../../test/support/alarm-row';
import { openDatabase, type Db } from '../store/open-database';
import { alarmStore, type StoredAlarm } from './alarm-store';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-alarm-store-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const journal = (eventId: string, machineId: string, at: number, action: string) =>
  db
    .prepare(
      `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, priority, at, action, from_state, to_state, active, console, message, recorded_at)
       VALUES (?, ?, ?, 'limit', 'high', ?, ?, 'NORM', 'UNACK', 1, 'c', 'm', ?)`,
    )
    .run(eventId, `${machineId}:t:H`, machineId, at, action, at);

describe('alarmStore.activationsByMachine', () => {
  it('counts activations per machine in (from, to], and no other journal action', () => {
    journal('e1', 'a', 100, 'activate');
    journal('e2', 'a', 150, 'activate');
    journal('e3', 'a', 160, 'acknowledge');
    journal('e4', 'b', 200, 'activate');
    journal('e5', 'b', 50, 'activate');
    const store = alarmStore(db, { append: () => {} });
    expect(store.activationsByMachine(50, 200)).toEqual({ a: 2, b: 1 });
    expect(store.activationsByMachine(200, 300)).toEqual({});
  });
});

describe('alarmStore rows', () => {
  const held: StoredAlarm = {
    ...alarmRow('limit:p1:pressure:L', { machineId: 'p1', sensor: 'pressure', level: 'L', state: 'suppressed-by-design', active: false, raisedAt: null, modeReason: 'machine idle', suppressedSince: 1_765_000_061_000, value: null, limit: 5 }),
    latching: false,
    suppressedByDesign: true,
    opAt: null,
    opEventId: null,
  };

  it('reads back since when an alarm is suppressed after a reopen, and its end when the suppression is lifted', () => {
    expect(alarmStore(db, { append: () => {} }).commit(held, null, null)).toBe(true);
    db.close();
    db = openDatabase(join(dir, 'store.db'));
    const store = alarmStore(db, { append: () => {} });
    expect(store.loadAll()).toEqual([held]);
    const lifted: StoredAlarm = { ...held, state: 'normal', modeReason: null, suppressedByDesign: false, suppressedSince: null };
    store.commit(lifted, null, null);
    expect(store.loadAll()).toEqual([lifted]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open-database';
import { alarmStore } from './alarm-store';

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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, MigrationError, migrate } from './migrations';
import { openDatabase } from './open-database';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fb-migrations-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('numbers migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('creates every table and is idempotent across reopenings', () => {
    const file = join(dir, 'a.db');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['agent_decisions', 'agent_messages', 'alarm_journal', 'alarm_limits', 'alarms', 'anomaly_events', 'audit', 'condition_labels', 'condition_models', 'kpi_hourly', 'machine_health', 'machine_states', 'machines', 'maintenance_tickets', 'metric_names', 'model_calibrations', 'model_outputs', 'parts', 'procurement_orders', 'quotes', 'reading_marks', 'readings', 'rollup_1h', 'rollup_1m', 'settings', 'shift_log', 'supplier_prices', 'suppliers', 'ticket_parts', 'users', 'voice_log']);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    expect(migrate(db)).toBe(LATEST_VERSION);
    db.close();
    const again = openDatabase(file);
    expect(again.prepare("SELECT value FROM settings WHERE key = 'k'").pluck().get()).toBe('1');
    again.close();
  });

  it('applies only pending migrations and rolls back a failing one with its version', () => {
    const db = openDatabase(join(dir, 'b.db'));
    const extra = [...MIGRATIONS, { version: LATEST_VERSION + 1, sql: 'CREATE TABLE extra (x); CREATE TABLE broken (' }];
    expect(() => migrate(db, extra)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get()).toBe(0);
    db.close();
  });

  it('gives an alarm suppressed before version 14 the time of its latest suppress in the journal', () => {
    const file = join(dir, 'v13.db');
    const old = new Database(file);
    expect(migrate(old, MIGRATIONS.filter((m) => m.version <= 13))).toBe(13);
    const alarm = old.prepare("INSERT INTO alarms (id, machine_id, source, priority, state, message, raised_at, suppressed_by_design) VALUES (?, 'p1', 'limit', 'medium', ?, 'm', 0, ?)");
    alarm.run('held', 'suppressed-by-design', 1);
    alarm.run('held-unjournalled', 'out-of-service', 1);
    alarm.run('armed', 'normal', 0);
    const entry = old.prepare(
      "INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, priority, at, action, from_state, to_state, active, console, message, recorded_at) VALUES (?, ?, 'p1', 'limit', 'medium', ?, ?, 'normal', 'suppressed-by-design', 0, 'c', 'm', ?)",
    );
    // Recorded in this order; the event times are not (an offline suppression carries this console's clock).
    entry.run('e1', 'held', 1000, 'suppress', 1000);
    entry.run('e2', 'held', 5000, 'unsuppress', 5000);
    entry.run('e3', 'held', 4000, 'suppress', 6000);
    entry.run('e4', 'armed', 2000, 'suppress', 2000);
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT id, suppressed_since AS since FROM alarms ORDER BY id').all()).toEqual([
      { id: 'armed', since: null },
      { id: 'held', since: 4000 },
      { id: 'held-unjournalled', since: null },
    ]);
    db.close();
  });

  it('refuses a database from a newer build', () => {
    const file = join(dir, 'c.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(MigrationError);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(tables).toEqual(['agent_decisions', 'agent_messages', 'alarm_journal', 'alarm_limits', 'alarms', 'anomaly_events', 'audit', 'condition_labels', 'condition_models', 'kpi_hourly', 'machine_health', 'machine_states', 'machines', 'maintenance_tickets', 'model_calibrations', 'model_outputs', 'parts', 'procurement_orders', 'quotes', 'reading_marks', 'readings', 'rollup_1h', 'rollup_1m', 'settings', 'shift_log', 'supplier_prices', 'suppliers', 'ticket_parts', 'users', 'voice_log']);
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

  it('refuses a database from a newer build', () => {
    const file = join(dir, 'c.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(MigrationError);
  });
});

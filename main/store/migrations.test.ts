import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, MigrationError, migrate } from './migrations';
import { moveReadingsToRowidTable } from './readings-layout';
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
    expect(tables).toEqual(['agent_decisions', 'agent_messages', 'alarm_journal', 'alarm_limits', 'alarms', 'anomaly_events', 'audit', 'condition_labels', 'condition_models', 'kpi_hourly', 'machine_health', 'machine_states', 'machines', 'maintenance_tickets', 'metric_names', 'model_calibrations', 'model_outputs', 'parts', 'procurement_orders', 'quotes', 'reading_marks', 'readings_recent', 'readings_stored', 'rollup_1h', 'rollup_1m', 'settings', 'shift_log', 'supplier_prices', 'suppliers', 'ticket_parts', 'users', 'voice_log']);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'").pluck().all()).toEqual(['readings']);
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

  it('moves every reading of a version 15 store into the rowid table, with the same values, and says how many', () => {
    const file = join(dir, 'v15.db');
    const old = new Database(file);
    expect(migrate(old, MIGRATIONS.filter((m) => m.version <= 15))).toBe(15);
    const insert = old.prepare('INSERT INTO readings (machine_id, ts, metrics) VALUES (?, ?, ?)');
    const rows: { machine_id: string; ts: number; metrics: string | Buffer }[] = [];
    // Several machines written interleaved in time, JSON text and packed bytes, a ts before 1970.
    for (let t = 0; t < 50; t++) {
      for (const machine of ['press-2', 'oven-1', 'press-10']) {
        const ts = 1_700_000_000_000 + t * 1000 - (t === 0 ? 1_800_000_000_000 : 0);
        const metrics = t % 2 === 0 ? JSON.stringify({ t: t + 0.5, m: machine }) : Buffer.from([2, t, 0, 255, machine.length]);
        insert.run(machine, ts, metrics);
        rows.push({ machine_id: machine, ts, metrics });
      }
    }
    old.close();
    const lines: string[] = [];
    const db = openDatabase(file, { log: (line) => lines.push(line) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const byKey = (a: { machine_id: string; ts: number }, b: { machine_id: string; ts: number }) => (a.machine_id < b.machine_id ? -1 : a.machine_id > b.machine_id ? 1 : a.ts - b.ts);
    expect(db.prepare('SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id, ts').all()).toEqual([...rows].sort(byKey));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^schema version 16: readings moved to a rowid table with a \(machine_id, ts\) index: 150 rows in \d+ ms$/);
    // a rowid table now (rowid is selectable), keyed by its unique index, under the view since version 17
    expect(db.prepare('SELECT count(rowid) FROM readings_stored').pluck().get()).toBe(150);
    expect(db.prepare('SELECT count(*) FROM readings_recent').pluck().get()).toBe(0);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT ts, metrics FROM readings WHERE machine_id = 'oven-1' AND ts >= 0 AND ts <= 1 ORDER BY ts").all() as { detail: string }[];
    // the view merges the index's ordered rows with the sorted recent ones, reading no more than the range
    expect(plan.map((p) => p.detail)).toContain('SEARCH readings_stored USING INDEX readings_machine_ts (machine_id=? AND ts>? AND ts<?)');
    expect(plan.map((p) => p.detail)).toContain('MERGE (UNION ALL)');
    db.close();
  });

  it('leaves a store too large to rewrite at start in the keyed layout, where the same queries still use the key', () => {
    const db = new Database(join(dir, 'large.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version <= 15));
    const insert = db.prepare('INSERT INTO readings (machine_id, ts, metrics) VALUES (?, ?, ?)');
    for (let t = 0; t < 150; t++) insert.run(`m${t % 3}`, t * 1000, '{"a":1}');
    expect(moveReadingsToRowidTable(db, 149)).toBe('readings kept in their keyed layout: more than 149 stored rows would hold the start for minutes');
    expect(() => db.prepare('SELECT count(rowid) FROM readings').get()).toThrow(/rowid/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT ts, metrics FROM readings WHERE machine_id = 'm1' AND ts >= 0 AND ts <= 1 ORDER BY ts").all() as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH readings USING PRIMARY KEY (machine_id=? AND ts>? AND ts<?)']);
    expect(moveReadingsToRowidTable(db, 150)).toBe('readings moved to a rowid table with a (machine_id, ts) index: 150 rows');
    expect(db.prepare('SELECT count(rowid) FROM readings').pluck().get()).toBe(150);
    db.close();
  });

  it('keeps one reading per (machine_id, ts): the writer\'s INSERT OR REPLACE replaces it, a plain INSERT is refused', () => {
    const db = openDatabase(join(dir, 'dup.db'));
    const replace = db.prepare('INSERT OR REPLACE INTO readings_stored (machine_id, ts, metrics) VALUES (?, ?, ?)');
    replace.run('m', 1000, '{"a":1}');
    replace.run('m', 1000, '{"a":2}');
    replace.run('n', 1000, '{"a":3}');
    expect(db.prepare('SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id').all()).toEqual([
      { machine_id: 'm', ts: 1000, metrics: '{"a":2}' },
      { machine_id: 'n', ts: 1000, metrics: '{"a":3}' },
    ]);
    expect(() => db.prepare("INSERT INTO readings_stored (machine_id, ts, metrics) VALUES ('m', 1000, '{}')").run()).toThrow(/UNIQUE/);
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

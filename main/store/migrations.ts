import type { Db } from './open-database';

export interface Migration {
  version: number;
  sql: string;
}

/**
 * Append only: a shipped migration is never edited, since plants upgrade from any earlier version.
 * readings has no foreign key to machines: the telemetry writer must never lose a reading because
 * discovery of its machine has not been committed yet.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE machines (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        site TEXT NOT NULL DEFAULT '',
        area TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL DEFAULT '',
        protocol TEXT NOT NULL CHECK (protocol IN ('json', 'sparkplug')),
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );

      CREATE TABLE readings (
        machine_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        PRIMARY KEY (machine_id, ts)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_1m (
        machine_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        avg REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (machine_id, sensor, bucket)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_1h (
        machine_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL,
        avg REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (machine_id, sensor, bucket)
      ) WITHOUT ROWID;

      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator', 'viewer')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER
      );

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id INTEGER,
        username TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_at ON audit (at);

      CREATE TABLE alarms (
        id TEXT PRIMARY KEY,
        machine_id TEXT NOT NULL,
        source TEXT NOT NULL,
        sensor TEXT,
        priority TEXT NOT NULL,
        state TEXT NOT NULL,
        message TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        cleared_at INTEGER,
        acked_at INTEGER,
        acked_by TEXT,
        note TEXT
      );
      CREATE INDEX alarms_raised_at ON alarms (raised_at);

      CREATE TABLE maintenance_tickets (
        id INTEGER PRIMARY KEY,
        machine_id TEXT,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        assignee TEXT,
        reporter TEXT,
        failure_type TEXT,
        repair_steps TEXT,
        cost_estimate REAL,
        actual_cost REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        closed_at INTEGER
      );

      CREATE TABLE procurement_orders (
        id INTEGER PRIMARY KEY,
        part TEXT NOT NULL,
        supplier TEXT,
        quantity REAL NOT NULL,
        unit_price REAL,
        status TEXT NOT NULL,
        machine_id TEXT,
        created_by TEXT,
        approved_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export class MigrationError extends Error {}

/** Applies pending migrations, each in its own transaction together with its user_version bump; returns the version reached. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    // Running older code on a newer schema would silently write rows the newer code misreads.
    throw new MigrationError(`database schema version ${current} is newer than this build supports (${latest})`);
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return Math.max(current, latest);
}

import { MIGRATIONS_V1_V6 } from './migrations-v1-v6';
import { MIGRATIONS_V7_ON } from './migrations-v7-on';
import type { Db } from './open-database';

export interface Migration {
  version: number;
  sql: string;
  /** Work on stored data, run in the migration's transaction after sql; returns what it did, for the log. */
  applied?: (db: Db) => string;
}

/**
 * Append only: a shipped migration is never edited, since plants upgrade from any earlier version.
 * readings has no foreign key to machines: the telemetry writer must never lose a reading because
 * discovery of its machine has not been committed yet.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS_V1_V6,
  ...MIGRATIONS_V7_ON,
];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export class MigrationError extends Error {}

/**
 * Applies pending migrations, each in its own transaction together with its user_version bump; returns
 * the version reached. `log` gets a line per migration that says what it did to stored data.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, log: (line: string) => void = () => {}): number {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    // Running older code on a newer schema would silently write rows the newer code misreads.
    throw new MigrationError(`database schema version ${current} is newer than this build supports (${latest})`);
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    const started = performance.now();
    const done = db
      .transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        return m.applied?.(db);
      })
      .immediate();
    if (done !== undefined) log(`schema version ${m.version}: ${done} in ${Math.round(performance.now() - started)} ms`);
  }
  return Math.max(current, latest);
}

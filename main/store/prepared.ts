import type { Statement } from 'better-sqlite3';
import type { Db } from './open-database';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** Repositories are plain functions; this keeps them from re-parsing their SQL on every call. */
export function prepared<P extends unknown[] | object = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let byDb = cache.get(db);
  if (!byDb) cache.set(db, (byDb = new Map()));
  let stmt = byDb.get(sql);
  if (!stmt) byDb.set(sql, (stmt = db.prepare(sql)));
  return stmt as unknown as Statement<P, R>;
}

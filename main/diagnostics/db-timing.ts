/**
 * Times every statement a better-sqlite3 connection runs, for the slow-query list: prepare() and
 * exec() are wrapped on the connection object, and run/get/all on each statement it prepares. It
 * must be applied before the connection's first prepare; statements prepared earlier stay untimed.
 * iterate() is left alone: its cost is spread over the caller's loop.
 */
import type { Db } from '../store/open-database';
import type { MonoMs } from '../../common/time';

export type QueryObserver = (sql: string, ms: number) => void;

const TIMED = ['run', 'get', 'all'] as const;

export function timeQueries(db: Db, observe: QueryObserver, monotonic: () => MonoMs = () => performance.now()): void {
  const timed = <A extends unknown[], R>(sql: string, fn: (...args: A) => R, self: unknown) =>
    function (...args: A): R {
      const t0 = monotonic();
      try {
        return fn.apply(self, args);
      } finally {
        observe(sql, monotonic() - t0);
      }
    };
  const prepare = db.prepare.bind(db);
  const exec = db.exec.bind(db);
  const wrappedPrepare = (sql: string) => {
    const stmt = prepare(sql) as unknown as Record<(typeof TIMED)[number], (...args: unknown[]) => unknown>;
    for (const name of TIMED) stmt[name] = timed(sql, stmt[name], stmt);
    return stmt;
  };
  (db as unknown as { prepare: typeof wrappedPrepare }).prepare = wrappedPrepare;
  db.exec = (sql: string) => {
    timed(sql, exec, db)(sql);
    return db;
  };
}

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { timeQueries } from './db-timing';
import { SlowQueryLog } from './slow-queries';

describe('timeQueries', () => {
  let db: Database.Database | null = null;
  afterEach(() => db?.close());

  it('times run, get, all and exec with their SQL, and lists only the slow ones, newest first', () => {
    db = new Database(':memory:');
    // Each statement takes as long as its own text says, on a clock the test moves.
    let clock = 0;
    let next = 0;
    const monotonic = () => (clock += next);
    const seen: [string, number][] = [];
    const slow = new SlowQueryLog(100, () => 1_700_000_000_000);
    timeQueries(db, (sql, ms) => {
      seen.push([sql, ms]);
      slow.observe('main', sql, ms);
    }, monotonic);

    // start and end are read `next` apart
    const at = (ms: number) => (next = ms);
    at(5);
    db.exec('CREATE TABLE t (x INTEGER)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    at(2);
    insert.run(1);
    at(150);
    insert.run(2);
    at(300);
    expect(db.prepare('SELECT   x\n  FROM t ORDER BY x').all()).toEqual([{ x: 1 }, { x: 2 }]);
    at(1);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });

    expect(seen).toEqual([
      ['CREATE TABLE t (x INTEGER)', 5],
      ['INSERT INTO t (x) VALUES (?)', 2],
      ['INSERT INTO t (x) VALUES (?)', 150],
      ['SELECT   x\n  FROM t ORDER BY x', 300],
      ['SELECT count(*) AS n FROM t', 1],
    ]);
    expect(slow.total).toBe(2);
    expect(slow.latest()).toEqual([
      { at: 1_700_000_000_000, ms: 300, connection: 'main', sql: 'SELECT x FROM t ORDER BY x' },
      { at: 1_700_000_000_000, ms: 150, connection: 'main', sql: 'INSERT INTO t (x) VALUES (?)' },
    ]);
  });

  it('still reports a statement that throws, and the error reaches the caller', () => {
    db = new Database(':memory:');
    const seen: string[] = [];
    timeQueries(db, (sql) => seen.push(sql));
    expect(() => db!.prepare('SELECT * FROM missing_table').all()).toThrow(/no such table/);
    // preparing failed, so there was no statement to time
    expect(seen).toEqual([]);
    db.exec('CREATE TABLE u (x INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO u (x) VALUES (1)');
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE/);
    expect(seen.filter((s) => s.startsWith('INSERT'))).toHaveLength(2);
  });
});

describe('SlowQueryLog', () => {
  it('keeps the newest few and cuts long SQL', () => {
    const log = new SlowQueryLog(10, () => 0, 3);
    for (let i = 0; i < 5; i++) log.observe('history', `SELECT ${i}`, 10 + i);
    log.observe('history', 'SELECT fast', 9);
    expect(log.total).toBe(5);
    expect(log.latest().map((q) => q.sql)).toEqual(['SELECT 4', 'SELECT 3', 'SELECT 2']);
    log.observe('main', `SELECT '${'x'.repeat(1000)}'`, 50);
    expect(log.latest()[0]!.sql).toHaveLength(301);
  });
});

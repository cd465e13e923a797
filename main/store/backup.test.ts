import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError, backupTo, restoreFrom } from './backup';
import { openDatabase, type Db } from './open-database';
import { TelemetrySink } from './telemetry-sink';

let dir: string;
let dbPath: string;
let db: Db;
const count = (d: Db, table: string) => d.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-backup-'));
  dbPath = join(dir, 'factorybrain.db');
  db = openDatabase(dbPath);
  const insert = db.prepare('INSERT INTO audit (at, action, outcome, detail) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i, 'auth.login', 'ok', JSON.stringify({ pad: 'x'.repeat(200) }));
  })();
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('backupTo', () => {
  it('writes a copy that opens and passes integrity_check, with no partial file left', async () => {
    const file = join(dir, 'b.db');
    const { bytes } = await backupTo(db, file);
    expect(bytes).toBeGreaterThan(100_000);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(copy, 'audit')).toBe(2000);
    copy.close();
  });

  it('finishes while another connection keeps committing', async () => {
    // Big enough that a few-pages-per-tick copy would be restarted by every commit and never end.
    const insert = db.prepare('INSERT INTO audit (at, action, outcome, detail) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(i, 'x', 'ok', 'y'.repeat(300));
    })();
    const writer = openDatabase(dbPath, { synchronous: 'NORMAL' });
    const sink = new TelemetrySink(writer, { retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 } });
    let t = Date.UTC(2024, 0, 1);
    const timer = setInterval(() => sink.write({ machineIds: ['m'], ts: [(t += 1000)], metrics: ['{"a":1}'] }), 1);
    try {
      await backupTo(db, join(dir, 'busy.db'));
    } finally {
      clearInterval(timer);
      writer.close();
    }
    const copy = new Database(join(dir, 'busy.db'), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });
});

describe('restoreFrom', () => {
  it('swaps in a good backup and keeps the previous database', async () => {
    const backup = join(dir, 'good.db');
    await backupTo(db, backup);
    db.prepare("INSERT INTO audit (at, action, outcome) VALUES (1, 'after-backup', 'ok')").run();
    db.close();
    // the rows above were inserted without the chain: restored knowingly
    const { previous } = restoreFrom(backup, dbPath, { now: Date.UTC(2024, 5, 1), allowUnverifiedAudit: true });
    expect(previous).toBe(`${dbPath}.before-restore-2024-06-01T00-00-00-000Z`);
    const restored = openDatabase(dbPath);
    expect(count(restored, 'audit')).toBe(2000);
    restored.close();
    const old = new Database(previous as string, { readonly: true });
    expect(count(old, 'audit')).toBe(2001);
    old.close();
  });

  it('refuses a corrupted file and leaves the live database untouched', async () => {
    const backup = join(dir, 'bad.db');
    await backupTo(db, backup);
    const bytes = readFileSync(backup);
    // Garbage over the middle pages: the header still says SQLite, the B-trees do not hold.
    bytes.fill(0x5a, 8192, bytes.length - 8192);
    writeFileSync(backup, bytes);
    db.close();
    const before = readFileSync(dbPath);
    expect(() => restoreFrom(backup, dbPath)).toThrow(IntegrityError);
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    expect(existsSync(dbPath)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('refuses a file that is not a database', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite'.repeat(500));
    db.close();
    expect(() => restoreFrom(junk, dbPath)).toThrow(IntegrityError);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAIN_CHECKPOINT_PAGES, openDatabase, WRITER_CHECKPOINT_PAGES } from './open-database';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fb-open-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('opens in WAL with the requested durability and foreign keys on', () => {
    const db = openDatabase(join(dir, 's.db'), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
    const fast = openDatabase(join(dir, 's.db'), { synchronous: 'NORMAL' });
    expect(fast.pragma('synchronous', { simple: true })).toBe(1);
    expect(fast.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    fast.close();
  });

  it('checkpoints the WAL at the page count asked, the main connection later than the writer', () => {
    const db = openDatabase(join(dir, 'c.db'), { checkpointPages: WRITER_CHECKPOINT_PAGES });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WRITER_CHECKPOINT_PAGES);
    db.close();
    expect(MAIN_CHECKPOINT_PAGES).toBeGreaterThan(WRITER_CHECKPOINT_PAGES);
  });

  it('reads through a read-only connection while a writer holds the file', () => {
    const file = join(dir, 'r.db');
    const writer = openDatabase(file);
    writer.prepare("INSERT INTO settings (key, value) VALUES ('a', '1')").run();
    const reader = openDatabase(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM settings').pluck().get()).toBe(1);
    expect(() => reader.prepare("INSERT INTO settings (key, value) VALUES ('b', '2')").run()).toThrow(/readonly/);
    reader.close();
    writer.close();
  });

  it('does not create a missing file when opening read-only', () => {
    expect(() => openDatabase(join(dir, 'missing.db'), { readonly: true })).toThrow();
  });
});

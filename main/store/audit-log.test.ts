import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/audit-port';
import { chainHash, createAuditLog } from './audit-log';
import { openDatabase, type Db } from './open-database';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-audit-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (i: number): AuditEntry => ({ at: 1000 + i, userId: 1, username: 'chief', action: 'alarms.ack', target: `alarm-${i}`, outcome: 'ok', detail: { note: `n${i}` } });

function filled(n: number) {
  const audit = createAuditLog(db);
  for (let i = 1; i <= n; i++) audit.append(entry(i));
  return audit;
}

/** What someone with the file and the sqlite3 shell could do: the triggers are no obstacle to them. */
const dropTriggers = () => db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');

describe('hash-chained audit log', () => {
  it('chains every row and verifies the whole log', () => {
    const audit = filled(5);
    const rows = audit.export({ limit: 100 });
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? ''))).toBe(true);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(5);
    expect(audit.verify()).toEqual({ ok: true, rows: 5, unchained: 0, firstBroken: null });
  });

  it('refuses UPDATE and DELETE on the audit table', () => {
    filled(2);
    expect(() => db.prepare("UPDATE audit SET outcome = 'denied' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
  });

  it('names the first changed row', () => {
    const audit = filled(6);
    dropTriggers();
    db.prepare(`UPDATE audit SET detail = '{"note":"forged"}' WHERE id = 4`).run();
    expect(audit.verify()).toMatchObject({ ok: false, firstBroken: { id: 4, reason: expect.stringMatching(/does not match/) } });
  });

  it('names a removed row, and a row inserted without the chain', () => {
    const audit = filled(5);
    dropTriggers();
    db.prepare('DELETE FROM audit WHERE id = 2').run();
    expect(audit.verify()).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'row 2 is missing' } });

    db.prepare('DELETE FROM audit WHERE id > 1').run();
    db.prepare("INSERT INTO audit (id, at, action, outcome) VALUES (2, 5, 'auth.login', 'ok')").run();
    expect(audit.verify()).toMatchObject({ ok: false, firstBroken: { id: 2, reason: expect.stringMatching(/no hash/) } });
  });

  it('detects a rewritten row even when its own hash was recomputed, from the next row on', () => {
    const audit = filled(4);
    dropTriggers();
    // Forging row 2 with a fresh valid hash still breaks row 3, whose hash covers row 2's old hash.
    db.prepare("UPDATE audit SET outcome = 'forbidden' WHERE id = 2").run();
    const r1 = db.prepare('SELECT hash FROM audit WHERE id = 1').pluck().get() as string;
    const row2 = db.prepare('SELECT id, at, user_id, username, action, target, outcome, detail FROM audit WHERE id = 2').get() as Parameters<typeof chainHash>[1];
    db.prepare('UPDATE audit SET hash = ? WHERE id = 2').run(chainHash(r1, row2));
    expect(audit.verify()).toMatchObject({ ok: false, firstBroken: { id: 3 } });
  });

  it('reads rows from before the chain existed but does not vouch for them: they fail verification', () => {
    db.prepare("INSERT INTO audit (at, action, outcome) VALUES (1, 'legacy', 'ok')").run();
    const audit = filled(2);
    expect(audit.verify()).toEqual({ ok: false, rows: 3, unchained: 1, firstBroken: { id: 1, reason: expect.stringMatching(/cannot be verified/) } });
  });

  it('joins the caller transaction, so a rolled-back action leaves no audit row and no gap', () => {
    const audit = createAuditLog(db);
    expect(() =>
      db.transaction(() => {
        audit.append(entry(1));
        throw new Error('the alarm transition failed');
      })(),
    ).toThrow();
    db.transaction(() => audit.append(entry(2)))();
    audit.append(entry(3));
    expect(audit.export({ limit: 10 }).map((r) => r.at)).toEqual([1002, 1003]);
    expect(audit.verify().ok).toBe(true);
  });

  it('exports oldest first, by id page and time range', () => {
    const audit = filled(5);
    expect(audit.export({ afterId: 2, limit: 2 }).map((r) => r.id)).toEqual([3, 4]);
    expect(audit.export({ from: 1002, to: 1003, limit: 10 }).map((r) => r.id)).toEqual([2, 3]);
    expect(audit.export({ limit: 1 })[0]).toMatchObject({ id: 1, username: 'chief', action: 'alarms.ack', target: 'alarm-1', detail: { note: 'n1' } });
  });
});

/**
 * Finding 6: whoever can write the database or a copied backup must not be able to rewrite the
 * audit log unseen. Attacks on the real store files: rehash every row, drop the newest rows, insert
 * unchained rows; restore and `audit verify` must refuse them.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHeadFile, backupTo, IntegrityError, restoreFrom } from '../../main/store/backup';
import { chainHash, createAuditLog, verifyAuditChain } from '../../main/store/audit-log';
import { AUDIT_KEY_FILE, loadOrCreateKey } from '../../main/store/key-file';
import { openDatabase, type Db } from '../../main/store/open-database';

let dir: string;
let db: Db;
let key: Buffer;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-sec-audit-'));
  db = openDatabase(join(dir, 'live.db'));
  key = loadOrCreateKey(join(dir, AUDIT_KEY_FILE), 'audit key', () => {}).key;
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const fill = (n: number) => {
  const audit = createAuditLog(db, key);
  for (let i = 0; i < n; i++) audit.append({ at: i, userId: 1, username: 'olga', action: 'alarms.ack', target: `a${i}`, outcome: 'ok', detail: { note: `n${i}` } });
  return audit;
};

/** The attacker's tool: the triggers off, then SQL on the file. */
function tamper(file: string, sql: (d: Database.Database) => void) {
  const d = new Database(file);
  d.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete');
  for (const t of d.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'").pluck().all() as string[]) d.exec(`DROP TRIGGER "${t}"`);
  sql(d);
  d.close();
}

describe('keyed audit chain (finding 6)', () => {
  it('detects a log rewritten and fully rehashed without the key, which the unkeyed chain could not', () => {
    fill(5);
    expect(statSync(join(dir, AUDIT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(verifyAuditChain(db, key)).toMatchObject({ ok: true, rows: 5 });
    db.close();
    // change row 2 and rehash the whole chain with the public algorithm, as the attack did before
    tamper(join(dir, 'live.db'), (d) => {
      d.prepare("UPDATE audit SET username = 'mallory' WHERE id = 2").run();
      let previous = '';
      for (const row of d.prepare('SELECT id, at, user_id, username, action, target, outcome, detail FROM audit ORDER BY id').all() as Parameters<typeof chainHash>[1][]) {
        previous = chainHash(previous, row);
        d.prepare('UPDATE audit SET hash = ? WHERE id = ?').run(previous, row.id);
      }
    });
    db = openDatabase(join(dir, 'live.db'));
    expect(verifyAuditChain(db, key)).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/rehashed without it/) } });
  });

  it('treats rows without a hash as a failure, not as intact', () => {
    fill(2);
    tamper(join(dir, 'live.db'), (d) => d.prepare("INSERT INTO audit (id, at, action, outcome) VALUES (0, 0, 'forged', 'ok')").run());
    expect(verifyAuditChain(db, key)).toMatchObject({ ok: false, unchained: 1 });
  });

  it('refuses to restore a backup whose newest audit rows were dropped, or whose chain was rehashed', async () => {
    fill(6);
    const backup = join(dir, 'backup.db');
    await backupTo(db, backup);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(statSync(auditHeadFile(backup)).mode & 0o777).toBe(0o600);
    db.close();
    const live = join(dir, 'live.db');

    // an untouched backup restores
    const good = join(dir, 'good.db');
    copyFileSync(backup, good);
    copyFileSync(auditHeadFile(backup), auditHeadFile(good));
    expect(restoreFrom(good, live, { auditKey: key }).previous).not.toBeNull();

    // the newest two rows dropped from a copy: the chain itself still verifies, the head does not
    const dropped = join(dir, 'dropped.db');
    copyFileSync(backup, dropped);
    copyFileSync(auditHeadFile(backup), auditHeadFile(dropped));
    tamper(dropped, (d) => d.prepare('DELETE FROM audit WHERE id > 4').run());
    expect(() => restoreFrom(dropped, live, { auditKey: key })).toThrow(/ends at row 4, but the backup was taken at row 6/);

    // the head file removed as well: refused unless the operator says otherwise
    rmSync(auditHeadFile(dropped));
    expect(() => restoreFrom(dropped, live, { auditKey: key })).toThrow(IntegrityError);

    // a backup restored elsewhere must be checked with this installation's key
    expect(() => restoreFrom(backup, live, { auditKey: Buffer.alloc(32, 9) })).toThrow(/key is not this log/);
  });
});

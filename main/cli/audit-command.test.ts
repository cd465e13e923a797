import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DATABASE_FILE } from '../store/database-file';
import { createAuditLog } from '../store/audit-log';
import { openDatabase } from '../store/open-database';
import { main } from './index';

const dir = mkdtempSync(join(tmpdir(), 'fb-audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('factorybrain audit', () => {
  it('verifies the chain, exports it with hashes, and names the first broken row', async () => {
    const db = openDatabase(join(dir, DATABASE_FILE));
    const audit = createAuditLog(db);
    for (let i = 1; i <= 4; i++) audit.append({ at: i, userId: 1, username: 'chief', action: 'alarms.ack', target: null, outcome: 'ok', detail: { i } });
    db.close();

    expect(await main(['audit', 'verify', '--data-dir', dir])).toBe(0);
    expect(log).toHaveBeenLastCalledWith('audit log intact: 4 rows');

    const out = join(dir, 'audit.jsonl');
    expect(await main(['audit', 'export', '--out', out, '--data-dir', dir])).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; hash: string });
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4]);
    expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);

    const tamper = openDatabase(join(dir, DATABASE_FILE));
    tamper.exec("DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'forbidden' WHERE id = 3;");
    tamper.close();
    expect(await main(['audit', 'verify', '--data-dir', dir])).toBe(3);
    expect(String(log.mock.lastCall?.[0])).toMatch(/^audit log BROKEN at row 3: /);

    expect(await main(['audit', 'frobnicate', '--data-dir', dir])).toBe(2);
  });
});

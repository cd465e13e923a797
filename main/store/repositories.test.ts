import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from './audit-log';
import { machineRepository } from './machines';
import { openDatabase, type Db } from './open-database';
import { settingsRepository } from './settings';
import { UsernameTakenError, userRepository } from './users';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-repos-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('machineRepository', () => {
  it('upserts without rewinding first/last seen and lists by id', () => {
    const repo = machineRepository(db);
    const m = { id: 'p1', name: 'Press 1', site: 's', area: 'a', type: 'press', protocol: 'json' as const, firstSeen: 100, lastSeen: 200 };
    repo.upsert([{ ...m, state: 'online', sensors: {} } as typeof m]);
    repo.upsert([{ ...m, name: 'Press One', firstSeen: 150, lastSeen: 150 }]);
    repo.upsert([{ ...m, id: 'a0', firstSeen: 1, lastSeen: 1 }]);
    expect(repo.list()).toEqual([
      { ...m, id: 'a0', firstSeen: 1, lastSeen: 1 },
      { ...m, name: 'Press One' },
    ]);
  });
});

describe('userRepository', () => {
  const alice = { username: 'alice', role: 'admin' as const, passwordHash: 'h', createdAt: 5 };

  it('creates, finds case-insensitively, counts, and refuses a taken name', () => {
    const users = userRepository(db);
    expect(users.count()).toBe(0);
    const created = users.create(alice);
    expect(created).toMatchObject({ username: 'alice', role: 'admin', disabled: false, failedLogins: 0, lockedUntil: null });
    expect(users.findByUsername('ALICE')?.id).toBe(created?.id);
    expect(users.findByUsername('bob')).toBeNull();
    expect(() => users.create({ ...alice, username: 'Alice' })).toThrow(UsernameTakenError);
    expect(users.count()).toBe(1);
  });

  it('creates the first administrator only while there is none', () => {
    const users = userRepository(db);
    expect(users.create(alice, true)).not.toBeNull();
    expect(users.create({ ...alice, username: 'mallory' }, true)).toBeNull();
    expect(users.count()).toBe(1);
  });

  it('counts failures, locks, and resets', () => {
    const users = userRepository(db);
    const id = users.create(alice)?.id as number;
    users.recordFailure(id, 3, 9999);
    users.recordFailure(id, 3, 9999);
    expect(users.findByUsername('alice')).toMatchObject({ failedLogins: 2, lockedUntil: null });
    users.recordFailure(id, 3, 9999);
    expect(users.findByUsername('alice')).toMatchObject({ failedLogins: 3, lockedUntil: 9999 });
    users.resetFailures(id);
    expect(users.findByUsername('alice')).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('only stores known roles', () => {
    expect(() => userRepository(db).create({ ...alice, role: 'root' as 'admin' })).toThrow(/CHECK/);
  });
});

describe('createAuditLog', () => {
  it('appends and lists newest first with filters and paging', () => {
    const audit = createAuditLog(db);
    for (let i = 0; i < 5; i++) {
      audit.append({ at: i, userId: i % 2, username: `u${i % 2}`, action: i === 2 ? 'auth.setup' : 'auth.login', target: null, outcome: 'ok', detail: { i } });
    }
    const all = audit.list({ limit: 10 });
    expect(all.map((e) => e.at)).toEqual([4, 3, 2, 1, 0]);
    expect(all[0]).toMatchObject({ userId: 0, username: 'u0', action: 'auth.login', outcome: 'ok', detail: { i: 4 } });
    expect(audit.list({ limit: 2, beforeId: all[1]?.id }).map((e) => e.at)).toEqual([2, 1]);
    expect(audit.list({ limit: 10, action: 'auth.setup' }).map((e) => e.at)).toEqual([2]);
    expect(audit.list({ limit: 10, userId: 1 }).map((e) => e.at)).toEqual([3, 1]);
  });
});

describe('settingsRepository', () => {
  it('round-trips JSON values and overwrites', () => {
    const settings = settingsRepository(db);
    expect(settings.get('voice')).toBeUndefined();
    settings.set('voice', { enabled: true, rate: 1.2 });
    settings.set('voice', { enabled: false });
    expect(settings.get('voice')).toEqual({ enabled: false });
    settings.delete('voice');
    expect(settings.get('voice')).toBeUndefined();
    expect(() => settings.set('f', () => 1)).toThrow(TypeError);
  });
});

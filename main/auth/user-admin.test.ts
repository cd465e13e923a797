import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open-database';
import { userRepository } from '../store/users';
import { createAuthService } from './auth-service';
import { SessionTable } from './sessions';
import { createUserAdmin } from './user-admin';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-users-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const sessions = new SessionTable(() => 1000);
  const users = userRepository(db);
  const auth = createAuthService({ users, sessions, now: () => 1000, scrypt: FAST });
  const admin = createUserAdmin({ users, sessions, now: () => 1000, scrypt: FAST });
  return { sessions, auth, admin };
}

describe('user administration', () => {
  it('creates accounts that can log in with their role, and refuses a taken name', async () => {
    const { auth, admin } = setup();
    await auth.setup('chief', 'a long password');
    const op = await admin.create('op1', 'operator password', 'operator');
    expect(op).toMatchObject({ username: 'op1', role: 'operator', disabled: false, lockedUntil: null });
    expect((await auth.login('op1', 'operator password')).user.role).toBe('operator');
    await expect(admin.create('OP1', 'another password', 'viewer')).rejects.toMatchObject({ code: 'conflict' });
    expect(admin.list().map((u) => u.username)).toEqual(['chief', 'op1']);
  });

  it('ends the sessions of an account whose role changes, is disabled or gets a new password', async () => {
    const { auth, admin, sessions } = setup();
    await auth.setup('chief', 'a long password');
    const op = await admin.create('op1', 'operator password', 'operator');

    let session = await auth.login('op1', 'operator password');
    expect(admin.setRole(op.id, 'viewer').role).toBe('viewer');
    expect(sessions.peek(session.token)).toBeNull();
    expect((await auth.login('op1', 'operator password')).user.role).toBe('viewer');

    session = await auth.login('op1', 'operator password');
    admin.setDisabled(op.id, true);
    expect(sessions.peek(session.token)).toBeNull();
    await expect(auth.login('op1', 'operator password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong username or password' });
    admin.setDisabled(op.id, false);

    await admin.resetPassword(op.id, 'a new password!');
    await expect(auth.login('op1', 'operator password')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await auth.login('op1', 'a new password!')).user.username).toBe('op1');
  });

  it('clears a lockout when the password is reset', async () => {
    const { auth, admin } = setup();
    await auth.setup('chief', 'a long password');
    const op = await admin.create('op1', 'operator password', 'operator');
    for (let i = 0; i < 5; i++) await expect(auth.login('op1', 'wrong')).rejects.toBeTruthy();
    expect(admin.list()[1]!.lockedUntil).not.toBeNull();
    expect((await admin.resetPassword(op.id, 'a new password!')).lockedUntil).toBeNull();
    expect((await auth.login('op1', 'a new password!')).user.username).toBe('op1');
  });

  it('never leaves the plant without an enabled administrator', async () => {
    const { auth, admin } = setup();
    const chief = (await auth.setup('chief', 'a long password')).user;
    expect(() => admin.setRole(chief.id, 'operator')).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => admin.setDisabled(chief.id, true)).toThrow(expect.objectContaining({ code: 'conflict' }));
    const second = await admin.create('deputy', 'deputy password', 'admin');
    expect(admin.setRole(chief.id, 'supervisor').role).toBe('supervisor');
    expect(() => admin.setDisabled(second.id, true)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => admin.setRole(999, 'viewer')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

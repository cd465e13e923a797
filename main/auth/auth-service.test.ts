import { describe, expect, it } from 'vitest';
import { createAuthService, type StoredUser, type UserStore } from './auth-service';
import { SessionTable } from './sessions';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

function memoryUsers(): UserStore {
  const users: StoredUser[] = [];
  return {
    count: () => users.length,
    create: (u, onlyIfEmpty) => {
      if (onlyIfEmpty && users.length > 0) return null;
      const user = { id: users.length + 1, username: u.username, role: u.role, passwordHash: u.passwordHash, disabled: false, failedLogins: 0, lockedUntil: null };
      users.push(user);
      return user;
    },
    findByUsername: (name) => users.find((u) => u.username.toLowerCase() === name.toLowerCase()) ?? null,
    recordFailure: (id, maxFailures, lockUntil) => {
      const u = users.find((x) => x.id === id)!;
      u.failedLogins++;
      if (u.failedLogins >= maxFailures) u.lockedUntil = lockUntil;
    },
    resetFailures: (id) => {
      const u = users.find((x) => x.id === id)!;
      u.failedLogins = 0;
      u.lockedUntil = null;
    },
  };
}

function setup() {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const sessions = new SessionTable(clock.now, 60_000);
  const auth = createAuthService({ users: memoryUsers(), sessions, now: clock.now, scrypt: FAST, maxFailures: 3, lockoutMs: 10 * 60_000 });
  return { auth, clock, sessions };
}

describe('auth service', () => {
  it('has no default account: setup is needed, and login fails before it', async () => {
    const { auth } = setup();
    expect(auth.needsSetup()).toBe(true);
    await expect(auth.login('admin', 'admin')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('creates the first administrator once, then refuses a second setup', async () => {
    const { auth } = setup();
    const session = await auth.setup('chief', 'a long password');
    expect(session.user).toMatchObject({ username: 'chief', role: 'admin' });
    expect(auth.needsSetup()).toBe(false);
    await expect(auth.setup('intruder', 'another password')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('locks an administrator out from the guessing address only, and other accounts as a whole', async () => {
    const users = memoryUsers();
    const sessions = new SessionTable(() => 0);
    const auth = createAuthService({ users, sessions, now: () => 0, scrypt: FAST, maxFailures: 3, lockoutMs: 60_000 });
    await auth.setup('chief', 'a long password');
    users.create({ username: 'olga', role: 'operator', passwordHash: users.findByUsername('chief')!.passwordHash, createdAt: 0 });
    for (let i = 0; i < 3; i++) {
      await expect(auth.login('chief', 'wrong guess', '10.0.0.66')).rejects.toMatchObject({ code: 'unauthenticated' });
      await expect(auth.login('olga', 'wrong guess', '10.0.0.66')).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    // the guesser is locked out, with the same answer as a wrong password
    await expect(auth.login('chief', 'a long password', '10.0.0.66')).rejects.toMatchObject({ code: 'unauthenticated' });
    // the control room is not
    expect((await auth.login('chief', 'a long password', '10.0.0.5')).user.username).toBe('chief');
    expect((await auth.login('chief', 'a long password')).user.username).toBe('chief');
    await expect(auth.login('olga', 'a long password', '10.0.0.5')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('asks a setup over the network for the one-time token, and the desktop window for none', async () => {
    const sessions = new SessionTable(() => 0);
    const networked = createAuthService({ users: memoryUsers(), sessions, now: () => 0, scrypt: FAST, setupToken: 'tok-abc' });
    expect(networked.setupTokenRequired({ network: true })).toBe(true);
    expect(networked.setupTokenRequired({ network: false })).toBe(false);
    await expect(networked.setup('mallory', 'a long password', { network: true })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(networked.setup('mallory', 'a long password', { network: true, token: 'tok-abd' })).rejects.toMatchObject({ code: 'forbidden', message: /wrong setup token/ });
    expect((await networked.setup('chief', 'a long password', { network: true, token: 'tok-abc' })).user.role).toBe('admin');
    expect(networked.setupTokenRequired({ network: true })).toBe(false);

    const desktop = createAuthService({ users: memoryUsers(), sessions, now: () => 0, scrypt: FAST, setupToken: 'tok-abc' });
    expect((await desktop.setup('chief', 'a long password', { network: false })).user.role).toBe('admin');
  });

  it('logs in with the right password, case-insensitive username, and refuses a wrong one', async () => {
    const { auth } = setup();
    await auth.setup('chief', 'a long password');
    expect((await auth.login('CHIEF', 'a long password')).user.username).toBe('chief');
    await expect(auth.login('chief', 'wrong password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong username or password' });
    await expect(auth.login('nobody', 'a long password')).rejects.toMatchObject({ message: 'wrong username or password' });
  });

  it('locks the account after repeated failures, even for the right password, until the lockout ends', async () => {
    const { auth, clock } = setup();
    await auth.setup('chief', 'a long password');
    for (let i = 0; i < 3; i++) await expect(auth.login('chief', 'nope')).rejects.toMatchObject({ code: 'unauthenticated' });
    // the same answer as a wrong password: a guesser cannot tell a locked account from a wrong guess
    await expect(auth.login('chief', 'a long password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong username or password' });
    clock.advance(10 * 60_000 + 1);
    expect((await auth.login('chief', 'a long password')).user.username).toBe('chief');
  });

  it('resumes a live session, ends it on logout and after the idle time', async () => {
    const { auth, clock } = setup();
    const { token } = await auth.setup('chief', 'a long password');
    expect(auth.resume(token).user.username).toBe('chief');
    clock.advance(60_001);
    expect(() => auth.resume(token)).toThrow(/expired/);
    const again = await auth.login('chief', 'a long password');
    auth.logout(again.token);
    expect(() => auth.resume(again.token)).toThrow(/expired/);
  });
});

describe('session lock', () => {
  function locking() {
    let now = 1_000_000;
    const clock = { now: () => now, advance: (ms: number) => (now += ms) };
    const sessions = new SessionTable(clock.now, 60_000, 5 * 60_000);
    const auth = createAuthService({ users: memoryUsers(), sessions, now: clock.now, scrypt: FAST, maxFailures: 3, lockoutMs: 10 * 60_000 });
    return { auth, clock, sessions };
  }

  it('locks after the idle time instead of ending, and stays alive for events while locked', async () => {
    const { auth, clock, sessions } = locking();
    const { token } = await auth.setup('chief', 'a long password');
    clock.advance(5 * 60_000 + 1);
    expect(sessions.peek(token)?.locked).toBe(true);
    // a day later the wallboard behind the lock still has its session
    clock.advance(24 * 3600_000);
    expect(sessions.peek(token)).toMatchObject({ locked: true, user: { username: 'chief' } });
    // calls while locked do not count as activity
    expect(sessions.touch(token)?.locked).toBe(true);
  });

  it('unlocks only with the right password, and counts failures toward the lockout', async () => {
    const { auth, sessions } = locking();
    const { token } = await auth.setup('chief', 'a long password');
    auth.lock(token);
    await expect(auth.unlock(token, 'wrong password')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(sessions.peek(token)?.locked).toBe(true);
    await auth.unlock(token, 'a long password');
    expect(sessions.peek(token)?.locked).toBe(false);

    auth.lock(token);
    for (let i = 0; i < 3; i++) await expect(auth.unlock(token, 'nope')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(auth.unlock(token, 'a long password')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(sessions.peek(token)?.locked).toBe(true);
  });

  it('ends a session maxAgeMs after its login, however active or locked it is', async () => {
    let now = 1_000_000;
    const sessions = new SessionTable(() => now, 60_000, 5 * 60_000, 12 * 3600_000);
    const auth = createAuthService({ users: memoryUsers(), sessions, now: () => now, scrypt: FAST });
    const { token } = await auth.setup('chief', 'a long password');
    for (let hour = 0; hour < 12; hour++) {
      now += 3600_000 - 1;
      expect(sessions.touch(token)).not.toBeNull(); // busy, not idle
    }
    now += 1000;
    expect(sessions.touch(token)).toBeNull();
    expect(() => auth.resume(token)).toThrow(/session expired/);

    const locked = (await auth.login('chief', 'a long password')).token;
    auth.lock(locked);
    now += 12 * 3600_000 + 1;
    expect(sessions.peek(locked)).toBeNull();
    await expect(auth.unlock(locked, 'a long password')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('refuses to unlock a session that was closed', async () => {
    const { auth } = locking();
    const { token } = await auth.setup('chief', 'a long password');
    auth.logout(token);
    await expect(auth.unlock(token, 'a long password')).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

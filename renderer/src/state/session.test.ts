import { describe, expect, it } from 'vitest';
import type { CallName } from '../../../common/contract';
import { CallError, type Caller } from '../transport/client';
import type { TokenStore } from '../transport/session-token';
import { createSessionStore } from './session';

const chief = { id: 1, username: 'chief', role: 'admin' } as const;

/** A host in memory with one session that can be locked. */
function host(options: { locked?: boolean; password?: string; sessionEnds?: boolean } = {}) {
  let locked = options.locked ?? false;
  let alive = true;
  const received: CallName[] = [];
  const call = (async (name: CallName, request: unknown) => {
    received.push(name);
    switch (name) {
      case 'auth.state':
        return { needsSetup: false, user: alive ? chief : null, locked };
      case 'auth.lock':
        locked = true;
        return { locked: true };
      case 'auth.unlock':
        if (options.sessionEnds) {
          alive = false;
          throw new CallError(name, 'unauthenticated', 'session expired; log in again');
        }
        if ((request as { password: string }).password !== (options.password ?? 'secret')) throw new CallError(name, 'unauthenticated', 'wrong username or password');
        locked = false;
        return { locked: false };
      case 'auth.logout':
        return { ok: true };
      default:
        throw new CallError(name, 'unknown_call', name);
    }
  }) as Caller;
  let token: string | null = 'tok';
  const tokens: TokenStore = { get: () => token, set: (t) => (token = t), clear: () => (token = null) };
  return { call, received, tokens, token: () => token, isLocked: () => locked };
}

describe('session lock', () => {
  it('starts locked when the host says the session is locked', async () => {
    const h = host({ locked: true });
    const store = createSessionStore(h.call, h.tokens);
    await store.getState().start();
    expect(store.getState()).toMatchObject({ status: 'locked', user: chief });
  });

  it('locks on the host and on screen, and unlocks with the right password only', async () => {
    const h = host();
    const store = createSessionStore(h.call, h.tokens);
    await store.getState().start();
    expect(store.getState().status).toBe('loggedIn');

    await store.getState().lock();
    expect(h.isLocked()).toBe(true);
    expect(store.getState().status).toBe('locked');

    await expect(store.getState().unlock('wrong')).rejects.toMatchObject({ code: 'unauthenticated' });
    // A wrong password keeps the session: still locked, same user, token kept.
    expect(store.getState()).toMatchObject({ status: 'locked', user: chief });
    expect(h.token()).toBe('tok');

    await store.getState().unlock('secret');
    expect(store.getState().status).toBe('loggedIn');
  });

  it('goes to the lock screen when a call is refused as locked, but never from the login form', async () => {
    const h = host();
    const store = createSessionStore(h.call, h.tokens);
    await store.getState().start();
    store.getState().lockedByHost();
    expect(store.getState().status).toBe('locked');

    await store.getState().logout();
    store.getState().lockedByHost();
    expect(store.getState().status).toBe('loggedOut');
  });

  it('ends at the login form when the session ended while locked', async () => {
    const h = host({ locked: true, sessionEnds: true });
    const store = createSessionStore(h.call, h.tokens);
    await store.getState().start();
    await expect(store.getState().unlock('secret')).rejects.toBeInstanceOf(CallError);
    expect(store.getState()).toMatchObject({ status: 'loggedOut', notice: expect.stringMatching(/session has ended/) });
    expect(h.token()).toBeNull();
  });
});

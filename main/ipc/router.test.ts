import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, calls } from '../../common/contract';
import { ROLES, roleAllows, type Role } from '../../common/roles';
import type { AuditEntry } from '../audit/audit-port';
import type { Session } from '../auth/sessions';
import { CallFailure } from './call-failure';
import { createRouter, type Handlers, type Connection } from './router';

/** Handlers that record that they ran; validity of their output is not the router's business. */
function recordingHandlers(ran: string[]): Handlers {
  return Object.fromEntries(CALL_NAMES.map((name) => [name, () => (ran.push(name), { ok: true })])) as unknown as Handlers;
}
/** A request each call's schema accepts. */
const validRequest: Record<string, unknown> = {
  'auth.setup': { username: 'admin', password: 'long enough password' },
  'auth.login': { username: 'admin', password: 'x' },
  'auth.resume': { token: 't' },
  'readings.history': { machineId: 'm', from: 0, to: 1000 },
};

function setup(role: Role | null) {
  const ran: string[] = [];
  const audit: AuditEntry[] = [];
  const session: Session | null = role ? { token: 'tok', user: { id: 1, username: 'u', role }, createdAt: 0, lastActive: 0 } : null;
  const dispatch = createRouter({
    handlers: recordingHandlers(ran),
    audit: { append: (e) => audit.push(e) },
    touchSession: (t) => (t === 'tok' ? session : null),
    now: () => 42,
  });
  const connection: Connection = { token: role ? 'tok' : null, transport: 'ws' };
  return { ran, audit, dispatch, connection };
}

describe('router: every contract call as every role', () => {
  for (const role of [null, ...ROLES]) {
    for (const name of CALL_NAMES) {
      const allowed = roleAllows(role, calls[name].permission);
      it(`${name} as ${role ?? 'anonymous'} is ${allowed ? 'allowed' : 'refused'}`, async () => {
        const { ran, dispatch, connection } = setup(role);
        const result = await dispatch(connection, name, validRequest[name] ?? {});
        if (allowed) {
          expect(result.ok).toBe(true);
          expect(ran).toEqual([name]);
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: role ? 'forbidden' : 'unauthenticated' } });
          expect(ran).toEqual([]);
        }
      });
    }
  }
});

describe('router checks', () => {
  it('refuses names outside the contract, including prototype keys', async () => {
    const { dispatch, connection } = setup('admin');
    for (const name of ['nope', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(connection, name, {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    }
  });

  it('rejects a malformed request with the schema message and runs nothing', async () => {
    const { ran, dispatch, connection } = setup('admin');
    const result = await dispatch(connection, 'readings.history', { machineId: 'm', from: 'yesterday', to: 5 });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(!result.ok && result.error.message).toContain('from');
    expect(ran).toEqual([]);
  });

  it('treats an expired session as anonymous and clears it from the connection', async () => {
    const { dispatch } = setup('admin');
    const connection: Connection = { token: 'stale-token', transport: 'ipc' };
    expect(await dispatch(connection, 'machines.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(connection.token).toBeNull();
  });

  it('audits audited calls with the outcome and without secrets', async () => {
    const { audit, dispatch, connection } = setup(null);
    await dispatch(connection, 'auth.login', { username: 'admin', password: 'secret-pass' });
    expect(audit).toEqual([{ at: 42, userId: null, username: null, action: 'auth.login', target: null, outcome: 'ok', detail: { username: 'admin', password: '***' } }]);
    expect(JSON.stringify(audit)).not.toContain('secret-pass');
  });

  it('turns a CallFailure into its code and an unexpected error into a generic internal error', async () => {
    const log = vi.fn();
    const handlers = {
      'machines.list': () => {
        throw new CallFailure('not_found', 'no such machine');
      },
      'health.get': () => {
        throw new TypeError('secret internals');
      },
    } as unknown as Handlers;
    const dispatch = createRouter({ handlers, audit: { append: () => {} }, touchSession: () => ({ token: 't', user: { id: 1, username: 'a', role: 'admin' }, createdAt: 0, lastActive: 0 }), now: () => 0, log });
    const connection: Connection = { token: 't', transport: 'ws' };
    expect(await dispatch(connection, 'machines.list', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'no such machine' } });
    const internal = await dispatch(connection, 'health.get', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret internals');
    expect(log).toHaveBeenCalled();
  });
});

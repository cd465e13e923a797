/**
 * Finding 8, accounts and sessions: the first administrator of a headless host cannot be claimed by
 * whoever reaches the page first (a one-time setup token printed at start), a session ends a fixed
 * time after its login even while locked, a guesser cannot lock an administrator out from other
 * addresses, and the last enabled administrator cannot be disabled or demoted. Through the real
 * runtime and the real headless host's WebSocket.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import type { Runtime } from '../../main/runtime';
import type { HeadlessHost } from '../../main/server/headless-host';
import { PASSWORD, tempDirs, uniqueName } from '../integration/support';
import { auditRows, startHostedRuntime, WsClient } from './support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-sec-accounts-');
let runtime: Runtime;
let host: HeadlessHost;
let dataDir: string;
let clock = Date.now();

const auditOf = (action: string) => auditRows(dataDir).filter((row) => row.action === action);
/** A browser of this test's host. */
const Client = { open: () => WsClient.open(host) };

beforeAll(async () => {
  dataDir = dirs.make();
  const site = uniqueName('a');
  const config = ConfigSchema.parse({ dataDir, broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`] }, store: { backupHourUtc: null }, alarms: { sync: false }, agents: { enabled: false } });
  ({ runtime, host } = await startHostedRuntime(config, { log: () => {}, now: () => clock, setupToken: true }));
}, 60_000);
afterAll(async () => {
  await host?.close();
  await runtime?.stop();
  dirs.cleanup();
});

describe('accounts and sessions (finding 8)', () => {
  it('lets nobody on the network claim the first administrator without the token printed at start', async () => {
    expect(runtime.setupToken).toMatch(/^[\w-]{24}$/);
    const attacker = await Client.open();
    expect(await attacker.call('auth.state', {})).toMatchObject({ ok: true, data: { needsSetup: true, setupTokenRequired: true } });
    const without = await attacker.call('auth.setup', { username: 'mallory', password: PASSWORD });
    expect(without).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/setup token printed/) } });
    const guessed = await attacker.call('auth.setup', { username: 'mallory', password: PASSWORD, setupToken: 'a'.repeat(24) });
    expect(guessed).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/wrong setup token/) } });
    expect(await attacker.call('auth.state', {})).toMatchObject({ ok: true, data: { needsSetup: true } });

    const admin = await Client.open();
    expect(await admin.call('auth.setup', { username: 'admin', password: PASSWORD, setupToken: runtime.setupToken })).toMatchObject({ ok: true, data: { user: { username: 'admin', role: 'admin' } } });
    // the token is spent, and never written to the audit log
    expect(await attacker.call('auth.setup', { username: 'mallory', password: PASSWORD, setupToken: runtime.setupToken })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const audited = auditOf('auth.setup');
    expect(audited.map((a) => a.outcome)).toEqual(['forbidden', 'forbidden', 'ok', 'conflict']);
    expect(audited.map((a) => a.detail).join('\n')).not.toContain(runtime.setupToken!);
    admin.ws.close();
    attacker.ws.close();
  });

  it('ends a session sessionMaxHours after its login, locked or not, and stops its events', async () => {
    const screen = await Client.open();
    const session = (await screen.call('auth.login', { username: 'admin', password: PASSWORD })) as { ok: true; data: { token: string } };
    expect(await screen.call('auth.lock', {})).toMatchObject({ ok: true });
    // a locked screen keeps receiving events: that is why it must not live for ever
    clock += 11 * 3600_000;
    expect(runtime.sessionLive(session.data.token)).toBe(true);
    clock += 1 * 3600_000 + 1000;
    expect(runtime.sessionLive(session.data.token)).toBe(false);
    expect(await screen.call('auth.unlock', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const other = await Client.open();
    expect(await other.call('auth.resume', { token: session.data.token })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const before = screen.events;
    await new Promise((r) => setTimeout(r, 2500)); // health is pushed every 2 s to live sessions
    expect(screen.events).toBe(before);
    screen.ws.close();
    other.ws.close();
  });

  it('lets a guesser on the network lock the administrator out from its own address only', async () => {
    const guesser = { token: null, transport: 'ws' as const, peer: '10.0.0.66' };
    // six at once: the lockout is at five
    await Promise.all(Array.from({ length: 6 }, () => runtime.dispatch({ ...guesser }, 'auth.login', { username: 'admin', password: 'wrong guess' })));
    const fromGuesser = await runtime.dispatch({ ...guesser }, 'auth.login', { username: 'admin', password: PASSWORD });
    expect(fromGuesser).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'wrong username or password' } });
    const controlRoom = await runtime.dispatch({ token: null, transport: 'ws', peer: '10.0.0.5' }, 'auth.login', { username: 'admin', password: PASSWORD });
    expect(controlRoom).toMatchObject({ ok: true, data: { user: { username: 'admin' } } });
    // through the real host the peer is the socket's address
    const local = await Client.open();
    expect(await local.call('auth.login', { username: 'admin', password: PASSWORD })).toMatchObject({ ok: true });
    local.ws.close();
  });

  it('refuses to disable or demote the last enabled administrator, with a clear error', async () => {
    const admin = await Client.open();
    const login = (await admin.call('auth.login', { username: 'admin', password: PASSWORD })) as { ok: true; data: { user: { id: number } } };
    const id = login.data.user.id;
    const lastAdmin = { ok: false, error: { code: 'conflict', message: expect.stringMatching(/last enabled administrator/) } };
    expect(await admin.call('users.disable', { id, disabled: true })).toMatchObject(lastAdmin);
    expect(await admin.call('users.update', { id, role: 'supervisor' })).toMatchObject(lastAdmin);
    expect(auditOf('users.disable').at(-1)?.outcome).toBe('conflict');
    // with a second enabled administrator the first may step down
    const second = (await admin.call('users.create', { username: 'admin2', password: PASSWORD, role: 'admin' })) as { ok: true; data: { id: number } };
    expect(await admin.call('users.disable', { id: second.data.id, disabled: true })).toMatchObject({ ok: true });
    expect(await admin.call('users.update', { id, role: 'supervisor' })).toMatchObject(lastAdmin);
    expect(await admin.call('users.disable', { id: second.data.id, disabled: false })).toMatchObject({ ok: true });
    expect(await admin.call('users.update', { id, role: 'supervisor' })).toMatchObject({ ok: true, data: { role: 'supervisor' } });
    admin.ws.close();
  });
});

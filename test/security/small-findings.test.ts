/**
 * Finding 8, the smaller ones done so far: file modes of the data directory and the database,
 * broker credentials kept out of health, connect-src 'self', an operator's voice test capped, and
 * `backup`/`export --out` refusing the live database and silent overwrites. Through the real
 * runtime on Debian mosquitto and the real CLI.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { main } from '../../main/cli/index';
import { startRuntime, type Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { CONTENT_SECURITY_POLICY } from '../../main/server/security-headers';
import { call, PASSWORD, setupAdmin, tempDirs, uniqueName, until } from '../integration/support';

const mosquitto = new URL(inject('mosquittoUrl'));
const dirs = tempDirs('fb-sec-small-');
let runtime: Runtime;
let dataDir: string;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  dataDir = join(dirs.make(), 'data');
  const site = uniqueName('s');
  // mosquitto in the tests lets anyone in, so a user and password in the URL are accepted and must not leak
  const url = `mqtt://plantuser:s3cret-pass@${mosquitto.host}`;
  runtime = await startRuntime(ConfigSchema.parse({ dataDir, broker: { url, topics: [`factory/${site}/+/+/telemetry`] }, store: { backupHourUtc: null }, alarms: { sync: false }, agents: { enabled: false } }), { log: () => {} });
  await until(() => runtime.health().broker.state === 'connected', 'connect');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('smaller findings (finding 8)', () => {
  it('keeps the data directory to its user (0700) and the database to 0600', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('shows the broker without the credentials its URL carries', () => {
    const health = runtime.health();
    expect(health.broker.url).toBe(`mqtt://${mosquitto.host}`);
    expect(JSON.stringify(health)).not.toContain('s3cret-pass');
  });

  it("lets the pages connect only to their own origin", () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/connect-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/connect-src[^;]*\bwss?:/);
  });

  it('speaks an operator’s voice test at medium priority at most; a supervisor’s as asked', async () => {
    const admin = await setupAdmin(runtime);
    await call(runtime, admin, 'users.create', { username: 'operator1', password: 'long enough password', role: 'operator' });
    const op = { token: null, transport: 'ws' as const };
    await call(runtime, op, 'auth.login', { username: 'operator1', password: 'long enough password' });
    const spoken: { kind: string; text?: string; priority?: string }[] = [];
    cleanups.push(runtime.subscribe((name, payload) => name === 'voice' && spoken.push(payload as (typeof spoken)[number])));
    await call(runtime, op, 'voice.test', { text: 'operator test', priority: 'critical' });
    await call(runtime, admin, 'voice.test', { text: 'admin test', priority: 'critical' });
    await until(() => spoken.filter((v) => v.kind === 'speak').length >= 2, 'both tests spoken', 20_000);
    expect(spoken.find((v) => v.text === 'operator test')?.priority).toBe('medium');
    expect(spoken.find((v) => v.text === 'admin test')?.priority).toBe('critical');
  });

  it('locks an account under concurrent wrong passwords, and answers locked and unknown accounts alike', { timeout: 120_000 }, async () => {
    const admin = { token: null, transport: 'ws' as const };
    await call(runtime, admin, 'auth.login', { username: 'admin', password: PASSWORD });
    await call(runtime, admin, 'users.create', { username: 'target1', password: 'long enough password', role: 'operator' });
    const guess = () => runtime.dispatch({ token: null, transport: 'ws' }, 'auth.login', { username: 'target1', password: 'wrong guess' });
    // six guesses at once (the lockout is at five): each used to read the same failure count, and none locked
    await Promise.all(Array.from({ length: 6 }, guess));
    const right = await runtime.dispatch({ token: null, transport: 'ws' }, 'auth.login', { username: 'target1', password: 'long enough password' });
    const unknown = await runtime.dispatch({ token: null, transport: 'ws' }, 'auth.login', { username: 'nobody-here', password: 'long enough password' });
    expect(right).toEqual(unknown);
    expect(right).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'wrong username or password' } });
  });

  it('refuses backup and export --out onto the live database, its WAL, or an existing file without --overwrite', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    cleanups.push(() => (err.mockRestore(), out.mockRestore()));
    const live = join(dataDir, DATABASE_FILE);
    const before = readFileSync(live).length;
    expect(await main(['backup', '--out', live, '--data-dir', dataDir])).toBe(2);
    expect(await main(['backup', '--out', `${live}-wal`, '--data-dir', dataDir])).toBe(2);
    expect(await main(['export', 'machines', '--out', live, '--data-dir', dataDir])).toBe(2);
    const existing = join(dirs.make(), 'report.csv');
    writeFileSync(existing, 'keep me');
    expect(await main(['export', 'machines', '--out', existing, '--data-dir', dataDir])).toBe(2);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(err.mock.calls.flat().join('\n')).toMatch(/is the live database[\s\S]*--overwrite/);
    expect(await main(['export', 'machines', '--out', existing, '--overwrite', '--data-dir', dataDir])).toBe(0);
    expect(readFileSync(existing, 'utf8')).not.toBe('keep me');
    expect(readFileSync(live).length).toBeGreaterThanOrEqual(before);
  });
});

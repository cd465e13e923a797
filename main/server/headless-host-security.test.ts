/** The headless host beyond loopback: TLS or an explicit opt-out, and password attempts limited per address. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CallResult, Health } from '../../common/contract';
import type { Connection } from '../ipc/router';
import { checkBind, InsecureBindError, startHeadlessHost } from './headless-host';

const dir = mkdtempSync(join(tmpdir(), 'fb-tls-'));
let cert: Buffer;
let key: Buffer;
beforeAll(() => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  key = readFileSync(join(dir, 'key.pem'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dispatched: string[] = [];
async function dispatch(_connection: Connection, name: unknown): Promise<CallResult<unknown>> {
  dispatched.push(String(name));
  return { ok: true, data: name };
}

function host(extra: Partial<Parameters<typeof startHeadlessHost>[0]> = {}) {
  return startHeadlessHost({
    host: '127.0.0.1',
    port: 0,
    staticDir: dir,
    dispatch,
    sessionLive: () => false,
    subscribe: () => () => {},
    health: () => ({ status: 'ok' }) as Health,
    log: () => {},
    ...extra,
  });
}

async function calls(url: string, names: string[], options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<CallResult<unknown>[]> {
  const ws = new WebSocket(url, options);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const results = new Map<number, CallResult<unknown>>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id: number; result: CallResult<unknown> };
    results.set(frame.id, frame.result);
  });
  names.forEach((call, id) => ws.send(JSON.stringify({ id, call, request: {} })));
  for (let i = 0; i < 400 && results.size < names.length; i++) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  return names.map((_, id) => results.get(id)!);
}

describe('binding beyond loopback', () => {
  it('refuses plain http beyond loopback unless explicitly accepted', () => {
    for (const h of ['0.0.0.0', '::', '', '192.168.1.20']) expect(() => checkBind({ host: h })).toThrow(InsecureBindError);
    expect(() => checkBind({ host: '0.0.0.0' })).toThrow(/server\.tls.*server\.insecure/);
    expect(() => checkBind({ host: '0.0.0.0', insecure: true })).not.toThrow();
    expect(() => checkBind({ host: '0.0.0.0', tls: { cert: 'c', key: 'k' } })).not.toThrow();
    for (const h of ['127.0.0.1', '127.0.1.1', 'localhost', '::1']) expect(() => checkBind({ host: h })).not.toThrow();
  });

  it('speaks https and wss with a certificate, and nothing in clear', async () => {
    const tlsHost = await host({ tls: { cert, key } });
    try {
      expect(tlsHost.url).toMatch(/^https:\/\//);
      const status = await new Promise<number>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: tlsHost.port, path: '/api/health', ca: cert }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject).end();
      });
      expect(status).toBe(200);
      expect(await calls(`wss://127.0.0.1:${tlsHost.port}/ws`, ['auth.state'], { ca: cert })).toEqual([{ ok: true, data: 'auth.state' }]);
      await expect(fetch(`http://127.0.0.1:${tlsHost.port}/api/health`)).rejects.toThrow();
    } finally {
      await tlsHost.close();
    }
  });
});

describe('password attempts per remote address', () => {
  it('answers rate_limited past the burst without reaching the router, and leaves other calls alone', async () => {
    const limited = await host({ loginLimit: { burst: 3, refillMs: 60_000 } });
    try {
      dispatched.length = 0;
      const results = await calls(`ws://127.0.0.1:${limited.port}/ws`, ['auth.login', 'auth.unlock', 'auth.setup', 'auth.login', 'auth.state', 'auth.login']);
      expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'ok', 'rate_limited']);
      expect(dispatched.filter((n) => n === 'auth.login')).toHaveLength(1);
      // a new socket from the same address shares the bucket
      expect((await calls(`ws://127.0.0.1:${limited.port}/ws`, ['auth.login']))[0]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    } finally {
      await limited.close();
    }
  });
});

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('unauthenticated health beyond loopback', () => {
  it.skipIf(!lanAddress)('serves /api/health to this machine only', async () => {
    const open = await host({ host: '0.0.0.0', insecure: true, allowedHosts: [lanAddress!] });
    try {
      expect((await fetch(`http://127.0.0.1:${open.port}/api/health`)).status).toBe(200);
      const remote = await fetch(`http://${lanAddress}:${open.port}/api/health`);
      expect(remote.status).toBe(403);
      expect(await remote.text()).toContain('health.get');
    } finally {
      await open.close();
    }
  });
});

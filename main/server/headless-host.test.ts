import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { CallResult, EventName, Health, WsServerFrame } from '../../common/contract';
import type { Connection } from '../ipc/router';
import { startHeadlessHost, type HeadlessHost } from './headless-host';
import { CONTENT_SECURITY_POLICY } from './security-headers';

const INDEX = '<!doctype html><title>FactoryBrain</title><div id="root"></div>';
const HEALTH: Health = {
  status: 'ok',
  uptimeS: 12,
  broker: { url: 'mqtt://127.0.0.1:1883', embedded: true, state: 'connected', lastError: null },
  simulator: { running: false, machines: 0 },
  machinesKnown: 3,
  readingsPerSecond: 10,
  quarantine: { total: 0, byReason: {} },
  store: { path: '/tmp/x.db', bytes: 1, pendingRows: 0, lastError: null },
  models: { state: 'not_loaded', detail: '' },
  versions: { app: '0.1.0' },
};

let base: string;
let host: HeadlessHost;
let origin: string;
const live = new Set<string>();
const seen: { connection: Connection; name: unknown; request: unknown }[] = [];
const logs: string[] = [];
let listener: ((name: EventName, payload: unknown) => void) | undefined;
const emit = (name: EventName, payload: unknown) => listener!(name, payload);

/** A fake router: `auth.login` binds the token named in the request to the socket's connection. */
async function dispatch(connection: Connection, name: unknown, request: unknown): Promise<CallResult<unknown>> {
  seen.push({ connection, name, request });
  if (name === 'auth.login') {
    connection.token = (request as { token: string }).token;
    return { ok: true, data: { token: connection.token } };
  }
  if (name === 'boom') throw new Error('store is gone');
  if (name === 'slow') await new Promise((r) => setTimeout(r, 50));
  return { ok: true, data: { name, token: connection.token } };
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'fb-host-'));
  const site = join(base, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), INDEX);
  writeFileSync(join(site, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(site, 'assets', 'app-1234.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  host = await startHeadlessHost({
    host: '127.0.0.1',
    port: 0,
    staticDir: site,
    dispatch,
    sessionLive: (token) => live.has(token),
    subscribe(l) {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    health: () => HEALTH,
    log: (m) => logs.push(m),
  });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  expect(listener).toBeUndefined(); // close() unsubscribes
  rmSync(base, { recursive: true, force: true });
});

/** A raw HTTP request, so that paths like /../x reach the server as written (fetch would normalize them). */
function get(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless host over HTTP', () => {
  it('serves the build with content types and security headers', async () => {
    for (const [path, type, body] of [
      ['/', 'text/html; charset=utf-8', INDEX],
      ['/index.html', 'text/html; charset=utf-8', INDEX],
      ['/assets/app-1234.js', 'text/javascript; charset=utf-8', 'console.log("app")'],
      ['/assets/app-1234.css', 'text/css; charset=utf-8', 'body{}'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.body, path).toBe(body);
      expect(res.headers['content-length'], path).toBe(String(Buffer.byteLength(body)));
      expect(res.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
    }
  });

  it('sends a CSP without eval, inline script or foreign origins', async () => {
    const csp = (await get('/')).headers['content-security-policy'] as string;
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    for (const [name, values] of directives) {
      if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
      expect(values.filter((v) => /^https?:/.test(v) || v === '*'), name).toEqual([]);
    }
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const path of ['/wallboard/north', '/wallboard/north?display=2', '/machines/press-01']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(res.body, path).toBe(INDEX);
    }
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/assets/app-1234.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength('console.log("app")')));
  });

  it('refuses path traversal, encoded or not, and NUL bytes', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/index.html%00', '/%00../secret.txt', '/%E0%A4%A']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('SECRET');
      expect(res.body, path).not.toContain('<title>FactoryBrain');
    }
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/', '/api/health']) {
        const res = await get(path, method);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers['allow'], `${method} ${path}`).toBe('GET, HEAD');
      }
    }
  });

  it('serves /api/health as JSON, uncached', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toEqual(HEALTH);
    expect((await get('/api/health?x=1')).status).toBe(200);
  });

  it('answers only to loopback host names, so a rebound DNS name cannot read it', async () => {
    expect((await get('/api/health', 'GET', { host: `localhost:${host.port}` })).status).toBe(200);
    expect((await get('/api/health', 'GET', { host: `[::1]:${host.port}` })).status).toBe(200);
    for (const name of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1.evil.example:${host.port}`]) {
      expect((await get('/api/health', 'GET', { host: name })).status, name).toBe(421);
    }
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers: { host: `evil.example:${host.port}` }, origin: `http://evil.example:${host.port}` });
    open.push(ws);
    ws.on('error', () => {});
    await expect(new Promise((resolve, reject) => {
      ws.once('open', () => reject(new Error('opened')));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    })).resolves.toBe(403);
  });

  it('answers unknown /api/* with a JSON 404, not the app page', async () => {
    for (const path of ['/api/', '/api/nope', '/api/health/extra']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toBe('application/json');
      expect(JSON.parse(res.body), path).toEqual({ error: 'not found' });
    }
  });
});

// ---- WebSocket ----

interface Client {
  ws: WebSocket;
  frames: WsServerFrame[];
  call(call: string, request?: unknown): Promise<CallResult<unknown>>;
  /** Frames received so far; a call round trip first, so that everything sent before it has arrived. */
  settle(): Promise<WsServerFrame[]>;
  closed: Promise<{ code: number; reason: string }>;
}
const open: WebSocket[] = [];
let nextId = 1;

function connect(opts: { origin?: string; path?: string } = {}): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/ws'}`, opts.origin === undefined ? {} : { origin: opts.origin });
  open.push(ws);
  const frames: WsServerFrame[] = [];
  const waiting = new Map<number, (r: CallResult<unknown>) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as WsServerFrame;
    if ('id' in frame) waiting.get(frame.id)?.(frame.result);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const client: Client = {
    ws,
    frames,
    closed,
    call(call, request = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, call, request }));
      });
    },
    async settle() {
      await client.call('ping');
      return frames;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
}

afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
  seen.length = 0;
  live.clear();
  vi.restoreAllMocks();
});

describe('headless host over WebSocket', () => {
  it('accepts its own origin and non-browser clients', async () => {
    await expect((await connect({ origin })).call('ping')).resolves.toMatchObject({ ok: true });
    await expect((await connect()).call('ping')).resolves.toMatchObject({ ok: true });
  });

  it('refuses another origin and other paths with 403', async () => {
    for (const o of ['http://evil.example', `http://localhost:${host.port}`, `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}.evil.example`, 'null', 'not a url']) {
      await expect(connect({ origin: o }), o).rejects.toMatchObject({ status: 403 });
    }
    await expect(connect({ origin, path: '/other' })).rejects.toMatchObject({ status: 403 });
    await expect(connect({ origin, path: '/ws?x=1' })).rejects.toMatchObject({ status: 403 });
    expect(seen).toEqual([]);
  });

  it('closes with 1003 on frames that are not JSON calls', async () => {
    for (const bad of ['not json', '{"id":1}', '{"id":-1,"call":"ping","request":{}}', '{"id":"1","call":"ping"}', '[]', 'null', JSON.stringify({ id: 1, call: 'x'.repeat(65), request: {} })]) {
      const client = await connect({ origin });
      client.ws.send(bad);
      await expect(client.closed, bad).resolves.toMatchObject({ code: 1003 });
    }
    const binary = await connect({ origin });
    binary.ws.send(Buffer.from(JSON.stringify({ id: 1, call: 'ping', request: {} })));
    await expect(binary.closed).resolves.toMatchObject({ code: 1003 });
    expect(seen).toEqual([]);
  });

  it('closes on frames over the size limit', async () => {
    const client = await connect({ origin });
    client.ws.send(JSON.stringify({ id: 1, call: 'ping', request: { blob: 'x'.repeat(1024 * 1024 + 1) } }));
    await expect(client.closed).resolves.toMatchObject({ code: 1009 });
    expect(seen).toEqual([]);
  });

  it('dispatches calls with one connection per socket and answers by id', async () => {
    const a = await connect({ origin });
    const b = await connect({ origin });
    await expect(a.call('auth.login', { token: 'tok-a' })).resolves.toEqual({ ok: true, data: { token: 'tok-a' } });
    await expect(a.call('machines.list', { q: 1 })).resolves.toEqual({ ok: true, data: { name: 'machines.list', token: 'tok-a' } });
    await expect(b.call('machines.list')).resolves.toEqual({ ok: true, data: { name: 'machines.list', token: null } });
    expect(seen.map((s) => [s.name, s.request])).toEqual([
      ['auth.login', { token: 'tok-a' }],
      ['machines.list', { q: 1 }],
      ['machines.list', {}],
    ]);
    expect(seen[0]!.connection).toBe(seen[1]!.connection);
    expect(seen[2]!.connection).not.toBe(seen[0]!.connection);
    // the peer is the socket's address: an administrator's failed logins lock per address
    expect(seen[2]!.connection).toEqual({ token: null, transport: 'ws', peer: expect.stringMatching(/127\.0\.0\.1$/) });
    expect(seen[0]!.connection.transport).toBe('ws');
  });

  it('answers concurrent calls by their own ids', async () => {
    const a = await connect({ origin });
    const [slow, fast] = await Promise.all([a.call('slow'), a.call('fast')]);
    expect(slow).toMatchObject({ data: { name: 'slow' } });
    expect(fast).toMatchObject({ data: { name: 'fast' } });
  });

  it('answers a call whose dispatch throws with an internal error and keeps serving', async () => {
    const a = await connect({ origin });
    await expect(a.call('boom')).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    await expect(a.call('ping')).resolves.toMatchObject({ ok: true });
    expect(logs.some((l) => l.includes('store is gone'))).toBe(true);
  });

  it('pushes events only to sockets whose session is live', async () => {
    const liveClient = await connect({ origin });
    const revoked = await connect({ origin });
    const anonymous = await connect({ origin });
    await liveClient.call('auth.login', { token: 'tok-live' });
    await revoked.call('auth.login', { token: 'tok-revoked' });
    live.add('tok-live');
    const payload = { readings: [{ machineId: 'm1', ts: 1, metrics: { t: 20 } }] };
    emit('telemetry', payload);
    emit('machines', { machines: [] });
    expect(await liveClient.settle()).toEqual([
      { event: 'telemetry', payload },
      { event: 'machines', payload: { machines: [] } },
    ]);
    expect(await revoked.settle()).toEqual([]);
    expect(await anonymous.settle()).toEqual([]);

    // A session that ends stops the pushes without closing the socket.
    live.delete('tok-live');
    emit('telemetry', payload);
    expect(await liveClient.settle()).toHaveLength(2);
  });

  it('skips telemetry, but not other events, for a socket that cannot keep up', async () => {
    const slow = await connect({ origin });
    const fast = await connect({ origin });
    await slow.call('auth.login', { token: 'tok-slow' });
    await fast.call('auth.login', { token: 'tok-fast' });
    live.add('tok-slow').add('tok-fast');
    const slowPort = (slow.ws as unknown as { _socket: { localPort: number } })._socket.localPort;
    // The server side of the slow client reports a backlog over the limit (4 MiB).
    vi.spyOn(WebSocket.prototype, 'bufferedAmount', 'get').mockImplementation(function (this: WebSocket) {
      const socket = (this as unknown as { _socket?: { remotePort?: number } })._socket;
      return socket?.remotePort === slowPort ? 5 * 1024 * 1024 : 0;
    });
    emit('telemetry', { readings: [] });
    emit('machines', { machines: [] });
    vi.restoreAllMocks();
    expect((await slow.settle()).map((f) => 'event' in f && f.event)).toEqual(['machines']);
    expect((await fast.settle()).map((f) => 'event' in f && f.event)).toEqual(['telemetry', 'machines']);
  });

  it('stops sending telemetry to a socket with a real backlog, and still delivers the rest', async () => {
    const client = await connect({ origin });
    await client.call('auth.login', { token: 'tok-backlog' });
    live.add('tok-backlog');
    // The client shares this event loop, so it reads nothing while the burst is written.
    const chunk = { readings: [{ machineId: 'm', ts: 1, metrics: {} }], pad: 'x'.repeat(1024 * 1024) };
    const sent = 48;
    for (let i = 0; i < sent; i++) emit('telemetry', chunk);
    emit('machines', { machines: [] });
    const frames = await client.settle();
    const telemetry = frames.filter((f) => 'event' in f && f.event === 'telemetry').length;
    expect(telemetry).toBeGreaterThan(0);
    expect(telemetry).toBeLessThan(sent);
    expect(frames.at(-1)).toEqual({ event: 'machines', payload: { machines: [] } });
  });

  it('terminates its sockets on close', async () => {
    // A second host, so that the shared one stays up for the other tests.
    const other = await startHeadlessHost({
      host: '127.0.0.1',
      port: 0,
      staticDir: join(base, 'site'),
      dispatch,
      sessionLive: () => true,
      subscribe: () => () => {},
      health: () => HEALTH,
      log: () => {},
    });
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}/ws`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await other.close();
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });
});

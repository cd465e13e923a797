/**
 * The headless host: the renderer build over HTTP and the contract over one WebSocket per page.
 * It carries the same router as Electron IPC, so login, roles and audit are the same on both hosts.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConfigError } from '../config';
import { WsClientFrameSchema, type EventName, type Health, type WsServerFrame } from '../../common/contract';
import type { Connection, Dispatch } from '../ipc/router';
import { TokenBuckets } from './rate-limit';
import { SECURITY_HEADERS } from './security-headers';
import { readStatic } from './static-files';

export interface HeadlessHostOptions {
  host: string;
  port: number;
  /** Host names (besides loopback and the bound address) that browsers may use to reach us. */
  allowedHosts?: readonly string[];
  /** Folder of the renderer build (index.html and assets). */
  staticDir: string;
  dispatch: Dispatch;
  /** Whether the token still names a live session (checked before pushing events). */
  sessionLive(token: string): boolean;
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
  health(): Health;
  log(message: string): void;
  /** PEM certificate and key: the host then speaks https and wss only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve plain http beyond loopback anyway: passwords and session tokens cross the network in clear. */
  insecure?: boolean;
  /** Password attempts (login, setup, unlock) per remote address: a burst, then one per refillMs. */
  loginLimit?: { burst: number; refillMs: number };
}

/** A configuration mistake: the CLI reports it as one line, like any other. */
export class InsecureBindError extends ConfigError {}

/** Refuses a bind beyond loopback without TLS unless plain http was explicitly accepted. */
export function checkBind(opts: Pick<HeadlessHostOptions, 'host' | 'tls' | 'insecure'>): void {
  if (!isLoopback(opts.host) && !opts.tls && !opts.insecure) {
    throw new InsecureBindError(
      `refusing to serve on ${opts.host || 'every interface'} without TLS: set server.tls (certFile, keyFile), or server.insecure: true to accept passwords in clear on the network`,
    );
  }
}

/** A page that cannot keep up is skipped for telemetry rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const MAX_FRAME_BYTES = 1024 * 1024;
/** Before login a frame is a login, setup or state call: a few hundred bytes. */
const PRE_LOGIN_FRAME_BYTES = 16 * 1024;
/** Calls one connection may make: a burst (a screen opening loads several), then this many a second. */
const CALL_BURST = 200;
const CALLS_PER_SECOND = 50;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const PASSWORD_CALLS = new Set(['auth.login', 'auth.setup', 'auth.unlock']);

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const WILDCARDS = ['0.0.0.0', '::', ''];
const isLoopbackPeer = (address: string | undefined) => address !== undefined && isLoopback(address.replace(/^::ffff:/, ''));

/**
 * A Host header we answer to. Without this check a page on any site could rebind its name to
 * 127.0.0.1 and read the host through the user's browser (DNS rebinding): Origin and Host would match.
 */
function hostAllowed(host: string | undefined, names: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return names.has(name.toLowerCase());
}

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser: no page can be riding on the user's session
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function startHeadlessHost(opts: HeadlessHostOptions) {
  checkBind(opts);
  const loginBuckets = new TokenBuckets(opts.loginLimit?.burst ?? 10, opts.loginLimit?.refillMs ?? 6_000);
  const bound = WILDCARDS.includes(opts.host) ? [] : [opts.host.includes(':') ? `[${opts.host}]` : opts.host];
  const allowedNames = new Set([...LOOPBACK_NAMES, ...bound, ...(opts.allowedHosts ?? [])].map((n) => n.toLowerCase()));
  const onRequest = (req: IncomingMessage, res: ServerResponse) =>
    void handleHttp(req, res).catch((err) => {
      opts.log(`http ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, onRequest) : createHttpServer(onRequest);

  async function handleHttp(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!hostAllowed(req.headers.host, allowedNames)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('unknown host name; add it to server.allowedHosts');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/api/health') {
      // Unauthenticated, so for monitoring on this machine only: it names paths, the broker and versions.
      if (!isLoopbackPeer(req.socket.remoteAddress)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('health is served to this machine only; log in and call health.get');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS }).end(JSON.stringify(opts.health()));
      return;
    }
    if (path.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const file = await readStatic(opts.staticDir, path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`renderer build not found in ${opts.staticDir}; run npm run build:renderer`);
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Map<WebSocket, Connection>();

  server.on('upgrade', (req, socket, head) => {
    // A page on another origin must not drive the control room through the user's browser.
    if (req.url !== '/ws' || !hostAllowed(req.headers.host, allowedNames) || !sameOrigin(req.headers.origin, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, req.socket.remoteAddress ?? 'unknown'));
  });

  /**
   * Answers one call. A result that cannot be serialised or sent (too large for a string, a value
   * JSON cannot write) becomes that call's error: it must never escape as a rejection.
   */
  function send(ws: WebSocket, frame: WsServerFrame) {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (err) {
      opts.log(`websocket: answer to call ${'id' in frame ? frame.id : '?'} not sent: ${(err as Error).message}`);
      if (!('id' in frame)) return;
      text = JSON.stringify({ id: frame.id, result: { ok: false, error: { code: 'internal', message: 'the answer could not be sent; ask for less' } } } satisfies WsServerFrame);
    }
    try {
      ws.send(text);
    } catch (err) {
      opts.log(`websocket: send failed: ${(err as Error).message}`);
    }
  }

  function attach(ws: WebSocket, remoteAddress: string) {
    const connection: Connection = { token: null, transport: 'ws', peer: remoteAddress };
    // One bucket per connection: a page cannot make the router (and its audit log) work without bound.
    const calls = new TokenBuckets(CALL_BURST, 1000 / CALLS_PER_SECOND);
    clients.set(ws, connection);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', (err) => opts.log(`websocket: ${err.message}`));
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
      if (!connection.token && bytes > PRE_LOGIN_FRAME_BYTES) {
        ws.close(1009, `frames before login are at most ${PRE_LOGIN_FRAME_BYTES} bytes`);
        return;
      }
      let frame;
      try {
        frame = isBinary ? null : WsClientFrameSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        frame = null;
      }
      if (!frame?.success) {
        ws.close(1003, 'frames must be JSON {id, call, request}');
        return;
      }
      const { id, call, request } = frame.data;
      if (!calls.take('')) {
        send(ws, { id, result: { ok: false, error: { code: 'rate_limited', message: `more than ${CALLS_PER_SECOND} calls a second on this connection; slow down` } } });
        return;
      }
      if (PASSWORD_CALLS.has(call) && !loginBuckets.take(remoteAddress)) {
        send(ws, { id, result: { ok: false, error: { code: 'rate_limited', message: 'too many password attempts from this address; wait a few seconds' } } });
        return;
      }
      // A rejected dispatch must answer the call, not become an unhandled rejection that stops the process.
      void opts.dispatch(connection, call, request).then(
        (result) => send(ws, { id, result }),
        (err: unknown) => {
          opts.log(`call ${call}: ${(err as Error).message}`);
          send(ws, { id, result: { ok: false, error: { code: 'internal', message: `${call} failed inside the application; see the log` } } });
        },
      );
    });
  }

  const unsubscribe = opts.subscribe((event, payload) => {
    let text: string | undefined;
    for (const [ws, connection] of clients) {
      if (!connection.token || !opts.sessionLive(connection.token)) continue;
      if (event === 'telemetry' && ws.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      try {
        text ??= JSON.stringify({ event, payload } satisfies WsServerFrame);
        if (ws.readyState === ws.OPEN) ws.send(text);
      } catch (err) {
        opts.log(`websocket: event ${event} not sent: ${(err as Error).message}`);
        return;
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    port,
    url: `${opts.tls ? 'https' : 'http'}://${shownHost}:${port}/`,
    async close() {
      unsubscribe();
      for (const ws of clients.keys()) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type HeadlessHost = Awaited<ReturnType<typeof startHeadlessHost>>;

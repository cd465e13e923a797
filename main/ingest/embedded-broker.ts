/**
 * The in-process MQTT broker the app runs when no plant broker is configured (and tests use).
 *
 * Anyone on this machine can reach its loopback port, so it authenticates its peers: the app's own
 * clients log in with a password made at each start and may use every topic; everyone else may
 * only do what a device does (publish telemetry, meta and Sparkplug data, read commands), or
 * nothing at all when anonymous devices are turned off. Alarm state and machine commands are
 * therefore out of reach of other local processes. Every connection is cut as soon as it announces
 * a packet beyond the size limit, before the broker buffers it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { guardPacketSize } from './packet-size-guard';

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** The app's own clients log in with these. */
  credentials: { username: string; password: string };
  /** Publishes and subscriptions refused, and connections cut for size, since start. */
  refused: { connect: number; publish: number; subscribe: number; oversize: number };
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  /** Largest MQTT packet accepted from a client, bytes. */
  maxPacketBytes?: number;
  /** Whether clients without the app's credentials may publish device data (simulators, replays, test rigs). */
  anonymousDevices?: boolean;
  /** The app's password; a fresh random one when not given (a restarted broker in tests keeps its clients). */
  password?: string;
}

const APP_USER = 'factorybrain-app';
const DEFAULT_MAX_PACKET = 256 * 1024 + 1024;

/** Topics a device may publish: JSON telemetry and meta, and Sparkplug births, data and deaths. */
export function devicePublishAllowed(topic: string): boolean {
  const p = topic.split('/');
  if (p[0] === 'factory') return p.length === 5 && (p[4] === 'telemetry' || p[4] === 'meta') && p.slice(1, 4).every((s) => s.length > 0);
  if (p[0] === 'spBv1.0') {
    if (p[1] === 'STATE') return false;
    return (p.length === 4 || p.length === 5) && ['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'].includes(p[2]!) && p.every((s) => s.length > 0);
  }
  return false;
}

/** Subscriptions a device may hold: its commands (JSON and Sparkplug), never the consoles' own topics. */
export function deviceSubscribeAllowed(filter: string): boolean {
  const p = filter.split('/');
  if (p[0] === 'factory') return p.length === 5 && p[4] === 'command';
  if (p[0] === 'spBv1.0') return p.length >= 4 && (p[2] === 'NCMD' || p[2] === 'DCMD');
  return false;
}

const sameSecret = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const maxPacket = options.maxPacketBytes ?? DEFAULT_MAX_PACKET;
  const anonymousDevices = options.anonymousDevices ?? true;
  const password = options.password ?? randomBytes(24).toString('base64url');
  const secret = Buffer.from(password);
  const refused = { connect: 0, publish: 0, subscribe: 0, oversize: 0 };
  /** Clients that logged in as the app; the rest are devices. */
  const trusted = new WeakSet<object>();
  const aedesOptions: AedesOptions = {
    authenticate: (client, username, pass, done) => {
      if (username === APP_USER && pass && sameSecret(pass, secret)) {
        trusted.add(client);
        return done(null, true);
      }
      if (username === undefined && anonymousDevices) return done(null, true);
      refused.connect++;
      const error = Object.assign(new Error('not authorised'), { returnCode: 4 as const });
      done(error, false);
    },
    authorizePublish: (client, packet, callback) => {
      // client is null for the broker's own publishes ($SYS, wills already checked at connect)
      if (client === null || trusted.has(client) || devicePublishAllowed(packet.topic)) return callback(null);
      refused.publish++;
      callback(new Error(`publish to ${packet.topic} refused`));
    },
    authorizeSubscribe: (client, subscription, callback) => {
      if (trusted.has(client) || deviceSubscribeAllowed(subscription.topic)) return callback(null, subscription);
      refused.subscribe++;
      // A null subscription answers the client with a failure code (0x80) and keeps the connection.
      callback(null, null);
    },
  };
  const broker = await Aedes.createBroker(aedesOptions);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    guardPacketSize(socket, maxPacket, () => refused.oversize++);
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    credentials: { username: APP_USER, password },
    refused,
    // server.close waits for open connections, so they are cut first: a restart must free the port now
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => broker.close(() => resolve()))]);
    },
  };
}

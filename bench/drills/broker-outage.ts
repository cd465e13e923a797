/**
 * Drill: the plant's broker goes down and comes back. A persistent mosquitto (persistence on disk)
 * is stopped for the outage while a device keeps publishing QoS 1 (its client queues while the
 * broker is away); the runtime must reconnect with back-off into its persistent session and store
 * every QoS 1 message the broker acknowledged, with none lost.
 *
 *   node --import tsx bench/drills/broker-outage.ts --outage-s 60
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { ConfigSchema } from '../../main/config';
import { startRuntime } from '../../main/runtime';
import { freePort } from '../../test/support/processes';
import { waitFor } from './support';

export interface OutageOptions {
  outageMs: number;
  rate?: number;
  log?: (message: string) => void;
}

export interface OutageResult {
  outageS: number;
  acknowledgedByBroker: number;
  stored: number;
  lost: number;
  /** From the broker's return to the runtime's connection: the back-off's cost. */
  reconnectAfterReturnMs: number;
  statesSeen: string[];
}

/** mosquitto that keeps sessions and queued messages on disk across a restart. */
function persistentMosquitto(port: number, dir: string) {
  // Started as root, mosquitto drops to its own user, which must be able to write the persistence file.
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nautosave_interval 1\nmax_queued_messages 1000000\nmax_inflight_messages 0\n`);
  let child: ChildProcess | null = null;
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  return {
    async start() {
      child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
      await waitFor(listening, 'mosquitto to listen', 10_000);
    },
    /** SIGTERM: mosquitto writes its sessions and queues to disk before it exits. */
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runBrokerOutageDrill(opts: OutageOptions): Promise<OutageResult> {
  const log = opts.log ?? (() => {});
  const rate = opts.rate ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'fb-outage-'));
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const broker = persistentMosquitto(port, dir);
  await broker.start();
  const site = `outage${Math.random().toString(36).slice(2, 8)}`;
  const states: string[] = [];
  const runtime = await startRuntime(
    ConfigSchema.parse({ dataDir: join(dir, 'data'), broker: { url, clientId: `fb-${site}`, topics: [`factory/${site}/+/+/telemetry`] }, store: { flushMs: 20, backupHourUtc: null } }),
    { log: () => {} },
  );
  try {
    await waitFor(() => runtime.health().broker.state === 'connected', 'the runtime to connect');
    const watch = setInterval(() => {
      const s = runtime.health().broker.state;
      if (states.at(-1) !== s) states.push(s);
    }, 20);

    // The device: mqtt.js keeps QoS 1 publishes in its outgoing store while the broker is away.
    const device = mqtt.connect(url, { reconnectPeriod: 250, clientId: `dev-${site}`, clean: false });
    await new Promise((r) => device.once('connect', r));
    let seq = 0;
    let acked = 0;
    const t0 = Date.UTC(2026, 0, 1);
    const publish = setInterval(() => {
      for (let i = 0; i < Math.max(1, rate / 50); i++) device.publish(`factory/${site}/hall/dev1/telemetry`, JSON.stringify({ ts: t0 + seq++, metrics: { seq } }), { qos: 1 }, (err) => err || acked++);
    }, 20);

    await new Promise((r) => setTimeout(r, 1000));
    log(`broker down for ${opts.outageMs / 1000} s`);
    await broker.stop();
    await new Promise((r) => setTimeout(r, opts.outageMs));
    await broker.start();
    const back = Date.now();
    await waitFor(() => runtime.health().broker.state === 'connected', 'the runtime to reconnect', 60_000);
    const reconnectAfterReturnMs = Date.now() - back;
    log(`runtime reconnected ${reconnectAfterReturnMs} ms after the broker returned`);
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(publish);
    await waitFor(() => acked === seq, 'the broker to acknowledge every publish', 30_000);
    await device.endAsync();
    await waitFor(async () => (await runtime.writer.flush().then(() => true), runtime.stats.storedTotal >= acked), 'every acknowledged message to be stored', 30_000).catch(() => undefined);
    clearInterval(watch);
    const stored = runtime.stats.storedTotal;
    return {
      outageS: opts.outageMs / 1000,
      acknowledgedByBroker: acked,
      stored,
      lost: Math.max(0, acked - stored),
      reconnectAfterReturnMs,
      statesSeen: states,
    };
  } finally {
    await runtime.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'outage-s': { type: 'string', default: '60' }, rate: { type: 'string', default: '200' } } });
  const result = await runBrokerOutageDrill({ outageMs: Number(values['outage-s']) * 1000, rate: Number(values.rate), log: console.log });
  console.log(JSON.stringify(result, null, 2));
  const ok = result.lost === 0 && result.statesSeen.includes('reconnecting') && result.statesSeen.at(-1) === 'connected';
  console.log(ok ? 'DRILL PASSED' : 'DRILL FAILED');
  process.exitCode = ok ? 0 : 1;
}

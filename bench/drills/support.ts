/** What the drills share: a serve child, a WebSocket client for the contract, and a QoS 1 publisher. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import type { CallResult } from '../../common/contract';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `factorybrain serve` in its own process, as a plant runs it; resolves once it serves and is subscribed. */
export async function startServe(dataDir: string) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/factorybrain.mjs'), 'serve', '--data-dir', dataDir, '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  const port = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${out.slice(-2000)}`);
    return Number(/Open https?:\/\/[^:]+:(\d+)\//.exec(out)?.[1] ?? 0);
  }, 'serve to listen', 60_000);
  await waitFor(() => out.includes(': connected'), 'serve to connect to the broker');
  return {
    port,
    /** The first-run setup token serve printed (a data dir without accounts), else undefined. */
    setupToken: /Setup token for the first administrator: (\S+)/.exec(out)?.[1],
    exited,
    output: () => out,
    kill(signal: NodeJS.Signals) {
      child.kill(signal);
      return exited;
    },
  };
}

/** One WebSocket on the headless host, calling the contract like the browser UI does. */
export async function contractClient(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  let next = 1;
  const waiting = new Map<number, (r: CallResult<unknown>) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id?: number; result?: CallResult<unknown> };
    if (frame.id !== undefined && frame.result) waiting.get(frame.id)?.(frame.result);
  });
  return {
    call(name: string, request: unknown = {}): Promise<CallResult<unknown>> {
      const id = next++;
      return new Promise((res, rej) => {
        waiting.set(id, res);
        ws.send(JSON.stringify({ id, call: name, request }), (err) => err && rej(err));
        ws.once('close', () => rej(new Error(`socket closed before ${name} answered`)));
      });
    },
    close: () => ws.terminate(),
  };
}

/**
 * Publishes one reading per tick at QoS 1 with a strictly increasing event time, so each stored
 * row names the message it came from; `acked` counts what the broker took responsibility for.
 */
export async function startPublisher(brokerUrl: string, topic: string, ratePerS: number, firstTs = Date.UTC(2026, 0, 1)) {
  const client: MqttClient = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
  let seq = 0;
  let acked = 0;
  const perTick = Math.max(1, Math.round(ratePerS / 100));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const ts = firstTs + seq++;
      client.publish(topic, JSON.stringify({ ts, metrics: { seq: ts - firstTs, temperature: 50 } }), { qos: 1 }, (err) => err || acked++);
    }
  }, 10);
  return {
    firstTs,
    get published() {
      return seq;
    },
    get acked() {
      return acked;
    },
    async stop() {
      clearInterval(timer);
      await waitFor(() => acked === seq, 'the broker to acknowledge every message', 20_000);
      await client.endAsync();
    },
  };
}

/**
 * Benchmark load generator, run as its own process so it does not share the measured process's
 * event loop. Publishes ~170-byte JSON telemetry at QoS 0, paced or flat out, and reports by IPC.
 */
import mqtt from 'mqtt';
import type { Socket } from 'node:net';
import { benchMachineId } from './plant';

export interface PublisherJob {
  url: string;
  machines: number;
  count: number;
  /** Messages per second; 0 publishes as fast as the socket takes them. */
  rate: number;
  /** 'wall': ts is the publish time (latency runs); 'replay': 1 Hz event time from replayStart. */
  clock: 'wall' | 'replay';
  /** Event time of the first replayed reading, epoch ms (default 2026-01-01). */
  replayStart?: number;
  /** Index of the first message in the plant's whole stream, so that a later job carries on where an earlier one stopped (counters keep counting, values stay in step). */
  firstIndex?: number;
  /** Publishes each machine's meta first, with alarm limits on its sensors, as a configured plant has. */
  meta?: boolean;
}

const job = JSON.parse(process.argv[2]!) as PublisherJob;
const client = await mqtt.connectAsync(job.url, { reconnectPeriod: 0 });
const socket = client.stream as Socket;
socket.setNoDelay(true);

const topics = Array.from({ length: job.machines }, (_, i) => `factory/${benchMachineId(i)}/telemetry`);
/** Default start of replayed event time, and the zero of the parts counters. */
const EPOCH = Date.UTC(2026, 0, 1);
const replayStart = job.replayStart ?? EPOCH;
const firstIndex = job.firstIndex ?? 0;

/** Uniform in [0, 1), a fixed function of (message, sensor): a machine running normally is noise around its levels. */
function noise(i: number, sensor: number): number {
  let h = Math.imul(i ^ Math.imul(sensor + 1, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function payload(sent: number): string {
  const i = firstIndex + sent;
  const ts = job.clock === 'wall' ? Date.now() : replayStart + Math.floor(sent / job.machines) * 1000;
  const x = (k: number) => noise(i, k);
  // Each machine makes about a part a second of event time, not exactly on the second.
  const parts = Math.floor((ts - EPOCH) / 1000) + Math.floor(2 * x(7));
  return `{"ts":${ts},"metrics":{"temperature":${(60 + x(0) * 5).toFixed(2)},"vibration":${(2 + x(1)).toFixed(3)},"pressure":${(6 + x(2)).toFixed(3)},"power":${(14 + x(3) * 3).toFixed(2)},"speed":${(1480 + x(4) * 9).toFixed(1)},"flow":${(70 + x(5) * 4).toFixed(2)},"current":${(30 + x(6)).toFixed(2)},"parts_total":${parts}}}`.padEnd(170, ' ');
}

const drain = () => new Promise<void>((resolve) => socket.once('drain', resolve));
if (job.meta) {
  // Well outside the normal readings below, so a normal plant raises none of them.
  const limits = { temperature: { high: 80, highHigh: 90 }, vibration: { high: 6, highHigh: 8 }, pressure: { low: 4, high: 9 }, current: { high: 40 } };
  for (const topic of topics) await client.publishAsync(topic.replace(/telemetry$/, 'meta'), JSON.stringify({ type: 'pump', limits }), { qos: 1, retain: true });
}
const started = Date.now();
let sent = 0;
if (job.rate === 0) {
  while (sent < job.count) {
    client.publish(topics[sent % job.machines]!, payload(sent), { qos: 0 });
    sent++;
    if (socket.writableNeedDrain) await drain();
  }
} else {
  // Publish in 5 ms slices so the rate is smooth at the scale the latency is measured.
  const sliceMs = 5;
  while (sent < job.count) {
    const due = Math.min(job.count, Math.floor(((Date.now() - started + sliceMs) * job.rate) / 1000));
    while (sent < due) {
      client.publish(topics[sent % job.machines]!, payload(sent), { qos: 0 });
      sent++;
    }
    await new Promise((r) => setTimeout(r, sliceMs));
  }
}
const elapsedMs = Date.now() - started;
await client.endAsync();
process.send!({ sent, elapsedMs });
process.disconnect();

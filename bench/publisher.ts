/**
 * Benchmark load generator, run as its own process so it does not share the measured process's
 * event loop. Publishes ~170-byte JSON telemetry at QoS 0, paced or flat out, and reports by IPC.
 */
import mqtt from 'mqtt';
import type { Socket } from 'node:net';

export interface PublisherJob {
  url: string;
  machines: number;
  count: number;
  /** Messages per second; 0 publishes as fast as the socket takes them. */
  rate: number;
  /** 'wall': ts is the publish time (latency runs); 'replay': 1 Hz event time from a fixed start. */
  clock: 'wall' | 'replay';
}

const job = JSON.parse(process.argv[2]!) as PublisherJob;
const client = await mqtt.connectAsync(job.url, { reconnectPeriod: 0 });
const socket = client.stream as Socket;
socket.setNoDelay(true);

const topics = Array.from({ length: job.machines }, (_, i) => `factory/bench/line${i % 10}/M${String(i).padStart(4, '0')}/telemetry`);
const replayStart = Date.UTC(2026, 0, 1);
function payload(i: number): string {
  const ts = job.clock === 'wall' ? Date.now() : replayStart + Math.floor(i / job.machines) * 1000;
  const x = (i % 977) / 977;
  return `{"ts":${ts},"metrics":{"temperature":${(60 + x * 5).toFixed(2)},"vibration":${(2 + x).toFixed(3)},"pressure":${(6 + x).toFixed(3)},"power":${(14 + x * 3).toFixed(2)},"speed":${(1480 + x * 9).toFixed(1)},"flow":${(70 + x * 4).toFixed(2)},"current":${(30 + x).toFixed(2)},"parts_total":${100000 + i}}}`.padEnd(170, ' ');
}

const drain = () => new Promise<void>((resolve) => socket.once('drain', resolve));
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

/**
 * The limit of bench:ingest: a bare mqtt.js subscriber (QoS 0, TCP_NODELAY) to the plant's topics
 * that only counts what arrives, in a process of its own with Node's default V8 flags. The bench's
 * own process carries the runtime's flags (main/v8-flags.ts), and those would change the limit too.
 *
 * IPC: sends 'ready' once subscribed; on 'cpu' starts measuring its CPU; on { report: n } answers,
 * once it has counted n messages or 10 s passed, with what it counted (and the CPU since 'cpu', % of
 * one core), then exits.
 */
import mqtt from 'mqtt';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface BareReport {
  received: number;
  /** performance.now() of the first and last message, in this process. */
  first: number;
  last: number;
  cpuPct: number | null;
}

const send = (msg: unknown) => process.send!(msg);
const client = await mqtt.connectAsync(process.argv[2]!, { reconnectPeriod: 0 });
(client.stream as Socket).setNoDelay(true);
const seen = { received: 0, first: 0, last: 0 };
// Retained messages (the machines' meta) arrive at subscribe, before the publisher starts: counting
// them would stretch the measured span and understate the limit.
client.on('message', (_topic, _payload, packet) => {
  if (packet.retain) return;
  const t = performance.now();
  if (seen.received === 0) seen.first = t;
  seen.last = t;
  seen.received++;
});
await client.subscribeAsync('factory/#', { qos: 0 });
let cpu0: NodeJS.CpuUsage | null = null;
let t0 = 0;
process.on('message', (msg) => {
  if (msg === 'cpu') {
    cpu0 = process.cpuUsage();
    t0 = performance.now();
  } else if (typeof msg === 'object' && msg !== null && 'report' in msg) {
    const cpu = cpu0 && process.cpuUsage(cpu0);
    const cpuPct = cpu ? ((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 100 : null;
    const until = performance.now() + 10_000;
    const answer = () => {
      if (seen.received < (msg as { report: number }).report && performance.now() < until) return void setTimeout(answer, 20);
      const report: BareReport = { ...seen, cpuPct };
      send(report);
      void client.endAsync().then(() => process.exit(0));
    };
    answer();
  }
});
send('ready');

/**
 * npm run bench:opcua — ITEMS (10,000) monitored items changing at 1 Hz on node-opcua's server in a
 * process of its own. In alternating pairs (default 3), each measured for --seconds (default 30)
 * after 10 s of warm-up, in processes of their own:
 *  - a bare node-opcua client subscribing to the same items with the same intervals, only counting;
 *  - the console's path: OpcuaSource into the telemetry writer (SQLite, worker thread).
 * Both subscribe with a 250 ms publishing interval and sampling 0 (each change as it happens).
 * Targets: every change stored (changes received = values stored, and about ITEMS a second),
 * CPU <= 2x the bare client's (median pair), publish (source time) -> stored p99 < 1 s.
 * The last line is one JSON object.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { arg, measureChild, median, type Window } from './fieldbus/child';

const ITEMS = arg('items', 10_000);
const SECONDS = arg('seconds', 30);
const PAIRS = arg('pairs', 3);
const roles = join(import.meta.dirname, 'fieldbus/opcua-roles.ts');

const server = fork(roles, ['server', String(ITEMS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const endpointUrl = await new Promise<string>((resolve) => server.once('message', (m) => resolve((m as { endpointUrl: string }).endpointUrl)));
try {
  const bare: Window[] = [];
  const ours: Window[] = [];
  for (let p = 0; p < PAIRS; p++) {
    bare.push(await measureChild(roles, ['bare', endpointUrl, String(ITEMS)], 10, SECONDS));
    ours.push(await measureChild(roles, ['console', endpointUrl, String(ITEMS)], 10, SECONDS));
  }
  const ratios = ours.map((o, i) => o.cpuPct / bare[i]!.cpuPct);
  const ratio = median(ratios);
  for (let i = 0; i < PAIRS; i++) {
    const b = bare[i]!;
    const o = ours[i]!;
    console.log(
      `pair ${i + 1}: bare client ${b.cpuPct.toFixed(1)}% CPU (${Math.round(b.counters['changes']! / b.seconds)} changes/s), console ${o.cpuPct.toFixed(1)}% CPU (${Math.round(o.counters['values']! / o.seconds)} values/s, p50 ${o.counters['latencyP50Ms']} ms, p99 ${o.counters['latencyP99Ms']} ms) = ${ratios[i]!.toFixed(2)}x`,
    );
  }
  const notStored = ours.map((o) => o.counters['totalValues']! - o.counters['totalValuesStored']!);
  const rate = median(ours.map((o) => o.counters['values']! / o.seconds));
  const everyChange = notStored.every((n) => n === 0) && rate >= ITEMS * 0.98;
  const p99 = Math.max(...ours.map((o) => o.counters['latencyP99Ms']!));
  console.log(`opcua: ${ITEMS} monitored items at 1 Hz: console received ${Math.round(rate)} changes/s (median run), bare client ${Math.round(median(bare.map((b) => b.counters['changes']! / b.seconds)))}`);
  console.log(`  every change stored: values received minus values in the store at the end ${notStored.join(' / ')}, rate ${(rate / ITEMS * 100).toFixed(1)}% of ${ITEMS}/s   (target all: ${everyChange ? 'met' : 'NOT met'})`);
  console.log(`  CPU: console ${median(ours.map((o) => o.cpuPct)).toFixed(1)}% vs bare client ${median(bare.map((b) => b.cpuPct)).toFixed(1)}% of one core, median pair ratio ${ratio.toFixed(2)}x   (target <= 2x: ${ratio <= 2 ? 'met' : 'NOT met'})`);
  console.log(`  publish -> stored p99 ${p99} ms (worst run)   (target < 1000 ms: ${p99 < 1000 ? 'met' : 'NOT met'})`);
  const pass = everyChange && ratio <= 2 && p99 < 1000;
  console.log(JSON.stringify({ bench: 'opcua', items: ITEMS, seconds: SECONDS, consoleCpuPct: +median(ours.map((o) => o.cpuPct)).toFixed(2), bareCpuPct: +median(bare.map((b) => b.cpuPct)).toFixed(2), cpuRatios: ratios.map((r) => +r.toFixed(3)), cpuRatio: +ratio.toFixed(3), changesPerSecond: Math.round(rate), notStored, latencyP99Ms: p99, pass }));
} finally {
  server.kill('SIGTERM');
}

/**
 * npm run bench:ingest — the data path end to end on Debian's mosquitto, each figure printed beside
 * the limit measured in the same run on the same broker:
 *  1. limit: a bare mqtt.js subscriber (QoS 0, TCP_NODELAY), publisher flat out;
 *  2. sustained: published -> decoded -> features -> stored (and queryable), publisher flat out;
 *     1 and 2 alternate five times, and the median pair's ratio is the figure (one pair swings by
 *     ten points on this shared host, so fewer pairs make the median a matter of luck);
 *  3. latency: publish -> stored p50/p99 at 5,000 messages/s;
 *  4. plant-normal load: CPU% of one core (all the process's threads) and RSS at 500 machines x 1 Hz
 *     of normal (stationary) readings on machines with alarm limits, twice, each measured after a
 *     minute's warm-up (while V8 is still compiling the hot code its helper threads add one or two
 *     per cent that a running plant does not pay):
 *     a. a new plant: every machine in its commissioning window, as on the first day;
 *     b. a commissioned plant: the commissioning window is replayed first in event time, so every
 *        machine is calibrated and each reading is scored, as on every day after.
 *     The target holds only if both are under it. Beside them, the CPU of a bare mqtt.js subscriber
 *     at the same load shows how fast the shared host was at the time.
 * The runtime runs in this process with the V8 flags its hosts start it with (main/v8-flags.ts); the
 * bare subscriber runs in a process of its own with Node's defaults (bench/bare-subscriber.ts).
 * `-- --limits` publishes every machine's meta with alarm limits (retained) first, so the flat-out runs
 * measure a configured plant that judges every reading against its limits.
 * The last line is one JSON object with every figure.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../main/config';
import { startRuntime, type Runtime } from '../main/runtime';
import { hasRuntimeV8Flags, rerunWithRuntimeV8Flags, RUNTIME_V8_FLAGS } from '../main/v8-flags';
import { startMosquitto } from '../test/support/mosquitto';
import { benchMachineId } from './plant';
import type { BareReport } from './bare-subscriber';
import type { PublisherJob } from './publisher';

if (!hasRuntimeV8Flags()) process.exit(await rerunWithRuntimeV8Flags(import.meta.filename, process.argv.slice(2)));

const quick = process.argv.includes('--quick');
/** Every machine's meta with alarm limits goes out first, so the flat-out runs judge every reading against limits too. */
const withLimits = process.argv.includes('--limits');
const MACHINES = 500;
const FLAT_OUT_COUNT = quick ? 60_000 : 300_000;
const SUSTAINED_PAIRS = quick ? 1 : 5;
const LATENCY_RATE = 5_000;
const LATENCY_SECONDS = quick ? 8 : 20;
const NORMAL_SECONDS = quick ? 10 : 60;
const NORMAL_WARMUP_SECONDS = quick ? 5 : 60;
const MACHINE_IDS = Array.from({ length: MACHINES }, (_, i) => benchMachineId(i));
const TARGETS = { sustainedRatio: 0.6, p99Ms: 250, normalCpuPct: 5 };

function publish(job: Omit<PublisherJob, 'machines'>): Promise<{ sent: number; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'publisher.ts'), [JSON.stringify({ ...job, machines: MACHINES })], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m) => resolve(m as { sent: number; elapsedMs: number }));
    child.once('exit', (code) => code !== 0 && reject(new Error(`publisher exited with ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The bare subscriber's process (Node's default flags: an explicit execArgv, not this process's), once it has subscribed. */
async function bareSubscriber(url: string): Promise<{ child: ChildProcess; report: (expected: number) => Promise<BareReport> }> {
  const child = fork(join(import.meta.dirname, 'bare-subscriber.ts'), [url], { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare subscriber exited with ${code}`)));
  });
  /** What it counted, once it has `expected` messages or gave up waiting for them. */
  const report = (expected: number) =>
    new Promise<BareReport>((resolve, reject) => {
      const died = (code: number | null) => reject(new Error(`bare subscriber exited with ${code} before it reported`));
      child.once('exit', died);
      child.once('message', (m) => {
        child.off('exit', died);
        resolve(m as BareReport);
      });
      child.send({ report: expected });
    });
  return { child, report };
}

async function measureLimit(url: string): Promise<number> {
  const { report } = await bareSubscriber(url);
  await publish({ url, count: FLAT_OUT_COUNT, rate: 0, clock: 'replay' });
  const seen = await report(FLAT_OUT_COUNT);
  console.log(`limit: bare mqtt.js subscriber received ${seen.received}/${FLAT_OUT_COUNT}`);
  return seen.received / ((seen.last - seen.first) / 1000);
}

/**
 * The condition monitor learns for two days; here it learns for minutes, so that after the
 * commissioning replay it judges every machine as it does on every day after its second.
 */
const CONDITION_IN_MINUTES = { learnHours: 0.1, validateHours: 0.03, minRunningHours: 0.02, bandReadyHours: 0.005, steadyAfterMinutes: 1 };

async function withRuntime<T>(url: string, body: (runtime: Runtime) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fb-bench-'));
  const config = loadConfig({ overrides: { dataDir, broker: { url }, store: { backupHourUtc: null }, conditionMonitor: CONDITION_IN_MINUTES } });
  const runtime = await startRuntime(config, { log: () => {} });
  try {
    await waitFor(() => runtime.health().broker.state === 'connected', 10_000, 'the runtime to subscribe');
    return await body(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureSustained(url: string) {
  return withRuntime(url, async (runtime) => {
    const stats = runtime.stats;
    let firstReceived = 0;
    const probe = setInterval(() => {
      if (firstReceived === 0 && stats.receivedTotal > 0) firstReceived = performance.now();
    }, 1);
    const elu0 = performance.eventLoopUtilization();
    await publish({ url, count: FLAT_OUT_COUNT, rate: 0, clock: 'replay' });
    await waitFor(() => stats.storedTotal >= FLAT_OUT_COUNT || (stats.receivedTotal >= FLAT_OUT_COUNT && runtime.writer.pendingRows === 0), 120_000, 'the pipeline to store everything').catch(() => undefined);
    // stored may lag received by one batch; wait for the writer to settle
    await waitFor(() => runtime.writer.pendingRows === 0, 30_000, 'the writer to drain');
    const done = performance.now();
    clearInterval(probe);
    const elu = performance.eventLoopUtilization(elu0);
    const history = await runtime.dispatch({ token: null, transport: 'ws' }, 'machines.list', {});
    console.log(`sustained: received ${stats.receivedTotal}, stored ${stats.storedTotal} of ${FLAT_OUT_COUNT}; main event loop ${(elu.utilization * 100).toFixed(0)}% busy`);
    void history;
    return { rate: stats.storedTotal / ((done - firstReceived) / 1000), stored: stats.storedTotal, eventLoopPct: elu.utilization * 100 };
  });
}

async function measureLatency(url: string) {
  return withRuntime(url, async (runtime) => {
    const count = LATENCY_RATE * LATENCY_SECONDS;
    // the first second warms the JIT and the caches; it is not measured
    await publish({ url, count: LATENCY_RATE, rate: LATENCY_RATE, clock: 'wall' });
    await waitFor(() => runtime.writer.pendingRows === 0, 10_000, 'warm-up');
    runtime.stats.resetLatencies();
    await publish({ url, count, rate: LATENCY_RATE, clock: 'wall' });
    await waitFor(() => runtime.writer.pendingRows === 0, 10_000, 'the writer to drain');
    return { p50: runtime.stats.latencyPercentile(50, 'device'), p99: runtime.stats.latencyPercentile(99, 'device'), max: runtime.stats.latencyPercentile(100, 'device') };
  });
}

/**
 * CPU of a bare mqtt.js subscriber at plant-normal load, in its own process: what any MQTT client pays
 * for the messages alone, measured beside the runtime so that a reader can tell the host's speed of
 * the moment (it varies by half on these shared machines) from the runtime's own cost.
 */
async function measureBareNormal(url: string): Promise<number> {
  const { child, report } = await bareSubscriber(url);
  const seconds = NORMAL_SECONDS / 2;
  const run = publish({ url, count: MACHINES * (seconds + 10), rate: MACHINES, clock: 'wall' });
  await sleep(10_000);
  child.send('cpu');
  await run;
  const seen = await report(0);
  if (seen.received === 0 || seen.cpuPct === null) throw new Error('the bare subscriber received nothing');
  return seen.cpuPct;
}

/** Replays each machine's commissioning window flat out, ending about now, and waits until every machine is calibrated. */
async function commission(url: string, runtime: Runtime): Promise<number> {
  const rows = runtime.inference.calibrationRows() + 30;
  await publish({ url, count: MACHINES * rows, rate: 0, clock: 'replay', replayStart: Date.now() - rows * 1000 });
  const calibrated = () => MACHINE_IDS.every((id) => Number.isFinite(runtime.inference.anomaly?.calibration(id)?.threshold ?? Number.NaN));
  await waitFor(calibrated, 120_000, 'every machine to be calibrated');
  return MACHINES * rows;
}

async function measureNormalLoad(url: string, commissioned: boolean) {
  return withRuntime(url, async (runtime) => {
    const firstIndex = commissioned ? await commission(url, runtime) : 0;
    const total = MACHINES * (NORMAL_SECONDS + NORMAL_WARMUP_SECONDS);
    const run = publish({ url, count: total, rate: MACHINES, clock: 'wall', firstIndex, meta: true });
    await sleep(NORMAL_WARMUP_SECONDS * 1000);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stored = runtime.stats.storedTotal;
    // What the anomaly detector made of the load at the end: a normal plant should read normal.
    const states: Record<string, number> = {};
    for (const id of MACHINE_IDS) {
      const state = runtime.inference.latestOf(id).anomaly?.state ?? 'none';
      states[state] = (states[state] ?? 0) + 1;
      // The condition monitor's phase: 'monitoring' is every machine judged on every scored row.
      const phase = `condition ${runtime.inference.condition?.latest(id)?.phase ?? 'none'}`;
      states[phase] = (states[phase] ?? 0) + 1;
    }
    return { cpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100, rssMb: process.memoryUsage().rss / 1e6, stored, states };
  });
}

const mosquitto = await startMosquitto();
try {
  console.log(`mosquitto at ${mosquitto.url}; ${MACHINES} machines, ~170-byte JSON messages, QoS 0${quick ? ' (quick run)' : ''}${withLimits ? '; every machine with alarm limits from its retained meta' : ''}; runtime with V8 flags ${RUNTIME_V8_FLAGS.join(' ')}, bare subscriber with Node's defaults`);
  if (withLimits) await publish({ url: mosquitto.url, count: 0, rate: 0, clock: 'replay', meta: true });
  // One pair of flat-out runs swings by 10 points with the host's speed of the moment, so the limit
  // and the runtime take turns and the median pair's ratio is the figure.
  const pairs: { limit: number; sustained: Awaited<ReturnType<typeof measureSustained>>; ratio: number }[] = [];
  for (let i = 0; i < SUSTAINED_PAIRS; i++) {
    const limit = await measureLimit(mosquitto.url);
    const sustained = await measureSustained(mosquitto.url);
    pairs.push({ limit, sustained, ratio: sustained.rate / limit });
    console.log(
      `pair ${i + 1}: limit ${Math.round(limit).toLocaleString('en-US')} messages/s (bare mqtt.js subscriber, same broker), sustained ${Math.round(sustained.rate).toLocaleString('en-US')} messages/s stored = ${((sustained.rate / limit) * 100).toFixed(0)}%`,
    );
  }
  const { limit, sustained, ratio } = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)]!;
  console.log(`sustained:  median pair ${Math.round(sustained.rate).toLocaleString('en-US')} messages/s stored = ${(ratio * 100).toFixed(0)}% of the limit ${Math.round(limit).toLocaleString('en-US')} (target >= ${TARGETS.sustainedRatio * 100}%)`);
  const latency = await measureLatency(mosquitto.url);
  console.log(`latency at ${LATENCY_RATE}/s publish -> stored: p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms, max ${latency.max.toFixed(0)} ms (target p99 < ${TARGETS.p99Ms} ms)`);
  const bareNormal = await measureBareNormal(mosquitto.url);
  const fresh = await measureNormalLoad(mosquitto.url, false);
  const normal = await measureNormalLoad(mosquitto.url, true);
  const plant = (n: typeof normal) => `CPU ${n.cpuPct.toFixed(1)}% of one core, RSS ${n.rssMb.toFixed(0)} MB; detector: ${Object.entries(n.states).map(([k, v]) => `${v} ${k}`).join(', ')}`;
  console.log(`plant-normal ${MACHINES} machines x 1 Hz (${NORMAL_SECONDS} s after ${NORMAL_WARMUP_SECONDS} s of warm-up), target CPU < ${TARGETS.normalCpuPct}% in both:`);
  console.log(`  new plant, commissioning:   ${plant(fresh)}`);
  console.log(`  commissioned plant, scored: ${plant(normal)}`);
  console.log(`  beside them, a bare mqtt.js subscriber at the same load: CPU ${bareNormal.toFixed(1)}% of one core`);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      alarm_limits: withLimits,
      limit_msgs_per_s: Math.round(limit),
      sustained_msgs_per_s: Math.round(sustained.rate),
      ratio: Number(ratio.toFixed(2)),
      pair_ratios: pairs.map((p) => Number(p.ratio.toFixed(2))),
      target_ratio: TARGETS.sustainedRatio,
      stored: sustained.stored,
      published: FLAT_OUT_COUNT,
      main_event_loop_pct: Math.round(sustained.eventLoopPct),
      latency_rate_msgs_per_s: LATENCY_RATE,
      p50_ms: Math.round(latency.p50),
      p99_ms: Math.round(latency.p99),
      target_p99_ms: TARGETS.p99Ms,
      normal_cpu_pct: Number(Math.max(fresh.cpuPct, normal.cpuPct).toFixed(2)),
      commissioning_cpu_pct: Number(fresh.cpuPct.toFixed(2)),
      commissioned_cpu_pct: Number(normal.cpuPct.toFixed(2)),
      target_normal_cpu_pct: TARGETS.normalCpuPct,
      normal_rss_mb: Math.round(Math.max(fresh.rssMb, normal.rssMb)),
      bare_subscriber_normal_cpu_pct: Number(bareNormal.toFixed(2)),
    }),
  );
} finally {
  mosquitto.stop();
}

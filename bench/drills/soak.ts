/**
 * Drill: a day of plant time at accelerated speed. The simulator publishes 24 h of a plant through
 * mosquitto into the runtime while a screen polls the contract; memory and open handles are sampled
 * throughout. Pass: every reading stored, heap after the first quarter grows by less than half,
 * and the open-handle count does not grow.
 *
 *   node --expose-gc --import tsx bench/drills/soak.ts --hours 24 --speed 240
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime } from '../../main/runtime';
import { runSimulator } from '../../main/sim/simulate';
import { startMosquitto } from '../../test/support/mosquitto';
import { waitFor } from './support';

export interface SoakOptions {
  brokerUrl: string;
  hours: number;
  speed: number;
  machines?: number;
  log?: (message: string) => void;
}

export interface SoakSample {
  wallS: number;
  plantH: number;
  heapMb: number;
  rssMb: number;
  handles: number;
  stored: number;
}

export interface SoakResult {
  plantHours: number;
  wallS: number;
  /** Telemetry messages (meta excluded). */
  published: number;
  stored: number;
  samples: SoakSample[];
  /** Heap at the end over heap after the first quarter (both after a GC when --expose-gc is on). */
  heapGrowth: number;
  /** Open handles at the end minus after the first quarter. */
  handleGrowth: number;
  handlesAtEnd: Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;

function sample(started: number, plantStart: number, plantTs: number, stored: number): SoakSample {
  gc?.();
  const mem = process.memoryUsage();
  return {
    wallS: Math.round((Date.now() - started) / 1000),
    plantH: Number.isFinite(plantTs) ? Math.round(((plantTs - plantStart) / 3_600_000) * 10) / 10 : 0,
    heapMb: Math.round(mem.heapUsed / 1e5) / 10,
    rssMb: Math.round(mem.rss / 1e5) / 10,
    handles: process.getActiveResourcesInfo().length,
    stored,
  };
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const log = opts.log ?? (() => {});
  const machines = opts.machines ?? 24;
  const site = `soak${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'fb-soak-'));
  const runtime = await startRuntime(
    ConfigSchema.parse({ dataDir: dir, broker: { url: opts.brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`] }, store: { flushMs: 50, backupHourUtc: null } }),
    { log: () => {} },
  );
  const started = Date.now();
  try {
    await waitFor(() => runtime.health().broker.state === 'connected', 'the runtime to connect');
    const screen: Connection = { token: null, transport: 'ws' };
    const setup = await runtime.dispatch(screen, 'auth.setup', { username: 'soak', password: 'soak-password-1' });
    if (!setup.ok) throw new Error(setup.error.message);
    let events = 0;
    const unsubscribe = runtime.subscribe(() => events++);

    const plantStart = Date.now() - opts.hours * 3_600_000;
    const sim = await runSimulator({ brokerUrl: opts.brokerUrl, machines, rateHz: 1, speed: opts.speed, startTs: plantStart, durationS: opts.hours * 3600, faultsPerMachinePerDay: 4, seed: 11, site });
    const samples: SoakSample[] = [sample(started, plantStart, Number.NaN, 0)];
    // What a control-room screen asks for while it is open.
    const poll = setInterval(() => {
      void runtime.dispatch(screen, 'machines.list', {});
      void runtime.dispatch(screen, 'alarms.active', {});
      void runtime.dispatch(screen, 'health.get', {});
      void runtime.dispatch(screen, 'readings.history', { machineId: `${site}/line1/M0001`, from: plantStart, to: Date.now(), maxPoints: 500 });
    }, 1000);
    const sampler = setInterval(() => {
      const s = sample(started, plantStart, sim.stats().eventTs, runtime.stats.storedTotal);
      samples.push(s);
      log(`${s.wallS}s plant ${s.plantH}h heap ${s.heapMb} MB rss ${s.rssMb} MB handles ${s.handles} stored ${s.stored}`);
    }, Math.max(1000, Math.min(10_000, (opts.hours * 3_600_000) / opts.speed / 40)));
    await sim.done;
    clearInterval(poll);
    // The simulator's count includes one meta message per machine, which is not a reading.
    const published = sim.stats().messages - machines;
    await waitFor(async () => (await runtime.writer.flush(), runtime.stats.storedTotal >= published), 'every published reading to be stored', 60_000).catch(() => undefined);
    clearInterval(sampler);
    unsubscribe();
    await new Promise((r) => setTimeout(r, 500));
    samples.push(sample(started, plantStart, sim.stats().eventTs, runtime.stats.storedTotal));
    const quarter = samples[Math.max(1, Math.floor(samples.length / 4))]!;
    const end = samples.at(-1)!;
    const handlesAtEnd: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) handlesAtEnd[r] = (handlesAtEnd[r] ?? 0) + 1;
    log(`screen received ${events} events`);
    return {
      plantHours: opts.hours,
      wallS: Math.round((Date.now() - started) / 1000),
      published,
      stored: runtime.stats.storedTotal,
      samples,
      heapGrowth: Math.round((end.heapMb / quarter.heapMb) * 100) / 100,
      handleGrowth: end.handles - quarter.handles,
      handlesAtEnd,
    };
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { hours: { type: 'string', default: '24' }, speed: { type: 'string', default: '240' }, broker: { type: 'string' }, machines: { type: 'string', default: '24' } } });
  const mosquitto = values.broker ? null : await startMosquitto();
  try {
    const result = await runSoak({ brokerUrl: values.broker ?? mosquitto!.url, hours: Number(values.hours), speed: Number(values.speed), machines: Number(values.machines), log: console.log });
    const { samples, ...summary } = result;
    console.log(JSON.stringify({ ...summary, firstSample: samples[0], lastSample: samples.at(-1) }, null, 2));
    const ok = result.stored >= result.published && result.heapGrowth < 1.5 && result.handleGrowth <= 0;
    console.log(ok ? 'DRILL PASSED' : 'DRILL FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    mosquitto?.stop();
  }
}

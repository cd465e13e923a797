/**
 * Micro-benchmark of the anomaly detector's per-reading path:
 * `node --import tsx main/inference/anomaly-detector.bench.ts [machines] [sensors]`.
 * Every machine is commissioned first (untimed); then readings go through observe() with a flush()
 * every FLUSH_EVERY readings, as ModelStage's tick does, scored by the committed anomaly model. The
 * model run itself is in the flush figure, so observe is the one this code controls alone.
 */
import { fileURLToPath } from 'node:url';
import type { Reading } from '../../common/telemetry';
import { AnomalyDetector } from './anomaly-detector';
import { AnomalyParamsSchema, type AnomalyParams } from './anomaly-params';
import { MODELS_DIR } from './manifest';
import { loadModels, type LoadedModel } from './model-set';

export interface DetectorUnderTest {
  observe(reading: Reading): void;
  flush(): Promise<unknown[]>;
}

export type MakeDetector = (model: LoadedModel, params: AnomalyParams) => DetectorUnderTest;

export interface BenchResult {
  /** Medians over the timed passes, µs per reading. */
  observeUs: number;
  flushUs: number;
  readingsPerS: number;
}

const SENSORS = ['temperature', 'vibration', 'current', 'pressure', 'speed', 'torque', 'power', 'flow'];
const ROUNDS = 100;
const PASSES = 5;
const FLUSH_EVERY = 5000;

/** ROUNDS readings per machine, interleaved as a plant sends them; metrics parsed from JSON as the decoder hands them over. */
function block(machines: number, sensors: number): Reading[] {
  const readings: Reading[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    for (let m = 0; m < machines; m++) {
      const ts = 1_700_000_000_000 + k * 1000 + m;
      const metrics = Object.fromEntries(SENSORS.slice(0, sensors).map((s, j) => [s, 10 * (j + 1) + Math.sin(k / 7 + m) + Math.random()]));
      readings.push({ machineId: `machine-${m}`, ts, receivedAt: ts, metrics: JSON.parse(JSON.stringify(metrics)) as Record<string, number> });
    }
  }
  return readings;
}

/** Feeds the block once, ts moved past the previous pass; returns µs spent in observe and in flush. */
async function pass(detector: DetectorUnderTest, readings: Reading[]): Promise<{ observe: number; flush: number }> {
  for (const r of readings) r.ts += ROUNDS * 1000;
  let observe = 0;
  let flush = 0;
  for (let i = 0; i < readings.length; i += FLUSH_EVERY) {
    const end = Math.min(i + FLUSH_EVERY, readings.length);
    const t0 = performance.now();
    for (let j = i; j < end; j++) detector.observe(readings[j]!);
    const t1 = performance.now();
    await detector.flush();
    observe += t1 - t0;
    flush += performance.now() - t1;
  }
  return { observe: observe * 1000, flush: flush * 1000 };
}

export async function loadAnomalyModel(): Promise<{ model: LoadedModel; params: AnomalyParams }> {
  const model = (await loadModels(MODELS_DIR, ['anomaly'])).get('anomaly');
  return { model, params: AnomalyParamsSchema.parse(model.entry?.params) };
}

export async function benchDetector(make: MakeDetector, machines = 500, sensors = 5): Promise<BenchResult> {
  const { model, params } = await loadAnomalyModel();
  const detector = make(model, params);
  const readings = block(machines, sensors);
  // Commissioning (calibrationRows readings each), then one untimed pass to settle the JIT.
  for (let done = 0; done <= params.calibrationRows + ROUNDS; done += ROUNDS) await pass(detector, readings);
  const observe: number[] = [];
  const flush: number[] = [];
  const total: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const t = await pass(detector, readings);
    observe.push(t.observe / readings.length);
    flush.push(t.flush / readings.length);
    total.push((t.observe + t.flush) / readings.length);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { observeUs: median(observe), flushUs: median(flush), readingsPerS: 1e6 / median(total) };
}

export const formatBench = (r: BenchResult) =>
  `observe ${r.observeUs.toFixed(2)} µs/reading, flush ${r.flushUs.toFixed(2)} µs/reading, ${Math.round(r.readingsPerS).toLocaleString('en')} readings/s`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const machines = Number(process.argv[2] ?? 500);
  const sensors = Number(process.argv[3] ?? 5);
  const result = await benchDetector((model, params) => new AnomalyDetector(model, params), machines, sensors);
  console.log(`${machines} machines x ${sensors} sensors, flush every ${FLUSH_EVERY}: ${formatBench(result)}`);
}

/**
 * The streaming anomaly detector: the one code path for live data and for the SKAB evaluation.
 * observe() is synchronous and decides, for each reading in arrival order, whether it belongs to a
 * calibration window or is judged against the machine's calibration; flush() scores everything
 * queued in one batched model run. So results do not depend on how readings were batched.
 */
import type { Reading } from '../../common/telemetry';
import { FeatureEngine, type FeatureFrame } from '../pipeline/features/engine';
import { SENSOR_FEATURE_COUNT, SENSOR_FEATURES } from '../pipeline/features/sensor-window';
import { FEATURES_PER_SENSOR, type AnomalyParams } from './anomaly-params';
import { classifyAnomaly, type AnomalyType, type Contribution } from './anomaly-type';
import { fitCalibration, scaleFloor, thresholdFrom, type Calibration } from './calibration';
import type { LoadedModel } from './model-set';

export interface AnomalyOutput {
  machineId: string;
  ts: number;
  state: 'calibrating' | 'normal' | 'anomaly' | 'uncertain';
  score: number | null;
  threshold: number | null;
  type: AnomalyType | null;
  /** The sensors that moved most, largest first (at most TOP_CONTRIBUTORS). */
  contributors: Contribution[];
  detail: string | null;
}

export interface CalibrationStore {
  save(machineId: string, calibration: Calibration): void;
}

const TOP_CONTRIBUTORS = 3;
const MEAN = SENSOR_FEATURES.indexOf('mean');
const STD = SENSOR_FEATURES.indexOf('std');
const SLOPE = SENSOR_FEATURES.indexOf('slope');

interface Collecting {
  sensors: string[];
  rows: Float32Array[];
  ts: number[];
  seen: number;
}

interface MachineState {
  calibration: Calibration | null;
  collecting: Collecting | null;
}

/** Verdict state per machine, advanced in scoring order (so it does not depend on batching). */
interface Verdict {
  anomalous: boolean;
  calibration: Calibration | null;
}

type Item =
  | { kind: 'calibrating'; machineId: string; ts: number; seen: number }
  | { kind: 'finalize'; machineId: string; calibration: Calibration; rows: Float32Array[] }
  | { kind: 'score'; machineId: string; ts: number; calibration: Calibration; x: Float32Array; flat: Set<string> };

export class AnomalyDetector {
  private readonly short: FeatureEngine;
  private readonly long: FeatureEngine;
  private readonly machines = new Map<string, MachineState>();
  private readonly verdicts = new Map<string, Verdict>();
  private queue: Item[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: LoadedModel,
    private readonly params: AnomalyParams,
    private readonly store?: CalibrationStore,
    saved: ReadonlyMap<string, Calibration> = new Map(),
  ) {
    // Own engines, not the pipeline's: their windows are part of the model (manifest params).
    this.short = new FeatureEngine({ window: params.shortWindow, machineFeatures: [] });
    this.long = new FeatureEngine({ window: params.longWindow, machineFeatures: [] });
    for (const [id, calibration] of saved) this.machines.set(id, { calibration, collecting: null });
  }

  /** Starts a new commissioning window for the machine with its next reading. */
  recalibrate(machineId: string): void {
    const m = this.machines.get(machineId) ?? { calibration: null, collecting: null };
    m.collecting = { sensors: [], rows: [], ts: [], seen: 0 };
    this.machines.set(machineId, m);
  }

  calibration(machineId: string): Calibration | null {
    return this.machines.get(machineId)?.calibration ?? null;
  }

  calibrating(machineId: string): boolean {
    return this.machines.get(machineId)?.collecting != null;
  }

  observe(reading: Reading): void {
    const s = this.short.update(reading);
    const l = this.long.update(reading);
    if (!s || !l) return;
    let m = this.machines.get(reading.machineId);
    if (!m) {
      m = { calibration: null, collecting: { sensors: [], rows: [], ts: [], seen: 0 } };
      this.machines.set(reading.machineId, m);
    }
    const c = m.collecting;
    if (c) {
      c.seen++;
      // Windows still filling describe the start-up, not the machine; they only warm the engines.
      if (this.long.counters(reading.machineId).accepted >= this.params.longWindow) {
        c.sensors = [...s.sensors];
        c.rows.push(vector(c.sensors, s, l));
        c.ts.push(reading.ts);
      }
      if (c.seen < this.params.calibrationRows) {
        this.queue.push({ kind: 'calibrating', machineId: reading.machineId, ts: reading.ts, seen: c.seen });
        return;
      }
      m.collecting = null;
      const rows = c.rows.map((r) => pad(r, c.sensors.length * FEATURES_PER_SENSOR));
      m.calibration = { ...fitCalibration({ sensors: c.sensors, rows, ts: c.ts }, this.params), threshold: Number.NaN };
      this.queue.push({ kind: 'finalize', machineId: reading.machineId, calibration: m.calibration, rows });
      this.queue.push({ kind: 'calibrating', machineId: reading.machineId, ts: reading.ts, seen: c.seen });
      return;
    }
    const cal = m.calibration!;
    this.queue.push({ kind: 'score', machineId: reading.machineId, ts: reading.ts, calibration: cal, x: vector(cal.sensors, s, l), flat: flatSensors(cal, l) });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Scores everything observed so far; flushes run one after another, in observation order. */
  flush(): Promise<AnomalyOutput[]> {
    const items = this.queue;
    this.queue = [];
    const run = this.chain.then(() => this.score(items));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async score(items: Item[]): Promise<AnomalyOutput[]> {
    for (const item of items) if (item.kind === 'finalize') await this.finalize(item);
    const scored = items.filter((i): i is Extract<Item, { kind: 'score' }> => i.kind === 'score');
    let result: Scores | string;
    try {
      result = scored.length > 0 ? await this.run(scored.map((i) => ({ x: i.x, calibration: i.calibration }))) : { score: new Float32Array(), contrib: [] };
    } catch (err) {
      result = (err as Error).message;
    }
    const out: AnomalyOutput[] = [];
    let k = 0;
    for (const item of items) {
      if (item.kind === 'finalize') continue;
      if (item.kind === 'calibrating') {
        const detail = `calibrating: ${item.seen} of ${this.params.calibrationRows} readings`;
        out.push({ machineId: item.machineId, ts: item.ts, state: 'calibrating', score: null, threshold: null, type: null, contributors: [], detail });
        continue;
      }
      const i = k++;
      const threshold = item.calibration.threshold;
      if (typeof result === 'string' || !Number.isFinite(threshold)) {
        this.verdicts.delete(item.machineId);
        const detail = typeof result === 'string' ? `anomaly model failed: ${result}` : 'calibration has no threshold: the anomaly model could not score its window';
        out.push({ machineId: item.machineId, ts: item.ts, state: 'uncertain', score: null, threshold: null, type: null, contributors: [], detail });
        continue;
      }
      const score = result.score[i]!;
      const ranked = item.calibration.sensors
        .map((sensor, j) => ({ sensor, contribution: result.contrib[i]![j]! }))
        .sort((a, b) => b.contribution - a.contribution);
      // Hysteresis (params.release): an open episode closes only when the score falls well below the
      // threshold. A new calibration starts closed.
      const v = this.verdicts.get(item.machineId);
      const open = v !== undefined && v.anomalous && v.calibration === item.calibration;
      const anomalous = open ? score > threshold * this.params.release : score > threshold;
      this.verdicts.set(item.machineId, { anomalous, calibration: item.calibration });
      out.push({
        machineId: item.machineId,
        ts: item.ts,
        state: anomalous ? 'anomaly' : 'normal',
        score,
        threshold,
        type: anomalous ? classifyAnomaly(ranked, item.flat) : null,
        contributors: ranked.slice(0, TOP_CONTRIBUTORS).filter((c) => c.contribution > 0),
        detail: null,
      });
    }
    return out;
  }

  private async finalize(item: Extract<Item, { kind: 'finalize' }>): Promise<void> {
    try {
      const { score } = await this.run(item.rows.map((x) => ({ x, calibration: item.calibration })));
      item.calibration.threshold = thresholdFrom(score, this.params);
      this.store?.save(item.machineId, item.calibration);
    } catch {
      // The machine stays uncertain and commissions again, rather than judging without a limit.
      this.recalibrate(item.machineId);
    }
  }

  /** One batched model run; machines with fewer sensors are padded with slots that score 0. */
  private async run(rows: { x: Float32Array; calibration: Calibration }[]): Promise<Scores> {
    const sensors = rows.reduce((max, r) => Math.max(max, r.calibration.sensors.length), 0);
    const d = sensors * FEATURES_PER_SENSOR;
    const n = rows.length;
    const x = new Float32Array(n * d);
    const centre = new Float32Array(n * d);
    const scale = new Float32Array(n * d).fill(1);
    const mask = new Float32Array(n * d);
    rows.forEach((r, i) => {
      const cal = r.calibration;
      for (let j = 0; j < cal.centre.length; j++) {
        const v = r.x[j]!;
        const usable = Number.isFinite(v);
        x[i * d + j] = usable ? v : 0;
        centre[i * d + j] = usable ? cal.centre[j]! : 0;
        scale[i * d + j] = cal.scale[j]!;
        mask[i * d + j] = usable ? cal.mask[j]! : 0;
      }
    });
    const dims = [n, d];
    const out = await this.model.run({ x: { data: x, dims }, centre: { data: centre, dims }, scale: { data: scale, dims }, mask: { data: mask, dims } });
    const score = out.score!.data;
    const flat = out.contrib!.data;
    const contrib = Array.from({ length: n }, (_, i) => flat.subarray(i * sensors, (i + 1) * sensors));
    return { score, contrib };
  }
}

interface Scores {
  score: Float32Array;
  contrib: Float32Array[];
}

const slotOf = (frame: FeatureFrame, sensor: string, feature: number) => {
  const i = frame.sensors.indexOf(sensor);
  return i < 0 ? Number.NaN : frame.values[frame.values.length - (frame.sensors.length - i) * SENSOR_FEATURE_COUNT + feature]!;
};

/** The model input for these sensors: [short-window mean, long-window slope] per sensor. */
function vector(sensors: readonly string[], short: FeatureFrame, long: FeatureFrame): Float32Array {
  const x = new Float32Array(sensors.length * FEATURES_PER_SENSOR);
  sensors.forEach((sensor, k) => {
    x[k * FEATURES_PER_SENSOR] = slotOf(short, sensor, MEAN);
    x[k * FEATURES_PER_SENSOR + 1] = slotOf(long, sensor, SLOPE);
  });
  return x;
}

function pad(row: Float32Array, length: number): Float32Array {
  if (row.length === length) return row;
  const out = new Float32Array(length).fill(Number.NaN);
  out.set(row);
  return out;
}

function flatSensors(cal: Calibration, long: FeatureFrame): Set<string> {
  const flat = new Set<string>();
  cal.sensors.forEach((sensor, k) => {
    const j = k * FEATURES_PER_SENSOR;
    if (slotOf(long, sensor, STD) === 0 && cal.scale[j]! > scaleFloor(cal.centre[j]!)) flat.add(sensor);
  });
  return flat;
}

/**
 * The streaming anomaly detector: the one code path for live data and for the SKAB evaluation.
 * observe() is synchronous and decides, for each reading in arrival order, whether it belongs to a
 * calibration window or is judged against the machine's calibration; flush() scores everything
 * queued in one batched model run. So results do not depend on how readings were batched.
 */
import type { Reading } from '../../common/telemetry';
import { FEATURES_PER_SENSOR, type AnomalyParams } from './anomaly-params';
import { classifyAnomaly, topContributions, type AnomalyType, type Contribution } from './anomaly-type';
import { AnomalyWindows } from './anomaly-windows';
import { CalibrationRows } from './calibration-rows';
import { fitCalibration, scaleFloor, thresholdFrom, type Calibration } from './calibration';
import type { LoadedModel } from './model-set';
import { RowArena } from './row-arena';

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
  /** Machines that finished commissioning in one flush; a new plant finishes hundreds at once. */
  save(calibrations: ReadonlyMap<string, Calibration>): void;
}

const TOP_CONTRIBUTORS = 3;
const NONE_FLAT: ReadonlySet<string> = new Set();

interface Collecting {
  rows: CalibrationRows;
  seen: number;
}

/** Where the calibration's sensors sit in the machine's windows, while `known` sensors are known there. */
interface Layout {
  calibration: Calibration;
  known: number;
  positions: Int32Array;
}

interface MachineState {
  // Own windows, not the pipeline's: their sizes are part of the model (manifest params).
  windows: AnomalyWindows;
  calibration: Calibration | null;
  collecting: Collecting | null;
  layout: Layout | null;
  /** The machine's 'calibrating' item when it is the last item the machine has in `queue`. */
  status: { item: Extract<Item, { kind: 'calibrating' }>; queue: Item[] } | null;
}

/** A model input row: x[at..] for the calibration's sensors. */
interface ModelRow {
  x: Float32Array;
  at: number;
  calibration: Calibration;
}

/** Verdict state per machine, advanced in scoring order (so it does not depend on batching). */
interface Verdict {
  anomalous: boolean;
  calibration: Calibration | null;
}

type Item =
  /** No judgement yet: commissioning, or a calibrated machine's windows refilling after a restart. */
  | { kind: 'calibrating'; machineId: string; ts: number; seen: number; refilling: boolean }
  | { kind: 'finalize'; machineId: string; calibration: Calibration; rows: CalibrationRows }
  | ({ kind: 'score'; machineId: string; ts: number; flat: ReadonlySet<string> } & ModelRow);

export class AnomalyDetector {
  private readonly machines = new Map<string, MachineState>();
  private readonly arena = new RowArena();
  private readonly verdicts = new Map<string, Verdict>();
  private queue: Item[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: LoadedModel,
    private readonly params: AnomalyParams,
    private readonly store?: CalibrationStore,
    saved: ReadonlyMap<string, Calibration> = new Map(),
  ) {
    for (const [id, calibration] of saved) this.machines.set(id, this.machine(calibration));
  }

  /** Starts a new commissioning window for the machine with its next reading. */
  recalibrate(machineId: string): void {
    const m = this.machines.get(machineId) ?? this.machine(null);
    m.collecting = this.collecting();
    this.machines.set(machineId, m);
  }

  calibration(machineId: string): Calibration | null {
    return this.machines.get(machineId)?.calibration ?? null;
  }

  calibrating(machineId: string): boolean {
    return this.machines.get(machineId)?.collecting != null;
  }

  observe(reading: Reading): void {
    let m = this.machines.get(reading.machineId);
    if (!m) {
      m = this.machine(null);
      this.machines.set(reading.machineId, m);
    }
    const w = m.windows;
    if (!w.observe(reading)) return;
    // A machine's first accepted reading opens its first commissioning window.
    if (m.calibration === null && m.collecting === null) m.collecting = this.collecting();
    const c = m.collecting;
    if (c) {
      c.seen++;
      // Windows still filling describe the start-up, not the machine; they only warm the windows.
      if (w.accepted >= this.params.longWindow) {
        const at = c.rows.next(w.sensors.length * FEATURES_PER_SENSOR, reading.ts);
        w.writeAll(c.rows.x, at);
      }
      if (c.seen < this.params.calibrationRows) {
        this.status(m, reading, c.seen, false);
        return;
      }
      m.collecting = null;
      const { rows } = c;
      const sensors = w.sensors.slice(0, rows.stride / FEATURES_PER_SENSOR);
      const views = Array.from({ length: rows.count }, (_, i) => rows.row(i));
      m.calibration = { ...fitCalibration({ sensors, rows: views, ts: rows.ts }, this.params), threshold: Number.NaN };
      this.push(m, { kind: 'finalize', machineId: reading.machineId, calibration: m.calibration, rows });
      this.status(m, reading, c.seen, false);
      return;
    }
    if (w.accepted < this.params.longWindow) {
      // A calibration loaded at start meets empty windows: a slope over a few samples is not the
      // machine's, and scoring it raised false anomalies on every restart.
      this.status(m, reading, w.accepted, true);
      return;
    }
    const cal = m.calibration!;
    const positions = layoutOf(m, cal).positions;
    const at = this.arena.take(positions.length * FEATURES_PER_SENSOR);
    const x = this.arena.x;
    w.write(positions, x, at);
    this.push(m, { kind: 'score', machineId: reading.machineId, ts: reading.ts, calibration: cal, x, at, flat: flatSensors(cal, positions, w) });
  }

  /**
   * A reading without judgement. Its output says only how far the machine is, and nothing but the
   * newest is read (screens show it, alarms skip it), so a machine's readings in a row share one
   * item, updated in place: at a backlog's rate that is one output per machine and flush instead
   * of one per reading.
   */
  private status(m: MachineState, reading: Reading, seen: number, refilling: boolean): void {
    const pending = m.status;
    if (pending !== null && pending.queue === this.queue) {
      pending.item.ts = reading.ts;
      pending.item.seen = seen;
      pending.item.refilling = refilling;
      return;
    }
    const item = { kind: 'calibrating' as const, machineId: reading.machineId, ts: reading.ts, seen, refilling };
    this.queue.push(item);
    m.status = { item, queue: this.queue };
  }

  /** Any other item ends the machine's run of status readings, so outputs keep each machine's order. */
  private push(m: MachineState, item: Item): void {
    this.queue.push(item);
    m.status = null;
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
    const finalized = new Map<string, Calibration>();
    for (const item of items) if (item.kind === 'finalize' && (await this.finalize(item))) finalized.set(item.machineId, item.calibration);
    this.save(finalized);
    const scored = items.filter((i): i is Extract<Item, { kind: 'score' }> => i.kind === 'score');
    let result: Scores | string;
    try {
      result = scored.length > 0 ? await this.run(scored) : { score: new Float32Array(), contrib: new Float32Array(), sensors: 0 };
    } catch (err) {
      result = (err as Error).message;
    }
    const out: AnomalyOutput[] = [];
    let k = 0;
    for (const item of items) {
      if (item.kind === 'finalize') continue;
      if (item.kind === 'calibrating') {
        const detail = item.refilling ? `windows filling after a restart: ${item.seen} of ${this.params.longWindow} readings` : `calibrating: ${item.seen} of ${this.params.calibrationRows} readings`;
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
      // classifyAnomaly reads only the first two.
      const ranked = topContributions(item.calibration.sensors, result.contrib, i * result.sensors, TOP_CONTRIBUTORS);
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
        contributors: ranked.filter((c) => c.contribution > 0),
        detail: null,
      });
    }
    return out;
  }

  /** Sets the calibration's threshold; false when it cannot, and the machine commissions again. */
  private async finalize(item: Extract<Item, { kind: 'finalize' }>): Promise<boolean> {
    try {
      const { rows, calibration } = item;
      const { score } = await this.run(Array.from({ length: rows.count }, (_, i) => ({ x: rows.x, at: i * rows.stride, calibration })));
      item.calibration.threshold = thresholdFrom(score, this.params);
      return true;
    } catch {
      // The machine stays uncertain and commissions again, rather than judging without a limit.
      this.recalibrate(item.machineId);
      return false;
    }
  }

  /** One write for the flush: each is a synchronous commit on the main thread. */
  private save(calibrations: ReadonlyMap<string, Calibration>): void {
    if (!this.store || calibrations.size === 0) return;
    try {
      this.store.save(calibrations);
    } catch {
      // As a failed threshold: a calibration that would be lost on restart is not kept either.
      for (const id of calibrations.keys()) this.recalibrate(id);
    }
  }

  /** One batched model run; machines with fewer sensors are padded with slots that score 0. */
  private async run(rows: readonly ModelRow[]): Promise<Scores> {
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
        const v = r.x[r.at + j]!;
        const usable = Number.isFinite(v);
        x[i * d + j] = usable ? v : 0;
        centre[i * d + j] = usable ? cal.centre[j]! : 0;
        scale[i * d + j] = cal.scale[j]!;
        mask[i * d + j] = usable ? cal.mask[j]! : 0;
      }
    });
    const dims = [n, d];
    const out = await this.model.run({ x: { data: x, dims }, centre: { data: centre, dims }, scale: { data: scale, dims }, mask: { data: mask, dims } });
    return { score: out.score!.data, contrib: out.contrib!.data, sensors };
  }

  private collecting(): Collecting {
    return { rows: new CalibrationRows(this.params.calibrationRows), seen: 0 };
  }

  private machine(calibration: Calibration | null): MachineState {
    return { windows: new AnomalyWindows(this.params.shortWindow, this.params.longWindow), calibration, collecting: null, layout: null, status: null };
  }
}

interface Scores {
  score: Float32Array;
  /** Row i's contribution of sensor j is at [i * sensors + j]. */
  contrib: Float32Array;
  sensors: number;
}

/** Rebuilt only when the calibration changes or the machine reports a new sensor. */
function layoutOf(m: MachineState, calibration: Calibration): Layout {
  const known = m.windows.sensors.length;
  if (m.layout?.calibration !== calibration || m.layout.known !== known) m.layout = { calibration, known, positions: m.windows.positions(calibration.sensors) };
  return m.layout;
}

/** Sensors now constant over the long window although their level moved during calibration. */
function flatSensors(cal: Calibration, positions: Int32Array, windows: AnomalyWindows): ReadonlySet<string> {
  let flat: Set<string> | null = null;
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k]!;
    const j = k * FEATURES_PER_SENSOR;
    if (p >= 0 && windows.flat(p) && cal.scale[j]! > scaleFloor(cal.centre[j]!)) (flat ??= new Set()).add(cal.sensors[k]!);
  }
  // Usually none: a shared empty set then saves an allocation per reading.
  return flat ?? NONE_FLAT;
}

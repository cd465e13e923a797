/**
 * Incremental rolling features per machine, in event time (the reading's own ts). The live pipeline
 * and offline evaluation both feed readings through this class, so a model sees the same inputs in
 * both.
 *
 * Frame layout (`values`, a Float64Array, with `names` giving each slot's name):
 *   [ machine features..., sensor 0 block, sensor 1 block, ... ]
 *   machine features: one slot each, named `machine.<name>` (e.g. `machine.cycles`), in options order;
 *   each sensor block: SENSOR_FEATURE_COUNT slots named `<sensor>.<feature>`, in SENSOR_FEATURES order:
 *     value  the latest value
 *     mean   mean of the last `window` samples of this sensor (fewer while it fills)
 *     std    population standard deviation over the same samples
 *     min    / max over the same samples
 *     z      (value - mean) / std; 0 when std is 0
 *     slope  least-squares slope of value against event time, units per second
 *     crossings  pairs of consecutive samples in the window lying on opposite sides of the mean as it
 *            was when the later of the two arrived (a cheap stand-in for "oscillation")
 * Sensors are placed in order of first appearance, so offsets never move: a sensor that appears late
 * appends a block, and `sensors`, `names` and `values` are then replaced by new arrays (compare by
 * reference to notice). A sensor missing from a reading keeps its previous slots.
 *
 * Readings older than the machine's latest are counted as out of order and skipped; readings at the
 * same ts are counted as duplicates and skipped; a non-finite metric is counted and that sensor skipped.
 */
import type { Reading } from '../../../common/telemetry';
import { cycleCount, type MachineFeature } from './machine-features';
import { SENSOR_FEATURE_COUNT, SENSOR_FEATURES, SensorWindow } from './sensor-window';

export interface FeatureEngineOptions {
  /** Samples per sensor window; default 60. */
  window?: number;
  /** Default: cycles from a `cycles` counter. Add stressIntegral() with the plant's nominal vibration. */
  machineFeatures?: readonly MachineFeature[];
}

export interface FeatureFrame {
  readonly machineId: string;
  readonly ts: number;
  readonly sensors: readonly string[];
  readonly names: readonly string[];
  readonly values: Float64Array;
}

type OwnedFrame = { -readonly [K in keyof FeatureFrame]: FeatureFrame[K] };

export interface FeatureCounters {
  accepted: number;
  outOfOrder: number;
  duplicates: number;
  nonFinite: number;
}

interface SensorSlot {
  window: SensorWindow;
  offset: number;
}

interface MachineState {
  frame: OwnedFrame;
  slots: Map<string, SensorSlot>;
  updaters: ((metrics: Readonly<Record<string, number>>, dtMs: number) => number)[];
  lastTs: number;
  counters: FeatureCounters;
}

export const DEFAULT_WINDOW = 60;

const zeroCounters = (): FeatureCounters => ({ accepted: 0, outOfOrder: 0, duplicates: 0, nonFinite: 0 });

export class FeatureEngine {
  readonly window: number;
  private readonly machineFeatures: readonly MachineFeature[];
  private readonly machines = new Map<string, MachineState>();
  private readonly totals = zeroCounters();

  constructor(options: FeatureEngineOptions = {}) {
    this.window = options.window ?? DEFAULT_WINDOW;
    if (!Number.isInteger(this.window) || this.window < 2) throw new RangeError(`window must be an integer >= 2, got ${this.window}`);
    this.machineFeatures = options.machineFeatures ?? [cycleCount()];
  }

  /**
   * Folds one reading into its machine's windows. Returns the machine's frame, which the engine owns
   * and overwrites on that machine's next reading (copy it, or use snapshot(), to keep it), or null
   * when the reading was skipped.
   */
  update(reading: Reading): FeatureFrame | null {
    let m = this.machines.get(reading.machineId);
    if (m === undefined) {
      m = this.createMachine(reading.machineId);
      this.machines.set(reading.machineId, m);
    }
    const ts = reading.ts;
    if (!(ts > m.lastTs)) {
      if (ts === m.lastTs) {
        m.counters.duplicates++;
        this.totals.duplicates++;
      } else {
        m.counters.outOfOrder++;
        this.totals.outOfOrder++;
      }
      return null;
    }
    const dtMs = m.lastTs === Number.NEGATIVE_INFINITY ? 0 : ts - m.lastTs;
    m.lastTs = ts;
    m.counters.accepted++;
    this.totals.accepted++;

    const metrics = reading.metrics;
    const frame = m.frame;
    for (const name in metrics) {
      const value = metrics[name]!;
      if (!Number.isFinite(value)) {
        m.counters.nonFinite++;
        this.totals.nonFinite++;
        continue;
      }
      const slot = m.slots.get(name) ?? this.addSensor(m, name);
      slot.window.push(value, ts, frame.values, slot.offset);
    }
    for (let i = 0; i < m.updaters.length; i++) frame.values[i] = m.updaters[i]!(metrics, dtMs);
    frame.ts = ts;
    return frame;
  }

  /** A copy of the machine's latest frame, or null if no reading of it has been accepted. */
  snapshot(machineId: string): FeatureFrame | null {
    const m = this.machines.get(machineId);
    if (m === undefined || m.counters.accepted === 0) return null;
    const f = m.frame;
    return { machineId, ts: f.ts, sensors: f.sensors, names: f.names, values: f.values.slice() };
  }

  /** Counts for one machine, or summed over all machines. */
  counters(machineId?: string): FeatureCounters {
    if (machineId === undefined) return { ...this.totals };
    const m = this.machines.get(machineId);
    return m === undefined ? zeroCounters() : { ...m.counters };
  }

  machineIds(): string[] {
    return [...this.machines.keys()];
  }

  private createMachine(machineId: string): MachineState {
    const names = this.machineFeatures.map((f) => `machine.${f.name}`);
    return {
      frame: { machineId, ts: Number.NaN, sensors: [], names, values: new Float64Array(names.length) },
      slots: new Map(),
      updaters: this.machineFeatures.map((f) => f.create(machineId)),
      lastTs: Number.NEGATIVE_INFINITY,
      counters: zeroCounters(),
    };
  }

  private addSensor(m: MachineState, sensor: string): SensorSlot {
    const frame = m.frame;
    const slot: SensorSlot = { window: new SensorWindow(this.window), offset: frame.values.length };
    const values = new Float64Array(frame.values.length + SENSOR_FEATURE_COUNT);
    values.set(frame.values);
    frame.values = values;
    frame.sensors = [...frame.sensors, sensor];
    frame.names = [...frame.names, ...SENSOR_FEATURES.map((f) => `${sensor}.${f}`)];
    m.slots.set(sensor, slot);
    return slot;
  }
}

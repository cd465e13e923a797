/**
 * The RUL model's input, built from a machine's readings by the same FeatureEngine as everything
 * else. Training (scripts/models/export-cmapss.ts), evaluation and the live app all call this, so
 * the network sees identical numbers in all three.
 *
 * Sensors are first normalised per operating condition (C-MAPSS FD002/FD004 run at 6 conditions,
 * and a sensor's level there says more about the altitude than about wear), then windowed.
 */
import { z } from 'zod';
import type { Reading } from '../../common/telemetry';
import { FeatureEngine, type FeatureFrame } from './features/engine';
import { cycleCount } from './features/machine-features';
import { SENSOR_FEATURE_COUNT, SENSOR_FEATURES } from './features/sensor-window';

export const RulParamsSchema = z.object({
  window: z.number().int().min(2),
  /** Optional longer window: per sensor its mean and slope follow the window's four features. */
  longWindow: z.number().int().min(2).optional(),
  /** Optional shorter window: per sensor its mean follows. */
  shortWindow: z.number().int().min(2).optional(),
  /** Metric names of the sensors, in input order. */
  sensors: z.array(z.string()).min(1),
  /** The metric whose rounded value names the operating condition. */
  conditionMetric: z.string(),
  conditions: z.array(z.object({ key: z.number(), mean: z.array(z.number()), std: z.array(z.number()) })).min(1),
  cycleMetric: z.string(),
  /** Targets were capped here (piecewise-linear RUL): the model never predicts more. */
  cap: z.number().positive(),
  /** Quantiles of (true - predicted) RUL on validation engines: the uncertainty band around a prediction. */
  band: z.object({
    low: z.number(),
    high: z.number(),
    coverage: z.number(),
    /**
     * Optional bands by predicted RUL (conformal, from validation engines' uncapped RUL): the first
     * bin whose upTo is above the prediction applies; low/high above are the fallback.
     */
    bins: z.array(z.object({ upTo: z.number(), low: z.number(), high: z.number() })).optional(),
  }),
});
export type RulParams = z.infer<typeof RulParamsSchema>;

export const RUL_FEATURES = ['value', 'mean', 'std', 'slope'] as const;
export const RUL_LONG_FEATURES = ['mean', 'slope'] as const;
export const RUL_SHORT_FEATURES = ['mean'] as const;
const SLOTS = RUL_FEATURES.map((f) => SENSOR_FEATURES.indexOf(f));
const LONG_SLOTS = RUL_LONG_FEATURES.map((f) => SENSOR_FEATURES.indexOf(f));
const SHORT_SLOTS = RUL_SHORT_FEATURES.map((f) => SENSOR_FEATURES.indexOf(f));

const perSensor = (params: RulParams) =>
  RUL_FEATURES.length + (params.longWindow ? RUL_LONG_FEATURES.length : 0) + (params.shortWindow ? RUL_SHORT_FEATURES.length : 0);

/** Per sensor: value, mean, std, slope over `window`, [mean, slope over longWindow], [mean over shortWindow]; then cycles seen. */
export const rulInputWidth = (params: RulParams) => params.sensors.length * perSensor(params) + 1;

export class RulInput {
  private readonly engine: FeatureEngine;
  private readonly long: FeatureEngine | null;
  private readonly short: FeatureEngine | null;

  constructor(private readonly params: RulParams) {
    this.engine = new FeatureEngine({ window: params.window, machineFeatures: [cycleCount(params.cycleMetric, 'cycles')] });
    this.long = params.longWindow ? new FeatureEngine({ window: params.longWindow, machineFeatures: [] }) : null;
    this.short = params.shortWindow ? new FeatureEngine({ window: params.shortWindow, machineFeatures: [] }) : null;
  }

  /** True when the reading carries every input this model needs. */
  applies(reading: Reading): boolean {
    const m = reading.metrics;
    return m[this.params.conditionMetric] !== undefined && this.params.sensors.every((s) => m[s] !== undefined);
  }

  /** The model input after this reading, or null when the reading was skipped (duplicate, out of order). */
  update(reading: Reading): Float32Array | null {
    const p = this.params;
    const condition = nearest(p.conditions, reading.metrics[p.conditionMetric]!);
    const metrics: Record<string, number> = { [p.cycleMetric]: reading.metrics[p.cycleMetric] ?? Number.NaN };
    p.sensors.forEach((s, i) => (metrics[s] = (reading.metrics[s]! - condition.mean[i]!) / condition.std[i]!));
    const normalised = { ...reading, metrics };
    const frame = this.engine.update(normalised);
    // The extra engines see exactly the readings the main one accepted (same duplicate/order rules).
    const long = frame && this.long ? this.long.update(normalised) : null;
    const short = frame && this.short ? this.short.update(normalised) : null;
    if (!frame || (this.long && !long) || (this.short && !short)) return null;
    const x = new Float32Array(rulInputWidth(p));
    const width = perSensor(p);
    p.sensors.forEach((s, i) => {
      let k = i * width;
      for (const slot of SLOTS) x[k++] = slotOf(frame, s, slot);
      if (long) for (const slot of LONG_SLOTS) x[k++] = slotOf(long, s, slot);
      if (short) for (const slot of SHORT_SLOTS) x[k++] = slotOf(short, s, slot);
    });
    x[x.length - 1] = frame.values[0]!;
    return x;
  }
}

function slotOf(frame: FeatureFrame, sensor: string, slot: number): number {
  const base = frame.values.length - frame.sensors.length * SENSOR_FEATURE_COUNT;
  return frame.values[base + frame.sensors.indexOf(sensor) * SENSOR_FEATURE_COUNT + slot]!;
}

function nearest(conditions: RulParams['conditions'], value: number) {
  let best = conditions[0]!;
  for (const c of conditions) if (Math.abs(c.key - value) < Math.abs(best.key - value)) best = c;
  return best;
}

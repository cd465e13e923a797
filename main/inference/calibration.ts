/**
 * Per-machine calibration of the anomaly scorer from the machine's own commissioning window: no
 * labels, only what "normal" looked like on this machine. The threshold is fixed here, before any
 * reading it will judge.
 */
import { z } from 'zod';
import { eventMs } from '../../common/time';
import { FEATURES_PER_SENSOR, type AnomalyParams } from './anomaly-params';
import { Moments } from '../../common/moments';

export const CalibrationSchema = z.object({
  sensors: z.array(z.string()),
  centre: z.array(z.number()),
  scale: z.array(z.number()),
  mask: z.array(z.number()),
  threshold: z.number(),
  /** The first and last reading of the window. */
  from: eventMs(),
  to: eventMs(),
  rows: z.number().int(),
})
  // The detector reads centre, scale and mask by sensor position; a stored row of another length is corrupt.
  .refine((c) => [c.centre, c.scale, c.mask].every((a) => a.length === c.sensors.length * FEATURES_PER_SENSOR), { message: 'centre, scale and mask must hold FEATURES_PER_SENSOR values per sensor' });
export type Calibration = z.infer<typeof CalibrationSchema>;

/** Rows of the window: one input vector per reading (NaN where a sensor had not reported yet). */
export interface CalibrationWindow {
  sensors: readonly string[];
  rows: Float32Array[];
  ts: number[];
}

/** Below this, a feature that did not move during calibration would turn any later wobble into infinity. */
export const scaleFloor = (centre: number) => 1e-3 * Math.max(1, Math.abs(centre));

/** Centre, scale and drift mask; the threshold needs the graph's scores and is set by thresholdFrom. */
export function fitCalibration(window: CalibrationWindow, params: AnomalyParams): Omit<Calibration, 'threshold'> {
  const d = window.sensors.length * FEATURES_PER_SENSOR;
  const centre = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(1);
  const mask = new Array<number>(d).fill(1);
  for (let j = 0; j < d; j++) {
    // x: seconds since the window's first reading; y: the feature.
    const m = new Moments();
    const t0 = window.ts[0] ?? 0;
    window.rows.forEach((row, i) => {
      const v = row[j]!;
      if (Number.isFinite(v)) m.add((window.ts[i]! - t0) / 1000, v);
    });
    if (m.n < 2) {
      mask[j] = 0;
      continue;
    }
    const mean = m.meanY;
    centre[j] = mean;
    scale[j] = Math.max(Math.sqrt(m.varianceY()), scaleFloor(mean));
    if (j % FEATURES_PER_SENSOR === 0) {
      const varT = m.varianceX();
      if (varT > 0) {
        const slope = m.slope();
        const residual = Math.sqrt(m.residualVariance());
        const span = Math.sqrt(12 * varT);
        if (Math.abs(slope) * span > params.driftK * Math.max(residual, scaleFloor(mean))) mask[j] = 0;
      }
    }
  }
  return { sensors: [...window.sensors], centre, scale, mask, from: window.ts[0] ?? 0, to: window.ts.at(-1) ?? 0, rows: window.rows.length };
}

/** The upper control limit: a high quantile of the window's own scores, widened by a factor. */
export function thresholdFrom(scores: ArrayLike<number>, params: AnomalyParams): number {
  const sorted = Float64Array.from(scores).filter(Number.isFinite).sort();
  if (sorted.length === 0) return Number.POSITIVE_INFINITY;
  const pos = params.quantile * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)) * params.factor;
}

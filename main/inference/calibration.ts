/**
 * Per-machine calibration of the anomaly scorer from the machine's own commissioning window: no
 * labels, only what "normal" looked like on this machine. The threshold is fixed here, before any
 * reading it will judge.
 */
import { z } from 'zod';
import { FEATURES_PER_SENSOR, type AnomalyParams } from './anomaly-params';

export const CalibrationSchema = z.object({
  sensors: z.array(z.string()),
  centre: z.array(z.number()),
  scale: z.array(z.number()),
  mask: z.array(z.number()),
  threshold: z.number(),
  /** Event time of the first and last reading of the window. */
  from: z.number(),
  to: z.number(),
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
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let sumT = 0;
    let sumTT = 0;
    let sumTY = 0;
    const t0 = window.ts[0] ?? 0;
    window.rows.forEach((row, i) => {
      const v = row[j]!;
      if (!Number.isFinite(v)) return;
      const t = (window.ts[i]! - t0) / 1000;
      n++;
      sum += v;
      sumSq += v * v;
      sumT += t;
      sumTT += t * t;
      sumTY += t * v;
    });
    if (n < 2) {
      mask[j] = 0;
      continue;
    }
    const mean = sum / n;
    const variance = Math.max(0, sumSq / n - mean * mean);
    centre[j] = mean;
    scale[j] = Math.max(Math.sqrt(variance), scaleFloor(mean));
    if (j % FEATURES_PER_SENSOR === 0) {
      const meanT = sumT / n;
      const varT = sumTT / n - meanT * meanT;
      if (varT > 0) {
        const slope = (sumTY / n - meanT * mean) / varT;
        const residual = Math.sqrt(Math.max(0, variance - slope * slope * varT));
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

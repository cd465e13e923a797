import { z } from 'zod';

/** The anomaly model's `params` in models/manifest.json: how the app builds its inputs and calibrates. */
export const AnomalyParamsSchema = z.object({
  /** Samples in the window whose mean is each sensor's level feature. */
  shortWindow: z.number().int().min(2),
  /** Samples in the window whose least-squares slope is each sensor's trend feature. */
  longWindow: z.number().int().min(2),
  /** Readings in a commissioning (calibration) window, warm-up included. */
  calibrationRows: z.number().int().min(10),
  /** Threshold = this quantile of the calibration window's own scores ... */
  quantile: z.number().gt(0).lt(1),
  /** ... times this factor (the SKAB reference detectors' upper control limit rule). */
  factor: z.number().positive(),
  /**
   * A sensor whose level drifts through the calibration window by more than driftK residual standard
   * deviations (a motor still warming up) is judged on its slope only: its level would be compared
   * with a value it has already left.
   */
  driftK: z.number().positive(),
  /**
   * Hysteresis: once a reading is above the threshold, the machine stays anomalous until its score
   * falls to release x threshold or below (1 = no hysteresis). One anomaly is one episode, not a
   * flicker of verdicts while the score hovers around the limit.
   */
  release: z.number().gt(0).lte(1).default(1),
});
export type AnomalyParams = z.infer<typeof AnomalyParamsSchema>;

/** Slots per sensor in the model's input, in this order (the graph groups them per sensor). */
export const FEATURES_PER_SENSOR = 2;

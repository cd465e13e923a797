import { z } from 'zod';
import { LAGS } from './normal-model';

/**
 * The condition monitor's `params` in models/manifest.json. They were chosen on the plant scenario's
 * tuning seeds (scripts/models/plant-eval.ts --tune); the reported figures use other seeds.
 */
export const ConditionParamsSchema = z.object({
  /** A machine whose state signal never moved is taken as running at its level after this long. */
  steadyAfterMinutes: z.number().positive(),
  /** Event-time spacing of scored rows per machine: readings in between only update the trackers. */
  rowEveryMs: z.number().int().min(0),
  /** Time constants (minutes) of the load share's moving averages: a geometric set, so that any thermal lag in between is a mix of them. */
  lagMinutes: z.array(z.number().positive()).length(LAGS),
  /** Smoothing (seconds) of the state signals before the state is read, so a spike is not read as a load change. */
  loadSmoothingS: z.number().positive(),
  /** Learning ends after this much event time since the first reading ... */
  learnHours: z.number().positive(),
  /** ... with at least this many hours of the machine running ... */
  minRunningHours: z.number().positive(),
  /** ... and then the fitted model is scored without alarms for this long to set its own thresholds. */
  validateHours: z.number().positive(),
  /** A load band with less learning than this is not judged ("learning") until a refit covers it. */
  bandReadyHours: z.number().positive(),
  /** While monitoring, the model is refitted this often on rows confirmed normal ... */
  refitHours: z.number().positive(),
  /** ... after weighting older rows by this factor per refit (exponential forgetting). */
  forgetPerRefit: z.number().gt(0).lte(1),
  /** Fast and slow residual averages, seconds. */
  fastTauS: z.number().positive(),
  slowTauS: z.number().positive(),
  /** Threshold = this multiple of the largest average seen while validating, and at least the floor (in residual sigmas). */
  thresholdMargin: z.number().min(1),
  fastFloor: z.number().positive(),
  slowFloor: z.number().positive(),
  /**
   * The smallest temperature deviation (in the sensor's degrees) worth an operator's attention.
   * Ambient and restarts move temperatures by a few degrees that no statistics fully explain;
   * overheating that matters is well above this.
   */
  thermalMinDeviation: z.number().nonnegative(),
  /**
   * The same for vibration, as a share of its expected level: bearings wear a few per cent a week
   * in normal service, while a fault worth a call doubles the level (ISO 10816 zones are factors).
   */
  vibrationMinShare: z.number().nonnegative(),
  /** An episode raises when the score stays above 1 this long, and clears after this long below `release`. */
  raiseS: z.number().nonnegative(),
  clearS: z.number().positive(),
  release: z.number().gt(0).lt(1),
  /** No judgement for this long after the machine starts, stops idling, or changes load band. */
  settleS: z.number().nonnegative(),
  /** Health: smoothing of the deviation (s), trend window (h) and the prediction horizon (h). */
  healthTauS: z.number().positive(),
  /**
   * The same smoothing for a temperature (s): its own thermal lag already averages its noise, so
   * health follows it sooner; absent, healthTauS.
   */
  thermalHealthTauS: z.number().positive().optional(),
  trendHours: z.number().positive(),
  horizonHours: z.number().positive(),
  /** A trend must have this t-statistic and span before a remaining life is given. */
  trendMinT: z.number().positive(),
  trendMinMinutes: z.number().positive(),
  /** Communication loss: silence longer than this many of the machine's own periods, and at least minS. */
  silencePeriods: z.number().positive(),
  silenceMinS: z.number().positive(),
  /** A sensor is stuck when unchanged this long while running, and for this multiple of its longest learned run. */
  stuckMinS: z.number().positive(),
  stuckRunFactor: z.number().min(1),
  /**
   * Spikes on power, or on the load without it (load-spikes.ts): a rise above its neighbours' median counts as a spike
   * past thresholdMargin times the largest rise learned in its band and at least this share of the
   * load's top; the spike score is the spikes within spikeWindowS over spikeCount. Absent in manifests
   * written before them, so defaulted.
   */
  spikeFloor: z.number().positive().default(0.1),
  spikeWindowS: z.number().positive().default(180),
  spikeCount: z.number().positive().default(2),
});
export type ConditionParams = z.infer<typeof ConditionParamsSchema>;

/** What the failure level is for each kind of sensor: the deviation at which health reaches 0. */
export const FAILURE_LEVEL = {
  /** Vibration at 4x its healthy level (+12 dB): the usual "danger" rule of condition monitoring. */
  vibrationRatio: 3,
  /** Temperature this many kelvin above its expected value under the same load (chosen on the tuning seeds). */
  thermalRise: 20,
  /** Pressure or flow this share away from its expected value. */
  pressureShare: 0.4,
  /** Power or current this share away from its expected value. */
  electricalShare: 0.5,
  /** Any other sensor: this many of its own slow thresholds. */
  otherThresholds: 6,
} as const;

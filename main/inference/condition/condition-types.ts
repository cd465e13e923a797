/** The shapes a machine's condition state is made of: sensor averages, the fitted model as stored, queued rows. */
import { z } from 'zod';
import type { ConditionOutput } from '../../../common/contract-models';
import { sensorGroup, type AnomalyType } from '../anomaly-type';
import type { MachineCondition } from './machine-condition';
import { BANDS, SensorModelSchema, type SensorSums } from './normal-model';
import type { StateSignals } from './operating-state';
import type { Recheck, Reference } from './threshold-transfer';

export const HOUR = 3_600_000;

export interface SensorState {
  name: string;
  sums: SensorSums;
  last: number;
  /** Run of equal values: since when, how many readings, and whether the machine ran all along. */
  runSince: number;
  runCount: number;
  runWhileRunning: boolean;
  stuck: boolean;
  fast: number;
  slow: number;
  /** The residual sigma the averages are in (NaN: none yet): another band's or model's converts them, so that they keep the deviation in sensor units. */
  unit: number;
  /** Smoothed residual and expected value in sensor units, for health. */
  resid: number;
  expected: number;
  /** The same for the trend, started again after each stop or gap, and its running rows since. */
  trendResid: number;
  trendExpected: number;
  trendRows: number;
  /** The expected value smoothed as the fast and the slow average (NaN: none yet): the levels their deviations were accumulated against. */
  expectedFast: number;
  expectedSlow: number;
  maxFast: number;
  maxSlow: number;
  /** The model its thresholds were judged on (threshold-transfer.ts); null until thresholds are set or a loaded model is first refitted. */
  ref: Reference | null;
  /** After a refit changed the sensor's model, its out-of-sample check; null when none is open. */
  recheck: Recheck | null;
  /** Thermal sensors: slow average of the raw residual, this machine's vote for the plant's ambient shift. */
  ambient: number;
  /** Thermal sensors: this machine's own slow offset beyond the plant's shift (where it stands in the hall), learned while normal. */
  baseline: number;
  /** The sensor's kind by name (thermal, vibration...), found once: health reads it on every row. */
  group: AnomalyType;
  thermal: boolean;
  /**
   * Vibration and temperature are judged on their rises only: a quieter machine (a bearing renewed)
   * or a cooler one (a cold start, a stop) is no fault, and those were most of the false alarms.
   */
  risesOnly: boolean;
  min: number;
  max: number;
}

export const FittedModelSchema = z.object({
  version: z.number().int(),
  fittedAt: z.number(),
  sensors: z.array(z.string()),
  models: z.array(SensorModelSchema.nullable()),
  loadMax: z.number(),
  powerMax: z.number().nullable(),
  /** Per sensor thresholds of the fast and slow averages (residual sigmas); empty until validated. */
  fastT: z.array(z.number()),
  slowT: z.array(z.number()),
  longestRun: z.array(z.number()),
  /** Per lag, the largest gap between the load share and its lagged average that learning saw. */
  lagSpread: z.array(z.number()),
  /** Per load band, the lowest and highest load share the fit saw (low, high pairs); absent in models saved before it. */
  loadSeen: z.array(z.number().nullable()).length(BANDS * 2).optional(),
  signals: z.object({ load: z.string(), power: z.string().nullable(), from: z.enum(['meta', 'name', 'data']) }),
  /** Per load band, the rise of power (of the load without it) that counts as a spike (load-spikes.ts); absent in models saved before it. */
  spikeT: z.array(z.number().nullable()).length(BANDS).optional(),
});
export type FittedModel = z.infer<typeof FittedModelSchema>;

/** A row to judge: queued by observe(), scored by the ONNX run, processed in order. */
export interface Row {
  machine: MachineCondition;
  ts: number;
  /** The machine as observed with this row: a flush may process it after the machine moved on. */
  phase: MachineCondition['phase'];
  snap: Snapshot;
  band: number;
  settling: boolean;
  phi: Float64Array;
  /** Values by sensor index; NaN where absent. */
  y: Float64Array;
  stuck: boolean[];
  /** Power's rise (the load's without it) above its neighbours' median, as a share of its top (load-spikes.ts); NaN where unknown. */
  jump: number;
  /** The smoothed load and power without spikes with this row (NaN where unknown): a refit's tops come from confirmed rows, not from the machine at flush time. */
  loadSteady: number;
  powerSteady: number;
}

/** What the machine looked like when an item was queued; outputs report this, not the state at flush time. */
export interface Snapshot {
  band: number;
  phase: MachineCondition['phase'];
  communicationLost: boolean;
  stuck: string[];
  signals: StateSignals | null;
  learning: ConditionOutput['learning'];
}

export type Marker = { kind: 'thresholds' | 'refit'; machine: MachineCondition; ts: number; snap: Snapshot };

/** A sensor's kind by its name, and how it is judged. */
export function sensorKindOf(name: string): { group: AnomalyType; thermal: boolean; risesOnly: boolean } {
  const group = sensorGroup(name);
  return { group, thermal: group === 'thermal', risesOnly: group === 'vibration_bearing' || group === 'thermal' };
}

/**
 * Failure classifier (AI4I 2020 model) for machines that report its six inputs. Scored per reading,
 * batched; a model failure yields uncertain outputs.
 */
import { z } from 'zod';
import type { Reading } from '../../common/telemetry';
import type { LoadedModel } from './model-set';

export const FailureParamsSchema = z.object({
  /** Metric names feeding the model's six input columns, in order. */
  metrics: z.array(z.string()).length(6),
  classes: z.array(z.string()).min(2),
  /** P(failure) at or above this is reported as a predicted failure. */
  threshold: z.number().gt(0).lt(1),
});
export type FailureParams = z.infer<typeof FailureParamsSchema>;

export interface FailureOutput {
  machineId: string;
  ts: number;
  state: 'ok' | 'uncertain';
  pFailure: number | null;
  predictedFailure: boolean | null;
  /** The most likely failure type other than "none", with its probability. */
  likelyType: string | null;
  typeProbabilities: Record<string, number>;
  detail: string | null;
}

export class FailureScorer {
  constructor(
    private readonly model: LoadedModel,
    private readonly params: FailureParams,
  ) {}

  applies(reading: Reading): boolean {
    return this.params.metrics.every((m) => Number.isFinite(reading.metrics[m]));
  }

  async score(readings: readonly Reading[]): Promise<FailureOutput[]> {
    if (readings.length === 0) return [];
    const n = readings.length;
    const x = new Float32Array(n * 6);
    readings.forEach((r, i) => this.params.metrics.forEach((m, k) => (x[i * 6 + k] = r.metrics[m]!)));
    let out;
    try {
      out = await this.model.run({ x: { data: x, dims: [n, 6] } });
    } catch (err) {
      const detail = `failure model failed: ${(err as Error).message}`;
      return readings.map((r) => ({ machineId: r.machineId, ts: r.ts, state: 'uncertain', pFailure: null, predictedFailure: null, likelyType: null, typeProbabilities: {}, detail }));
    }
    const p = out.p_failure!.data;
    const types = out.p_type!.data;
    const classes = this.params.classes;
    return readings.map((r, i) => {
      const probs = Object.fromEntries(classes.map((c, k) => [c, types[i * classes.length + k]!]));
      const likely = classes.slice(1).reduce((best, c) => (probs[c]! > probs[best]! ? c : best), classes[1]!);
      return { machineId: r.machineId, ts: r.ts, state: 'ok', pFailure: p[i]!, predictedFailure: p[i]! >= this.params.threshold, likelyType: likely, typeProbabilities: probs, detail: null };
    });
  }
}

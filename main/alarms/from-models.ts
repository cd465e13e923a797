/** Maps what the models say about a machine onto the alarm layer's model input. */
import type { ModelOutput as InferenceOutput } from '../inference/model-stage';
import type { ModelOutput } from './conditions';

export function alarmInputFromModel(out: InferenceOutput): ModelOutput | null {
  switch (out.model) {
    case 'anomaly': {
      const a = out.output;
      if (a.state === 'calibrating') return null; // no judgement yet: neither normal nor uncertain
      return {
        machineId: a.machineId,
        ts: a.ts,
        uncertain: a.state === 'uncertain',
        anomaly: { score: a.score ?? 0, flag: a.state === 'anomaly', type: a.type ?? undefined, contributors: a.contributors.map((c) => c.sensor) },
      };
    }
    case 'failure': {
      const f = out.output;
      return { machineId: f.machineId, ts: f.ts, uncertain: f.state === 'uncertain', failureProbability: f.pFailure ?? undefined };
    }
    case 'rul':
      // RUL comes in the training data's cycles; without a cycle length per machine it cannot be
      // compared with a lead time in hours, so it raises no predictive alarm yet.
      return null;
  }
}

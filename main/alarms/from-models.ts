/** Maps what the models say about a machine onto the alarm layer's model input. */
import type { ModelOutput as InferenceOutput } from '../inference/model-stage';
import type { ModelOutput } from './conditions';

export function alarmInputFromModel(out: InferenceOutput): ModelOutput | null {
  switch (out.model) {
    case 'anomaly':
      // The commissioning-window detector (SKAB-tuned) judges a machine against a few minutes of its
      // first data, which never saw its other operating states: it is shown beside the condition
      // monitor but raises no alarm. The condition monitor's episodes do (AlarmService.conditionOutput).
      return null;
    case 'condition':
      return null;
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

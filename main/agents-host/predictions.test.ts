import { describe, expect, it } from 'vitest';
import type { ModelOutput } from '../inference/model-stage';
import { predictionsOf } from './predictions';

const failure = (machineId: string, state: 'ok' | 'uncertain', pFailure: number | null, likelyType: string | null): ModelOutput => ({
  model: 'failure',
  output: { machineId, ts: 1_000, state, pFailure, predictedFailure: null, likelyType, typeProbabilities: {}, detail: null },
});

describe('predictionsOf', () => {
  it('passes on the failure model\'s judged probabilities with their risk, and no RUL', () => {
    expect(predictionsOf([failure('a', 'ok', 0.75, 'bearing_wear'), failure('b', 'ok', 0.5, null)])).toEqual([
      { machineId: 'a', ts: 1_000, failureProbability: 0.75, failureType: 'bearing_wear', rulHours: null, riskLevel: 'high', source: 'failure-model' },
      { machineId: 'b', ts: 1_000, failureProbability: 0.5, failureType: 'unclassified', rulHours: null, riskLevel: 'medium', source: 'failure-model' },
    ]);
  });

  it('skips uncertain outputs, missing probabilities and the other models', () => {
    const rul = { model: 'rul', output: { machineId: 'a', ts: 1, state: 'ok', rul: 10 } } as unknown as ModelOutput;
    expect(predictionsOf([failure('a', 'uncertain', 0.9, 'leak'), failure('a', 'ok', null, 'leak'), rul])).toEqual([]);
  });
});

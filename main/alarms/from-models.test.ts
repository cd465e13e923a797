import { describe, expect, it } from 'vitest';
import { alarmInputFromModel } from './from-models';

describe('alarmInputFromModel', () => {
  it('raises nothing from the commissioning-window detector: the condition monitor owns the anomaly alarm', () => {
    const out = alarmInputFromModel({
      model: 'anomaly',
      output: { machineId: 'm', ts: 5, state: 'anomaly', score: 9, threshold: 4, type: 'thermal', contributors: [{ sensor: 'temperature', contribution: 7 }], detail: null },
    });
    expect(out).toBeNull();
  });

  it('keeps an uncertain model uncertain, never normal', () => {
    const out = alarmInputFromModel({ model: 'failure', output: { machineId: 'm', ts: 5, state: 'uncertain', pFailure: null, predictedFailure: null, likelyType: null, typeProbabilities: {}, detail: 'hash mismatch' } });
    expect(out).toMatchObject({ uncertain: true, failureProbability: undefined });
  });

  it('says nothing while a detector is still calibrating', () => {
    expect(alarmInputFromModel({ model: 'anomaly', output: { machineId: 'm', ts: 5, state: 'calibrating', score: null, threshold: null, type: null, contributors: [], detail: null } })).toBeNull();
  });
});

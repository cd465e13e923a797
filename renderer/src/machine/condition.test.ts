import { describe, expect, it } from 'vitest';
import type { CallResponse } from '../../../common/contract';
import { anomalyLine, failureLine, rulLine } from './ConditionPanel';

type MachineModels = CallResponse<'models.machine'>;
const base: MachineModels = { anomaly: null, condition: null, failure: null, rul: null, calibration: { state: 'none', sensors: [], threshold: null, from: null, to: null } };
const anomaly = (over: Partial<NonNullable<MachineModels['anomaly']>>): MachineModels => ({
  ...base,
  anomaly: { machineId: 'm', ts: 1, state: 'normal', score: 1.23, threshold: 4.5, type: null, contributors: [], detail: null, ...over },
});

describe('machine condition lines', () => {
  it('never shows a missing, commissioning or uncertain output as normal', () => {
    expect(anomalyLine(base)).toMatchObject({ text: 'no output yet', unknown: true, abnormal: false });
    expect(anomalyLine({ ...base, calibration: { ...base.calibration, state: 'calibrating' } })).toMatchObject({ text: 'commissioning', unknown: true });
    expect(anomalyLine(anomaly({ state: 'calibrating', score: null, threshold: null, detail: 'calibrating: 12 of 400 readings' }))).toMatchObject({ text: 'calibrating: 12 of 400 readings', unknown: true });
    expect(anomalyLine(anomaly({ state: 'uncertain', score: null, threshold: null, detail: 'model file hash mismatch' }))).toMatchObject({ text: 'uncertain: model file hash mismatch', unknown: true });
    expect(failureLine(base)).toMatchObject({ unknown: true });
    expect(rulLine({ ...base, rul: { machineId: 'm', ts: 1, state: 'uncertain', rul: null, low: null, high: null, members: [], detail: 'no model' } })).toEqual({ text: 'uncertain: no model', unknown: true });
  });

  it('states the verdict with its score, limit, type and the sensors that moved', () => {
    expect(anomalyLine(anomaly({}))).toEqual({ text: 'normal: score 1.2 against a limit of 4.5', abnormal: false, unknown: false });
    const line = anomalyLine(anomaly({ state: 'anomaly', score: 9.87, type: 'vibration_bearing', contributors: [{ sensor: 'vibration', contribution: 7.25 }, { sensor: 'temperature', contribution: 2 }] }));
    expect(line).toEqual({ text: 'ANOMALY, vibration bearing: score 9.9 against a limit of 4.5; moved most: vibration 7.3 σ, temperature 2.0 σ', abnormal: true, unknown: false });
  });

  it('gives failure probability with its likely type and RUL with its band', () => {
    const failure = { machineId: 'm', ts: 1, state: 'ok' as const, pFailure: 0.034, predictedFailure: false, likelyType: 'HDF', typeProbabilities: {}, detail: null };
    expect(failureLine({ ...base, failure })).toEqual({ text: '3.4 % within the horizon, most likely HDF', unknown: false });
    const rul = { machineId: 'm', ts: 1, state: 'ok' as const, rul: 87.4, low: 60.2, high: 120.9, members: [87], detail: null };
    expect(rulLine({ ...base, rul })).toEqual({ text: '87 cycles (80 % band 60–121)', unknown: false });
  });
});

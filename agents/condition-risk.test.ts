import { describe, expect, it } from 'vitest';
import { conditionRisk } from './condition-risk';
import { hour } from './test-plant';

/** A machine whose vibration and temperature follow its load, as real ones do. */
const loaded = (i: number, kw: number, over = {}) => hour('m1', i, { avgKw: kw, vibration: 0.5 + 0.1 * kw, temperature: 30 + kw, ...over });

describe('condition risk signal', () => {
  const history = Array.from({ length: 12 }, (_, i) => loaded(i, i % 2 ? 15 : 3));

  it('says nothing without enough history', () => {
    expect(conditionRisk(history.slice(0, 4))).toBeNull();
  });

  it('stays low when vibration and heat only follow the load', () => {
    expect(conditionRisk([...history, loaded(12, 15)])).toMatchObject({ riskLevel: 'low', failureProbability: 0 });
    expect(conditionRisk([...history, loaded(12, 3)])).toMatchObject({ riskLevel: 'low' });
  });

  it('grades vibration growth at the same load as bearing wear', () => {
    expect(conditionRisk([...history, loaded(12, 15, { vibration: 2 * 1.7 })])).toMatchObject({ riskLevel: 'medium', failureType: 'bearing_wear', rulHours: null });
    expect(conditionRisk([...history, loaded(12, 15, { vibration: 2 * 3 })])).toMatchObject({ riskLevel: 'high', failureType: 'bearing_wear', failureProbability: 1 });
  });

  it('grades heat above the usual as overheating', () => {
    expect(conditionRisk([...history, loaded(12, 3, { temperature: 33 + 10 })])).toMatchObject({ riskLevel: 'medium', failureType: 'overheating' });
  });
});

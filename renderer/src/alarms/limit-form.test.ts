import { describe, expect, it } from 'vitest';
import type { LimitSetting } from '../../../common/contract-alarms';
import { checkLimits, toDraft, type LimitDraft } from './limit-form';

const setting = (level: LimitSetting['level'], setpoint: number, patch: Partial<LimitSetting> = {}): LimitSetting => ({
  sensor: 'temperature',
  level,
  setpoint,
  deadband: 1,
  onDelayMs: 3000,
  offDelayMs: 5000,
  reAlarmMs: 600_000,
  priority: 'medium',
  latching: false,
  enabled: true,
  ...patch,
});
const draft = (level: LimitSetting['level'], setpoint: number | string, patch: Partial<LimitDraft> = {}): LimitDraft => ({ ...toDraft(setting(level, 0)), setpoint: String(setpoint), ...patch });

describe('limit editor validation', () => {
  it('round-trips a setting through the form, delays in s and re-alarm in min', () => {
    const s = setting('HH', 72.5);
    expect(toDraft(s)).toMatchObject({ setpoint: '72.5', onDelayS: '3', offDelayS: '5', reAlarmMin: '10' });
    expect(checkLimits([toDraft(s)])).toEqual({ settings: [s], errors: {} });
  });

  it('accepts LL < L < H < HH and refuses any level out of order, naming the row', () => {
    expect(checkLimits([draft('LL', 5), draft('L', 10), draft('H', 62), draft('HH', 72)]).errors).toEqual({});
    expect(checkLimits([draft('H', 62), draft('HH', 62)]).errors).toEqual({ 'temperature:HH': 'HH (62) must be above H (62).' });
    expect(checkLimits([draft('L', 70), draft('H', 62)]).errors).toEqual({ 'temperature:H': 'H (62) must be above L (70).' });
    // LL against H when L is not set at all
    expect(Object.keys(checkLimits([draft('LL', 80), draft('H', 62)]).errors)).toEqual(['temperature:H']);
  });

  it('leaves disabled rows and other sensors out of the order check', () => {
    expect(checkLimits([draft('H', 62), draft('HH', 50, { enabled: false })]).errors).toEqual({});
    expect(checkLimits([draft('H', 62), draft('HH', 50, { sensor: 'power' })]).errors).toEqual({});
  });

  it('refuses a negative deadband, non-numbers and delays out of range', () => {
    expect(checkLimits([draft('H', 62, { deadband: '-0.1' })]).errors['temperature:H']).toMatch(/Deadband/);
    expect(checkLimits([draft('H', 62, { deadband: '0' })]).errors).toEqual({});
    expect(checkLimits([draft('H', '')]).errors['temperature:H']).toMatch(/Setpoint/);
    expect(checkLimits([draft('H', 'abc')]).errors['temperature:H']).toMatch(/Setpoint/);
    expect(checkLimits([draft('H', 62, { onDelayS: '3601' })]).errors['temperature:H']).toMatch(/On-delay/);
    expect(checkLimits([draft('H', 62, { reAlarmMin: '-1' })]).errors['temperature:H']).toMatch(/Re-alarm/);
    expect(checkLimits([draft('H', 62, { deadband: '-1' })]).settings).toEqual([]);
  });
});

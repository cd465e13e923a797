import { describe, expect, it } from 'vitest';
import { BAND_IDLE, chooseSignals, LoadLags, PoweredLags, rawBand, RisingTop, StateTracker } from './operating-state';

describe('operating state', () => {
  it('takes the engineer\u2019s signal first, then a speed by name with power for on/off, then the metric that moves most', () => {
    expect(chooseSignals(['power', 'spindle_speed', 'temperature'], () => 0, 'temperature')).toEqual({ load: 'temperature', power: 'power', from: 'meta' });
    expect(chooseSignals(['power', 'spindle_speed', 'temperature'], () => 0)).toEqual({ load: 'spindle_speed', power: 'power', from: 'name' });
    expect(chooseSignals(['flow', 'temperature'], () => 0)).toEqual({ load: 'flow', power: null, from: 'name' });
    expect(chooseSignals(['a', 'b'], (s) => (s === 'b' ? 0.8 : 0.1))).toEqual({ load: 'b', power: null, from: 'data' });
    expect(chooseSignals(['a'], () => 0)).toBeNull();
    // A named signal the machine does not report is ignored.
    expect(chooseSignals(['power'], () => 0, 'rpm')?.from).toBe('name');
  });

  it('reads off, idle and load bands from the shares, with hysteresis at band edges', () => {
    expect(rawBand(0, 0.01, false, -2)).toBe(-1);
    expect(rawBand(0.01, 0.2, false, -2)).toBe(0);
    expect(rawBand(0.5, 0.6, false, 0)).toBe(1);
    expect(rawBand(0.7, 0.7, false, 1)).toBe(2);
    expect(rawBand(0.95, 1, false, 2)).toBe(3);
    // 0.62 is past the 0.6 edge, but a machine already in band 1 needs 0.63.
    expect(rawBand(0.62, 0.7, false, 1)).toBe(1);
    expect(rawBand(0.62, 0.7, false, -2)).toBe(2);
    // Power as the only signal: idle below 35 % of its top.
    expect(rawBand(0.2, 0.2, true, -2)).toBe(0);
    expect(rawBand(0.01, 0.01, true, -2)).toBe(-1);
  });

  it('takes a new state only once it has held', () => {
    const t = new StateTracker(20_000);
    expect(t.state).toBe('unknown');
    expect(t.update(3, 0)).toBe(true);
    expect(t.update(-1, 5_000)).toBe(false);
    expect(t.update(3, 10_000)).toBe(false);
    expect(t.update(-1, 15_000)).toBe(false);
    expect(t.update(-1, 35_000)).toBe(true);
    expect(t.state).toBe('off');
    expect(t.changedAt).toBe(35_000);
  });
});

describe('PoweredLags', () => {
  it('starts at the first known state, not at zero, and then follows powered and off through each lag', () => {
    const lags = new PoweredLags(new Float64Array(2));
    const alphas = Float64Array.of(0.5, 0.25);
    lags.follow(-2, alphas);
    lags.start(-2);
    expect([...lags.values]).toEqual([0, 0]);
    lags.start(BAND_IDLE);
    expect([...lags.values]).toEqual([1, 1]);
    lags.start(-1);
    expect([...lags.values]).toEqual([1, 1]);
    lags.follow(-1, alphas);
    expect([...lags.values]).toEqual([0.5, 0.75]);
  });
});

describe('LoadLags', () => {
  it('starts at the first share, then follows it through each lag, and rescales exactly when the top grows', () => {
    const lags = new LoadLags(new Float64Array(2));
    const alphas = Float64Array.of(0.5, 0.25);
    lags.follow(0.8, alphas);
    expect([...lags.values]).toEqual([0.8, 0.8]);
    lags.follow(0.4, alphas);
    expect([...lags.values].map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.7]);
    lags.rescale(0.5);
    expect([...lags.values].map((v) => Number(v.toFixed(6)))).toEqual([0.3, 0.35]);
  });
});

describe('RisingTop', () => {
  const MIN = 60_000;

  it('says once that a machine rose from below the off level of the top it reached, across the restarts of one rise', () => {
    const rise = new RisingTop();
    // Standby draw 0.3 was the top; the smoothed signal climbs to 20 through three restarts.
    rise.restart(0, 0.3);
    expect(rise.roseFromOff(0, 4)).toBe(false);
    rise.restart(5_000, 4);
    rise.restart(10_000, 9);
    expect(rise.roseFromOff(10_000, 20)).toBe(true);
    expect(rise.roseFromOff(15_000, 20)).toBe(false);
  });

  it('takes a later rise on its own: from half load to full load the machine was not off', () => {
    const rise = new RisingTop();
    rise.restart(0, 0.3);
    expect(rise.roseFromOff(0, 20)).toBe(true);
    rise.restart(60 * MIN, 11);
    expect(rise.roseFromOff(60 * MIN, 20)).toBe(false);
    // Long after a restart, nothing is rising.
    expect(rise.roseFromOff(120 * MIN, 1_000)).toBe(false);
  });
});

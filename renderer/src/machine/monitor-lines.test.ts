import { describe, expect, it } from 'vitest';
import { conditionFixture } from '../test-fixtures';
import { bandsLine, commLine, conditionRulLine, episodeLine, failureProbabilityLine, healthLine, heightenedLine, phaseLine, signalLine, stateLine, stuckLine } from './monitor-lines';

const time = (ts: number) => `t${ts}`;
const learning = conditionFixture({
  phase: 'learning',
  health: null,
  healthTrendPerHour: null,
  failureProbability: null,
  detail: null,
  learning: { since: 0, hoursSeen: 6, hoursNeeded: 24, bands: [{ band: 'low', hours: 6, ready: false }], version: 0 },
});

describe('condition monitor lines', () => {
  it('names the state with its load band, and where the state signal came from', () => {
    expect(stateLine(conditionFixture())).toMatchObject({ text: 'running, load band mid', unknown: false });
    expect(stateLine(conditionFixture({ operatingState: 'off', band: null })).text).toBe('off');
    expect(stateLine(conditionFixture({ operatingState: 'unknown', band: null }))).toMatchObject({ text: 'unknown', unknown: true });
    expect(signalLine(conditionFixture()).text).toBe('power (found from the data)');
    expect(signalLine(conditionFixture({ stateSignalFrom: 'meta', stateSignal: 'spindle_speed' })).text).toBe('spindle_speed (named in the machine’s metadata)');
    expect(signalLine(conditionFixture({ stateSignal: null, stateSignalFrom: null }))).toMatchObject({ unknown: true });
  });

  it('while learning: progress and per-band hours, and no health, risk, RUL or episode that could read as normal', () => {
    expect(phaseLine(learning)).toMatchObject({ text: 'learning: 6.0 h of 24 h seen (25 %)', unknown: true });
    expect(bandsLine(learning).text).toBe('low 6.0 h not ready');
    for (const l of [healthLine(learning), failureProbabilityLine(learning), conditionRulLine(learning), episodeLine(learning, time)]) {
      expect(l.unknown).toBe(true);
      expect(l.text).not.toMatch(/normal/);
    }
  });

  it('while monitoring: model version, bands ready, health with its trend and band', () => {
    const c = conditionFixture();
    expect(phaseLine(c).text).toBe('monitoring against its normal model v3');
    expect(bandsLine(c).text).toBe('idle 4.3 h ready · mid 26 h ready · high 0.5 h not ready');
    expect(healthLine(c)).toMatchObject({ text: '82 of 100, trend -0.04 per hour', band: 'normal', unknown: false });
    expect(healthLine(conditionFixture({ health: 61.6, healthTrendPerHour: -1.25 }))).toMatchObject({ text: '62 of 100, trend -1.3 per hour', band: 'degraded' });
    expect(healthLine(conditionFixture({ healthTrendPerHour: null })).text).toBe('82 of 100, no trend yet');
    expect(healthLine(conditionFixture({ healthTrendPerHour: 0.001 })).text).toBe('82 of 100, trend 0.00 per hour');
    expect(healthLine(conditionFixture({ healthTrendPerHour: 0.5 })).text).toBe('82 of 100, trend +0.50 per hour');
  });

  it('gives failure probability with its horizon, RUL with its band or the reason there is none', () => {
    expect(failureProbabilityLine(conditionFixture()).text).toBe('1.2 % within 72 h');
    expect(failureProbabilityLine(conditionFixture({ failureProbability: 0.37, horizonHours: 8 })).text).toBe('37 % within 8.0 h');
    expect(conditionRulLine(conditionFixture())).toMatchObject({ text: 'no degradation trend', unknown: true });
    expect(conditionRulLine(conditionFixture({ rul: { hours: 153.6, low: 9.5, high: 240 } }))).toMatchObject({ text: '154 h (9.5–240 h)', unknown: false });
  });

  it('states an active episode with its type, score and top sensors; stuck sensors and comm loss are abnormal', () => {
    const c = conditionFixture({
      anomaly: { active: true, score: 2.345, type: 'vibration_bearing', since: 5, contributors: [{ sensor: 'vib_x', contribution: 0.61 }, { sensor: 'temp', contribution: 0.2 }, { sensor: 'a', contribution: 0.1 }, { sensor: 'b', contribution: 0.05 }] },
    });
    expect(episodeLine(c, time)).toEqual({ text: 'ANOMALY, vibration bearing: score 2.3 × its limit, since t5; top sensors: vib_x 0.6, temp 0.2, a 0.1', abnormal: true, unknown: false });
    expect(episodeLine(conditionFixture(), time)).toMatchObject({ text: 'no active episode', abnormal: false });
    expect(stuckLine(conditionFixture())).toMatchObject({ text: 'none', abnormal: false });
    expect(stuckLine(conditionFixture({ stuckSensors: ['temp', 'flow'] }))).toMatchObject({ text: 'STUCK: temp, flow', abnormal: true });
    expect(commLine(conditionFixture({ communicationLost: true })).abnormal).toBe(true);
    expect(commLine(conditionFixture()).text).toBe('reporting');
  });

  it('says until when the machine is watched closer, with the day when it ends on another, and that learning machines wait', () => {
    const date = (ts: number) => `d${Math.floor(ts / 86_400_000)}`;
    const heightened = { until: 86_400_000 + 3_600_000, factor: 0.8, reason: 'high failure risk (probability 80 %)' };
    expect(heightenedLine(conditionFixture(), time, date)).toBeNull();
    expect(heightenedLine(conditionFixture({ ts: 3_600_000, heightened }), time, date)!.text).toBe(
      'Heightened monitoring until t90000000 on d1 (asked by the plant optimizer: high failure risk (probability 80 %)); anomaly thresholds at 80 %',
    );
    expect(heightenedLine(conditionFixture({ ts: 86_400_000, heightened }), time, date)!.text).toBe(
      'Heightened monitoring until t90000000 (asked by the plant optimizer: high failure risk (probability 80 %)); anomaly thresholds at 80 %',
    );
    expect(heightenedLine({ ...learning, ts: 86_400_000, heightened }, time, date)!.text).toMatch(/anomaly thresholds at 80 %; they take effect once its normal model is learned$/);
  });
});

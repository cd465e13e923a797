import type { ConditionOutput, ConditionSummary } from '../../common/contract-models';

/** A monitoring machine running in its mid band with health 82 and no episode; `patch` sets what a test is about. */
export const conditionFixture = (patch: Partial<ConditionOutput> = {}): ConditionOutput => ({
  machineId: 'm1',
  ts: 1_000,
  operatingState: 'running',
  band: 2,
  stateSignal: 'power',
  stateSignalFrom: 'data',
  phase: 'monitoring',
  learning: {
    since: 0,
    hoursSeen: 30,
    hoursNeeded: 24,
    bands: [
      { band: 'idle', hours: 4.25, ready: true },
      { band: 'mid', hours: 25.6, ready: true },
      { band: 'high', hours: 0.5, ready: false },
    ],
    version: 3,
  },
  anomaly: { active: false, score: null, type: null, contributors: [], since: null },
  health: 82,
  healthTrendPerHour: -0.04,
  rul: null,
  failureProbability: 0.012,
  horizonHours: 72,
  stuckSensors: [],
  communicationLost: false,
  detail: 'no degradation trend',
  ...patch,
});

/** The tile's one line per machine, cut from a condition. */
export const summaryFixture = (patch: Partial<ConditionSummary> = {}): ConditionSummary => {
  const c = conditionFixture();
  return {
    machineId: c.machineId,
    ts: c.ts,
    operatingState: c.operatingState,
    phase: c.phase,
    learning: c.learning,
    health: c.health,
    rul: c.rul,
    failureProbability: c.failureProbability,
    communicationLost: c.communicationLost,
    anomalyActive: false,
    ...patch,
  };
};

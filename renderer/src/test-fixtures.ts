import type { Alarm } from '../../common/contract-alarms';

/** An active, unacknowledged medium limit alarm for tests; `patch` sets what a test is about. */
export const alarmFixture = (id: string, patch: Partial<Alarm> = {}): Alarm => ({
  id,
  machineId: 'm1',
  source: 'limit',
  sensor: 'temperature',
  level: 'H',
  priority: 'medium',
  state: 'active-unacknowledged',
  active: true,
  message: `${id} high`,
  raisedAt: 1,
  clearedAt: null,
  ackedAt: null,
  ackedBy: null,
  note: null,
  shelvedUntil: null,
  modeBy: null,
  modeReason: null,
  value: 1,
  limit: 0,
  updatedAt: 1,
  ...patch,
});

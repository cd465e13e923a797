/**
 * One alarm row as the contract carries it (common/contract-alarms.ts), for the tests of every layer:
 * a field the row gains is added here once, not in each test that writes a row out.
 */
import type { Alarm } from '../../common/contract-alarms';

/** An active, unacknowledged medium high-limit alarm on m1; `patch` sets what a test is about. */
export const alarmRow = (id: string, patch: Partial<Alarm> = {}): Alarm => ({
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
  suppressedSince: null,
  value: 1,
  limit: 0,
  updatedAt: 1,
  ...patch,
});

import type { Alarm, AlarmPriority, AlarmSource, AlarmState } from '../../../common/contract-alarms';
import { PRIORITY_NUMBER, sortAlarms } from '../state/alarms';

export type AlarmSort = 'priority' | 'time';

export interface AlarmFilter {
  /** Empty means every priority. */
  priorities: readonly AlarmPriority[];
  /** null means every state. */
  state: AlarmState | null;
  /** null means every area. */
  area: string | null;
  /** null means every source (limit, anomaly, communication, sensor…). */
  source: AlarmSource | null;
  search: string;
  sort: AlarmSort;
}

export const NO_FILTER: AlarmFilter = { priorities: [], state: null, area: null, source: null, search: '', sort: 'priority' };

export interface MachineNames {
  areaOf(machineId: string): string | undefined;
  nameOf(machineId: string): string | undefined;
}

/** The alarm summary's rows: filtered, then most urgent first (or newest first when sorted by time). */
export function filterAlarms(alarms: Iterable<Alarm>, filter: AlarmFilter, machines: MachineNames): Alarm[] {
  const needle = filter.search.trim().toLowerCase();
  const kept = [...alarms].filter((a) => {
    if (filter.priorities.length > 0 && !filter.priorities.includes(a.priority)) return false;
    if (filter.state !== null && a.state !== filter.state) return false;
    if (filter.area !== null && machines.areaOf(a.machineId) !== filter.area) return false;
    if (filter.source !== null && a.source !== filter.source) return false;
    if (!needle) return true;
    // The same fields the host's alarms.active search looks at, plus the machine's display name.
    return [a.id, a.machineId, machines.nameOf(a.machineId), a.sensor, a.message].some((field) => field?.toLowerCase().includes(needle));
  });
  if (filter.sort === 'priority') return sortAlarms(kept);
  return kept.sort((a, b) => (b.raisedAt ?? 0) - (a.raisedAt ?? 0) || PRIORITY_NUMBER[a.priority] - PRIORITY_NUMBER[b.priority]);
}

/** States in which an acknowledgement is still owed. */
export const needsAck = (alarm: Alarm) => alarm.state === 'active-unacknowledged' || alarm.state === 'returned-to-normal-unacknowledged' || (alarm.state === 'latched' && alarm.ackedAt === null);

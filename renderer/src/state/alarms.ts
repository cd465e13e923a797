import { createStore } from 'zustand/vanilla';
import { ALARM_PRIORITIES, type Alarm, type AlarmPriority, type AlarmState } from '../../../common/contract-alarms';

/** States an operator must see on the screen; shelved, suppressed and out-of-service ones are listed elsewhere. */
const SHOWN: ReadonlySet<AlarmState> = new Set(['active-unacknowledged', 'active-acknowledged', 'returned-to-normal-unacknowledged', 'latched']);
/** A new alarm of these priorities interrupts a wallboard's rotation. */
const INTERRUPTING: ReadonlySet<AlarmPriority> = new Set(['critical', 'high']);

export const PRIORITY_NUMBER: Record<AlarmPriority, number> = { critical: 1, high: 2, medium: 3, low: 4, diagnostic: 5 };

export interface AlarmsState {
  /** Alarms to show (see SHOWN), by id. */
  byId: Readonly<Record<string, Alarm>>;
  /** null until the host answered; false when it has no alarm service, so the screen can say so. */
  available: boolean | null;
  /** Counts up when a critical or high alarm becomes active and unacknowledged. */
  interruptions: number;
  replace(alarms: readonly Alarm[]): void;
  received(alarms: readonly Alarm[]): void;
  unavailable(): void;
  clear(): void;
}

export type AlarmsStore = ReturnType<typeof createAlarmsStore>;

export function createAlarmsStore() {
  return createStore<AlarmsState>()((set) => ({
    byId: {},
    available: null,
    interruptions: 0,
    replace: (alarms) => set({ byId: Object.fromEntries(alarms.filter((a) => SHOWN.has(a.state)).map((a) => [a.id, a])), available: true }),
    received: (alarms) =>
      set((state) => {
        const byId = { ...state.byId };
        let interruptions = state.interruptions;
        for (const alarm of alarms) {
          const before = byId[alarm.id];
          const fresh = alarm.state === 'active-unacknowledged' && before?.state !== 'active-unacknowledged';
          if (fresh && INTERRUPTING.has(alarm.priority)) interruptions++;
          if (SHOWN.has(alarm.state)) byId[alarm.id] = alarm;
          else delete byId[alarm.id];
        }
        return { byId, interruptions, available: true };
      }),
    unavailable: () => set({ byId: {}, available: false }),
    clear: () => set({ byId: {}, available: null }),
  }));
}

/** Most urgent first, then newest first. */
export function sortAlarms(alarms: Iterable<Alarm>): Alarm[] {
  return [...alarms].sort((a, b) => PRIORITY_NUMBER[a.priority] - PRIORITY_NUMBER[b.priority] || (b.raisedAt ?? 0) - (a.raisedAt ?? 0));
}

/** The most urgent alarm shown per machine. */
export function topPriorityByMachine(byId: Readonly<Record<string, Alarm>>): Map<string, AlarmPriority> {
  const top = new Map<string, AlarmPriority>();
  for (const alarm of Object.values(byId)) {
    const current = top.get(alarm.machineId);
    if (!current || PRIORITY_NUMBER[alarm.priority] < PRIORITY_NUMBER[current]) top.set(alarm.machineId, alarm.priority);
  }
  return top;
}

export function countByPriority(byId: Readonly<Record<string, Alarm>>): Record<AlarmPriority, number> {
  const counts = Object.fromEntries(ALARM_PRIORITIES.map((p) => [p, 0])) as Record<AlarmPriority, number>;
  for (const alarm of Object.values(byId)) counts[alarm.priority]++;
  return counts;
}

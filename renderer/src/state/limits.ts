import { createStore } from 'zustand/vanilla';
import type { SensorLimits } from '../plant/key-metrics';

/** Each machine's effective alarm limits by sensor, for the tiles' analog bars. */
export interface LimitsState {
  byId: Readonly<Record<string, Readonly<Record<string, SensorLimits>>>>;
  /** Many machines at once: one update, so 500 answers re-render the tiles once, not 500 times. */
  merge(byId: Readonly<Record<string, Record<string, SensorLimits>>>): void;
  clear(): void;
}

export type LimitsStore = ReturnType<typeof createLimitsStore>;

export function createLimitsStore() {
  return createStore<LimitsState>()((set) => ({
    byId: {},
    merge: (byId) => set((state) => ({ byId: { ...state.byId, ...byId } })),
    clear: () => set({ byId: {} }),
  }));
}

import { createStore } from 'zustand/vanilla';
import type { ConditionSummary } from '../../../common/contract-models';

export interface ConditionsState {
  byId: Readonly<Record<string, ConditionSummary>>;
  /** null until the first answer; false while the host does not serve the condition monitor. */
  available: boolean | null;
  /** The whole list from models.conditions; a machine whose summary did not change keeps its object, so its tile does not redraw. */
  replace(list: readonly ConditionSummary[]): void;
  unavailable(): void;
  clear(): void;
}

export type ConditionsStore = ReturnType<typeof createConditionsStore>;

const same = (a: ConditionSummary, b: ConditionSummary) => JSON.stringify(a) === JSON.stringify(b);

export function createConditionsStore() {
  return createStore<ConditionsState>()((set) => ({
    byId: {},
    available: null,
    replace: (list) =>
      set((state) => ({
        byId: Object.fromEntries(list.map((c) => {
          const old = state.byId[c.machineId];
          return [c.machineId, old && same(old, c) ? old : c];
        })),
        available: true,
      })),
    // What was shown is no longer current: the tiles drop it rather than show an old verdict.
    unavailable: () => set({ byId: {}, available: false }),
    clear: () => set({ byId: {}, available: null }),
  }));
}

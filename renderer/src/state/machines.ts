import { createStore } from 'zustand/vanilla';
import type { Machine } from '../../../common/telemetry';

export interface MachinesState {
  byId: Readonly<Record<string, Machine>>;
  loaded: boolean;
  /** The full list from machines.list: machines the host no longer knows disappear. */
  replace(machines: readonly Machine[]): void;
  /** A machines event carries only the machines that changed. */
  upsert(machines: readonly Machine[]): void;
  /** Machines an engineer retired (the machines event's `removed`): gone from every screen at once. */
  remove(machineIds: readonly string[]): void;
  clear(): void;
}

export type MachinesStore = ReturnType<typeof createMachinesStore>;

export function createMachinesStore() {
  return createStore<MachinesState>()((set) => ({
    byId: {},
    loaded: false,
    replace: (machines) => set({ byId: Object.fromEntries(machines.map((m) => [m.id, m])), loaded: true }),
    upsert: (machines) => set((state) => ({ byId: { ...state.byId, ...Object.fromEntries(machines.map((m) => [m.id, m])) } })),
    remove: (machineIds) =>
      set((state) => {
        if (!machineIds.some((id) => id in state.byId)) return state;
        const byId = { ...state.byId };
        for (const id of machineIds) delete byId[id];
        return { byId };
      }),
    clear: () => set({ byId: {}, loaded: false }),
  }));
}

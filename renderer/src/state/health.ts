import { createStore } from 'zustand/vanilla';
import type { Health } from '../../../common/contract';
import { setPlantTimeZone } from '../app/plant-zone';

export interface HealthState {
  health: Health | null;
  /** Why the host cannot be reached right now; null while it answers. */
  problem: string | null;
  received(health: Health): void;
  lost(problem: string): void;
  /** The host answers again, though no health figures came with the answer (a locked screen may not ask). */
  reachable(): void;
  clear(): void;
}

export type HealthStore = ReturnType<typeof createHealthStore>;

export function createHealthStore() {
  return createStore<HealthState>()((set) => ({
    health: null,
    problem: null,
    received: (health) => {
      setPlantTimeZone(health.plant?.timeZone);
      set({ health, problem: null });
    },
    lost: (problem) => set({ problem }),
    reachable: () => set({ problem: null }),
    clear: () => set({ health: null, problem: null }),
  }));
}

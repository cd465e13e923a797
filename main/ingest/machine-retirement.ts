/**
 * Machines never seen again: every machine ever heard of holds a place under the cardinality limit
 * and is reloaded at each start, so an engineer lists those silent for longer than N days and
 * retires them. Retiring forgets the machine in the registry, the gate (its place is free again)
 * and the machines table; its stored telemetry stays until retention removes it. A machine heard
 * from within the N days is never retired, even if it was listed a moment before.
 */
import type { Machine } from '../../common/telemetry';
import { CallFailure } from '../../common/errors';
import type { WallMs } from '../../common/time';

const DAY_MS = 86_400_000;

export interface MachineRetirementDeps {
  registry: { list(): Machine[]; get(id: string): Machine | undefined; remove(id: string): boolean };
  gate: { forget(machineId: string): void };
  store: { remove(ids: readonly string[]): void };
  /** Told the ids once they are gone, so that every connected console drops them at once. */
  retired(ids: readonly string[]): void;
  now(): WallMs;
}

export function createMachineRetirement(deps: MachineRetirementDeps) {
  const silentFor = (m: Machine, days: number, at: WallMs) => at - m.lastSeen > days * DAY_MS;

  return {
    /** Machines not heard from for more than `days` days, longest silent first. */
    silent(days: number): Machine[] {
      const at = deps.now();
      return deps.registry
        .list()
        .filter((m) => silentFor(m, days, at))
        .sort((a, b) => a.lastSeen - b.lastSeen);
    },

    /** Retires all of `machineIds` or none: an unknown one, or one heard from within `days`, refuses the lot. */
    retire(machineIds: readonly string[], days: number): { retired: string[] } {
      const at = deps.now();
      const ids = [...new Set(machineIds)];
      for (const id of ids) {
        const machine = deps.registry.get(id);
        if (!machine) throw new CallFailure('not_found', `no machine ${id}`);
        if (!silentFor(machine, days, at)) {
          const hours = Math.max(0, Math.floor((at - machine.lastSeen) / 3_600_000));
          throw new CallFailure('conflict', `machine ${id} was heard from ${hours} h ago, within ${days} days: nothing retired`);
        }
      }
      deps.store.remove(ids);
      for (const id of ids) {
        deps.registry.remove(id);
        deps.gate.forget(id);
      }
      deps.retired(ids);
      return { retired: ids };
    },
  };
}
export type MachineRetirement = ReturnType<typeof createMachineRetirement>;

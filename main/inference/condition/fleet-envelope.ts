/**
 * The fleet's health envelopes: for machines of one kind (the same set of sensors), the median over
 * the others already past validation of each sensor's health envelope, in residual sigmas. A machine
 * whose validation met the fault itself has an envelope far wider than its kind needs; its kind's
 * bounds it (see condition-judge.ts). A machine alone of its kind has no fleet envelope; with one
 * other machine past validation, that machine's stands for the kind.
 */
import { medianInPlace } from '../../primitives/median';

/** Other machines of the kind past validation before their median stands for the kind. */
export const FLEET_MIN_MACHINES = 1;

export class FleetEnvelopes {
  /** Per kind, per machine, each sensor's envelope by name. */
  private readonly kinds = new Map<string, Map<string, ReadonlyMap<string, number>>>();
  /** Per kind, each sensor's median; dropped when a machine of the kind sets its envelopes. */
  private readonly medians = new Map<string, Map<string, number | null>>();
  /** Changes whenever a machine sets its envelopes, so the others know when to look again. */
  version = 0;

  /** The kind of a machine: the set of sensors its model has. */
  static kindOf(sensors: readonly string[]): string {
    return [...sensors].sort().join('\n');
  }

  /** A machine's envelopes now; a machine whose sensors changed leaves its old kind. */
  set(kind: string, machineId: string, envelopes: ReadonlyMap<string, number>): void {
    this.forget(machineId, kind);
    let machines = this.kinds.get(kind);
    if (!machines) this.kinds.set(kind, (machines = new Map()));
    machines.set(machineId, envelopes);
    this.medians.delete(kind);
    this.version++;
  }

  /** The machine learns again (or is gone): its envelopes no longer stand for any kind but `keep`. */
  forget(machineId: string, keep?: string): void {
    for (const [kind, machines] of this.kinds) {
      if (kind === keep || !machines.delete(machineId)) continue;
      this.medians.delete(kind);
      this.version++;
    }
  }

  /** Each of the machine's sensors' fleet envelope, NaN where there is none, into `out`. */
  fill(kind: string, sensors: readonly string[], machineId: string, out: Float64Array): void {
    for (let k = 0; k < sensors.length; k++) out[k] = this.median(kind, sensors[k]!, machineId) ?? Number.NaN;
  }

  /** The median envelope of `sensor` over the kind's machines other than `machineId`, or null with too few of them. */
  median(kind: string, sensor: string, machineId: string): number | null {
    let cache = this.medians.get(kind);
    if (!cache) this.medians.set(kind, (cache = new Map()));
    const key = `${machineId}\n${sensor}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const values: number[] = [];
    for (const [id, envelopes] of this.kinds.get(kind) ?? []) {
      const v = envelopes.get(sensor);
      if (id !== machineId && v !== undefined && Number.isFinite(v)) values.push(v);
    }
    const median = values.length < FLEET_MIN_MACHINES ? null : medianInPlace(values);
    cache.set(key, median);
    return median;
  }
}

/**
 * The fleet's health envelopes: for machines of one kind (the same set of sensors), the median over
 * the others already past validation of each sensor's health envelope, in residual sigmas. A machine
 * whose validation met the fault itself has an envelope far wider than its kind needs; its kind's
 * bounds it (see condition-judge.ts). A machine alone of its kind has no fleet envelope; with one
 * other machine past validation, that machine's stands for the kind.
 */

/** Other machines of the kind past validation before their median stands for the kind. */
export const FLEET_MIN_MACHINES = 1;

export class FleetEnvelopes {
  /** Per kind, per machine, each sensor's envelope by name. */
  private readonly kinds = new Map<string, Map<string, ReadonlyMap<string, number>>>();
  /**
   * Per kind, each sensor's finite envelopes over all its machines, ascending, kept up to date as
   * machines come and go. A machine's median leaves its own value out of this one array: a change to
   * the fleet then costs an insertion per sensor, not a sort per machine and sensor, and allocates nothing.
   */
  private readonly sorted = new Map<string, Map<string, number[]>>();
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
    const previous = machines.get(machineId);
    if (previous) this.withdraw(kind, previous);
    machines.set(machineId, envelopes);
    let bySensor = this.sorted.get(kind);
    if (!bySensor) this.sorted.set(kind, (bySensor = new Map()));
    for (const [sensor, v] of envelopes) {
      if (!Number.isFinite(v)) continue;
      let all = bySensor.get(sensor);
      if (!all) bySensor.set(sensor, (all = []));
      all.splice(lowerBound(all, v), 0, v);
    }
    this.version++;
  }

  /** The machine learns again (or is gone): its envelopes no longer stand for any kind but `keep`. */
  forget(machineId: string, keep?: string): void {
    for (const [kind, machines] of this.kinds) {
      if (kind === keep) continue;
      const envelopes = machines.get(machineId);
      if (!envelopes) continue;
      machines.delete(machineId);
      this.withdraw(kind, envelopes);
      this.version++;
    }
  }

  /** Each of the machine's sensors' fleet envelope, NaN where there is none, into `out`. */
  fill(kind: string, sensors: readonly string[], machineId: string, out: Float64Array): void {
    for (let k = 0; k < sensors.length; k++) out[k] = this.median(kind, sensors[k]!, machineId) ?? Number.NaN;
  }

  /** The median envelope of `sensor` over the kind's machines other than `machineId`, or null with too few of them. */
  median(kind: string, sensor: string, machineId: string): number | null {
    const all = this.sorted.get(kind)?.get(sensor) ?? NONE;
    const own = this.kinds.get(kind)?.get(machineId)?.get(sensor);
    // The machine's own value is in `all` when it is finite: skip one entry equal to it.
    const skip = own !== undefined && Number.isFinite(own) ? lowerBound(all, own) : all.length;
    const n = skip < all.length ? all.length - 1 : all.length;
    if (n === 0 || n < FLEET_MIN_MACHINES) return null;
    const mid = n >> 1;
    return n % 2 ? nth(all, skip, mid) : (nth(all, skip, mid - 1) + nth(all, skip, mid)) / 2;
  }

  /** Takes a machine's finite envelopes out of its kind's sorted values. */
  private withdraw(kind: string, envelopes: ReadonlyMap<string, number>): void {
    const bySensor = this.sorted.get(kind);
    if (!bySensor) return;
    for (const [sensor, v] of envelopes) {
      const all = bySensor.get(sensor);
      if (!all || !Number.isFinite(v)) continue;
      const i = lowerBound(all, v);
      if (all[i] === v) all.splice(i, 1);
    }
  }
}

const NONE: readonly number[] = [];

/** The j-th value of `values` with the entry at `skip` left out. */
function nth(values: readonly number[], skip: number, j: number): number {
  return values[j < skip ? j : j + 1]!;
}

/** The first index of ascending `values` whose value is not below `v`. */
function lowerBound(values: readonly number[], v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The store keeps one row per machine and time, and a second row at a time replaces the first. The
 * changes of one machine with one source time can arrive over several publish responses (a server
 * that splits a burst, values queued behind others), each handed on as its own reading: every
 * reading gets a time not yet used for its machine, the source time or the next free millisecond
 * after it, so none replaces another.
 */
import type { EventMs } from '../../common/time';

/** Times remembered per machine: far more than one publish response's worth of distinct source times. */
const KEPT_PER_MACHINE = 4096;

export class RowTimes {
  private readonly used = new Map<string, Set<EventMs>>();

  /** A time for a new row of this machine: ts itself, or the first millisecond after it that no row has. */
  claim(machineId: string, ts: EventMs): EventMs {
    let used = this.used.get(machineId);
    if (!used) this.used.set(machineId, (used = new Set()));
    let at = ts;
    while (used.has(at)) at++;
    used.add(at);
    // the oldest claims go first (a Set keeps insertion order): a change that late is long stored
    if (used.size > KEPT_PER_MACHINE) used.delete(used.values().next().value!);
    return at;
  }
}

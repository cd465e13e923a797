/**
 * The changes of one publish response, collected into rows: one per machine and source time, handed
 * on together. Consecutive changes usually go to the same row (a response lists a machine's items
 * one after another), so the last row is kept at hand and the maps are searched only on a switch.
 */
import type { Reading } from '../../common/telemetry';
import type { EventMs, WallMs } from '../../common/time';
import { RowTimes } from './row-times';

export class PendingRows {
  /** machine -> ts -> metrics */
  private rows = new Map<string, Map<EventMs, Record<string, number>>>();
  private lastMachine: string | null = null;
  private lastTs: EventMs = Number.NaN;
  private lastMetrics: Record<string, number> | null = null;
  private readonly rowTimes = new RowTimes();

  add(machine: string, ts: EventMs, metric: string, value: number): void {
    let metrics = this.lastMetrics;
    if (metrics === null || machine !== this.lastMachine || ts !== this.lastTs) {
      let byTs = this.rows.get(machine);
      if (!byTs) this.rows.set(machine, (byTs = new Map()));
      metrics = byTs.get(ts) ?? null;
      if (!metrics) byTs.set(ts, (metrics = {}));
      this.lastMachine = machine;
      this.lastTs = ts;
      this.lastMetrics = metrics;
    }
    metrics[metric] = value;
  }

  /** The rows collected so far as readings, each machine's in time order, and a fresh start. */
  take(receivedAt: WallMs): Reading[] {
    const rows = this.rows;
    this.rows = new Map();
    this.lastMetrics = null;
    const batch: Reading[] = [];
    for (const [machineId, byTs] of rows) {
      if (byTs.size === 1) {
        for (const [ts, metrics] of byTs) batch.push({ machineId, ts: this.rowTimes.claim(machineId, ts), metrics, receivedAt });
        continue;
      }
      for (const ts of [...byTs.keys()].sort((a, b) => a - b)) {
        batch.push({ machineId, ts: this.rowTimes.claim(machineId, ts), metrics: byTs.get(ts)!, receivedAt });
      }
    }
    return batch;
  }
}

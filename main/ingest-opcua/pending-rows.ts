/**
 * The changes of one publish response, collected into rows: one per machine and source time, handed
 * on together. Consecutive changes usually go to the same row (a response lists a machine's items
 * one after another), so the last row is kept at hand and the maps are searched only on a switch.
 *
 * A row collects its names and values in arrays and becomes a metrics object when it is taken. An
 * object filled name by name with a hundred names is a hash table (V8's dictionary mode), slow to
 * fill and to read back; a machine that sends the same names as in its last row gets a copy of an
 * object with those names instead (fast properties), whose values are then set.
 */
import type { Reading } from '../../common/telemetry';
import type { EventMs, WallMs } from '../../common/time';
import { RowTimes } from './row-times';

interface Row {
  names: string[];
  values: number[];
}

/** A machine's last names, and an object with those names once they came twice in a row. */
interface Shape {
  names: string[];
  template: Record<string, number> | null;
}

export class PendingRows {
  /** machine -> ts -> row */
  private rows = new Map<string, Map<EventMs, Row>>();
  private lastMachine: string | null = null;
  private lastTs: EventMs = Number.NaN;
  private lastRow: Row | null = null;
  private readonly rowTimes = new RowTimes();
  private readonly shapes = new Map<string, Shape>();

  add(machine: string, ts: EventMs, metric: string, value: number): void {
    let row = this.lastRow;
    if (row === null || machine !== this.lastMachine || ts !== this.lastTs) {
      let byTs = this.rows.get(machine);
      if (!byTs) this.rows.set(machine, (byTs = new Map()));
      row = byTs.get(ts) ?? null;
      if (!row) byTs.set(ts, (row = { names: [], values: [] }));
      this.lastMachine = machine;
      this.lastTs = ts;
      this.lastRow = row;
    }
    row.names.push(metric);
    row.values.push(value);
  }

  /** The rows collected so far as readings, each machine's in time order, and a fresh start. */
  take(receivedAt: WallMs): Reading[] {
    const rows = this.rows;
    this.rows = new Map();
    this.lastRow = null;
    const batch: Reading[] = [];
    for (const [machineId, byTs] of rows) {
      if (byTs.size === 1) {
        for (const [ts, row] of byTs) batch.push({ machineId, ts: this.rowTimes.claim(machineId, ts), metrics: this.metricsOf(machineId, row), receivedAt });
        continue;
      }
      for (const ts of [...byTs.keys()].sort((a, b) => a - b)) {
        batch.push({ machineId, ts: this.rowTimes.claim(machineId, ts), metrics: this.metricsOf(machineId, byTs.get(ts)!), receivedAt });
      }
    }
    return batch;
  }

  /** A row's metrics; a name that came twice in the row keeps its last value. */
  private metricsOf(machineId: string, row: Row): Record<string, number> {
    const { names, values } = row;
    const metrics = this.templateFor(machineId, names);
    for (let i = 0; i < names.length; i++) metrics[names[i]!] = values[i]!;
    return metrics;
  }

  /** A fresh object to fill: a copy of the machine's template when these are its last names again, else empty. */
  private templateFor(machineId: string, names: string[]): Record<string, number> {
    const shape = this.shapes.get(machineId);
    if (!shape || !sameNames(shape.names, names)) {
      // a new set of names (a source reporting by exception changes them often): no template yet
      this.shapes.set(machineId, { names, template: null });
      return {};
    }
    // JSON.parse gives an object with fast properties, whichever names (and however many) it has
    shape.template ??= JSON.parse(`{${names.map((n) => `${JSON.stringify(n)}:0`).join(',')}}`) as Record<string, number>;
    return { ...shape.template };
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

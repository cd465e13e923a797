/**
 * The telemetry writer's queue of rows not yet committed, kept as columns so that a batch goes to the
 * writer worker without building an object per row.
 */
import type { Reading } from '../../common/telemetry';
import type { EventMs, WallMs } from '../../common/time';

export interface RowColumns {
  machineIds: string[];
  ts: EventMs[];
  metrics: string[];
  received: WallMs[];
  /** Append order of each row; whenStored() marks refer to it. */
  pos: number[];
}

export class PendingRows {
  private cols: RowColumns = { machineIds: [], ts: [], metrics: [], received: [], pos: [] };

  get length(): number {
    return this.cols.ts.length;
  }

  push(r: Reading, pos: number): void {
    let metrics = '';
    try {
      metrics = JSON.stringify(r.metrics) ?? '';
    } catch {
      // BigInt or a cycle. It still travels, as '', for the worker to reject and count: commits then
      // account for every appended reading in order, which latency accounting relies on.
    }
    const c = this.cols;
    c.machineIds.push(r.machineId);
    c.ts.push(r.ts);
    c.metrics.push(metrics);
    c.received.push(r.receivedAt);
    c.pos.push(pos);
  }

  /** Removes and returns the oldest n rows. */
  take(n: number): RowColumns {
    const c = this.cols;
    return { pos: c.pos.splice(0, n), machineIds: c.machineIds.splice(0, n), ts: c.ts.splice(0, n), metrics: c.metrics.splice(0, n), received: c.received.splice(0, n) };
  }

  /** Puts rows taken earlier (a failed batch) back at the head, ahead of everything queued since. */
  putBack(rows: RowColumns): void {
    const c = this.cols;
    this.cols = {
      machineIds: rows.machineIds.concat(c.machineIds),
      ts: rows.ts.concat(c.ts),
      metrics: rows.metrics.concat(c.metrics),
      received: rows.received.concat(c.received),
      pos: rows.pos.concat(c.pos),
    };
  }
}

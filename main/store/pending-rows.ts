/**
 * The telemetry writer's queue of rows not yet committed, kept as columns so that a batch goes to the
 * writer worker without building an object per row. Metrics are packed as they are queued
 * (metrics-codec.ts) into one byte buffer; a batch takes a copy of its rows' bytes, which crosses to
 * the worker as one buffer.
 */
import type { Reading } from '../../common/telemetry';
import type { EventMs, WallMs } from '../../common/time';
import { MetricsPacker, type StoredMetrics } from './metrics-codec';

export interface RowColumns {
  machineIds: string[];
  ts: EventMs[];
  /** Packed rows are views of one buffer per batch; JSON text where a row cannot be packed. */
  metrics: StoredMetrics[];
  received: WallMs[];
  /** Append order of each row; whenStored() marks refer to it. */
  pos: number[];
}

interface Queued {
  machineIds: string[];
  ts: EventMs[];
  /** JSON text of a row that is not packed; null where the row is in the packer. */
  texts: (string | null)[];
  /** End of each row's bytes in the packer (a text row ends where the row before it does). */
  ends: number[];
  received: WallMs[];
  pos: number[];
}

const empty = (): Queued => ({ machineIds: [], ts: [], texts: [], ends: [], received: [], pos: [] });

export class PendingRows {
  private cols: Queued = empty();
  private readonly packer = new MetricsPacker();

  get length(): number {
    return this.cols.ts.length;
  }

  push(r: Reading, pos: number): void {
    let text: string | null = null;
    if (!this.packer.pack(r.metrics, r.machineId)) {
      try {
        text = JSON.stringify(r.metrics) ?? '';
      } catch {
        // BigInt or a cycle. It still travels, as '', for the worker to reject and count: commits then
        // account for every appended reading in order, which latency accounting relies on.
        text = '';
      }
    }
    const c = this.cols;
    c.machineIds.push(r.machineId);
    c.ts.push(r.ts);
    c.texts.push(text);
    c.ends.push(this.packer.used);
    c.received.push(r.receivedAt);
    c.pos.push(pos);
  }

  /** Removes and returns the oldest n rows. */
  take(n: number): RowColumns {
    const c = this.cols;
    n = Math.min(n, c.ts.length);
    const end = n > 0 ? c.ends[n - 1]! : 0;
    const bytes = this.packer.copy(0, end);
    // filled by push, not preallocated: a holey array crosses to the worker as a sparse one, slower to read there
    const metrics: StoredMetrics[] = [];
    let start = 0;
    for (let i = 0; i < n; i++) {
      const text = c.texts[i]!;
      const rowEnd = c.ends[i]!;
      metrics.push(text ?? new Uint8Array(bytes.buffer, start, rowEnd - start));
      start = rowEnd;
    }
    this.packer.shift(end);
    c.ends.splice(0, n);
    for (let i = 0; i < c.ends.length; i++) c.ends[i]! -= end;
    c.texts.splice(0, n);
    return { pos: c.pos.splice(0, n), machineIds: c.machineIds.splice(0, n), ts: c.ts.splice(0, n), metrics, received: c.received.splice(0, n) };
  }

  /** Puts rows taken earlier (a failed batch) back at the head, ahead of everything queued since. */
  putBack(rows: RowColumns): void {
    const c = this.cols;
    const queued = this.packer.copy(0, this.packer.used);
    this.packer.shift(this.packer.used);
    const texts: (string | null)[] = [];
    const ends: number[] = [];
    for (const m of rows.metrics) {
      if (typeof m === 'string') texts.push(m);
      else {
        this.packer.append(m);
        texts.push(null);
      }
      ends.push(this.packer.used);
    }
    const shift = this.packer.used;
    this.packer.append(queued);
    this.cols = {
      machineIds: rows.machineIds.concat(c.machineIds),
      ts: rows.ts.concat(c.ts),
      texts: texts.concat(c.texts),
      ends: ends.concat(c.ends.map((e) => e + shift)),
      received: rows.received.concat(c.received),
      pos: rows.pos.concat(c.pos),
    };
  }
}

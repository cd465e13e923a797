import type { AlignedData } from 'uplot';

/**
 * The columns of one trend chart: a shared time axis (epoch ms) and one value column per series,
 * as uPlot wants them. History and live readings meet here; a gap in time longer than gapMs gets a
 * row without values, so the line breaks instead of drawing a straight line over missing data.
 *
 * Rows live in preallocated Float64Arrays, so a live chart's memory is fixed from its first frame
 * instead of growing until its window is full. The storage is a ring written twice, at i and
 * i + capacity: the rows from oldest to newest are then always one contiguous stretch, which uPlot
 * reads through subarray views without a copy. The storage only grows when asked to hold more rows
 * than its capacity (a long history, or readings faster than it was sized for); it doubles then.
 */
export class TrendBuffer {
  private t: Float64Array;
  /** NaN where a series has no value: a Float64Array cannot hold null. */
  private ys: Float64Array[];
  private size: number;
  private head = 0;
  private count = 0;

  constructor(
    private readonly seriesCount: number,
    private readonly liveGapMs: number,
    capacity: number,
  ) {
    this.size = Math.max(2, Math.ceil(capacity));
    this.t = new Float64Array(this.size * 2);
    this.ys = Array.from({ length: seriesCount }, () => new Float64Array(this.size * 2));
  }

  get length(): number {
    return this.count;
  }

  get capacity(): number {
    return this.size;
  }

  /** The next push would have to grow the storage. */
  get full(): boolean {
    return this.count === this.size;
  }

  get first(): number | undefined {
    return this.count > 0 ? this.t[this.head] : undefined;
  }

  get last(): number | undefined {
    return this.count > 0 ? this.t[this.head + this.count - 1] : undefined;
  }

  /** Replaces everything up to the history's end; live points newer than the history survive. */
  replace(t: readonly number[], ys: readonly (readonly (number | null)[])[], gapMs: number): void {
    const end = t.length > 0 ? (t[t.length - 1] as number) : -Infinity;
    let keepFrom = this.count;
    while (keepFrom > 0 && (this.t[this.head + keepFrom - 1] as number) > end) keepFrom--;
    // Copies, because the history is written over the rows they come from.
    const liveT = this.t.slice(this.head + keepFrom, this.head + this.count);
    const liveYs = this.ys.map((col) => col.slice(this.head + keepFrom, this.head + this.count));
    this.head = 0;
    this.count = 0;
    const values: number[] = Array(this.seriesCount);
    for (let i = 0; i < t.length; i++) {
      const ts = t[i] as number;
      if (i > 0 && ts - (t[i - 1] as number) > gapMs) this.append(ts - 1, null);
      for (let s = 0; s < this.seriesCount; s++) values[s] = ys[s]?.[i] ?? NaN;
      this.append(ts, values);
    }
    for (let i = 0; i < liveT.length; i++) {
      for (let s = 0; s < this.seriesCount; s++) values[s] = liveYs[s]![i]!;
      this.push(liveT[i] as number, values);
    }
  }

  /** Appends one reading; an older or equal timestamp is dropped (overlapping batches after a reconnect). */
  push(ts: number, values: readonly (number | null)[]): boolean {
    const last = this.last;
    if (last !== undefined && ts <= last) return false;
    if (last !== undefined && ts - last > this.liveGapMs) this.append(ts - 1, null);
    this.append(ts, values);
    return true;
  }

  /** Drops rows before `ts`, all but the last of them: the line still enters from the left edge. */
  trimBefore(ts: number): void {
    while (this.count > 1 && (this.t[this.head + 1] as number) < ts) {
      this.head = (this.head + 1) % this.size;
      this.count--;
    }
  }

  /**
   * Views on the storage, valid until the next change. A value column with a missing value is
   * copied into an array with null instead: uPlot breaks the line at null, but takes NaN for a
   * number and loses its y range over it. Live data without gaps never needs the copy.
   */
  data(): AlignedData {
    const from = this.head;
    const to = this.head + this.count;
    const columns: AlignedData[number][] = [this.t.subarray(from, to)];
    for (const col of this.ys) {
      const view = col.subarray(from, to);
      columns.push(view.includes(NaN) ? Array.from(view, (v) => (Number.isNaN(v) ? null : v)) : view);
    }
    return columns as AlignedData;
  }

  private append(ts: number, values: readonly (number | null)[] | null): void {
    if (this.count === this.size) this.grow();
    const at = (this.head + this.count) % this.size;
    this.t[at] = this.t[at + this.size] = ts;
    for (let s = 0; s < this.seriesCount; s++) {
      const v = values?.[s] ?? NaN;
      const col = this.ys[s] as Float64Array;
      col[at] = col[at + this.size] = v;
    }
    this.count++;
  }

  private grow(): void {
    const size = this.size * 2;
    const copy = (col: Float64Array) => {
      const next = new Float64Array(size * 2);
      const rows = col.subarray(this.head, this.head + this.count);
      next.set(rows, 0);
      next.set(rows, size);
      return next;
    };
    this.t = copy(this.t);
    this.ys = this.ys.map(copy);
    this.size = size;
    this.head = 0;
  }
}

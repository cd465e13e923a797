import type { AlignedData } from 'uplot';

type Column = (number | null)[];

/**
 * The columns of one trend chart: a shared time axis (epoch ms) and one value column per series,
 * as uPlot wants them. History and live readings meet here; a gap in time longer than gapMs gets a
 * null row, so the line breaks instead of drawing a straight line over missing data.
 */
export class TrendBuffer {
  private t: number[] = [];
  private ys: Column[];
  private liveGapMs: number;

  constructor(
    private readonly seriesCount: number,
    gapMs: number,
  ) {
    this.ys = Array.from({ length: seriesCount }, () => []);
    this.liveGapMs = gapMs;
  }

  get length(): number {
    return this.t.length;
  }

  get first(): number | undefined {
    return this.t[0];
  }

  get last(): number | undefined {
    return this.t[this.t.length - 1];
  }

  /** Replaces everything up to the history's end; live points newer than the history survive. */
  replace(t: readonly number[], ys: readonly (readonly (number | null)[])[], gapMs: number): void {
    const end = t.length > 0 ? (t[t.length - 1] as number) : -Infinity;
    const keepFrom = this.t.findIndex((ts) => ts > end);
    const liveT = keepFrom < 0 ? [] : this.t.slice(keepFrom);
    const liveYs = this.ys.map((col) => (keepFrom < 0 ? [] : col.slice(keepFrom)));
    this.t = [];
    this.ys = Array.from({ length: this.seriesCount }, () => []);
    for (let i = 0; i < t.length; i++) {
      const ts = t[i] as number;
      if (i > 0 && ts - (t[i - 1] as number) > gapMs) this.pushRow(ts - 1, null);
      this.t.push(ts);
      for (let s = 0; s < this.seriesCount; s++) (this.ys[s] as Column).push(ys[s]?.[i] ?? null);
    }
    for (let i = 0; i < liveT.length; i++) this.push(liveT[i] as number, liveYs.map((col) => col[i] ?? null));
  }

  /** Appends one reading; an older or equal timestamp is dropped (overlapping batches after a reconnect). */
  push(ts: number, values: readonly (number | null)[]): boolean {
    const last = this.last;
    if (last !== undefined && ts <= last) return false;
    if (last !== undefined && ts - last > this.liveGapMs) this.pushRow(ts - 1, null);
    this.t.push(ts);
    for (let s = 0; s < this.seriesCount; s++) (this.ys[s] as Column).push(values[s] ?? null);
    return true;
  }

  /** Drops rows before `ts`. Cheap to call often: it only cuts when a quarter of the buffer is old. */
  trimBefore(ts: number): void {
    let cut = 0;
    while (cut < this.t.length && (this.t[cut] as number) < ts) cut++;
    if (cut === 0 || cut < this.t.length / 4) return;
    this.t.splice(0, cut);
    for (const col of this.ys) col.splice(0, cut);
  }

  data(): AlignedData {
    return [this.t, ...this.ys] as AlignedData;
  }

  private pushRow(ts: number, value: null): void {
    this.t.push(ts);
    for (const col of this.ys) col.push(value);
  }
}

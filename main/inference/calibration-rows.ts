/**
 * A commissioning window's model input rows, packed in one buffer per machine. As one small typed
 * array per row they were 200,000 heap objects for 500 machines commissioning at once, and every
 * major GC of the main process marked them all. A sensor first seen during the window widens every
 * row; the rows taken before it read NaN there, as a missing sensor does everywhere else.
 */
export class CalibrationRows {
  private data = new Float32Array(0);
  private capacity: number;
  /** Slots per row: the widest row so far. */
  stride = 0;
  count = 0;
  readonly ts: number[] = [];

  constructor(expectedRows: number) {
    this.capacity = Math.max(1, expectedRows);
  }

  /** The buffer that the last next() returned an offset into. */
  get x(): Float32Array {
    return this.data;
  }

  /** Reserves the next row, `width` slots wide, taken at `ts`; returns its offset in x. */
  next(width: number, ts: number): number {
    if (width > this.stride || this.count === this.capacity) this.resize(Math.max(width, this.stride), this.count === this.capacity ? this.capacity * 2 : this.capacity);
    this.ts.push(ts);
    return this.count++ * this.stride;
  }

  /** Row i for i < count, as a view of x. */
  row(i: number): Float32Array {
    return this.data.subarray(i * this.stride, (i + 1) * this.stride);
  }

  private resize(stride: number, capacity: number): void {
    const next = new Float32Array(capacity * stride).fill(Number.NaN);
    for (let i = 0; i < this.count; i++) next.set(this.row(i), i * stride);
    this.data = next;
    this.stride = stride;
    this.capacity = capacity;
  }
}

/**
 * Storage for model input rows that wait for the next batched run: rows are packed into shared chunks,
 * so queueing one costs no typed-array allocation of its own. A full chunk is never reused: it is
 * freed with the last queued row that points into it.
 */
const CHUNK = 1 << 16;

export class RowArena {
  /** The current chunk; a row taken earlier stays valid in the chunk it was taken from. */
  x = new Float32Array(CHUNK);
  private used = 0;

  /** Reserves `length` slots of `x` as it is after this call, and returns the first one's offset. */
  take(length: number): number {
    if (this.used + length > this.x.length) {
      this.x = new Float32Array(Math.max(CHUNK, length));
      this.used = 0;
    }
    const at = this.used;
    this.used += length;
    return at;
  }
}

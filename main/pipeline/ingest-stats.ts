import type { Reading } from '../../common/telemetry';
import { RateMeter } from '../primitives/rate-meter';
import type { EventMs, WallMs } from '../../common/time';

/** Latencies are kept for the last this many stored readings. */
const LATENCY_WINDOW = 65_536;

/**
 * From a reading's arrival or its device time to its commit: 'receipt' measures our own pipeline
 * whatever the device clocks say (the system alarm uses it); 'device' is publish-to-stored when the
 * devices' clocks are right (benchmarks) and is large for replayed history by design.
 */
export type LatencyBasis = 'receipt' | 'device';

/** Shared scratch for selection: health asks for the p99 every 2 s, and a sort of the window cost more than the rest of the stats. */
const scratch = new Float64Array(LATENCY_WINDOW);

/** The k-th smallest of a[0..n) (Hoare's selection, expected linear time); reorders a. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

class LatencyWindow {
  private readonly values = new Float64Array(LATENCY_WINDOW);
  private count = 0;
  add(ms: number) {
    this.values[this.count++ % LATENCY_WINDOW] = ms;
  }
  percentile(p: number): number {
    const n = Math.min(this.count, LATENCY_WINDOW);
    if (n === 0) return Number.NaN;
    scratch.set(this.values.subarray(0, n));
    return select(scratch, n, Math.min(n - 1, Math.floor((p / 100) * n)));
  }
  reset() {
    this.count = 0;
  }
}

/**
 * Rates, the event-time watermark and the latency of the data path. The store commits rows in the
 * order they were appended, so the readings of each commit are the oldest ones still waiting here.
 */
export class IngestStats {
  private readonly meter = new RateMeter();
  /** Device and receive times of readings appended and not yet committed, oldest first (a ring of pairs). */
  private pending = new Float64Array(2048);
  private head = 0;
  private count = 0;
  private readonly latency: Record<LatencyBasis, LatencyWindow> = { receipt: new LatencyWindow(), device: new LatencyWindow() };
  storedTotal = 0;
  receivedTotal = 0;
  /** The newest device time seen: "now" for everything that runs in event time. */
  watermark: EventMs = 0;

  constructor(private readonly now: () => WallMs) {}

  private get capacity() {
    return this.pending.length / 2;
  }

  received(reading: Reading): void {
    this.meter.mark(reading.receivedAt);
    this.receivedTotal++;
    if (reading.ts > this.watermark) this.watermark = reading.ts;
    if (this.count === this.capacity) this.grow();
    const at = ((this.head + this.count) % this.capacity) * 2;
    this.pending[at] = reading.ts;
    this.pending[at + 1] = reading.receivedAt;
    this.count++;
  }

  committed(info: { rows: number; rejected: number; committedAt: WallMs }): void {
    this.storedTotal += info.rows;
    const n = Math.min(this.count, info.rows + info.rejected);
    for (let i = 0; i < n; i++) {
      this.latency.device.add(info.committedAt - this.pending[this.head * 2]!);
      this.latency.receipt.add(info.committedAt - this.pending[this.head * 2 + 1]!);
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
  }

  readingsPerSecond(): number {
    return this.meter.perSecond(this.now());
  }

  /** Percentile (0-100) of latency to commit over the recent window, ms; NaN before any commit. */
  latencyPercentile(p: number, basis: LatencyBasis): number {
    return this.latency[basis].percentile(p);
  }

  resetLatencies(): void {
    this.latency.receipt.reset();
    this.latency.device.reset();
  }

  private grow(): void {
    const next = new Float64Array(this.pending.length * 2);
    for (let i = 0; i < this.count; i++) {
      const from = ((this.head + i) % this.capacity) * 2;
      next[i * 2] = this.pending[from]!;
      next[i * 2 + 1] = this.pending[from + 1]!;
    }
    this.pending = next;
    this.head = 0;
  }
}

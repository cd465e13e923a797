import type { Reading } from '../../common/telemetry';
import { RateMeter } from '../ingest/rate-meter';

/** Latencies are kept for the last this many stored readings. */
const LATENCY_WINDOW = 65_536;

/**
 * Rates, the event-time watermark and the device-to-stored latency of the data path. The store
 * commits rows in the order they were appended, so the readings of each commit are the oldest
 * ones still waiting here; their device timestamps give how late each reading was stored.
 */
export class IngestStats {
  private readonly meter = new RateMeter();
  /** Device timestamps of readings appended and not yet committed, oldest first (a ring). */
  private pendingTs = new Float64Array(1024);
  private head = 0;
  private count = 0;
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private latencyCount = 0;
  storedTotal = 0;
  receivedTotal = 0;
  /** The newest device time seen: "now" for everything that runs in event time. */
  watermark = 0;

  constructor(private readonly now: () => number) {}

  received(reading: Reading): void {
    this.meter.mark(reading.receivedAt);
    this.receivedTotal++;
    if (reading.ts > this.watermark) this.watermark = reading.ts;
    if (this.count === this.pendingTs.length) this.grow();
    this.pendingTs[(this.head + this.count) % this.pendingTs.length] = reading.ts;
    this.count++;
  }

  committed(info: { rows: number; rejected: number; committedAt: number }): void {
    this.storedTotal += info.rows;
    const n = Math.min(this.count, info.rows + info.rejected);
    for (let i = 0; i < n; i++) {
      const ts = this.pendingTs[this.head]!;
      this.head = (this.head + 1) % this.pendingTs.length;
      this.latencies[this.latencyCount++ % LATENCY_WINDOW] = info.committedAt - ts;
    }
    this.count -= n;
  }

  readingsPerSecond(): number {
    return this.meter.perSecond(this.now());
  }

  /** Percentile (0-100) of device-to-stored latency over the recent window, ms; NaN before any commit. */
  latencyPercentile(p: number): number {
    const n = Math.min(this.latencyCount, LATENCY_WINDOW);
    if (n === 0) return Number.NaN;
    const sorted = this.latencies.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor((p / 100) * n))]!;
  }

  resetLatencies(): void {
    this.latencyCount = 0;
  }

  private grow(): void {
    const next = new Float64Array(this.pendingTs.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.pendingTs[(this.head + i) % this.pendingTs.length]!;
    this.pendingTs = next;
    this.head = 0;
  }
}

/**
 * Timed outcomes over a rolling window of wall time: counts per second in a ring of one-second
 * buckets (exact), and the latest latencies in a bounded ring (for percentiles). The clock is
 * injected, so tests move time by hand.
 */
import type { WallMs } from '../../common/time';

export type Outcome = 'ok' | 'error' | 'refused';

export interface WindowSummary {
  count: number;
  perSecond: number;
  errors: number;
  refused: number;
  /** errors / count; 0 while nothing was counted. */
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** Nearest-rank percentile of ascending `sorted`; null when empty. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const EMPTY = { second: -1, count: 0, errors: 0, refused: 0 };

export class RollingWindow {
  private readonly buckets: { second: number; count: number; errors: number; refused: number }[];
  private readonly samples: { at: WallMs; ms: number }[] = [];
  private next = 0;
  private readonly startedAt: WallMs;

  constructor(
    private readonly windowSeconds: number,
    private readonly now: () => WallMs,
    /** Latencies kept for percentiles; counts stay exact beyond it. */
    private readonly maxSamples = 2048,
  ) {
    this.buckets = Array.from({ length: windowSeconds }, () => ({ ...EMPTY }));
    this.startedAt = now();
  }

  record(ms: number, outcome: Outcome): void {
    const at = this.now();
    const second = Math.floor(at / 1000);
    const bucket = this.buckets[second % this.windowSeconds]!;
    if (bucket.second !== second) Object.assign(bucket, { ...EMPTY, second });
    bucket.count++;
    if (outcome === 'error') bucket.errors++;
    else if (outcome === 'refused') bucket.refused++;
    if (this.samples.length < this.maxSamples) this.samples.push({ at, ms });
    else this.samples[this.next] = { at, ms };
    this.next = (this.next + 1) % this.maxSamples;
  }

  summary(): WindowSummary {
    const at = this.now();
    const oldest = Math.floor(at / 1000) - this.windowSeconds + 1;
    let count = 0;
    let errors = 0;
    let refused = 0;
    for (const b of this.buckets) {
      if (b.second < oldest) continue;
      count += b.count;
      errors += b.errors;
      refused += b.refused;
    }
    const latencies = this.samples.filter((s) => s.at >= oldest * 1000).map((s) => s.ms);
    latencies.sort((a, b) => a - b);
    // A window younger than its length divides by the time it has covered, so a fresh start shows the true rate.
    const coveredS = Math.min(this.windowSeconds, Math.max(1, (at - this.startedAt) / 1000));
    return {
      count,
      perSecond: count / coveredS,
      errors,
      refused,
      errorRate: count > 0 ? errors / count : 0,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.length > 0 ? latencies[latencies.length - 1]! : null,
    };
  }
}

/**
 * Token buckets keyed by remote address: a burst of attempts, then one per refill interval. It
 * slows password guessing from one machine without touching the account lockout, which protects
 * each account from guesses spread over many machines.
 */
import type { WallMs } from '../../common/time';
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    private readonly now: () => WallMs = Date.now,
  ) {}

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (t - bucket.at) / this.refillMs);
    bucket.at = t;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(t);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets buckets that have refilled: they hold nothing a fresh bucket would not. */
  private prune(t: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (t - b.at) / this.refillMs >= this.burst) this.buckets.delete(key);
  }
}

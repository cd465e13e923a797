import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit';

describe('TokenBuckets', () => {
  it('allows a burst, then one per refill interval, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 1000, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(buckets.take('10.0.0.2')).toBe(true);
    now += 999;
    expect(buckets.take('10.0.0.1')).toBe(false);
    now += 2;
    expect(buckets.take('10.0.0.1')).toBe(true);
    expect(buckets.take('10.0.0.1')).toBe(false);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take('10.0.0.1'))).toEqual([true, true, true, false]);
  });
});

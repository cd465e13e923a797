import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from 500 ms to 30 s and starts over after reset', () => {
    const b = new Backoff({ random: () => 0.5 });
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000]);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('spreads each delay by ±30% so clients do not reconnect in step', () => {
    expect(new Backoff({ random: () => 0 }).next()).toBe(350);
    expect(new Backoff({ random: () => 0.999_999 }).next()).toBe(650);
  });
});

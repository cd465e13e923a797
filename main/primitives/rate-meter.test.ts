import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('reports the count of the last whole second', () => {
    const m = new RateMeter();
    for (let i = 0; i < 30; i++) m.mark(10_000 + i * 10);
    expect(m.perSecond(10_500)).toBe(0);
    m.mark(11_000);
    expect(m.perSecond(11_200)).toBe(30);
    expect(m.perSecond(12_000)).toBe(1);
    expect(m.perSecond(14_000)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { TrendBuffer } from './trend-buffer';

describe('TrendBuffer', () => {
  it('appends in time order, drops older readings and breaks the line over a gap', () => {
    const buffer = new TrendBuffer(1, 15_000);
    expect(buffer.push(1_000, [1])).toBe(true);
    expect(buffer.push(2_000, [2])).toBe(true);
    expect(buffer.push(1_500, [9])).toBe(false);
    buffer.push(40_000, [3]);
    expect(buffer.data()).toEqual([
      [1_000, 2_000, 39_999, 40_000],
      [1, 2, null, 3],
    ]);
  });

  it('keeps live points newer than a history that arrives late, and breaks history gaps at its own step', () => {
    const buffer = new TrendBuffer(2, 15_000);
    buffer.push(400_000, [5, 50]);
    buffer.push(405_000, [6, 60]);
    buffer.replace([0, 60_000, 300_000, 400_000], [[1, 2, 3, 4], [10, 20, 30, 40]], 180_000);
    expect(buffer.data()).toEqual([
      [0, 60_000, 299_999, 300_000, 400_000, 405_000],
      [1, 2, null, 3, 4, 6],
      [10, 20, null, 30, 40, 60],
    ]);
  });

  it('trims old rows only once a quarter of the buffer is old', () => {
    const buffer = new TrendBuffer(1, 15_000);
    for (let i = 0; i < 8; i++) buffer.push(i * 1000, [i]);
    buffer.trimBefore(1_000);
    expect(buffer.first).toBe(0);
    buffer.trimBefore(2_500);
    expect(buffer.first).toBe(3_000);
    expect(buffer.length).toBe(5);
  });
});

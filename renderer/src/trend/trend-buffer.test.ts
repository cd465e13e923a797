import { describe, expect, it } from 'vitest';
import { TrendBuffer } from './trend-buffer';

/** The columns as plain arrays, whatever kind uPlot is handed. */
const columns = (buffer: TrendBuffer) => buffer.data().map((col) => Array.from(col as ArrayLike<number | null>));

describe('TrendBuffer', () => {
  it('appends in time order, drops older readings and breaks the line over a gap', () => {
    const buffer = new TrendBuffer(1, 15_000, 16);
    expect(buffer.push(1_000, [1])).toBe(true);
    expect(buffer.push(2_000, [2])).toBe(true);
    expect(buffer.push(1_500, [9])).toBe(false);
    buffer.push(40_000, [3]);
    expect(columns(buffer)).toEqual([
      [1_000, 2_000, 39_999, 40_000],
      [1, 2, null, 3],
    ]);
  });

  it('keeps live points newer than a history that arrives late, and breaks history gaps at its own step', () => {
    const buffer = new TrendBuffer(2, 15_000, 16);
    buffer.push(400_000, [5, 50]);
    buffer.push(405_000, [6, 60]);
    buffer.replace([0, 60_000, 300_000, 400_000], [[1, 2, 3, 4], [10, null, 30, 40]], 180_000);
    expect(columns(buffer)).toEqual([
      [0, 60_000, 299_999, 300_000, 400_000, 405_000],
      [1, 2, null, 3, 4, 6],
      [10, null, null, 30, 40, 60],
    ]);
  });

  it('trims old rows but keeps the last one before the cut, so the line reaches the left edge', () => {
    const buffer = new TrendBuffer(1, 15_000, 16);
    for (let i = 0; i < 8; i++) buffer.push(i * 1000, [i]);
    buffer.trimBefore(2_500);
    expect(buffer.first).toBe(2_000);
    expect(buffer.length).toBe(6);
    buffer.trimBefore(100_000);
    expect(columns(buffer)).toEqual([[7_000], [7]]);
  });

  it('runs round its ring in fixed storage, handing out gap-free columns as views without a copy', () => {
    const buffer = new TrendBuffer(1, 15_000, 4);
    const storage = (buffer.data()[0] as Float64Array).buffer;
    for (let i = 0; i < 50; i++) {
      buffer.trimBefore((i - 2) * 1000);
      buffer.push(i * 1000, [i]);
      const [t, y] = buffer.data();
      expect(t).toBeInstanceOf(Float64Array);
      expect(y).toBeInstanceOf(Float64Array);
      expect((t as Float64Array).buffer).toBe(storage);
    }
    expect(buffer.capacity).toBe(4);
    expect(columns(buffer)).toEqual([
      [46_000, 47_000, 48_000, 49_000],
      [46, 47, 48, 49],
    ]);
  });

  it('doubles its storage, keeping every row, when asked to hold more than it was sized for', () => {
    const buffer = new TrendBuffer(1, 15_000, 4);
    buffer.push(0, [0]);
    buffer.push(1_000, [1]);
    buffer.trimBefore(1_000);
    buffer.trimBefore(2_000); // the ring's start is no longer at the start of its storage
    for (let i = 2; i < 5; i++) buffer.push(i * 1000, [i]);
    expect(buffer.full).toBe(true);
    buffer.push(5_000, [5]);
    expect(buffer.capacity).toBe(8);
    expect(columns(buffer)).toEqual([
      [1_000, 2_000, 3_000, 4_000, 5_000],
      [1, 2, 3, 4, 5],
    ]);
    buffer.replace(Array.from({ length: 20 }, (_, i) => i * 1000), [Array.from({ length: 20 }, (_, i) => i)], 3_000);
    expect(buffer.length).toBe(20);
    expect(buffer.capacity).toBe(32);
    expect(buffer.last).toBe(19_000);
  });
});

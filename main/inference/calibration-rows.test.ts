import { describe, expect, it } from 'vitest';
import { CalibrationRows } from './calibration-rows';

describe('CalibrationRows', () => {
  it('packs rows, widens earlier rows with NaN when a sensor appears, and grows past the expected count', () => {
    const rows = new CalibrationRows(2);
    // next() may move the rows to a new buffer: x is read after it.
    const put = (values: number[], ts: number) => {
      const at = rows.next(values.length, ts);
      rows.x.set(values, at);
    };
    put([1, 2], 1000);
    put([3, 4, 5, 6], 2000);
    put([7, 8, 9, 10], 3000);
    expect(rows.count).toBe(3);
    expect(rows.stride).toBe(4);
    expect(rows.ts).toEqual([1000, 2000, 3000]);
    expect([...rows.row(0)]).toEqual([1, 2, NaN, NaN]);
    expect([...rows.row(1)]).toEqual([3, 4, 5, 6]);
    expect([...rows.row(2)]).toEqual([7, 8, 9, 10]);
  });

  it('leaves the slots a narrower row does not write as NaN', () => {
    const rows = new CalibrationRows(4);
    rows.next(4, 1);
    const at = rows.next(2, 2);
    rows.x.set([1, 2], at);
    expect([...rows.row(1)]).toEqual([1, 2, NaN, NaN]);
  });
});

import { describe, expect, it } from 'vitest';
import { medianInPlace } from './median';

describe('medianInPlace', () => {
  it('takes the middle value, or the mean of the two middle ones, by value not by text', () => {
    expect(medianInPlace([18, 2, 3])).toBe(3);
    expect(medianInPlace([10, 9, 2, 100])).toBe(9.5);
    expect(medianInPlace([])).toBeNaN();
  });
});

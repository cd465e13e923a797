import { describe, expect, it } from 'vitest';
import { FirstSeenOrder } from './first-seen-order';

describe('FirstSeenOrder', () => {
  it('finds a name whatever the guess, and keeps names in the order they were added', () => {
    const order = new FirstSeenOrder();
    expect(order.find('a', 0)).toBe(-1);
    expect(order.add('a')).toBe(0);
    expect(order.add('b')).toBe(1);
    expect(order.find('b', 1)).toBe(1);
    // a wrong guess, or one past the end, falls back to the map
    expect(order.find('b', 0)).toBe(1);
    expect(order.find('a', 5)).toBe(0);
    expect(order.find('c', -1)).toBe(-1);
    expect(order.names).toEqual(['a', 'b']);
  });
});

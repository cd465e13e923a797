import { describe, expect, it } from 'vitest';
import { RowTimes } from './row-times';

const T = 1_765_000_000_000;

describe('RowTimes', () => {
  it('gives every reading of a machine its own time, however its changes of one source time are split', () => {
    const times = new RowTimes();
    // one burst at T over three publish responses, then the next second's, then a straggler of T
    expect([times.claim('m', T), times.claim('m', T), times.claim('m', T), times.claim('m', T + 1000), times.claim('m', T)]).toEqual([T, T + 1, T + 2, T + 1000, T + 3]);
    // a later source time that a moved reading took moves on too
    expect(times.claim('m', T + 1)).toBe(T + 4);
    // machines are apart
    expect(times.claim('other', T)).toBe(T);
  });

  it('forgets the oldest times first, keeping a bounded set per machine', () => {
    const times = new RowTimes();
    for (let i = 0; i < 5000; i++) times.claim('m', T + i * 1000);
    // long past and forgotten: the source time is used again
    expect(times.claim('m', T)).toBe(T);
    // recent: still known
    expect(times.claim('m', T + 4999 * 1000)).toBe(T + 4999 * 1000 + 1);
  });
});

import { describe, expect, it } from 'vitest';
import { percentile, RollingWindow } from './rolling-window';
import { CallStats, outcomeOf } from './call-stats';

describe('percentile', () => {
  it('takes the nearest rank, and null for nothing', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('RollingWindow', () => {
  it('counts, rates and latencies over the window, and forgets what left it', () => {
    let now = 1_000_000;
    const w = new RollingWindow(10, () => now);
    for (let i = 0; i < 20; i++) {
      w.record(i < 18 ? 10 : 900, i === 0 ? 'error' : i === 1 ? 'refused' : 'ok');
      now += 500;
    }
    // 20 calls in the window's ten whole seconds
    now -= 1;
    expect(w.summary()).toMatchObject({ count: 20, errors: 1, refused: 1, errorRate: 0.05, p50Ms: 10, p99Ms: 900, maxMs: 900 });
    expect(w.summary().perSecond).toBeCloseTo(2, 2);
    now += 5_000;
    // the first half has left the window: the latest ten remain (two of them slow)
    expect(w.summary()).toMatchObject({ count: 10, errors: 0, refused: 0, p50Ms: 10, maxMs: 900 });
    now += 60_000;
    expect(w.summary()).toMatchObject({ count: 0, perSecond: 0, errorRate: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });

  it('divides by the time covered while younger than the window', () => {
    let now = 5_000;
    const w = new RollingWindow(60, () => now);
    for (let i = 0; i < 4; i++) w.record(1, 'ok');
    now += 2_000;
    expect(w.summary().perSecond).toBe(2);
  });

  it('keeps exact counts beyond the latencies it keeps', () => {
    const now = 0;
    const w = new RollingWindow(60, () => now, 8);
    for (let i = 0; i < 100; i++) w.record(i, 'ok');
    const s = w.summary();
    expect(s.count).toBe(100);
    // the ring holds the latest eight
    expect(s.maxMs).toBe(99);
    expect(s.p50Ms).toBe(95);
  });
});

describe('CallStats', () => {
  it('tells the application’s failures from the caller’s refusals', () => {
    expect(outcomeOf('ok')).toBe('ok');
    expect(outcomeOf('internal')).toBe('error');
    for (const code of ['forbidden', 'unauthenticated', 'bad_request', 'not_found', 'conflict', 'locked']) expect(outcomeOf(code)).toBe('refused');
  });

  it('keeps one window per call name, busiest first', () => {
    let now = 0;
    const stats = new CallStats(60, () => now);
    for (let i = 0; i < 3; i++) stats.record('health.get', 2, 'ok');
    stats.record('alarms.ack', 40, 'internal');
    stats.record('alarms.ack', 20, 'forbidden');
    now += 1000;
    expect(stats.rows()).toEqual([
      expect.objectContaining({ name: 'health.get', count: 3, errors: 0, p50Ms: 2 }),
      expect.objectContaining({ name: 'alarms.ack', count: 2, errors: 1, refused: 1, errorRate: 0.5, maxMs: 40 }),
    ]);
    now += 120_000;
    expect(stats.rows()).toEqual([]);
  });
});

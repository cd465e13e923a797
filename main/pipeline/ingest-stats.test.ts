import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IngestStats } from './ingest-stats';

const reading = (ts: number, receivedAt = ts) => ({ machineId: 'm', ts, metrics: { v: 1 }, receivedAt });

describe('IngestStats', () => {
  it('pairs each commit with the oldest pending readings and measures device-to-stored latency', () => {
    const stats = new IngestStats(() => 0);
    for (let i = 0; i < 3000; i++) stats.received(reading(1000 + i));
    stats.committed({ rows: 1000, rejected: 0, committedAt: 2100 });
    stats.committed({ rows: 1999, rejected: 1, committedAt: 5000 });
    expect(stats.storedTotal).toBe(2999);
    expect(stats.latencyPercentile(0, 'device')).toBe(2100 - 1999);
    expect(stats.latencyPercentile(100, 'device')).toBe(5000 - 2000);
    expect(stats.watermark).toBe(3999);
  });

  it('keeps replayed history out of the pipeline latency: receipt-to-stored stays small', () => {
    const stats = new IngestStats(() => 0);
    const dayAgo = 1_000_000 - 86_400_000;
    for (let i = 0; i < 10; i++) stats.received(reading(dayAgo + i, 1_000_000 + i));
    stats.committed({ rows: 10, rejected: 0, committedAt: 1_000_030 });
    expect(stats.latencyPercentile(100, 'receipt')).toBe(30);
    expect(stats.latencyPercentile(100, 'device')).toBeGreaterThan(86_000_000);
  });

  it('gives the same percentiles as sorting the window, duplicates and all', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (lags, p) => {
        const stats = new IngestStats(() => 0);
        lags.forEach((lag, i) => {
          stats.received(reading(i));
          stats.committed({ rows: 1, rejected: 0, committedAt: i + lag });
        });
        const sorted = [...lags].sort((a, b) => a - b);
        expect(stats.latencyPercentile(p, 'device')).toBe(sorted[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]);
      }),
    );
  });

  it('never pops more than is pending', () => {
    const stats = new IngestStats(() => 0);
    stats.received(reading(10));
    stats.committed({ rows: 5, rejected: 0, committedAt: 20 });
    stats.received(reading(30));
    stats.committed({ rows: 1, rejected: 0, committedAt: 35 });
    expect(stats.latencyPercentile(100, 'device')).toBe(10);
  });

  it('counts readings per second of receive time', () => {
    let now = 10_500;
    const stats = new IngestStats(() => now);
    for (let i = 0; i < 40; i++) stats.received(reading(1, 10_000 + i * 10));
    now = 11_200;
    expect(stats.readingsPerSecond()).toBe(40);
  });
});

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
    expect(stats.latencyPercentile(0)).toBe(2100 - 1999);
    expect(stats.latencyPercentile(100)).toBe(5000 - 2000);
    expect(stats.watermark).toBe(3999);
  });

  it('never pops more than is pending', () => {
    const stats = new IngestStats(() => 0);
    stats.received(reading(10));
    stats.committed({ rows: 5, rejected: 0, committedAt: 20 });
    stats.received(reading(30));
    stats.committed({ rows: 1, rejected: 0, committedAt: 35 });
    expect(stats.latencyPercentile(100)).toBe(10);
  });

  it('counts readings per second of receive time', () => {
    let now = 10_500;
    const stats = new IngestStats(() => now);
    for (let i = 0; i < 40; i++) stats.received(reading(1, 10_000 + i * 10));
    now = 11_200;
    expect(stats.readingsPerSecond()).toBe(40);
  });
});

import { describe, expect, it } from 'vitest';
import { LiveTelemetry } from './live-telemetry';

const reading = (machineId: string, ts: number, v: number) => ({ machineId, ts, metrics: { v }, receivedAt: ts });

describe('LiveTelemetry', () => {
  it('sends nothing when nothing arrived', () => {
    expect(new LiveTelemetry().take()).toBeNull();
  });

  it('keeps the newest reading per machine in event time, even when they arrive out of order', () => {
    const live = new LiveTelemetry();
    live.add(reading('a', 2000, 2));
    live.add(reading('a', 1000, 1));
    live.add(reading('b', 1500, 5));
    live.add(reading('a', 3000, 3));
    expect(live.take()).toEqual([
      { machineId: 'a', ts: 3000, metrics: { v: 3 } },
      { machineId: 'b', ts: 1500, metrics: { v: 5 } },
    ]);
    expect(live.take()).toBeNull();
  });
});

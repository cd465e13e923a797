/** The broker-outage drill at CI size (bench/drills/broker-outage.ts runs the 60 s outage). */
import { describe, expect, it } from 'vitest';
import { runBrokerOutageDrill } from '../../bench/drills/broker-outage';

describe('broker down and back', () => {
  it('reconnects with back-off into its persistent session and loses no QoS 1 message', { timeout: 90_000 }, async () => {
    const result = await runBrokerOutageDrill({ outageMs: 5_000 });
    expect(result.statesSeen).toEqual(['connected', 'reconnecting', 'connected']);
    expect(result.acknowledgedByBroker).toBeGreaterThan(1000);
    expect(result.lost).toBe(0);
    // a publish whose acknowledgement was cut by the shutdown may still have been stored
    expect(result.stored).toBeGreaterThanOrEqual(result.acknowledgedByBroker);
  });
});

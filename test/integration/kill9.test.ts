/**
 * The kill -9 drill at CI size (bench/drills/kill9.ts runs it 100 times): the runtime is SIGKILLed
 * during ingest with audited actions just acknowledged, and restarted.
 */
import { describe, expect, inject, it } from 'vitest';
import { runKill9Drill } from '../../bench/drills/kill9';

describe('kill -9 during ingest, repeated', () => {
  it('loses no account, audit row or QoS 1 reading, and keeps the database sound and the chain intact', { timeout: 180_000 }, async () => {
    const result = await runKill9Drill({ brokerUrl: inject('mosquittoUrl'), iterations: 5 });
    expect(result.integrityFailures).toEqual([]);
    expect(result.lostAccounts).toEqual([]);
    expect(result.accountsAcknowledged).toBe(5);
    expect(result.auditShortfall).toBeLessThanOrEqual(0);
    expect(result.chainBreaks).toEqual([]);
    // QoS 1 telemetry is acknowledged only once stored: what a kill left unacknowledged is redelivered.
    expect(result.telemetry.lost).toBe(0);
    expect(result.telemetry.stored).toBeGreaterThan(0);
  });
});

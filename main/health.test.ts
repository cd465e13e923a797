import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeHealth, type HealthParts } from './health';
import { databaseBytes } from './store/database-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-health-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function parts(over: { state?: 'connected' | 'offline'; writerError?: string | null; problem?: string | null } = {}): HealthParts {
  return {
    now: () => 61_400,
    startedAt: 1_000,
    brokerUrl: 'mqtt://127.0.0.1:1883',
    embeddedBroker: true,
    source: { state: over.state ?? 'connected', lastError: null },
    simulator: () => ({ running: false, machines: 0 }),
    registry: { size: 3 },
    stats: { readingsPerSecond: () => 99.6 },
    quarantine: { total: 2, counts: () => ({ invalid_json: 2 }) as ReturnType<HealthParts['quarantine']['counts']> },
    store: { path: join(dir, 'factorybrain.db'), problem: over.problem ?? null, writer: { lastError: over.writerError ?? null, pendingRows: 5 } },
    models: { health: () => ({ state: 'ok', detail: 'loaded' }) } as unknown as HealthParts['models'],
    versions: () => ({ app: '1.0.0' }),
    logs: { status: () => ({ dir, retentionDays: 7, state: 'ok', problem: null }) },
    plant: { timeZone: 'UTC', shiftStartHours: [6, 14, 22] } as HealthParts['plant'],
    connectors: { fieldSources: () => [], historian: () => undefined },
  };
}

describe('runtimeHealth', () => {
  it('reports ok with uptime, rates, quarantine and the database size on disk', () => {
    writeFileSync(join(dir, 'factorybrain.db'), Buffer.alloc(4096));
    writeFileSync(join(dir, 'factorybrain.db-wal'), Buffer.alloc(1000));
    const h = runtimeHealth(parts())();
    expect(h).toMatchObject({ status: 'ok', uptimeS: 60, machinesKnown: 3, readingsPerSecond: 100, quarantine: { total: 2, byReason: { invalid_json: 2 } } });
    expect(h.store).toEqual({ path: join(dir, 'factorybrain.db'), bytes: 5096, pendingRows: 5, lastError: null });
  });

  it('is degraded while the broker is not connected or the store failed, the writer\'s error first', () => {
    expect(runtimeHealth(parts({ state: 'offline' }))().status).toBe('degraded');
    const h = runtimeHealth(parts({ writerError: 'disk full', problem: 'damaged, moved aside' }))();
    expect(h.status).toBe('degraded');
    expect(h.store.lastError).toBe('disk full');
    expect(runtimeHealth(parts({ problem: 'damaged, moved aside' }))().store.lastError).toBe('damaged, moved aside');
  });
});

describe('databaseBytes', () => {
  it('counts a missing file or WAL as empty', () => {
    expect(databaseBytes(join(dir, 'none.db'))).toBe(0);
  });
});

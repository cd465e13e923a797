import { describe, expect, it } from 'vitest';
import type { Health } from '../../common/contract';
import { DiagnosticsSnapshotSchema } from '../../common/contract-diagnostics';
import type { Role } from '../../common/roles';
import type { Session } from '../auth/sessions';
import { createRouter, type Connection, type Handlers } from '../ipc/router';
import { DIAGNOSTIC_ALARMS } from './alerts';
import { createDiagnostics, type DiagnosticsSources } from './diagnostics';
import { DiagnosticsConfigSchema } from './diagnostics-config';
import { createDiagnosticsHandlers } from './handlers';

const health: Health = {
  status: 'ok',
  uptimeS: 120,
  broker: { url: 'mqtt://127.0.0.1:1883', embedded: true, state: 'connected', lastError: null },
  simulator: { running: true, machines: 6 },
  machinesKnown: 6,
  readingsPerSecond: 42,
  quarantine: { total: 3, byReason: { invalid_json: 3 } },
  store: { path: '/data/factorybrain.db', bytes: 1_048_576, pendingRows: 17, lastError: null },
  models: { state: 'ok', detail: '4 models loaded, hashes verified' },
  versions: {},
  fieldSources: [{ protocol: 'modbus', name: 'press-plc', endpoint: '10.0.0.5:502', state: 'lost', lastError: 'ETIMEDOUT' }],
};

function sources(): DiagnosticsSources {
  return {
    health: () => health,
    quarantineLatest: (limit) => Array.from({ length: Math.min(limit, 3) }, (_, i) => ({ at: 1000 + i, topic: 'factory/x/telemetry', reason: 'invalid_json' as const, detail: 'Unexpected token', payloadHead: 'e30=', payloadBytes: 2 })),
    models: () => [{ name: 'anomaly', version: '1', state: 'ok', detail: 'sha256 verified' }],
    backup: { hourUtc: 2, dir: '/data/backups', last: () => ({ at: 500, ok: false, file: null, bytes: null, error: 'SQLITE_FULL: database or disk is full' }) },
    agents: { enabled: true, eventTime: () => 900, status: () => [{ name: 'maintenance', runs: 3, lastRunTs: 800, nextDueTs: 1100, overruns: 0, lastElapsedMs: 1.5, consecutiveFailures: 0, suspendedUntil: null }] },
    disk: () => ({ path: '/data', freeBytes: 5e9, totalBytes: 1e10, freeRatio: 0.5 }),
    alarm: (id) => (id === DIAGNOSTIC_ALARMS.contractLatency ? { active: true, priority: 'low', message: 'Contract call readings.history p99 740 ms' } : undefined),
  };
}

describe('diagnostics snapshot', () => {
  it('gathers the figures the screen shows, in the contract’s shape', () => {
    let now = 10_000;
    const d = createDiagnostics(DiagnosticsConfigSchema.parse({}), () => now);
    d.call('health.get', 3, 'ok');
    d.call('health.get', 5, 'ok');
    d.call('alarms.ack', 12, 'internal');
    d.inference.ran(8);
    d.inference.ran(12);
    d.inference.failed(30, 'session run failed');
    d.queries('history')('SELECT * FROM readings', 250);
    now += 1000;
    const snap = DiagnosticsSnapshotSchema.parse(d.snapshot(sources()));
    expect(snap).toMatchObject({
      at: 11_000,
      broker: { state: 'connected', embedded: true },
      fieldSources: [{ name: 'press-plc', state: 'lost' }],
      historian: null,
      readingsPerSecond: 42,
      quarantine: { total: 3, byReason: { invalid_json: 3 } },
      store: { bytes: 1_048_576, pendingRows: 17 },
      backup: { hourUtc: 2, last: { ok: false, error: 'SQLITE_FULL: database or disk is full' } },
      models: { state: 'ok', inference: { runs: 3, failures: 1, p50Ms: 12, p99Ms: 30, lastFailure: { at: 10_000, error: 'session run failed' } } },
      calls: { windowSeconds: 60, rows: [{ name: 'health.get', count: 2 }, { name: 'alarms.ack', count: 1, errors: 1, errorRate: 1 }] },
      slowQueries: { thresholdMs: 100, total: 1, latest: [{ connection: 'history', ms: 250, sql: 'SELECT * FROM readings' }] },
      agents: { enabled: true, eventTime: 900, list: [{ name: 'maintenance', runs: 3 }] },
      disk: { freeRatio: 0.5 },
    });
    expect(snap.quarantine.latest).toHaveLength(3);
    expect(snap.calls.perSecond).toBeCloseTo(3, 5);
    expect(snap.alerts.thresholds.contractLatencyMs).toEqual({ raise: 500, clear: 400 });
    expect(snap.alerts.states).toEqual([
      { alarmId: 'system:model-failure', priority: 'critical', active: false, message: null },
      { alarmId: 'system:contract-errors', priority: 'low', active: false, message: null },
      { alarmId: 'system:contract-latency', priority: 'low', active: true, message: 'Contract call readings.history p99 740 ms' },
    ]);
  });
});

describe('diagnostics.snapshot through the router', () => {
  const roles: Role[] = ['admin', 'supervisor', 'operator', 'viewer'];
  const setup = () => {
    const d = createDiagnostics(DiagnosticsConfigSchema.parse({}), () => 50_000);
    const sessions = new Map<string, Session>(roles.map((role, i) => [role, { token: role, user: { id: i + 1, username: role, role }, createdAt: 0, lastActive: 0, locked: false }]));
    const dispatch = createRouter({
      handlers: createDiagnosticsHandlers(() => d.snapshot(sources())) as unknown as Handlers,
      audit: { append: () => {} },
      touchSession: (token) => sessions.get(token) ?? null,
      now: () => 50_000,
      observe: d.call,
    });
    return { d, dispatch, as: (role: Role): Connection => ({ token: role, transport: 'ws' }) };
  };

  it('answers engineers (supervisor) and administrators', async () => {
    const { dispatch, as } = setup();
    for (const role of ['admin', 'supervisor'] as const) {
      const result = await dispatch(as(role), 'diagnostics.snapshot', {});
      expect(result.ok, role).toBe(true);
      if (result.ok) expect(DiagnosticsSnapshotSchema.safeParse(result.data).success).toBe(true);
    }
  });

  it('refuses operators and viewers with a clear error, and counts the refusals as the caller’s, not as errors', async () => {
    const { d, dispatch, as } = setup();
    for (const role of ['operator', 'viewer'] as const) {
      expect(await dispatch(as(role), 'diagnostics.snapshot', {})).toEqual({ ok: false, error: { code: 'forbidden', message: 'diagnostics.snapshot needs the supervise permission' } });
    }
    expect(d.calls.rows()).toEqual([expect.objectContaining({ name: 'diagnostics.snapshot', count: 2, refused: 2, errors: 0, errorRate: 0 })]);
  });
});

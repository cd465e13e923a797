import { describe, expect, it } from 'vitest';
import type { CallStatsRow, DiagnosticsSnapshot } from '../../../common/contract-diagnostics';
import { callAbnormal, formatBytes, formatMs, problems } from './diagnostics-format';

const thresholds = { windowSeconds: 60, minCalls: 20, contractErrorRate: { raise: 0.05, clear: 0.02 }, contractLatencyMs: { raise: 500, clear: 400 }, modelFailureHoldSeconds: 60, slowQueryMs: 100 };
const row = (fields: Partial<CallStatsRow>): CallStatsRow => ({ name: 'health.get', count: 50, perSecond: 1, errors: 0, errorRate: 0, refused: 0, p50Ms: 2, p99Ms: 10, maxMs: 12, ...fields });

const normal: DiagnosticsSnapshot = {
  at: 0,
  uptimeS: 60,
  broker: { url: 'mqtt://127.0.0.1:1883', embedded: true, state: 'connected', lastError: null },
  fieldSources: [],
  historian: null,
  machinesKnown: 4,
  readingsPerSecond: 4,
  quarantine: { total: 0, byReason: {}, latest: [] },
  store: { path: '/d/factorybrain.db', bytes: 1, pendingRows: 0, lastError: null },
  backup: { hourUtc: 2, dir: '/d/backups', last: null },
  models: { state: 'ok', detail: '', list: [], inference: { runs: 1, perSecond: 1, p50Ms: 1, p99Ms: 1, maxMs: 1, failures: 0, lastFailure: null } },
  calls: { windowSeconds: 60, perSecond: 1, rows: [row({})] },
  slowQueries: { thresholdMs: 100, total: 0, latest: [] },
  agents: { enabled: true, eventTime: null, list: [] },
  disk: { path: '/d', freeBytes: 50, totalBytes: 100, freeRatio: 0.5 },
  alerts: { thresholds, states: [] },
};

describe('diagnostics formatting', () => {
  it('writes sizes and times a reader takes in at a glance', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_572_864)).toBe('1.5 MB');
    expect(formatBytes(250 * 1024 ** 3)).toBe('250 GB');
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(37.6)).toBe('38 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(null)).toBe('—');
  });

  it('marks a call over a warning limit only once it was made often enough', () => {
    expect(callAbnormal(row({ p99Ms: 700 }), thresholds)).toBe(true);
    expect(callAbnormal(row({ errorRate: 0.2 }), thresholds)).toBe(true);
    expect(callAbnormal(row({ count: 3, p99Ms: 2000 }), thresholds)).toBe(false);
    expect(callAbnormal(row({}), thresholds)).toBe(false);
  });

  it('lists nothing when all is normal, and each abnormal part by name otherwise', () => {
    expect(problems(normal)).toEqual([]);
    const bad: DiagnosticsSnapshot = {
      ...normal,
      broker: { ...normal.broker, state: 'reconnecting' },
      fieldSources: [{ protocol: 'opcua', name: 'line-2', endpoint: 'opc.tcp://plc:4840', state: 'lost', lastError: 'timeout' }],
      backup: { ...normal.backup, last: { at: 1, ok: false, file: null, bytes: null, error: 'disk full' } },
      models: { ...normal.models, state: 'uncertain', inference: { ...normal.models.inference, failures: 2 } },
      calls: { ...normal.calls, rows: [row({ p99Ms: 900 })] },
      disk: { path: '/d', freeBytes: 5, totalBytes: 100, freeRatio: 0.05 },
    };
    expect(problems(bad)).toEqual(['Broker reconnecting', 'OPC UA line-2 lost', 'Last backup failed', 'Models uncertain', '2 scoring runs failed', '1 contract call over limit', 'Disk 95% full']);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../../common/contract';
import type { Alarm } from '../../common/contract-alarms';
import type { CallStatsRow } from '../../common/contract-diagnostics';
import { AlarmService } from '../alarms/alarm-service';
import { alarmStore } from '../alarms/alarm-store';
import { ConfigSchema } from '../config';
import { createAuditLog } from '../store/audit-log';
import { openDatabase, type Db } from '../store/open-database';
import { DIAGNOSTIC_ALARMS, diagnosticConditions, type DiagnosticSample } from './alerts';
import { DiagnosticsConfigSchema } from './diagnostics-config';
import { thresholdsOf } from './diagnostics';

const thresholds = thresholdsOf(DiagnosticsConfigSchema.parse({}));
const row = (name: string, fields: Partial<CallStatsRow>): CallStatsRow => ({ name, count: 100, perSecond: 1, errors: 0, errorRate: 0, refused: 0, p50Ms: 5, p99Ms: 20, maxMs: 30, ...fields });
const sample = (calls: CallStatsRow[], modelFailure: DiagnosticSample['modelFailure'] = null): DiagnosticSample => ({ calls, modelFailure, thresholds });
const byId = (conditions: ReturnType<typeof diagnosticConditions>) => Object.fromEntries(conditions.map((c) => [c.alarmId, c]));

describe('diagnostics settings', () => {
  it('default to the documented thresholds', () => {
    expect(ConfigSchema.parse({}).diagnostics).toEqual({ windowSeconds: 60, minCalls: 20, contractErrorRate: { raise: 0.05, clear: 0.02 }, contractLatencyMs: { raise: 500, clear: 400 }, modelFailureHoldSeconds: 60, slowQueryMs: 100 });
  });

  it('refuse a clear threshold at or above its raise threshold, and an unknown key', () => {
    expect(ConfigSchema.safeParse({ diagnostics: { contractLatencyMs: { raise: 300 } } }).error?.message).toContain('clear must be below raise');
    expect(ConfigSchema.safeParse({ diagnostics: { contractLatencyMs: { raise: 800, clear: 600 } } }).success).toBe(true);
    expect(ConfigSchema.safeParse({ diagnostics: { latencyMs: 500 } }).success).toBe(false);
  });
});

describe('diagnosticConditions', () => {
  it('raises the warnings above their limits, naming the worst call, and judges only calls made often enough', () => {
    const c = byId(
      diagnosticConditions(
        sample([row('health.get', { p99Ms: 30 }), row('readings.history', { p99Ms: 740, errorRate: 0.08, errors: 8 }), row('auth.login', { count: 3, p99Ms: 2000, errorRate: 1 })]),
        1000,
        () => false,
      ),
    );
    expect(c[DIAGNOSTIC_ALARMS.contractLatency]).toMatchObject({ active: true, priority: 'low', source: 'system', machineId: '', value: 740, limit: 500 });
    expect(c[DIAGNOSTIC_ALARMS.contractLatency]!.message).toBe('Contract call readings.history p99 740 ms over 60 s (limit 500 ms)');
    expect(c[DIAGNOSTIC_ALARMS.contractErrors]).toMatchObject({ active: true, priority: 'low', value: 0.08 });
    expect(c[DIAGNOSTIC_ALARMS.contractErrors]!.message).toBe('Contract call readings.history failed 8.0% of 100 calls in 60 s (limit 5.0%)');
    expect(c[DIAGNOSTIC_ALARMS.modelFailure]).toMatchObject({ active: false, priority: 'critical' });
  });

  it('keeps a raised warning inside the hysteresis band and clears it below', () => {
    const latency = (p99Ms: number, was: boolean) => byId(diagnosticConditions(sample([row('alarms.active', { p99Ms })]), 0, () => was))[DIAGNOSTIC_ALARMS.contractLatency]!.active;
    expect(latency(450, false)).toBe(false);
    expect(latency(501, false)).toBe(true);
    expect(latency(450, true)).toBe(true);
    expect(latency(399, true)).toBe(false);
    const errors = (errorRate: number, was: boolean) => byId(diagnosticConditions(sample([row('alarms.ack', { errorRate })]), 0, () => was))[DIAGNOSTIC_ALARMS.contractErrors]!.active;
    expect(errors(0.04, false)).toBe(false);
    expect(errors(0.06, false)).toBe(true);
    expect(errors(0.03, true)).toBe(true);
    expect(errors(0.01, true)).toBe(false);
  });

  it('holds the critical model alarm for the hold time after the last failed run', () => {
    const failure = { at: 10_000, error: 'onnxruntime: input shape mismatch' };
    const model = (at: number) => byId(diagnosticConditions(sample([], failure), at, () => true))[DIAGNOSTIC_ALARMS.modelFailure]!;
    expect(model(10_000)).toMatchObject({ active: true, priority: 'critical', message: 'Model scoring failed: onnxruntime: input shape mismatch' });
    expect(model(69_999).active).toBe(true);
    expect(model(70_000).active).toBe(false);
  });
});

describe('diagnostic alarms through the alarm service', () => {
  let dir: string | null = null;
  let db: Db | null = null;
  afterEach(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are raised once, stay quiet while the figure hovers, and clear once it is back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-diag-'));
    db = openDatabase(join(dir, 'a.db'));
    let clock = 1_700_000_000_000;
    const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: () => clock, console: 'a', log: () => {} });
    const changes: Alarm[] = [];
    alarms.onChange((c) => changes.push(...c.filter((a) => a.id.startsWith('system:contract') || a.id === DIAGNOSTIC_ALARMS.modelFailure)));
    const health = { status: 'ok', broker: { url: 'mqtt://x', state: 'connected', lastError: null, embedded: false }, store: { lastError: null }, models: { state: 'ok', detail: '' } } as unknown as Health;
    // Screens hear of changes once per turn: each health tick is its own turn, as in the runtime.
    const tick = async (p99Ms: number, modelFailure: DiagnosticSample['modelFailure'] = null) => {
      clock += 2000;
      alarms.system({ health, ingestLatencyMs: null, commitWaitMs: 0, diskFreeRatio: null, diagnostics: sample([row('readings.history', { p99Ms })], modelFailure) });
      await new Promise<void>((r) => queueMicrotask(r));
    };

    // hovering around the limit: raised at the first breach, then nothing until it is well below
    for (const p99 of [300, 520, 480, 510, 450, 505, 420]) await tick(p99);
    expect(changes.map((a) => [a.id, a.active])).toEqual([[DIAGNOSTIC_ALARMS.contractLatency, true]]);
    expect(alarms.get(DIAGNOSTIC_ALARMS.contractLatency)).toMatchObject({ active: true, priority: 'low', value: 520, limit: 500 });
    await tick(350);
    await tick(300);
    expect(changes.map((a) => [a.id, a.active])).toEqual([
      [DIAGNOSTIC_ALARMS.contractLatency, true],
      [DIAGNOSTIC_ALARMS.contractLatency, false],
    ]);

    // a model run failing every few seconds is one critical alarm, not one per failure
    changes.length = 0;
    for (let i = 0; i < 5; i++) await tick(10, { at: clock, error: 'session run failed' });
    expect(changes.map((a) => [a.id, a.active, a.priority])).toEqual([[DIAGNOSTIC_ALARMS.modelFailure, true, 'critical']]);
    const lastFailure = { at: clock, error: 'session run failed' };
    for (let i = 0; i < 40; i++) await tick(10, lastFailure);
    expect(changes.map((a) => [a.id, a.active])).toEqual([
      [DIAGNOSTIC_ALARMS.modelFailure, true],
      [DIAGNOSTIC_ALARMS.modelFailure, false],
    ]);
  });
});

/**
 * "Increase monitoring frequency" through the real agent host: the optimizer's request reaches the
 * maintenance agent, the host heightens the machine's condition monitor and logs until when, and
 * after a restart both the heightening and the optimizer's expectation of it are still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Heightening } from '../../common/contract-models';
import type { Machine } from '../../common/telemetry';
import { HOUR_MS, type Prediction } from '../../agents/model';
import { MONITORING_FACTOR, MONITORING_HOURS } from '../../agents/names';
import { ConfigSchema } from '../config';
import { createAuditLog } from '../store/audit-log';
import { openDatabase } from '../store/open-database';
import { createAgentHost } from './host';

const dir = mkdtempSync(join(tmpdir(), 'fb-heighten-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 0, 6, 6, 0, 0);
const machine: Machine = { id: 'p1/machining/cnc1', name: 'CNC-01', site: 'p1', area: 'machining', type: 'cnc_mill', protocol: 'json', firstSeen: 0, lastSeen: 0, state: 'online', sensors: {} };
const prediction = (ts: number, riskLevel: Prediction['riskLevel'], failureProbability: number): Prediction => ({ machineId: machine.id, ts, failureProbability, failureType: 'bearing_wear', rulHours: 200, riskLevel });

function start(path: string, heightened: [string, Heightening][], withMonitor = true) {
  const db = openDatabase(path);
  const config = ConfigSchema.parse({});
  const audit = createAuditLog(db);
  const host = createAgentHost({
    db,
    audit,
    config: config.agents,
    plant: { ...config.plant, timeZone: 'UTC' },
    machines: () => [machine],
    publish: () => Promise.resolve(),
    emit: () => {},
    log: () => {},
    ...(withMonitor && { heighten: (id: string, h: Heightening) => heightened.push([id, h]) }),
    now: () => T0,
    monotonic: () => 0,
  });
  return { db, host, audit };
}

describe('increase monitoring frequency through the agent host', () => {
  it('heightens the machine’s monitor, logs until when, and re-applies it and evaluates the expectation after a restart', () => {
    const path = join(dir, 'plant.db');
    const calls: [string, Heightening][] = [];
    const first = start(path, calls);
    first.host.predict(prediction(T0 - 60_000, 'high', 0.8));
    first.host.advance(T0);
    first.host.advance(T0 + 10 * 60_000);

    const until = T0 + 5 * 60_000 + MONITORING_HOURS * HOUR_MS;
    expect(calls).toEqual([[machine.id, { until, factor: MONITORING_FACTOR, reason: 'high failure risk (probability 80 %)' }]]);
    const [heighten] = first.host.decisions.list({ action: 'heighten_monitoring', limit: 10 });
    expect(heighten).toMatchObject({ agent: 'maintenance', target: machine.id, status: 'applied', outcome: `anomaly thresholds of ${machine.id} at 80 % until 2025-01-06 14:05 +00:00` });
    expect(heighten!.explanation).toMatch(/^Watch CNC-01 closer for 8 h: its anomaly thresholds at 80 % of their usual level/);
    expect(first.audit.list({ limit: 50 }).filter((e) => e.action === 'agents.monitoring.heighten')).toEqual([expect.objectContaining({ username: 'agent:maintenance', target: machine.id, outcome: 'ok' })]);
    const [request] = first.host.decisions.list({ action: 'request_monitoring', limit: 10 });
    expect(request!.params).toMatchObject({ expectation: { metric: 'risk', before: 2, target: 0, checkAt: T0 + MONITORING_HOURS * HOUR_MS } });
    first.db.close();

    // Restart: a new host on the same store tells the monitor again, before any reading arrives.
    const again: [string, Heightening][] = [];
    const second = start(path, again);
    expect(again).toEqual(calls);
    // The expectation comes back from the decision log and is judged once, when due.
    second.host.predict(prediction(T0 + 7 * HOUR_MS, 'low', 0.05));
    second.host.advance(T0 + 7 * HOUR_MS + 30 * 60_000);
    expect(second.host.decisions.list({ action: 'evaluate_action', limit: 10 })).toEqual([]);
    second.host.advance(T0 + MONITORING_HOURS * HOUR_MS + 15 * 60_000);
    second.host.advance(T0 + MONITORING_HOURS * HOUR_MS + 45 * 60_000);
    const evaluations = second.host.decisions.list({ action: 'evaluate_action', limit: 10 });
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ target: request!.id, params: { decisionId: request!.id, met: true, before: 2, after: 0 } });
    second.db.close();
  });

  it('records the decision as failed, saying why, when the condition monitor is not running', () => {
    const path = join(dir, 'no-monitor.db');
    const { db, host } = start(path, [], false);
    host.predict(prediction(T0 - 60_000, 'high', 0.8));
    host.advance(T0);
    host.advance(T0 + 10 * 60_000);
    const [heighten] = host.decisions.list({ action: 'heighten_monitoring', limit: 10 });
    expect(heighten).toMatchObject({ status: 'failed', outcome: expect.stringMatching(/condition monitor is not running/) as unknown });
    db.close();
  });

  it('holds closer monitoring back for a day when it did not bring a medium risk down, and the hold outlives a restart', () => {
    const path = join(dir, 'hold.db');
    const first = start(path, []);
    first.host.predict(prediction(T0 - 60_000, 'medium', 0.4));
    first.host.advance(T0);
    first.host.advance(T0 + MONITORING_HOURS * HOUR_MS + 15 * 60_000);
    const requests = first.host.decisions.list({ action: 'request_monitoring', limit: 10 });
    expect(requests.map((d) => d.ts)).toEqual([T0 + 4 * HOUR_MS, T0]);
    const [hold] = first.host.decisions.list({ action: 'hold_recommendation', limit: 10 });
    expect(hold).toMatchObject({
      agent: 'plant-optimizer',
      target: machine.id,
      ts: T0 + MONITORING_HOURS * HOUR_MS,
      status: 'applied',
      outcome: `closer monitoring for ${machine.id} held back until 2025-01-07 14:00 +00:00`,
      params: { evaluationOf: requests[1]!.id, hold: { recommendation: 'request_monitoring', machineId: machine.id, until: T0 + 32 * HOUR_MS } },
    });
    expect(first.audit.list({ limit: 100 }).filter((e) => e.action === 'agents.optimizer.hold')).toEqual([
      expect.objectContaining({ username: 'agent:plant-optimizer', target: machine.id, outcome: 'ok', detail: expect.objectContaining({ decisionId: hold!.id, evaluationOf: requests[1]!.id }) as unknown }),
    ]);
    first.db.close();

    // After a restart the optimizer has no memory of its own; only the hold in the log keeps it from asking again at once.
    const second = start(path, []);
    second.host.predict(prediction(T0 + 9 * HOUR_MS, 'medium', 0.4));
    second.host.advance(T0 + 9 * HOUR_MS + 5 * 60_000);
    second.host.advance(T0 + 30 * HOUR_MS);
    expect(second.host.decisions.list({ action: 'request_monitoring', limit: 10 })).toHaveLength(2);
    // The second request, judged after the restart, did not work either: the hold runs a day from then.
    const holds = second.host.decisions.list({ action: 'hold_recommendation', limit: 10 });
    expect(holds.map((d) => [d.ts, (d.params.hold as { until: number }).until])).toEqual([
      [T0 + 12 * HOUR_MS, T0 + 36 * HOUR_MS],
      [T0 + 8 * HOUR_MS, T0 + 32 * HOUR_MS],
    ]);
    second.host.predict(prediction(T0 + 30 * HOUR_MS, 'medium', 0.4));
    second.host.advance(T0 + 36 * HOUR_MS + 15 * 60_000);
    expect(second.host.decisions.list({ action: 'request_monitoring', limit: 10 }).map((d) => d.ts)).toEqual([T0 + 36 * HOUR_MS, T0 + 4 * HOUR_MS, T0]);
    second.db.close();
  });

  it('asks for an inspection ticket after a restart when the risk stays high and the repair ticket was closed', () => {
    const path = join(dir, 'escalate.db');
    const first = start(path, []);
    first.host.predict(prediction(T0 - 60_000, 'high', 0.8));
    first.host.advance(T0);
    first.host.advance(T0 + 10 * 60_000);
    const [repair] = first.host.tickets.list({ machineId: machine.id, limit: 10 });
    expect(repair).toMatchObject({ failureType: 'bearing_wear', status: 'open' });
    first.host.tickets.close(repair!.id, 120, 'bearing replaced', T0 + HOUR_MS);
    first.db.close();

    const second = start(path, []);
    second.host.predict(prediction(T0 + 7 * HOUR_MS, 'high', 0.8));
    second.host.advance(T0 + 7 * HOUR_MS + 5 * 60_000);
    second.host.advance(T0 + MONITORING_HOURS * HOUR_MS + 10 * 60_000);
    const [escalation] = second.host.decisions.list({ action: 'escalate_inspection', limit: 10 });
    expect(escalation).toMatchObject({ target: machine.id, ts: T0 + MONITORING_HOURS * HOUR_MS, status: 'applied', outcome: `inspection ticket asked of maintenance; closer monitoring for ${machine.id} held back until 2025-01-07 14:00 +00:00` });
    const inspection = second.host.tickets.list({ machineId: machine.id, limit: 10 }).find((t) => t.failureType === 'inspection');
    expect(inspection).toMatchObject({ title: 'CNC-01: inspect, risk stays high', priority: 'high', status: 'open', reporter: 'agent:maintenance' });
    expect(second.audit.list({ limit: 200 }).map((e) => e.action)).toEqual(expect.arrayContaining(['agents.optimizer.escalate', 'tickets.create']));
    second.db.close();
  });
});

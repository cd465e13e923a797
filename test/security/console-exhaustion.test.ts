/**
 * Findings 3 and 4, through the headless host in front of the real runtime: an unauthenticated
 * peer must not be able to fill the fsynced audit log, and no query may stop or stall the console.
 */
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import type { History, WsServerFrame } from '../../common/contract';
import { ConfigSchema } from '../../main/config';
import { guardProcess } from '../../main/process-guards';
import type { Runtime } from '../../main/runtime';
import { DATABASE_FILE } from '../../main/store/database-file';
import { startHeadlessHost, type HeadlessHost } from '../../main/server/headless-host';
import { MAX_HISTORY_VALUES } from '../../main/store/history';
import { openDatabase } from '../../main/store/open-database';
import { TelemetrySink } from '../../main/store/telemetry-sink';
import { PASSWORD, tempDirs, uniqueName, until } from '../integration/support';
import { auditRows as auditLog, startHostedRuntime, WsClient } from './support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-sec-exhaust-');
const MACHINE = 'plant1/line/m1';
const SENSORS = Array.from({ length: 64 }, (_, k) => `s${k}`);
const ROWS = 70_000;
/** Alarm journal entries over most of a quarter, 50 s apart: the largest KPI read takes seconds. */
const JOURNAL = 150_000;
const DAY = 86_400_000;
let runtime: Runtime;
let host: HeadlessHost;
let dataDir: string;

const auditRows = () => auditLog(dataDir);
/** A peer of this test's host. */
const Client = { open: () => WsClient.open(host) };

beforeAll(async () => {
  dataDir = dirs.make();
  const now = Date.now();
  // 70,000 readings of one machine, one sensor each: a raw history of 64 named sensors is 4.5 M values
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const t0 = now - 20 * 3_600_000;
  new TelemetrySink(db, { retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 } }).write({
    machineIds: Array.from({ length: ROWS }, () => MACHINE),
    ts: Array.from({ length: ROWS }, (_, i) => t0 + i * 1000),
    metrics: Array.from({ length: ROWS }, (_, i) => `{"s${i % 64}":${i}}`),
  });
  const journal = db.prepare(
    `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, priority, at, action, from_state, to_state, active, console, message, recorded_at)
     VALUES (?, ?, ?, 'limit', 'high', ?, 'activate', 'normal', 'active-unacknowledged', 1, 'c', 'm', ?)`,
  );
  const j0 = now - 90 * DAY;
  db.transaction(() => {
    for (let i = 0; i < JOURNAL; i++) journal.run(`k${i}`, `${MACHINE}:s${i % 20}:H`, MACHINE, j0 + i * 50_000, j0 + i * 50_000);
  })();
  db.close();
  const site = uniqueName('x');
  const config = ConfigSchema.parse({ dataDir, broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`] }, store: { backupHourUtc: null }, alarms: { sync: false }, agents: { enabled: false } });
  ({ runtime, host } = await startHostedRuntime(config, { log: () => {} }));
}, 60_000);

afterAll(async () => {
  await host?.close();
  await runtime?.stop();
  dirs.cleanup();
});

describe('an unauthenticated peer and the audit log (finding 3)', () => {
  it('records a refused call by name, outcome, size and hash; cuts large frames before login; rate-limits a connection', async () => {
    const before = auditRows().length;
    const peer = await Client.open();
    const note = 'A'.repeat(15_000);
    const refused = await peer.call('alarms.ack', { alarmId: 'system:store', note });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const rows = auditRows().slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'alarms.ack', outcome: 'unauthenticated' });
    const detail = JSON.parse(rows[0]!.detail) as Record<string, unknown>;
    expect(detail).toEqual({ requestBytes: expect.any(Number), requestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(rows[0]!.detail.length).toBeLessThan(200);

    // a 1 MB frame before login: the connection is closed, nothing reaches the router or the audit log
    peer.ws.send(JSON.stringify({ id: 99, call: 'alarms.ack', request: { alarmId: 'x', note: 'B'.repeat(1_000_000) } }));
    await until(() => peer.closed, 'the oversized frame to close the connection');
    expect(peer.closed?.code).toBe(1009);

    // 1,000 refused calls as fast as they can be sent: most are answered rate_limited and never audited
    const flood = await Client.open();
    const results = await Promise.all(Array.from({ length: 1000 }, () => flood.call('alarms.ack', { alarmId: 'x' })));
    const limited = results.filter((r) => !r.ok && r.error.code === 'rate_limited').length;
    expect(limited).toBeGreaterThan(500);
    // Only the refused calls count: the console's own rows (a system alarm under load) may land meanwhile.
    const refusedRows = auditRows().slice(before).filter((r) => r.action === 'alarms.ack');
    expect(refusedRows.length).toBeLessThanOrEqual(1 + (1000 - limited));
    flood.ws.close();
  });
});

describe('history and KPI queries (finding 4)', () => {
  it('bounds points x sensors, refuses an unbounded KPI range, and keeps answering', async () => {
    const admin = await Client.open();
    expect(await admin.call('auth.setup', { username: 'admin', password: PASSWORD })).toMatchObject({ ok: true });
    const started = performance.now();
    const result = await admin.call('readings.history', { machineId: MACHINE, sensors: SENSORS, from: 0, to: Date.now(), maxPoints: 1_000_000, resolution: 'raw' });
    expect(result.ok).toBe(true);
    const history = (result as { ok: true; data: History }).data;
    const points = MAX_HISTORY_VALUES / SENSORS.length;
    expect(history.series).toHaveLength(64);
    for (const s of history.series) expect(s.t.length).toBeLessThanOrEqual(points);
    expect(history.series[0]!.t.length).toBe(points);
    // the answer says where it stops instead of claiming the whole range
    expect(history.to).toBeLessThan(Date.now() - 3_600_000);
    console.log(`history of ${points} points x 64 sensors answered in ${(performance.now() - started).toFixed(0)} ms`);

    expect(await admin.call('alarms.kpis', { from: 0, to: Date.now() })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('at most 92 days') } });
    expect(await admin.call('health.get', {})).toMatchObject({ ok: true });
    admin.ws.close();
  });

  it('computes the KPIs of a quarter off the ingest thread: other calls are answered while it runs', async () => {
    const admin = await Client.open();
    expect(await admin.call('auth.login', { username: 'admin', password: PASSWORD })).toMatchObject({ ok: true });
    const started = performance.now();
    let kpisAt = 0;
    const kpis = admin.call('alarms.kpis', { from: Date.now() - 91 * DAY, to: Date.now() }).then((r) => ((kpisAt = performance.now() - started), r));
    // Inline, the ingest thread reads and sorts the whole journal first, and no call is answered before it is done.
    const health = await admin.call('health.get', {});
    const healthAt = performance.now() - started;
    expect(health).toMatchObject({ ok: true });
    const result = await kpis;
    // (the console's own system alarms, raised while it starts, count too)
    expect(result).toMatchObject({ ok: true, data: { perConsole: expect.arrayContaining([expect.objectContaining({ console: 'plant1/line', total: JOURNAL })]) } });
    console.log(`KPIs of ${JOURNAL} journal entries answered in ${kpisAt.toFixed(0)} ms; health.get meanwhile in ${healthAt.toFixed(0)} ms`);
    expect(healthAt).toBeLessThan(kpisAt);
    admin.ws.close();
  });

  it('answers a call whose result cannot be sent with an error, and the process keeps running', async () => {
    const logs: string[] = [];
    const odd = await startHeadlessHost({
      host: '127.0.0.1',
      port: 0,
      staticDir: dataDir,
      // a result JSON cannot write (as a string beyond V8's limit cannot be): before the fix, an unhandled rejection
      dispatch: async () => ({ ok: true, data: { big: 1n } }),
      sessionLive: () => false,
      subscribe: () => () => {},
      health: runtime.health,
      log: (m) => logs.push(m),
    });
    try {
      const ws = new WebSocket(odd.url.replace('http', 'ws') + 'ws');
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answer = new Promise<WsServerFrame>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as WsServerFrame)));
      ws.send(JSON.stringify({ id: 1, call: 'health.get', request: {} }));
      expect(await answer).toMatchObject({ id: 1, result: { ok: false, error: { code: 'internal' } } });
      expect(logs.join('\n')).toMatch(/not sent/);
      ws.close();
    } finally {
      await odd.close();
    }

    // the last net: an unhandled rejection is logged and counted, not fatal
    const fakeProcess = new EventEmitter();
    const lines: string[] = [];
    const guard = guardProcess((m) => lines.push(m), fakeProcess as never);
    fakeProcess.emit('unhandledRejection', new Error('forgotten catch'));
    expect(guard.caught).toBe(1);
    expect(lines[0]).toMatch(/unhandled rejection #1 \(kept running\): Error: forgotten catch/);
    guard.remove();
    expect(fakeProcess.listenerCount('unhandledRejection')).toBe(0);
  });
});

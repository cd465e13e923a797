/**
 * The historian against Debian's PostgreSQL 15, started for this file on a free port and stopped by
 * its PID for the outage. Skips, saying so in one line, where the binaries are not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open-database';
import { Historian, historianAlarm } from './historian';
import { HistorianConfigSchema, type HistorianConfig } from './historian-config';
import { localOutbox } from './local-outbox';
import { pgUnavailable, startPgTestCluster, type PgTestCluster } from '../../test/support/pg-cluster';

const unavailable = pgUnavailable();
if (unavailable) console.warn(`historian tests skipped: ${unavailable}`);

let cluster: PgTestCluster;
let dir: string;
let dbCount = 0;
const open: { db: Db; historians: Historian[] }[] = [];

beforeAll(async () => {
  if (unavailable) return;
  cluster = await startPgTestCluster();
  dir = mkdtempSync(join(tmpdir(), 'fb-historian-'));
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const o of open.splice(0)) {
    await Promise.all(o.historians.map((h) => h.stop()));
    o.db.close();
  }
});

/** Each test gets its own database in the one cluster, so tests share nothing but the server. */
async function freshDatabase(): Promise<string> {
  const name = `t${++dbCount}`;
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return cluster.url.replace(/\/postgres$/, `/${name}`);
}

function localStore() {
  const db = openDatabase(join(dir, `local-${++dbCount}.db`));
  const entry = { db, historians: [] as Historian[] };
  open.push(entry);
  const insert = db.prepare('INSERT OR REPLACE INTO readings_stored (machine_id, ts, metrics) VALUES (?, ?, ?)');
  return {
    db,
    write(machineId: string, ts: number, metrics: Record<string, number>) {
      insert.run(machineId, ts, JSON.stringify(metrics));
    },
    historian(config: Partial<HistorianConfig> & { url: string }, site = 'north', consoleName = 'cr1', extra: { lateSettleMs?: number } = {}) {
      const h = new Historian({ config: HistorianConfigSchema.parse({ intervalMs: 100, ...config }), outbox: localOutbox(db), site, console: consoleName, backlogEveryMs: 0, ...extra });
      entry.historians.push(h);
      return h;
    },
  };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const T0 = Date.UTC(2026, 0, 5, 8);

describe.skipIf(unavailable !== null)('historian against PostgreSQL 15', () => {
  it('forwards readings, alarm journal events and model outputs, and a second run sends nothing twice', async () => {
    const url = await freshDatabase();
    const local = localStore();
    for (let i = 0; i < 50; i++) {
      local.write('press-1', T0 + i * 1000, { temperature: 60 + i / 10, pressure: 2.5 });
      local.write('pump-2', T0 + i * 1000 + 7, { flow: i });
    }
    local.db
      .prepare(
        `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, console, note, message, recorded_at, value, limit_value)
         VALUES ('e1', 'limit:press-1:temperature:H', 'press-1', 'limit', 'temperature', 'high', ?, 'activate', 'normal', 'unack_active', 1, NULL, 'cr1', NULL, 'Temperature high', ?, 64.9, 64)`,
      )
      .run(T0 + 49_000, T0 + 49_000);
    local.db.prepare("INSERT INTO model_outputs (machine_id, model, ts, state, output) VALUES ('press-1', 'anomaly', ?, 'ok', ?)").run(T0 + 49_000, JSON.stringify({ score: 0.4 }));

    const first = local.historian({ url });
    await first.drain();
    expect(first.status()).toMatchObject({ forwardedValues: 150, forwardedEvents: 1, forwardedModelOutputs: 1, duplicatesSkipped: 0, backlogRows: 0, backlogSeconds: 0 });
    const rows = await query<{ machine_id: string; sensor: string; ms: string; value: number; site: string; console: string }>(
      url,
      "SELECT site, console, machine_id, sensor, (extract(epoch from ts) * 1000)::bigint AS ms, value FROM fb_readings WHERE machine_id = 'press-1' AND sensor = 'temperature' ORDER BY ts",
    );
    expect(rows).toHaveLength(50);
    expect(rows[0]).toMatchObject({ site: 'north', console: 'cr1', ms: String(T0), value: 60 });
    expect(rows[49]).toMatchObject({ ms: String(T0 + 49_000), value: 64.9 });
    const [event] = await query<{ event_id: string; active: boolean; value: number; origin_console: string }>(url, 'SELECT event_id, active, value, origin_console FROM fb_alarm_events');
    expect(event).toEqual({ event_id: 'e1', active: true, value: 64.9, origin_console: 'cr1' });
    const [model] = await query<{ output: unknown }>(url, 'SELECT output FROM fb_model_outputs');
    expect(model!.output).toEqual({ score: 0.4 });

    // a new process resumes from the positions in the database: nothing re-sent
    local.write('press-1', T0 + 50_000, { temperature: 65, pressure: 2.6 });
    const second = local.historian({ url });
    await second.drain();
    expect(second.status()).toMatchObject({ forwardedValues: 2, duplicatesSkipped: 0, forwardedEvents: 0, forwardedModelOutputs: 0 });

    // positions lost (a restored database): everything is sent again and lands once
    await query(url, 'DELETE FROM fb_forward_cursors');
    const third = local.historian({ url });
    await third.drain();
    expect(third.status()).toMatchObject({ forwardedValues: 0, forwardedEvents: 0 });
    expect(third.status().duplicatesSkipped).toBe(153);
    const [count] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM fb_readings');
    expect(count!.n).toBe('152');
  });

  it('keeps consoles apart in one database', async () => {
    const url = await freshDatabase();
    const a = localStore();
    const b = localStore();
    a.write('m1', T0, { x: 1 });
    b.write('m1', T0, { x: 2 });
    await a.historian({ url }, 'north', 'cr1').drain();
    await b.historian({ url }, 'north', 'cr2').drain();
    await b.historian({ url }, 'south', 'cr1').drain();
    const rows = await query<{ site: string; console: string; value: number }>(url, 'SELECT site, console, value FROM fb_readings ORDER BY site, console');
    expect(rows).toEqual([
      { site: 'north', console: 'cr1', value: 1 },
      { site: 'north', console: 'cr2', value: 2 },
      { site: 'south', console: 'cr1', value: 2 },
    ]);
  });

  it('buffers through a database outage and resumes with nothing lost or duplicated', async () => {
    const url = await freshDatabase();
    const local = localStore();
    const historian = local.historian({ url, batchValues: 500, backlogAlarmRows: 100 });
    let ts = T0;
    const write = (n: number) => {
      for (let i = 0; i < n; i++, ts += 100) for (const m of ['a', 'b', 'c']) local.write(m, ts, { v: ts % 997, w: 1 });
    };
    write(100);
    historian.start();
    await until(() => historian.status().forwardedValues === 600);

    await cluster.stop();
    expect(cluster.pid).toBeNull();
    write(200);
    await until(() => historian.status().state === 'failing');
    await until(() => (historian.status().backlogRows ?? 0) === 600);
    const during = historian.status();
    expect(during.lastError).toBeTruthy();
    expect(historianAlarm(during, { backlogAlarmRows: 100, backlogAlarmSeconds: 1e9 }, Date.now())).toMatch(/backlog 600 rows/);
    write(100);

    await cluster.start();
    await until(() => historian.status().state === 'ok' && historian.status().backlogRows === 0, 30_000);
    const status = historian.status();
    expect(status.forwardedValues).toBe(400 * 3 * 2);
    expect(historianAlarm(status, { backlogAlarmRows: 100, backlogAlarmSeconds: 1e9 }, Date.now())).toBeNull();
    const local_ = local.db.prepare('SELECT machine_id, ts, metrics FROM readings ORDER BY machine_id, ts').all() as { machine_id: string; ts: number; metrics: string }[];
    const remote = await query<{ machine_id: string; ms: string; sensor: string; value: number }>(url, "SELECT machine_id, (extract(epoch from ts) * 1000)::bigint AS ms, sensor, value FROM fb_readings ORDER BY machine_id, ts, sensor");
    const expected = local_.flatMap((r) => Object.entries(JSON.parse(r.metrics) as Record<string, number>).sort().map(([sensor, value]) => ({ machine_id: r.machine_id, ms: String(r.ts), sensor, value })));
    expect(remote).toEqual(expected);
  }, 60_000);

  it('sends a reading again that arrived after its machine was forwarded past it', async () => {
    const url = await freshDatabase();
    const local = localStore();
    let now = T0;
    const historian = new Historian({ config: HistorianConfigSchema.parse({ url }), outbox: localOutbox(local.db), site: 's', console: 'c', now: () => now, lateSettleMs: 1000, backlogEveryMs: 0 });
    open.at(-1)!.historians.push(historian);
    local.write('m', T0, { x: 1 });
    local.write('m', T0 + 2000, { x: 3 });
    await historian.drain();
    // a redelivered message from between the two, stored after the position moved on
    local.write('m', T0 + 1000, { x: 2 });
    historian.observe([{ machineId: 'm', ts: T0 + 1000, metrics: { x: 2 }, receivedAt: now }]);
    await historian.drain();
    expect(historian.status().forwardedValues).toBe(2);
    now += 1500;
    await historian.drain();
    expect(historian.status()).toMatchObject({ forwardedValues: 3 });
    const rows = await query<{ value: number }>(url, 'SELECT value FROM fb_readings ORDER BY ts');
    expect(rows.map((r) => r.value)).toEqual([1, 2, 3]);
  });

  it('forwards the values their source marked Bad or Uncertain over several batches, each once', async () => {
    const url = await freshDatabase();
    const local = localStore();
    const mark = local.db.prepare('INSERT INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES (?, ?, ?, ?, ?, ?)');
    // 60 times x 3 sensors with a budget of 100 marks per batch: the first batch ends inside time 33
    for (let i = 0; i < 60; i++) for (const sensor of ['a', 'b', 'c']) mark.run('ua-press', T0 + i * 1000, sensor, i % 2 ? 'uncertain' : 'bad', i % 2 ? 'UncertainLastUsableValue' : 'BadSensorFailure', sensor === 'c' ? null : i);
    mark.run('ua-pump', T0, 'flow', 'bad', 'BadCommunicationError', null);
    local.write('ua-press', T0, { a: 1 });

    const first = local.historian({ url, batchValues: 100 });
    await first.drain();
    expect(first.status()).toMatchObject({ forwardedMarks: 181, forwardedValues: 1, duplicatesSkipped: 0, backlogRows: 0 });
    const rows = await query<{ site: string; console: string; machine_id: string; sensor: string; ms: string; quality: string; status: string; value: number | null }>(
      url,
      'SELECT site, console, machine_id, sensor, (extract(epoch from ts) * 1000)::bigint AS ms, quality, status, value FROM fb_reading_marks ORDER BY machine_id, ts, sensor',
    );
    expect(rows).toHaveLength(181);
    expect(rows[0]).toEqual({ site: 'north', console: 'cr1', machine_id: 'ua-press', sensor: 'a', ms: String(T0), quality: 'bad', status: 'BadSensorFailure', value: 0 });
    expect(rows[101]).toEqual({ site: 'north', console: 'cr1', machine_id: 'ua-press', sensor: 'c', ms: String(T0 + 33_000), quality: 'uncertain', status: 'UncertainLastUsableValue', value: null });
    expect(rows[180]).toMatchObject({ machine_id: 'ua-pump', sensor: 'flow', status: 'BadCommunicationError', value: null });

    // new marks go on from the position; with the positions lost, everything lands once
    mark.run('ua-press', T0 + 60_000, 'a', 'bad', 'BadOutOfService', 7);
    const second = local.historian({ url, batchValues: 100 });
    await second.drain();
    expect(second.status()).toMatchObject({ forwardedMarks: 1, duplicatesSkipped: 0 });
    await query(url, 'DELETE FROM fb_forward_cursors');
    const third = local.historian({ url, batchValues: 100 });
    await third.drain();
    // 182 marks and the one reading
    expect(third.status()).toMatchObject({ forwardedMarks: 0, duplicatesSkipped: 182 + 1 });
    const [count] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM fb_reading_marks');
    expect(count!.n).toBe('182');
  });

  it('forwards a mark stored after its machine was forwarded past its time, once, across a restart; a replaced mark updates the row', async () => {
    const url = await freshDatabase();
    const local = localStore();
    const mark = local.db.prepare('INSERT OR REPLACE INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES (?, ?, ?, ?, ?, ?)');
    const remote = () =>
      query<{ ms: string; sensor: string; status: string; value: number | null }>(url, 'SELECT (extract(epoch from ts) * 1000)::bigint AS ms, sensor, status, value FROM fb_reading_marks ORDER BY ts, sensor');
    mark.run('ua-press', T0 + 5000, 'a', 'bad', 'BadSensorFailure', 5);
    local.write('ua-press', T0 + 5000, { b: 1 });
    const first = local.historian({ url });
    await first.drain();
    expect(first.status()).toMatchObject({ forwardedMarks: 1, backlogRows: 0 });

    // a notification from before, stored after the machine's later mark and reading were forwarded
    mark.run('ua-press', T0 + 1000, 'a', 'uncertain', 'UncertainLastUsableValue', 1);
    await first.drain();
    expect(first.status()).toMatchObject({ forwardedMarks: 2, duplicatesSkipped: 0, backlogRows: 0 });
    await first.stop();

    // a restarted console sends only what came after, even when it is older still
    mark.run('ua-press', T0, 'a', 'bad', 'BadCommunicationError', null);
    const second = local.historian({ url });
    await second.drain();
    expect(second.status()).toMatchObject({ forwardedMarks: 1, duplicatesSkipped: 0, backlogRows: 0 });
    expect(await remote()).toEqual([
      { ms: String(T0), sensor: 'a', status: 'BadCommunicationError', value: null },
      { ms: String(T0 + 1000), sensor: 'a', status: 'UncertainLastUsableValue', value: 1 },
      { ms: String(T0 + 5000), sensor: 'a', status: 'BadSensorFailure', value: 5 },
    ]);

    // the source corrects a mark it sent: the historian's row follows, still one row
    mark.run('ua-press', T0 + 5000, 'a', 'bad', 'BadOutOfService', 6);
    await second.drain();
    expect(second.status()).toMatchObject({ forwardedMarks: 2, duplicatesSkipped: 0 });
    expect((await remote()).at(-1)).toEqual({ ms: String(T0 + 5000), sensor: 'a', status: 'BadOutOfService', value: 6 });

    // with the positions lost, every mark is sent again and none lands twice
    await query(url, 'DELETE FROM fb_forward_cursors');
    const third = local.historian({ url });
    await third.drain();
    expect(third.status()).toMatchObject({ forwardedMarks: 0, duplicatesSkipped: 3 + 1 });
    expect(await remote()).toHaveLength(3);
  });

  it('forwards nothing of the marks when the plant forwards no readings', async () => {
    const url = await freshDatabase();
    const local = localStore();
    local.db.prepare("INSERT INTO reading_marks (machine_id, ts, sensor, quality, status, value) VALUES ('m', ?, 'x', 'bad', 'BadSensorFailure', NULL)").run(T0);
    const h = local.historian({ url, readings: 'none' });
    await h.drain();
    expect(h.status()).toMatchObject({ forwardedMarks: 0, backlogRows: 0 });
    expect((await query(url, 'SELECT 1 FROM fb_reading_marks')).length).toBe(0);
  });

  it('forwards rollups when the plant chooses them', async () => {
    const url = await freshDatabase();
    const local = localStore();
    const ins = local.db.prepare('INSERT INTO rollup_1m (machine_id, sensor, bucket, n, avg, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 10; i++) ins.run('m', 'x', T0 + i * 60_000, 60, i, i - 1, i + 1);
    local.write('m', T0, { x: 1 });
    const h = local.historian({ url, readings: '1m' });
    await h.drain();
    const rows = await query<{ n: number; avg: number; resolution: string }>(url, 'SELECT n, avg, resolution FROM fb_rollups ORDER BY bucket');
    expect(rows).toHaveLength(10);
    expect(rows[9]).toEqual({ n: 60, avg: 9, resolution: '1m' });
    expect((await query(url, 'SELECT 1 FROM fb_readings')).length).toBe(0);
  });

  it('refuses a database whose tables differ from ours, names the difference and forwards nothing', async () => {
    const url = await freshDatabase();
    await query(url, 'CREATE TABLE fb_readings (site text, console text, machine_id text, sensor text, ts bigint, value real)');
    const local = localStore();
    local.write('m', T0, { x: 1 });
    const h = local.historian({ url });
    await expect(h.drain()).rejects.toThrow(/fb_readings\.ts is bigint, expected timestamp with time zone/);
    h.start();
    await until(() => h.status().state === 'schema_mismatch');
    expect(historianAlarm(h.status(), { backlogAlarmRows: 1e9, backlogAlarmSeconds: 1e9 }, Date.now())).toMatch(/schema differs/);
    expect((await query(url, 'SELECT 1 FROM fb_readings')).length).toBe(0);
  });
});

describe('HistorianConfigSchema', () => {
  it('names the key of a bad setting', () => {
    const r = HistorianConfigSchema.safeParse({ url: 'mysql://x', readings: 'raw' });
    expect(r.error!.issues[0]!.path).toEqual(['url']);
    expect(HistorianConfigSchema.safeParse({ readings: 'daily' }).error!.issues[0]!.path).toEqual(['readings']);
  });
});

/**
 * npm run bench:historian — store and forward to Debian's PostgreSQL 15, started here on a free port:
 *  1. rate: a local store holding --values sensor values (default 1,000,000: 500 machines x 10
 *     sensors x 200 s) drained by the historian (SQLite read, one transaction per batch with its
 *     positions); beside it, in the same run, the same values inserted straight from memory with
 *     the same multi-row statement (no local read, no positions): the ceiling of this database here.
 *     Target: >= 50,000 values/s.
 *  2. outage: the historian forwards a live plant (500 machines x 10 sensors at 1 Hz into the local
 *     store) while the database is stopped by its PID for --outage seconds (default 60) and started
 *     again; then every value in the local store must be in the database exactly once.
 *     Target: 0 lost, 0 duplicated.
 * A "value" is one sensor reading (one row of fb_readings). The last line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Historian } from '../main/historian/historian';
import { HistorianConfigSchema } from '../main/historian/historian-config';
import { localOutbox } from '../main/historian/local-outbox';
import { pgUnavailable, startPgTestCluster } from '../test/support/pg-cluster';
import { openDatabase } from '../main/store/open-database';
import { metricNames } from '../main/store/metric-names';
import { decodeMetrics, type StoredMetrics } from '../main/store/metrics-codec';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const VALUES = arg('values', 1_000_000);
const OUTAGE_S = arg('outage', 60);
const MACHINES = 500;
const SENSORS = 10;
const TARGET_RATE = 50_000;

const unavailable = pgUnavailable();
if (unavailable) {
  console.log(`historian: ${unavailable}`);
  console.log(JSON.stringify({ bench: 'historian', skipped: unavailable, pass: false }));
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'fb-bench-historian-'));
const cluster = await startPgTestCluster();
const admin = new pg.Client(cluster.url);
await admin.connect();
await admin.query('CREATE DATABASE rate');
await admin.query('CREATE DATABASE outage');
await admin.end();
const urlOf = (db: string) => cluster.url.replace(/\/postgres$/, `/${db}`);
const T0 = Date.UTC(2026, 0, 5, 8);
const sensorNames = Array.from({ length: SENSORS }, (_, k) => `s${k}`);
const metricsAt = (m: number, t: number) => JSON.stringify(Object.fromEntries(sensorNames.map((s, k) => [s, (m * 31 + t * 7 + k) % 1000 / 10])));

try {
  // --- 1. rate
  const ratePath = join(dir, 'rate.db');
  const local = openDatabase(ratePath, { synchronous: 'NORMAL' });
  const rowsPerMachine = Math.ceil(VALUES / SENSORS / MACHINES);
  const insert = local.prepare('INSERT INTO readings_stored (machine_id, ts, metrics) VALUES (?, ?, ?)');
  local.transaction(() => {
    for (let m = 0; m < MACHINES; m++) for (let t = 0; t < rowsPerMachine; t++) insert.run(`m${m}`, T0 + t * 1000, metricsAt(m, t));
  })();
  const expected = rowsPerMachine * MACHINES * SENSORS;
  const reader = openDatabase(ratePath, { readonly: true });
  const historian = new Historian({ config: HistorianConfigSchema.parse({ url: urlOf('rate'), alarms: false, models: false }), outbox: localOutbox(reader), site: 'bench', console: 'c1', backlogEveryMs: 0 });
  let t = performance.now();
  await historian.drain();
  const forwardSeconds = (performance.now() - t) / 1000;
  const forwarded = historian.status().forwardedValues;
  const rate = forwarded / forwardSeconds;
  await historian.stop();

  // the ceiling: the same statement from memory, the same batches (machine, sensor, time order) on as many connections, no positions
  const lanes = HistorianConfigSchema.parse({}).connections;
  const clients = await Promise.all(
    Array.from({ length: lanes }, async () => {
      const c = new pg.Client(urlOf('rate'));
      await c.connect();
      return c;
    }),
  );
  const client = clients[0]!;
  await client.query('CREATE TABLE baseline (LIKE fb_readings INCLUDING ALL)');
  const batch = HistorianConfigSchema.parse({}).batchValues;
  const batches: { m: string[]; s: string[]; t: number[]; v: number[] }[] = [];
  let cols = { m: [] as string[], s: [] as string[], t: [] as number[], v: [] as number[] };
  for (let m = 0; m < MACHINES; m++) {
    for (let k = 0; k < SENSORS; k++) {
      for (let r = 0; r < rowsPerMachine; r++) {
        cols.m.push(`m${m}`);
        cols.s.push(sensorNames[k]!);
        cols.t.push(T0 + r * 1000);
        cols.v.push(((m * 31 + r * 7 + k) % 1000) / 10);
      }
    }
    if (cols.m.length >= batch) {
      batches.push(cols);
      cols = { m: [], s: [], t: [], v: [] };
    }
  }
  if (cols.m.length > 0) batches.push(cols);
  t = performance.now();
  let sent = 0;
  for (let i = 0; i < batches.length; i += lanes) {
    await Promise.all(
      batches.slice(i, i + lanes).map((b, lane) => {
        sent += b.m.length;
        return clients[lane]!.query(
          `INSERT INTO baseline (site, console, machine_id, sensor, ts, value) SELECT 'bench', 'c1', m, s, to_timestamp(t / 1000.0), v FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS u(m, s, t, v) ON CONFLICT DO NOTHING`,
          [b.m, b.s, b.t, b.v],
        );
      }),
    );
  }
  const baselineRate = sent / ((performance.now() - t) / 1000);
  await Promise.all(clients.slice(1).map((c) => c.end()));
  await client.end();
  reader.close();
  local.close();
  console.log(`historian rate: ${forwarded.toLocaleString('en')} of ${expected.toLocaleString('en')} values in ${forwardSeconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} values/s   (target >= ${TARGET_RATE.toLocaleString('en')}: ${rate >= TARGET_RATE ? 'met' : 'NOT met'})`);
  console.log(`  same values straight from memory, same statement and batches, ${lanes} connections, no local read or positions: ${Math.round(baselineRate).toLocaleString('en')} values/s (ours ${((rate / baselineRate) * 100).toFixed(0)}% of it)`);

  // --- 2. outage
  const outagePath = join(dir, 'outage.db');
  const live = openDatabase(outagePath, { synchronous: 'NORMAL' });
  // where the telemetry writer puts new rows; readers see them through the readings view
  const liveInsert = live.prepare('INSERT INTO readings_recent (machine_id, ts, metrics) VALUES (?, ?, ?)');
  const liveReader = openDatabase(outagePath, { readonly: true });
  const forwarder = new Historian({ config: HistorianConfigSchema.parse({ url: urlOf('outage'), alarms: false, models: false, intervalMs: 500 }), outbox: localOutbox(liveReader), site: 'bench', console: 'c1', backlogEveryMs: 1000 });
  forwarder.start();
  let second = 0;
  const produce = () => {
    const ts = Date.now();
    live.transaction(() => {
      for (let m = 0; m < MACHINES; m++) liveInsert.run(`m${m}`, ts, metricsAt(m, second));
    })();
    second++;
  };
  const producer = setInterval(produce, 1000);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(10_000);
  await cluster.stop();
  const outageStart = performance.now();
  let peakBacklog = 0;
  while (performance.now() - outageStart < OUTAGE_S * 1000) {
    await sleep(1000);
    peakBacklog = Math.max(peakBacklog, forwarder.status().backlogRows ?? 0);
  }
  const stateDuring = forwarder.status().state;
  await cluster.start();
  const restartedAt = performance.now();
  await sleep(10_000);
  clearInterval(producer);
  const producedUntil = Date.now();
  let drainedAfter = NaN;
  const deadline = performance.now() + 180_000;
  while (performance.now() < deadline) {
    const st = forwarder.status();
    // a count taken after the last write: an earlier zero may predate it
    if (st.state === 'ok' && st.backlogRows === 0 && (st.backlogAt ?? 0) > producedUntil) {
      drainedAfter = (performance.now() - restartedAt) / 1000;
      break;
    }
    await sleep(200);
  }
  await forwarder.stop();
  const names = metricNames(live);
  const localValues = (live.prepare('SELECT metrics FROM readings').pluck().all() as StoredMetrics[]).reduce((n, mtx) => n + Object.keys(decodeMetrics(mtx, names)).length, 0);
  const check = new pg.Client(urlOf('outage'));
  await check.connect();
  const [counts] = (await check.query<{ n: string; distinct_keys: string }>('SELECT count(*) AS n, count(DISTINCT (machine_id, sensor, ts)) AS distinct_keys FROM fb_readings')).rows;
  await check.end();
  liveReader.close();
  live.close();
  const inDb = Number(counts!.n);
  const lost = localValues - Number(counts!.distinct_keys);
  const duplicated = inDb - Number(counts!.distinct_keys);
  const outageOk = lost === 0 && duplicated === 0 && Number.isFinite(drainedAfter);
  console.log(`historian outage: ${OUTAGE_S} s database outage (state during it: ${stateDuring}, backlog peak ${peakBacklog.toLocaleString('en')} rows), drained ${drainedAfter.toFixed(1)} s after the restart (10 s of it still producing)`);
  console.log(`  ${localValues.toLocaleString('en')} values stored locally, ${inDb.toLocaleString('en')} in PostgreSQL: ${lost} lost, ${duplicated} duplicated, ${forwarder.status().duplicatesSkipped} re-sent rows refused by key   (target 0 lost, 0 duplicated: ${outageOk ? 'met' : 'NOT met'})`);
  const pass = rate >= TARGET_RATE && outageOk;
  console.log(JSON.stringify({ bench: 'historian', valuesPerSecond: Math.round(rate), baselineValuesPerSecond: Math.round(baselineRate), targetValuesPerSecond: TARGET_RATE, outageSeconds: OUTAGE_S, peakBacklogRows: peakBacklog, drainedAfterRestartS: +drainedAfter.toFixed(1), localValues, databaseValues: inDb, lost, duplicated, pass }));
} finally {
  await cluster.destroy();
  rmSync(dir, { recursive: true, force: true });
}

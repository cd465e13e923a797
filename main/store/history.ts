import type { History, ParsedRequest, Resolution } from '../../common/contract';
import { distinctSensors } from './distinct-keys';
import { metricNames } from './metric-names';
import { readableMetrics, type StoredMetrics } from './metrics-codec';
import type { Db } from './open-database';
import { prepared } from './prepared';
import { HOUR_MS, MINUTE_MS, bucketOf } from './rollups';

export type HistoryRequest = ParsedRequest<'readings.history'>;
type Series = History['series'][number];

const BUCKET_MS = { '1m': MINUTE_MS, '1h': HOUR_MS } as const;
const ROLLUP_TABLE = { '1m': 'rollup_1m', '1h': 'rollup_1h' } as const;

/**
 * The finest resolution whose point count for [from, to] stays within maxPoints. Raw is counted,
 * not estimated (devices report at any rate), with a LIMIT so that a week of raw rows costs no
 * more than maxPoints steps of the primary key; rollups have at most one point per bucket.
 */
export function chooseResolution(db: Db, req: Pick<HistoryRequest, 'machineId' | 'from' | 'to' | 'maxPoints'>): Resolution {
  const raw = prepared<[string, number, number, number], number>(
    db,
    'SELECT count(*) FROM (SELECT 1 FROM readings WHERE machine_id = ? AND ts >= ? AND ts <= ? LIMIT ?)',
  )
    .pluck()
    .get(req.machineId, req.from, req.to, req.maxPoints + 1) as number;
  if (raw <= req.maxPoints) return 'raw';
  const minutes = (bucketOf(req.to, MINUTE_MS) - bucketOf(req.from, MINUTE_MS)) / MINUTE_MS + 1;
  return minutes <= req.maxPoints ? '1m' : '1h';
}

/**
 * readings.history: one series per sensor, all on the same time axis, null where a sensor has no
 * value at a time. A forced resolution that would exceed maxPoints is cut at maxPoints and `to`
 * says where it stops, so the screen never claims a range it does not show.
 */
export function queryHistory(db: Db, request: HistoryRequest): History {
  const req = boundedRequest(request);
  const resolution = req.resolution ?? chooseResolution(db, req);
  const all = resolution === 'raw' ? rawSeries(db, req) : rollupSeries(db, req, resolution);
  const cut = all.t.length > req.maxPoints;
  const t = cut ? all.t.slice(0, req.maxPoints) : all.t;
  const series = all.series.map((s) => (cut ? sliceSeries(s, req.maxPoints) : s));
  return { machineId: req.machineId, resolution, from: req.from, to: cut ? (t[t.length - 1] as number) : req.to, series };
}

/**
 * Values one answer may carry (points x sensors): a million points of 64 sensors is half a GB of
 * JSON, which blocks the process for seconds and cannot be sent. A million values is about 15 MB.
 */
export const MAX_HISTORY_VALUES = 1_000_000;
/** Sensors assumed when the request names none: a machine may have up to this many. */
const SENSORS_WHEN_UNNAMED = 256;

/** The request with maxPoints lowered so that points x sensors stays within MAX_HISTORY_VALUES. */
export function boundedRequest(req: HistoryRequest): HistoryRequest {
  const sensors = Math.max(1, req.sensors?.length ?? SENSORS_WHEN_UNNAMED);
  const maxPoints = Math.max(10, Math.min(req.maxPoints, Math.floor(MAX_HISTORY_VALUES / sensors)));
  return maxPoints === req.maxPoints ? req : { ...req, maxPoints };
}

const sliceSeries = (s: Series, n: number): Series => ({
  sensor: s.sensor,
  t: s.t.slice(0, n),
  v: s.v.slice(0, n),
  ...(s.min && s.max ? { min: s.min.slice(0, n), max: s.max.slice(0, n) } : {}),
});

function rawSeries(db: Db, req: HistoryRequest): { t: number[]; series: Series[] } {
  const rows = prepared<[string, number, number, number], { ts: number; metrics: StoredMetrics }>(
    db,
    'SELECT ts, metrics FROM readings WHERE machine_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?',
  ).all(req.machineId, req.from, req.to, req.maxPoints + 1);
  const names = metricNames(db);
  const parsed = rows.map((r) => readableMetrics(r.metrics, names));
  const sensors = req.sensors ?? [...new Set(parsed.flatMap((m) => Object.keys(m)))].sort();
  const t = rows.map((r) => r.ts);
  const series = sensors.map((sensor) => ({
    sensor,
    t,
    v: parsed.map((m) => {
      const v = m[sensor];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }),
  }));
  return { t, series };
}

function rollupSeries(db: Db, req: HistoryRequest, resolution: '1m' | '1h'): { t: number[]; series: Series[] } {
  const table = ROLLUP_TABLE[resolution];
  const from = bucketOf(req.from, BUCKET_MS[resolution]);
  const sensors = req.sensors ?? distinctSensors(db, table, req.machineId);
  const query = prepared<[string, string, number, number, number], { bucket: number; avg: number | null; min: number | null; max: number | null }>(
    db,
    `SELECT bucket, avg, min, max FROM ${table} WHERE machine_id = ? AND sensor = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket LIMIT ?`,
  );
  const bySensor = sensors.map((sensor) => new Map(query.all(req.machineId, sensor, from, req.to, req.maxPoints + 1).map((r) => [r.bucket, r])));
  const t = [...new Set(bySensor.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const series = sensors.map((sensor, i) => {
    const rows = bySensor[i] as (typeof bySensor)[number];
    const at = t.map((b) => rows.get(b));
    return { sensor, t, v: at.map((r) => r?.avg ?? null), min: at.map((r) => r?.min ?? null), max: at.map((r) => r?.max ?? null) };
  });
  return { t, series };
}


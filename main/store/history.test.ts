import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryRequestSchema, HistorySchema } from '../../common/contract';
import { chooseResolution, queryHistory } from './history';
import { encodeMetrics, type StoredMetrics } from './metrics-codec';
import { openDatabase, type Db } from './open-database';
import { HOUR_MS, MINUTE_MS } from './rollups';
import { TelemetrySink } from './telemetry-sink';

const T0 = Date.UTC(2024, 0, 1);
let dir: string;
let writer: Db;
let reader: Db;
const request = (r: Record<string, unknown>) => HistoryRequestSchema.parse({ machineId: 'm1', ...r });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-history-'));
  const file = join(dir, 'store.db');
  writer = openDatabase(file);
  // Six hours of one reading every 10 s; 'door' only reports on the minute.
  const rows: [string, number, StoredMetrics][] = [];
  for (let t = T0; t < T0 + 6 * HOUR_MS; t += 10_000) {
    const metrics: Record<string, number> = { temp: ((t - T0) / 10_000) % 6 };
    if (t % MINUTE_MS === 0) metrics.door = 1;
    // every other row packed, the others JSON text: history reads both encodings
    rows.push(['m1', t, (t / 10_000) % 2 ? encodeMetrics(metrics) : JSON.stringify(metrics)]);
  }
  rows.push(['clock', T0 + 24 * HOUR_MS, '{}']);
  new TelemetrySink(writer, { retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 } }).write({
    machineIds: rows.map((r) => r[0]),
    ts: rows.map((r) => r[1]),
    metrics: rows.map((r) => r[2]),
  });
  reader = openDatabase(file, { readonly: true });
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history', () => {
  it('picks the finest resolution that fits maxPoints', () => {
    expect(chooseResolution(reader, request({ from: T0, to: T0 + 10 * MINUTE_MS, maxPoints: 100 }))).toBe('raw');
    expect(chooseResolution(reader, request({ from: T0, to: T0 + HOUR_MS, maxPoints: 100 }))).toBe('1m');
    expect(chooseResolution(reader, request({ from: T0, to: T0 + 6 * HOUR_MS, maxPoints: 100 }))).toBe('1h');
    expect(chooseResolution(reader, request({ from: T0 - 30 * 86_400_000, to: T0 - 1, maxPoints: 10 }))).toBe('raw');
  });

  it('returns raw series aligned on one axis with null where a sensor has no value', () => {
    const h = queryHistory(reader, request({ from: T0, to: T0 + 2 * MINUTE_MS - 1, maxPoints: 100 }));
    expect(HistorySchema.parse(h)).toEqual(h);
    expect(h.resolution).toBe('raw');
    expect(h.series.map((s) => s.sensor)).toEqual(['door', 'temp']);
    const door = h.series[0];
    expect(door?.t).toHaveLength(12);
    expect(door?.v).toEqual([1, null, null, null, null, null, 1, null, null, null, null, null]);
    expect(h.series[1]?.v.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 0]);
  });

  it('returns rollups with avg, min and max, only for the sensors asked', () => {
    const h = queryHistory(reader, request({ from: T0, to: T0 + HOUR_MS - 1, maxPoints: 100, sensors: ['temp'] }));
    expect(h.resolution).toBe('1m');
    const [temp] = h.series;
    expect(h.series).toHaveLength(1);
    expect(temp?.t).toHaveLength(60);
    expect(temp?.t[1]).toBe(T0 + MINUTE_MS);
    expect(temp?.v[0]).toBe(2.5);
    expect(temp?.min?.[0]).toBe(0);
    expect(temp?.max?.[0]).toBe(5);
    const hours = queryHistory(reader, request({ from: T0, to: T0 + 6 * HOUR_MS, resolution: '1h' }));
    expect(hours.series.find((s) => s.sensor === 'temp')?.t).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * HOUR_MS));
    expect(hours.series.find((s) => s.sensor === 'door')?.v).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('cuts a forced resolution at maxPoints and says where it stopped', () => {
    const h = queryHistory(reader, request({ from: T0, to: T0 + HOUR_MS, maxPoints: 10, resolution: 'raw' }));
    expect(h.series[0]?.t).toHaveLength(10);
    expect(h.to).toBe(T0 + 9 * 10_000);
  });

  it('answers an empty range with no series', () => {
    expect(queryHistory(reader, request({ machineId: 'nobody', from: T0, to: T0 + HOUR_MS })).series).toEqual([]);
  });
});

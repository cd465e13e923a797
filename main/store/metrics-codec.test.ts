import { describe, expect, it } from 'vitest';
import { decodeMetrics, isPackedMetrics, MetricsPacker, namesTextOf, PACKED_V1, PACKED_V2, toNamedRow } from './metrics-codec';
import { PendingRows } from './pending-rows';
import type { EventMs, WallMs } from '../../common/time';

const packed = (metrics: Record<string, number>): Uint8Array | null => {
  const p = new MetricsPacker();
  return p.pack(metrics) ? p.copy(0, p.used) : null;
};

describe('metrics codec', () => {
  it('packs finite numbers and reads them back as JSON would, in the same order', () => {
    const metrics: Record<string, number> = { temp: 21.12345678901234, '10': 7, rpm: 1200, 'spindle/µ': -0.1, '': 3, '2': 5e-300, big: 1.7976931348623157e308 };
    const bytes = packed(metrics)!;
    expect(bytes[0]).toBe(PACKED_V1);
    expect(isPackedMetrics(bytes)).toBe(true);
    const back = decodeMetrics(bytes);
    expect(back).toEqual(JSON.parse(JSON.stringify(metrics)));
    expect(Object.keys(back)).toEqual(Object.keys(JSON.parse(JSON.stringify(metrics)) as object));
  });

  it('is about half the size of the JSON text of 100 random doubles', () => {
    const metrics = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, Math.random() * 1000]));
    const bytes = packed(metrics)!;
    expect(bytes.length).toBeLessThan(JSON.stringify(metrics).length * 0.6);
    expect(decodeMetrics(bytes)).toEqual(metrics);
  });

  it('refuses to pack what JSON must carry: non-finite values, a NUL in a name, nothing at all', () => {
    expect(packed({ a: Number.NaN })).toBeNull();
    expect(packed({ a: Number.POSITIVE_INFINITY })).toBeNull();
    expect(packed({ 'a\0b': 1 })).toBeNull();
    expect(packed({ a: 'text' as unknown as number })).toBeNull();
    expect(packed({})).toBeNull();
  });

  it('reads a row whose names are stored by id (version 2) through the names it is given', () => {
    const v1 = packed({ temp: 21.5, rpm: 1200 })!;
    expect(namesTextOf(v1)).toBe('temp\0rpm');
    const v2 = toNamedRow(v1, 70_000, Buffer.alloc(64));
    expect(v2[0]).toBe(PACKED_V2);
    expect(v2.length).toBe(7 + 16);
    expect(isPackedMetrics(v2)).toBe(true);
    const asked: number[] = [];
    expect(decodeMetrics(v2, (id) => (asked.push(id), ['temp', 'rpm']))).toEqual({ temp: 21.5, rpm: 1200 });
    expect(asked).toEqual([70_000]);
    expect(() => decodeMetrics(v2)).toThrow(/no names/);
    expect(() => decodeMetrics(v2, () => ['temp'])).toThrow(/name 1 values for 2/);
  });

  it('reads rows stored as JSON text, and throws on what is neither a JSON object nor a packed row', () => {
    expect(decodeMetrics('{"a":1,"b":null}')).toEqual({ a: 1, b: null });
    expect(() => decodeMetrics('[1,2]')).toThrow(/JSON object/);
    expect(() => decodeMetrics('not json')).toThrow();
    expect(() => decodeMetrics(new Uint8Array([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x61]))).toThrow(/packed row/);
    expect(() => decodeMetrics(new Uint8Array([PACKED_V1, 2, 0, 1, 2, 3]))).toThrow(/packed row/);
    // two values but one name
    const p = new MetricsPacker();
    p.pack({ a: 1, b: 2 });
    const bad = p.copy(0, p.used);
    bad[bad.length - 2] = 0x63;
    expect(() => decodeMetrics(bad)).toThrow(/name 1 values for 2/);
  });

  it("reuses a source's names only while they are the same names, in the same order", () => {
    const p = new MetricsPacker();
    const rows: [string, Record<string, number>][] = [
      ['m1', { a: 1, b: 2 }],
      ['m2', { x: 1 }],
      ['m1', { a: 3, b: 4 }],
      ['m1', { a: 5, c: 6 }],
      ['m1', { c: 7, a: 8 }],
      ['m1', { a: 9 }],
      ['m1', { 'a\0': 9 }],
      ['m1', { a: 10, c: 11 }],
    ];
    const out = rows.map(([source, metrics]) => {
      const from = p.used;
      return p.pack(metrics, source) ? decodeMetrics(p.copy(from, p.used)) : null;
    });
    expect(out).toEqual([{ a: 1, b: 2 }, { x: 1 }, { a: 3, b: 4 }, { a: 5, c: 6 }, { c: 7, a: 8 }, { a: 9 }, null, { a: 10, c: 11 }]);
  });

  it('keeps rows apart in one buffer as it grows past its first size', () => {
    const p = new MetricsPacker();
    const rows = Array.from({ length: 200 }, (_, r) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`sensor_${i}`, r + i / 7])));
    const ends: number[] = [];
    for (const row of rows) {
      expect(p.pack(row)).toBe(true);
      ends.push(p.used);
    }
    expect(p.used).toBeGreaterThan(64 * 1024);
    expect(decodeMetrics(p.copy(ends[149]!, ends[150]!))).toEqual(rows[150]);
    p.shift(ends[99]!);
    expect(decodeMetrics(p.copy(0, ends[100]! - ends[99]!))).toEqual(rows[100]);
  });
});

describe('PendingRows', () => {
  const reading = (i: number, metrics: Record<string, number>) => ({ machineId: `m${i % 3}`, ts: (1_000 + i) as EventMs, metrics, receivedAt: (2_000 + i) as WallMs });

  it('hands out packed rows and JSON text in append order, and takes a failed batch back at the head', () => {
    const q = new PendingRows();
    const input = [reading(0, { a: 1 }), reading(1, { b: Number.NaN }), reading(2, { c: 2.5, d: -1 }), reading(3, { e: 10n } as unknown as Record<string, number>), reading(4, { f: 4 })];
    input.forEach((r, i) => q.push(r, i));
    const first = q.take(3);
    expect(first.pos).toEqual([0, 1, 2]);
    expect(first.machineIds).toEqual(['m0', 'm1', 'm2']);
    expect(first.metrics[1]).toBe('{"b":null}');
    expect(first.metrics.map((m) => decodeMetrics(m))).toEqual([{ a: 1 }, { b: null }, { c: 2.5, d: -1 }]);
    // every packed row of a batch is a view of one buffer: it crosses to the worker once
    expect((first.metrics[0] as Uint8Array).buffer).toBe((first.metrics[2] as Uint8Array).buffer);
    q.push(reading(5, { g: 6 }), 5);
    q.putBack(first);
    expect(q.length).toBe(6);
    const all = q.take(10);
    expect(all.pos).toEqual([0, 1, 2, 3, 4, 5]);
    expect(all.metrics[3]).toBe('');
    expect(all.metrics.filter((_, i) => i !== 3).map((m) => decodeMetrics(m))).toEqual([{ a: 1 }, { b: null }, { c: 2.5, d: -1 }, { f: 4 }, { g: 6 }]);
    expect(q.length).toBe(0);
  });
});

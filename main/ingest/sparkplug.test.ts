import { randomBytes } from 'node:crypto';
import sparkplug from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { SparkplugDecoder } from './sparkplug';

const sp = sparkplug.get('spBv1.0');
if (!sp) throw new Error('no spBv1.0 codec');
type Payload = Parameters<typeof sp.encodePayload>[0];

const NOW = Date.parse('2025-06-01T12:00:00Z');
const encode = (p: Payload) => sp.encodePayload(p);
const nbirth = (seq = 0, bdSeq = 3) =>
  encode({
    timestamp: NOW,
    seq,
    metrics: [
      { name: 'bdSeq', type: 'UInt64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      { name: 'Power', alias: 1, type: 'Double', value: 12.5 },
    ],
  });
const dbirth = (seq: number) =>
  encode({
    timestamp: NOW,
    seq,
    metrics: [
      { name: 'Temp', alias: 10, type: 'Float', value: 20.5 },
      { name: 'Count', alias: 11, type: 'Int64', value: 12_345_678_901 },
      { name: 'Running', alias: 12, type: 'Boolean', value: true },
      { name: 'Label', alias: 13, type: 'String', value: 'line A' },
    ],
  });
const ddata = (seq: number, temp = 21, ts = NOW + seq) => encode({ timestamp: ts, seq, metrics: [{ alias: 10, type: 'Float', value: temp }] });
const ndeath = (bdSeq: number) => encode({ timestamp: NOW, metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] });

const T = (type: string, device?: string) => `spBv1.0/plant1/${type}/edge1${device ? `/${device}` : ''}`;

function born(options: Partial<ConstructorParameters<typeof SparkplugDecoder>[0]> = {}) {
  const d = new SparkplugDecoder({ maxPayloadBytes: 65_536, ...options });
  d.handle(T('NBIRTH'), nbirth(0), NOW);
  d.handle(T('DBIRTH', 'press7'), dbirth(1), NOW);
  return d;
}

describe('SparkplugDecoder', () => {
  it('turns births into machines and readings, dropping control metrics and strings, converting Int64 and booleans', () => {
    const d = new SparkplugDecoder({ maxPayloadBytes: 65_536 });
    const node = d.handle(T('NBIRTH'), nbirth(0), NOW);
    expect(node.metas).toEqual([{ id: 'plant1/edge1', site: 'plant1', area: 'edge1', name: 'edge1', protocol: 'sparkplug' }]);
    expect(node.readings).toEqual([{ machineId: 'plant1/edge1', ts: NOW, metrics: { Power: 12.5 }, receivedAt: NOW }]);
    const device = d.handle(T('DBIRTH', 'press7'), dbirth(1), NOW);
    expect(device.metas).toEqual([{ id: 'plant1/edge1/press7', site: 'plant1', area: 'edge1', name: 'press7', protocol: 'sparkplug' }]);
    expect(device.readings).toEqual([{ machineId: 'plant1/edge1/press7', ts: NOW, metrics: { Temp: 20.5, Count: 12_345_678_901, Running: 1 }, receivedAt: NOW }]);
    expect(device.rejections).toEqual([]);
  });

  it('resolves aliases in DATA and uses metric timestamps as event time', () => {
    const d = born();
    const out = d.handle(T('DDATA', 'press7'), encode({ timestamp: NOW + 10, seq: 2, metrics: [{ alias: 10, type: 'Float', value: 22 }, { alias: 11, type: 'Int64', value: 5, timestamp: NOW + 3 }] }), NOW + 20);
    expect(out.readings).toEqual([
      { machineId: 'plant1/edge1/press7', ts: NOW + 10, metrics: { Temp: 22 }, receivedAt: NOW + 20 },
      { machineId: 'plant1/edge1/press7', ts: NOW + 3, metrics: { Count: 5 }, receivedAt: NOW + 20 },
    ]);
    expect(out.rejections).toEqual([]);
  });

  it('counts a seq gap, and asks for a rebirth when the gap persists for a few messages', () => {
    const d = born({ reorderWindow: 3 });
    expect(d.handle(T('DDATA', 'press7'), ddata(2), NOW).rejections).toEqual([]);
    const gap = d.handle(T('DDATA', 'press7'), ddata(5), NOW);
    expect(gap.rejections).toEqual([{ reason: 'sparkplug_sequence', detail: expect.stringContaining('expected seq 3') }]);
    expect(gap.readings).toHaveLength(1);
    expect(d.handle(T('DDATA', 'press7'), ddata(6), NOW).publish).toEqual([]);
    expect(d.handle(T('DDATA', 'press7'), ddata(7), NOW).publish).toEqual([]);
    const third = d.handle(T('DDATA', 'press7'), ddata(8), NOW);
    expect(third.publish).toHaveLength(1);
    const ncmd = third.publish[0];
    expect(ncmd?.topic).toBe('spBv1.0/plant1/NCMD/edge1');
    expect(sp.decodePayload(ncmd?.payload ?? new Uint8Array()).metrics).toEqual([expect.objectContaining({ name: 'Node Control/Rebirth', value: true })]);
  });

  it('forgives a gap healed by the late message', () => {
    const d = born({ reorderWindow: 3 });
    d.handle(T('DDATA', 'press7'), ddata(3), NOW);
    for (const seq of [2, 4, 5, 6, 7]) {
      const out = d.handle(T('DDATA', 'press7'), ddata(seq), NOW);
      expect(out.rejections, `seq ${seq}`).toEqual([]);
      expect(out.publish).toEqual([]);
    }
  });

  it('asks for a rebirth when a gap outlives the reorder timeout, even with no further message', () => {
    const d = born({ reorderTimeoutMs: 1_000 });
    d.handle(T('DDATA', 'press7'), ddata(4), NOW);
    expect(d.tick(NOW + 999)).toEqual([]);
    expect(d.tick(NOW + 1_000)).toHaveLength(1);
    expect(d.tick(NOW + 5_000)).toEqual([]);
  });

  it('wraps seq from 255 to 0 without calling it a gap', () => {
    const d = new SparkplugDecoder({ maxPayloadBytes: 65_536 });
    d.handle(T('NBIRTH'), nbirth(254), NOW);
    d.handle(T('DBIRTH', 'press7'), dbirth(255), NOW);
    for (const seq of [0, 1]) expect(d.handle(T('DDATA', 'press7'), ddata(seq), NOW).rejections).toEqual([]);
  });

  it('quarantines DATA before BIRTH and asks for a rebirth, at most once per cooldown', () => {
    const d = new SparkplugDecoder({ maxPayloadBytes: 65_536, rebirthCooldownMs: 5_000 });
    const first = d.handle(T('DDATA', 'press7'), ddata(9), NOW);
    expect(first.rejections).toEqual([{ reason: 'sparkplug_unborn', detail: expect.any(String) }]);
    expect(first.readings).toEqual([]);
    expect(first.publish.map((p) => p.topic)).toEqual(['spBv1.0/plant1/NCMD/edge1']);
    expect(d.handle(T('NDATA'), ddata(10), NOW + 4_999).publish).toEqual([]);
    expect(d.handle(T('NDATA'), ddata(11), NOW + 5_000).publish).toHaveLength(1);
  });

  it('quarantines DDATA of a device with no DBIRTH, and an alias no birth declared', () => {
    const d = born();
    expect(d.handle(T('DDATA', 'other'), ddata(2), NOW).rejections[0]?.reason).toBe('sparkplug_unborn');
    const unknownAlias = d.handle(T('DDATA', 'press7'), encode({ timestamp: NOW, seq: 3, metrics: [{ alias: 99, type: 'Double', value: 1 }, { alias: 10, type: 'Float', value: 2 }] }), NOW + 10_000);
    expect(unknownAlias.rejections.map((r) => r.reason)).toEqual(['sparkplug_unborn']);
    expect(unknownAlias.readings[0]?.metrics).toEqual({ Temp: 2 });
    expect(unknownAlias.publish).toHaveLength(1);
  });

  it('takes a node and its devices offline on NDEATH with the matching bdSeq, ignores a stale one', () => {
    const d = born();
    expect(d.handle(T('NDEATH'), ndeath(2), NOW).offline).toEqual([]);
    expect(d.handle(T('NDEATH'), ndeath(3), NOW).offline).toEqual(['plant1/edge1', 'plant1/edge1/press7']);
    // after death the node is unborn again
    expect(d.handle(T('DDATA', 'press7'), ddata(2), NOW).rejections[0]?.reason).toBe('sparkplug_unborn');
  });

  it('takes a device offline on DDEATH', () => {
    const d = born();
    expect(d.handle(T('DDEATH', 'press7'), encode({ timestamp: NOW, seq: 2 }), NOW).offline).toEqual(['plant1/edge1/press7']);
    expect(d.handle(T('DDATA', 'press7'), ddata(3), NOW).rejections[0]?.reason).toBe('sparkplug_unborn');
  });

  it('drops non-finite and badly timed metrics but keeps the rest', () => {
    const d = born();
    const out = d.handle(
      T('NDATA'),
      encode({
        timestamp: NOW,
        seq: 2,
        metrics: [
          { alias: 1, type: 'Double', value: Number.NaN },
          { name: 'Flow', type: 'Double', value: Number.POSITIVE_INFINITY },
          { name: 'Old', type: 'Double', value: 1, timestamp: 1_000 },
          { name: 'Good', type: 'Double', value: 4 },
        ],
      }),
      NOW,
    );
    expect(out.readings).toEqual([{ machineId: 'plant1/edge1', ts: NOW, metrics: { Good: 4 }, receivedAt: NOW }]);
    expect(out.rejections.map((r) => r.reason).sort()).toEqual(['bad_timestamp', 'non_finite']);
  });

  it('refuses hostile payloads without throwing', () => {
    const d = born();
    const good = ddata(2);
    expect(d.handle(T('DDATA', 'press7'), good.subarray(0, good.length - 3), NOW).rejections[0]?.reason).toBe('sparkplug_decode');
    expect(d.handle(T('DDATA', 'press7'), new Uint8Array(70_000), NOW).rejections[0]?.reason).toBe('oversized');
    expect(d.handle('spBv1.0/plant1/BOGUS/edge1', good, NOW).rejections[0]?.reason).toBe('unknown_topic');
    for (let i = 0; i < 500; i++) {
      const out = d.handle(T('DDATA', 'press7'), randomBytes(1 + (i % 100)), NOW);
      for (const r of out.rejections) expect(QUIET_REASONS).toContain(r.reason);
    }
  });
});

const QUIET_REASONS = ['sparkplug_decode', 'sparkplug_sequence', 'sparkplug_unborn', 'bad_timestamp', 'non_finite', 'unknown_shape'];

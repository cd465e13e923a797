import { describe, expect, it } from 'vitest';
import { decodePoint } from './decode-registers';
import { ModbusBlockSchema } from './modbus-config';
import { MAX_REGISTERS, planReads } from './register-plan';

const block = (points: unknown[], table = 'holding') => ModbusBlockSchema.parse({ table, points });

describe('planReads', () => {
  it('merges neighbours within the gap and splits beyond it', () => {
    const reads = planReads(block([{ metric: 'c', address: 20 }, { metric: 'a', address: 0, type: 'float32' }, { metric: 'b', address: 5 }]), 4);
    expect(reads.map((r) => [r.start, r.length])).toEqual([
      [0, 6],
      [20, 1],
    ]);
    expect(reads[0]!.points.map((p) => [p.point.metric, p.at])).toEqual([
      ['a', 0],
      ['b', 5],
    ]);
  });

  it('keeps each read within the protocol limit', () => {
    const points = Array.from({ length: 300 }, (_, i) => ({ metric: `r${i}`, address: i }));
    const reads = planReads(block(points), 8);
    expect(reads.every((r) => r.length <= MAX_REGISTERS)).toBe(true);
    expect(reads.reduce((n, r) => n + r.points.length, 0)).toBe(300);
    expect(reads).toHaveLength(3);
  });
});

describe('decodePoint', () => {
  const p = (o: object) => ModbusBlockSchema.parse({ points: [{ metric: 'm', address: 0, ...o }] }).points[0]!;
  it('decodes signed, unsigned, 32-bit both word orders, scale and offset', () => {
    expect(decodePoint(p({ type: 'int16' }), [0x8000], null, 0)).toBe(-32768);
    expect(decodePoint(p({ type: 'uint16', scale: 0.1, offset: -10 }), [1000], null, 0)).toBeCloseTo(90);
    expect(decodePoint(p({ type: 'uint32' }), [0xffff, 0xfffe], null, 0)).toBe(4294967294);
    expect(decodePoint(p({ type: 'int32', wordOrder: 'little' }), [0xfffe, 0xffff], null, 0)).toBe(-2);
    expect(decodePoint(p({ type: 'float32' }), [0x7fc0, 0], null, 0)).toBeNaN();
  });
  it('returns null when the read is too short', () => {
    expect(decodePoint(p({ type: 'float32' }), [1], null, 0)).toBeNull();
  });
});

/** Turns the words (or bits) of one read into engineering values: type, word order, scale, offset. */
import type { ModbusPoint } from './modbus-config';

const view = new DataView(new ArrayBuffer(4));

/** The point's value from the registers of its read, or null when the read is too short for it. */
export function decodePoint(point: ModbusPoint, words: readonly number[] | null, bits: readonly boolean[] | null, at: number): number | null {
  let raw: number;
  if (point.type === 'bool') {
    const bit = bits?.[at];
    if (bit === undefined) return null;
    raw = bit ? 1 : 0;
  } else {
    if (!words) return null;
    const first = words[at];
    if (first === undefined) return null;
    if (point.type === 'int16' || point.type === 'uint16') {
      view.setUint16(0, first & 0xffff);
      raw = point.type === 'int16' ? view.getInt16(0) : view.getUint16(0);
    } else {
      const second = words[at + 1];
      if (second === undefined) return null;
      const [high, low] = point.wordOrder === 'big' ? [first, second] : [second, first];
      view.setUint16(0, high & 0xffff);
      view.setUint16(2, low & 0xffff);
      raw = point.type === 'int32' ? view.getInt32(0) : point.type === 'uint32' ? view.getUint32(0) : view.getFloat32(0);
    }
  }
  return raw * point.scale + point.offset;
}

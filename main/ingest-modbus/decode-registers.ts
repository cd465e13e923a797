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
    // integers by bit arithmetic, the words picked without an array: this runs once per register and poll
    if (point.type === 'int16') raw = ((first & 0xffff) << 16) >> 16;
    else if (point.type === 'uint16') raw = first & 0xffff;
    else {
      const second = words[at + 1];
      if (second === undefined) return null;
      const big = point.wordOrder === 'big';
      const high = (big ? first : second) & 0xffff;
      const low = (big ? second : first) & 0xffff;
      if (point.type === 'int32') raw = (high << 16) | low;
      else if (point.type === 'uint32') raw = high * 0x10000 + low;
      else {
        view.setUint16(0, high);
        view.setUint16(2, low);
        raw = view.getFloat32(0);
      }
    }
  }
  return raw * point.scale + point.offset;
}

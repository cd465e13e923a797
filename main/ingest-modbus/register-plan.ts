/**
 * Plans the requests of one block: points sorted by address, neighbours merged into one read when
 * the gap between them is small, each read within the protocol's limit (125 registers, 2000 bits).
 */
import { registerCount, type ModbusBlock, type ModbusPoint, type ModbusTable } from './modbus-config';

export interface PlannedRead {
  table: ModbusTable;
  start: number;
  length: number;
  /** Points decoded from this read, with their offset into it. */
  points: { point: ModbusPoint; at: number }[];
}

/** Protocol maxima of one read request (Modbus application protocol v1.1b3, functions 1-4). */
export const MAX_REGISTERS = 125;
export const MAX_BITS = 2000;

export function planReads(block: ModbusBlock, maxGap: number): PlannedRead[] {
  const bits = block.table === 'coil' || block.table === 'discrete';
  const limit = bits ? MAX_BITS : MAX_REGISTERS;
  const sorted = [...block.points].sort((a, b) => a.address - b.address);
  const reads: PlannedRead[] = [];
  let current: PlannedRead | null = null;
  for (const point of sorted) {
    const span = bits ? 1 : registerCount(point.type);
    const end = point.address + span;
    if (current && point.address - (current.start + current.length) <= maxGap && end - current.start <= limit) {
      current.length = Math.max(current.length, end - current.start);
      current.points.push({ point, at: point.address - current.start });
      continue;
    }
    current = { table: block.table, start: point.address, length: span, points: [{ point, at: 0 }] };
    reads.push(current);
  }
  return reads;
}

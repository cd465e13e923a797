import type { History } from '../../common/contract';
import type { EventMs } from '../../common/time';

/**
 * A History as the worker sends it: one time axis and one Float64Array per column, null as NaN (the
 * store keeps only finite values, and SQLite has no NaN). The buffers are transferred, not cloned:
 * cloning a million-value answer as arrays of numbers and nulls blocks the receiving thread for
 * hundreds of milliseconds.
 */
export interface PackedHistory {
  machineId: string;
  resolution: History['resolution'];
  from: EventMs;
  to: EventMs;
  t: Float64Array;
  series: { sensor: string; v: Float64Array; min?: Float64Array; max?: Float64Array }[];
}

const pack = (values: readonly (number | null)[]) => Float64Array.from(values, (x) => (x === null ? Number.NaN : x));

function unpack(values: Float64Array): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    out[i] = Number.isNaN(x) ? null : x;
  }
  return out;
}

/** Every series of a History shares one time axis (history.ts builds them so). */
export function packHistory(h: History): PackedHistory {
  return {
    machineId: h.machineId,
    resolution: h.resolution,
    from: h.from,
    to: h.to,
    t: Float64Array.from(h.series[0]?.t ?? []),
    series: h.series.map((s) => ({ sensor: s.sensor, v: pack(s.v), ...(s.min && s.max ? { min: pack(s.min), max: pack(s.max) } : {}) })),
  };
}

/**
 * The History back as arrays of numbers and nulls, series by series, giving the event loop a turn
 * whenever a slice has run for sliceMs: a million values in one go is a stall of its own.
 */
export async function unpackHistory(p: PackedHistory, sliceMs = 4): Promise<History> {
  const t = Array.from(p.t);
  const series: History['series'] = [];
  let since = performance.now();
  for (const s of p.series) {
    series.push({ sensor: s.sensor, t, v: unpack(s.v), ...(s.min && s.max ? { min: unpack(s.min), max: unpack(s.max) } : {}) });
    if (performance.now() - since >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  return { machineId: p.machineId, resolution: p.resolution, from: p.from, to: p.to, series };
}

/** The buffers of a packed History, to transfer with it. */
export const packedBuffers = (p: PackedHistory): ArrayBuffer[] =>
  [p.t, ...p.series.flatMap((s) => [s.v, ...(s.min && s.max ? [s.min, s.max] : [])])].map((a) => a.buffer as ArrayBuffer);

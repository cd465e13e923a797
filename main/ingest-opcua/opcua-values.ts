/**
 * A DataValue from a subscription becomes a number, or a reason it cannot: status not Good, a type
 * that is not a scalar number or boolean, NaN or infinity, an implausible source time.
 */
import type { QualityMark, QuarantineReason } from '../../common/telemetry';
import { eventFromWall, type EventMs, type WallMs } from '../../common/time';
import { implausibleEventTime } from '../ingest/event-time';

export interface ValueIn {
  /** StatusCode value (32 bits); its top two bits are the severity: 00 Good, 01 Uncertain, 10/11 Bad. */
  status: number;
  statusName: string;
  value: unknown;
  /** Whether the variant is an array or matrix rather than a scalar. */
  isArray: boolean;
  sourceTimestamp: EventMs | null;
  serverTimestamp: EventMs | null;
}

export type ValueOut = { ok: true; value: number; ts: EventMs } | { ok: false; reason: QuarantineReason; detail: string };

export function severityOf(status: number): 'good' | 'uncertain' | 'bad' {
  const top = (status >>> 30) & 0b11;
  return top === 0 ? 'good' : top === 1 ? 'uncertain' : 'bad';
}

export function toReadingValue(v: ValueIn, wallNow: WallMs): ValueOut {
  const severity = severityOf(v.status);
  // a Bad or Uncertain value is never handed on as a plain number: it would be scored as normal
  if (severity !== 'good') return { ok: false, reason: 'bad_quality', detail: `status ${v.statusName} (${severity})` };
  if (v.isArray) return { ok: false, reason: 'unknown_shape', detail: `an array of ${Array.isArray(v.value) || ArrayBuffer.isView(v.value) ? (v.value as ArrayLike<unknown>).length : '?'} values, not a scalar` };
  let n: number;
  if (typeof v.value === 'number') n = v.value;
  else if (typeof v.value === 'boolean') n = v.value ? 1 : 0;
  else if (typeof v.value === 'bigint') n = Number(v.value);
  else if (Array.isArray(v.value) && v.value.length === 2 && v.value.every((x) => typeof x === 'number')) n = (v.value[0] as number) * 2 ** 32 + (v.value[1] as number); // Int64 as [high, low]
  else return { ok: false, reason: 'unknown_shape', detail: `a ${v.value === null ? 'null' : typeof v.value} value, not a number` };
  if (!Number.isFinite(n)) return { ok: false, reason: 'non_finite', detail: `value ${n}` };
  const ts = v.sourceTimestamp ?? v.serverTimestamp ?? eventFromWall(wallNow);
  const bad = implausibleEventTime(ts, wallNow);
  if (bad) return { ok: false, reason: 'bad_timestamp', detail: bad };
  return { ok: true, value: n, ts };
}

/**
 * A Bad or Uncertain value as a quality mark: its status, and the value sent with it when that is a
 * finite scalar. Null for a Good status (toReadingValue takes those). An implausible source time
 * gives way to the receive time: the mark is about now.
 */
export function toQualityMark(v: ValueIn, wallNow: WallMs, where: { machineId: string; sensor: string }): QualityMark | null {
  const severity = severityOf(v.status);
  if (severity === 'good') return null;
  const n = typeof v.value === 'number' ? v.value : typeof v.value === 'boolean' ? Number(v.value) : Number.NaN;
  const source = v.sourceTimestamp ?? v.serverTimestamp ?? eventFromWall(wallNow);
  const ts = implausibleEventTime(source, wallNow) ? eventFromWall(wallNow) : source;
  return { ...where, ts, quality: severity, status: v.statusName, value: !v.isArray && Number.isFinite(n) ? n : null, receivedAt: wallNow };
}

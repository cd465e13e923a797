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
export interface Refusal {
  reason: QuarantineReason;
  detail: string;
}
/** Where acceptValue() puts an accepted value: one object per connection, reused for every change. */
export interface Accepted {
  value: number;
  ts: EventMs;
}

export function severityOf(status: number): 'good' | 'uncertain' | 'bad' {
  const top = (status >>> 30) & 0b11;
  return top === 0 ? 'good' : top === 1 ? 'uncertain' : 'bad';
}

export function toReadingValue(v: ValueIn, wallNow: WallMs): ValueOut {
  const out: Accepted = { value: 0, ts: 0 };
  const refused = acceptValue(v, wallNow, out);
  return refused ? { ok: false, ...refused } : { ok: true, value: out.value, ts: out.ts };
}

/**
 * The same rules as toReadingValue without an object per value (the subscription path takes
 * thousands a second): null and the value and time in `out`, or why not. Each field of v is read
 * at most once, the status name only for a refusal.
 */
export function acceptValue(v: ValueIn, wallNow: WallMs, out: Accepted): Refusal | null {
  const status = v.status;
  // a Bad or Uncertain value is never handed on as a plain number: it would be scored as normal
  if (status >>> 30 !== 0) return { reason: 'bad_quality', detail: `status ${v.statusName} (${severityOf(status)})` };
  const value = v.value;
  if (v.isArray) return { reason: 'unknown_shape', detail: `an array of ${Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>).length : '?'} values, not a scalar` };
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'bigint') n = Number(value);
  else if (Array.isArray(value) && value.length === 2 && value.every((x) => typeof x === 'number')) n = (value[0] as number) * 2 ** 32 + (value[1] as number); // Int64 as [high, low]
  else return { reason: 'unknown_shape', detail: `a ${value === null ? 'null' : typeof value} value, not a number` };
  if (!Number.isFinite(n)) return { reason: 'non_finite', detail: `value ${n}` };
  const ts = v.sourceTimestamp ?? v.serverTimestamp ?? eventFromWall(wallNow);
  const bad = implausibleEventTime(ts, wallNow);
  if (bad) return { reason: 'bad_timestamp', detail: bad };
  out.value = n;
  out.ts = ts;
  return null;
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

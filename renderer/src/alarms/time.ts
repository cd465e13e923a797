import { useEffect, useState } from 'react';
import { formatLocal, localToInstant } from '../../../common/plant-time';
import { displayTimeZone } from '../app/plant-zone';

/** Time left as "1 h 04 min", "12 min 05 s" or "40 s"; "expired" once it has passed. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

/** The value of an <input type="datetime-local"> for a time, in the zone the console shows. */
export function toLocalInput(ts: number, utc: boolean): string {
  const zone = displayTimeZone(utc);
  if (zone) return formatLocal(zone, ts).replace(' ', 'T');
  const d = new Date(ts);
  const shifted = utc ? d : new Date(ts - d.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** Reads a datetime-local value back; null when it is empty or not a time. */
export function fromLocalInput(text: string, utc: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
  if (!m) return null;
  const zone = displayTimeZone(utc);
  if (zone) return localToInstant(zone, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const ts = utc ? Date.parse(`${text}Z`) : new Date(text).getTime();
  return Number.isFinite(ts) ? ts : null;
}

/** The wall clock, re-read every `everyMs`: for countdowns. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

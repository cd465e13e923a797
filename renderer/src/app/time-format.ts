/**
 * The one way the screens write a time: in the zone the console is set to show (the plant's, or UTC,
 * and then said so), day first and to the second as operators read it on the desk.
 */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { displayTimeZone } from './plant-zone';
import { useServices } from './services-context';

const known = (ts: number | null): ts is number => ts !== null && Number.isFinite(ts) && ts > 0;
const zoned = (text: string, utc: boolean) => (utc ? `${text} UTC` : text);

/** Date and time to the second, for lists that span days (history, shelves, audits). */
export function formatDateTime(ts: number | null, utc: boolean): string {
  if (!known(ts)) return '—';
  return zoned(new Date(ts).toLocaleString('en-GB', { hour12: false, timeZone: displayTimeZone(utc) }), utc);
}

/** Wall-clock time of an event, seconds included: staleness is judged in seconds. */
export function formatTime(ts: number | null, utc: boolean): string {
  if (!known(ts)) return '—';
  return zoned(new Date(ts).toLocaleTimeString('en-GB', { hour12: false, timeZone: displayTimeZone(utc) }), utc);
}

/** The calendar day, year first so that a column of them sorts: delivery dates, daily buckets. */
export function formatDate(ts: number | null, utc: boolean): string {
  if (!known(ts)) return '—';
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: displayTimeZone(utc), year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ts);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return zoned(`${part('year')}-${part('month')}-${part('day')}`, utc);
}

export interface TimeFormat {
  utc: boolean;
  dateTime(ts: number | null): string;
  time(ts: number | null): string;
  date(ts: number | null): string;
}

/** The three formats bound to the console's time-zone preference. */
export function useTimeFormat(): TimeFormat {
  const { preferences } = useServices();
  const utc = useStore(preferences, (s) => s.timeZone === 'utc');
  return useMemo(() => ({ utc, dateTime: (ts) => formatDateTime(ts, utc), time: (ts) => formatTime(ts, utc), date: (ts) => formatDate(ts, utc) }), [utc]);
}

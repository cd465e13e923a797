/**
 * The plant's own calendar: an IANA time zone (Europe/Berlin, America/Chicago), with daylight saving
 * handled by the platform's time-zone data (Intl), so that shifts, "today", tariffs and reports follow
 * the clock on the plant's wall, including the days that have 23 or 25 hours. Pure: no Node, no DOM.
 */

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface LocalParts {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday .. 6 = Saturday, as Date.getUTCDay. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Why `zone` is not a usable plant time zone, or null when it is. Only named zones are accepted
 * ("UTC" and "Etc/..." included): a fixed offset such as "+01:00" knows nothing of daylight saving.
 */
export function timeZoneProblem(zone: string): string | null {
  if (typeof zone !== 'string' || zone.trim() === '') return 'the time zone is empty; give an IANA name such as "Europe/Berlin" or "UTC"';
  if (!/^[A-Za-z]/.test(zone)) return `"${zone}" is an offset, not a time zone: give an IANA name such as "Europe/Berlin", which knows its daylight saving`;
  try {
    formatter(zone);
    return null;
  } catch {
    return `"${zone}" is not a known IANA time zone (examples: "Europe/Berlin", "America/Chicago", "Asia/Kolkata", "UTC")`;
  }
}

/** The zone's canonical spelling as the platform knows it ("europe/berlin" -> "Europe/Berlin"). */
export function canonicalTimeZone(zone: string): string {
  return formatter(zone).resolvedOptions().timeZone;
}

/** The wall clock in `zone` at instant `ts`. */
export function localParts(zone: string, ts: number): LocalParts {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(zone).formatToParts(new Date(ts))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return { ...out, weekday: new Date(Date.UTC(out.year, out.month - 1, out.day)).getUTCDay() };
}

/** Offset of local time from UTC at instant `ts`, in ms (Berlin in summer: +2 h). */
export function utcOffsetMs(zone: string, ts: number): number {
  const p = localParts(zone, ts);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * The instant a local wall-clock time names. A time that does not exist (skipped by a spring-forward
 * change) is moved forward by the gap, as a wall clock would be: 02:30 on the Berlin spring day is
 * 03:30 CEST. A time that occurs twice (autumn) is its first occurrence.
 */
export function localToInstant(zone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offset is one of the values found around the wall time; try the earlier one first, so an
  // ambiguous time resolves to its first occurrence.
  const before = utcOffsetMs(zone, wall - DAY_MS / 2);
  const after = utcOffsetMs(zone, wall + DAY_MS / 2);
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const ts = wall - offset;
    const p = localParts(zone, ts);
    if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall) return ts;
  }
  // In a gap: the wall time read with the offset from before the change lands after it.
  return wall - before;
}

/** Start (local midnight, or the first instant of the day where midnight is skipped) of the plant day holding `ts`. */
export function startOfLocalDay(zone: string, ts: number): number {
  const p = localParts(zone, ts);
  return localToInstant(zone, p.year, p.month, p.day);
}

/** The start of the plant day `days` after the one holding `ts` (negative goes back); 23, 24 or 25 hours a day. */
export function addLocalDays(zone: string, ts: number, days: number): number {
  const p = localParts(zone, ts);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return localToInstant(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Start of the plant week (Monday, local midnight, ISO 8601) holding `ts`. */
export function startOfLocalWeek(zone: string, ts: number): number {
  const weekday = localParts(zone, ts).weekday;
  return addLocalDays(zone, ts, -((weekday + 6) % 7));
}

export interface Shift {
  /** Position in the day's list of shift starts (0 = the first shift that starts on a plant day). */
  index: number;
  start: number;
  end: number;
  /** The local date the shift started on, YYYY-MM-DD. */
  date: string;
  /** Local start hour, as configured. */
  startHour: number;
}

/**
 * The shift that holds `ts`, with `startHours` the local hours (0..23, ascending) at which shifts
 * begin, e.g. [6, 14, 22]. Boundaries are wall-clock times, so the shift over a daylight saving
 * change lasts 7 or 9 hours, not 8.
 */
export function shiftAt(zone: string, ts: number, startHours: readonly number[]): Shift {
  if (startHours.length === 0) throw new Error('at least one shift start hour is needed');
  const hours = [...startHours].sort((a, b) => a - b);
  const p = localParts(zone, ts);
  // Candidates: every shift start of the day before, this day and the next, in order.
  const starts: { ts: number; index: number; date: string; hour: number }[] = [];
  for (const offset of [-1, 0, 1]) {
    const d = new Date(Date.UTC(p.year, p.month - 1, p.day + offset));
    const date = d.toISOString().slice(0, 10);
    hours.forEach((h, index) => starts.push({ ts: localToInstant(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h), index, date, hour: h }));
  }
  let i = starts.length - 1;
  while (i > 0 && starts[i]!.ts > ts) i--;
  const s = starts[i]!;
  return { index: s.index, start: s.ts, end: starts[i + 1]!.ts, date: s.date, startHour: s.hour };
}

/** The shift that ended last at or before `ts` (the one to report on at a handover). */
export function previousShift(zone: string, ts: number, startHours: readonly number[]): Shift {
  return shiftAt(zone, shiftAt(zone, ts, startHours).start - 1, startHours);
}

const two = (n: number) => String(n).padStart(2, '0');

/** "2026-03-29 03:30" in the plant's time; with `withZone`, the offset follows ("+02:00"). */
export function formatLocal(zone: string, ts: number, withZone = false): string {
  const p = localParts(zone, ts);
  const text = `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
  if (!withZone) return text;
  const off = Math.round(utcOffsetMs(zone, ts) / 60_000);
  return `${text} ${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
}

/** Hours in the plant day holding `ts` (23, 24 or 25 where daylight saving changes). */
export function localDayHours(zone: string, ts: number): number {
  const start = startOfLocalDay(zone, ts);
  return (addLocalDays(zone, start, 1) - start) / HOUR_MS;
}

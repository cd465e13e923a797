import { describe, expect, it } from 'vitest';
import { addLocalDays, canonicalTimeZone, formatLocal, localDayHours, localParts, localToInstant, previousShift, shiftAt, startOfLocalDay, startOfLocalWeek, timeZoneProblem, utcOffsetMs } from './plant-time';

const H = 3_600_000;
const BERLIN = 'Europe/Berlin';
const CHICAGO = 'America/Chicago';
// Berlin changes on the last Sunday of March and October at 01:00 UTC.
const SPRING_2026 = Date.UTC(2026, 2, 29, 1); // 02:00 CET becomes 03:00 CEST
const AUTUMN_2026 = Date.UTC(2026, 9, 25, 1); // 03:00 CEST becomes 02:00 CET

describe('plant time zone', () => {
  it('accepts IANA names and says what is wrong with anything else', () => {
    expect(timeZoneProblem('Europe/Berlin')).toBeNull();
    expect(timeZoneProblem('UTC')).toBeNull();
    expect(timeZoneProblem('europe/berlin')).toBeNull();
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(timeZoneProblem('Europe/Atlantis')).toMatch(/"Europe\/Atlantis" is not a known IANA time zone/);
    expect(timeZoneProblem('+01:00')).toMatch(/is an offset, not a time zone/);
    expect(timeZoneProblem('')).toMatch(/empty/);
  });

  it('reads the wall clock and the offset on both sides of a change', () => {
    expect(utcOffsetMs(BERLIN, SPRING_2026 - 1)).toBe(1 * H);
    expect(utcOffsetMs(BERLIN, SPRING_2026)).toBe(2 * H);
    expect(localParts(BERLIN, SPRING_2026)).toMatchObject({ year: 2026, month: 3, day: 29, hour: 3, minute: 0, weekday: 0 });
    expect(utcOffsetMs(CHICAGO, Date.UTC(2026, 0, 1))).toBe(-6 * H);
    expect(utcOffsetMs('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe(5.5 * H);
  });

  it('turns a local time into an instant: skipped times move forward, repeated times take the first occurrence', () => {
    expect(localToInstant(BERLIN, 2026, 3, 29, 1, 30)).toBe(Date.UTC(2026, 2, 29, 0, 30));
    // 02:30 does not exist on the spring day: it is 03:30 CEST.
    expect(localToInstant(BERLIN, 2026, 3, 29, 2, 30)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(formatLocal(BERLIN, localToInstant(BERLIN, 2026, 3, 29, 2, 30))).toBe('2026-03-29 03:30');
    // 02:30 happens twice on the autumn day: the first is still CEST (00:30 UTC).
    expect(localToInstant(BERLIN, 2026, 10, 25, 2, 30)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(localToInstant(BERLIN, 2026, 10, 25, 3, 0)).toBe(Date.UTC(2026, 9, 25, 2, 0));
  });

  it('has plant days of 23 and 25 hours where daylight saving changes, and of 24 otherwise', () => {
    expect(localDayHours(BERLIN, SPRING_2026)).toBe(23);
    expect(localDayHours(BERLIN, AUTUMN_2026)).toBe(25);
    expect(localDayHours(BERLIN, Date.UTC(2026, 5, 1, 12))).toBe(24);
    expect(localDayHours('UTC', SPRING_2026)).toBe(24);
    // "Today" starts at local midnight: 23:00 UTC the day before in winter, 22:00 UTC in summer.
    expect(startOfLocalDay(BERLIN, SPRING_2026 + 5 * H)).toBe(Date.UTC(2026, 2, 28, 23));
    expect(addLocalDays(BERLIN, SPRING_2026, 1)).toBe(Date.UTC(2026, 2, 29, 22));
    expect(addLocalDays(BERLIN, Date.UTC(2026, 2, 30, 12), -1)).toBe(Date.UTC(2026, 2, 28, 23));
    // Chicago changes two weeks before Europe, at 02:00 local.
    expect(localDayHours(CHICAGO, Date.UTC(2026, 2, 8, 18))).toBe(23);
    expect(startOfLocalDay(CHICAGO, Date.UTC(2026, 2, 8, 18))).toBe(Date.UTC(2026, 2, 8, 6));
  });

  it('starts plant weeks on Monday at local midnight', () => {
    // Wednesday 1 April 2026: its week began on Monday 30 March, after the change, at 22:00 UTC on the Sunday.
    expect(startOfLocalWeek(BERLIN, Date.UTC(2026, 3, 1, 12))).toBe(Date.UTC(2026, 2, 29, 22));
    expect(startOfLocalWeek('UTC', Date.UTC(2026, 3, 5, 23))).toBe(Date.UTC(2026, 2, 30));
  });

  it('places shifts on the wall clock, so the night shift over a change lasts 7 or 9 hours', () => {
    const starts = [6, 14, 22];
    const springNight = shiftAt(BERLIN, SPRING_2026, starts);
    expect(springNight).toMatchObject({ index: 2, date: '2026-03-28', startHour: 22, start: Date.UTC(2026, 2, 28, 21), end: Date.UTC(2026, 2, 29, 4) });
    expect((springNight.end - springNight.start) / H).toBe(7);
    const autumnNight = shiftAt(BERLIN, AUTUMN_2026, starts);
    expect((autumnNight.end - autumnNight.start) / H).toBe(9);
    expect(formatLocal(BERLIN, autumnNight.start, true)).toBe('2026-10-24 22:00 +02:00');
    expect(formatLocal(BERLIN, autumnNight.end, true)).toBe('2026-10-25 06:00 +01:00');
    // The morning shift after it is 8 hours again, and the shift before a boundary is the one that just ended.
    const morning = shiftAt(BERLIN, autumnNight.end, starts);
    expect(morning).toMatchObject({ index: 0, date: '2026-10-25', start: autumnNight.end, end: Date.UTC(2026, 9, 25, 13) });
    expect(previousShift(BERLIN, autumnNight.end + H, starts)).toEqual(autumnNight);
    // A single shift a day spans the whole plant day.
    expect(shiftAt('UTC', Date.UTC(2026, 0, 1, 3), [6])).toMatchObject({ start: Date.UTC(2025, 11, 31, 6), end: Date.UTC(2026, 0, 1, 6) });
  });

  it('formats plant time with its offset', () => {
    expect(formatLocal(BERLIN, SPRING_2026 - 1, true)).toBe('2026-03-29 01:59 +01:00');
    expect(formatLocal(BERLIN, SPRING_2026, true)).toBe('2026-03-29 03:00 +02:00');
    expect(formatLocal('America/St_Johns', Date.UTC(2026, 0, 1), true)).toBe('2025-12-31 20:30 -03:30');
  });
});

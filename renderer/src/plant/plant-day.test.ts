import { describe, expect, it } from 'vitest';
import { plantDay } from './plant-day';

const H = 3_600_000;

describe('plantDay', () => {
  it('is the plant\'s local day, not the UTC day: 01:30 UTC is still yesterday in Chicago and already today in Tokyo', () => {
    const now = Date.UTC(2026, 5, 10, 1, 30);
    // Chicago (UTC−5 in June): 9 June 20:30 local; its day runs from 9 June 05:00 UTC.
    expect(plantDay(now, 'America/Chicago')).toEqual({ from: Date.UTC(2026, 5, 9, 5), to: Date.UTC(2026, 5, 10, 5) });
    // Tokyo (UTC+9): 10 June 10:30 local; its day began at 9 June 15:00 UTC.
    expect(plantDay(now, 'Asia/Tokyo')).toEqual({ from: Date.UTC(2026, 5, 9, 15), to: Date.UTC(2026, 5, 10, 15) });
    expect(plantDay(now, 'UTC')).toEqual({ from: Date.UTC(2026, 5, 10), to: Date.UTC(2026, 5, 11) });
  });

  it('has 23 hours on the day the clocks go forward and 25 on the day they go back (Berlin, 2026)', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST.
    const spring = plantDay(Date.UTC(2026, 2, 29, 12), 'Europe/Berlin');
    expect(spring).toEqual({ from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) });
    expect(spring.to - spring.from).toBe(23 * H);
    // 25 October 2026: 03:00 CEST becomes 02:00 CET.
    const autumn = plantDay(Date.UTC(2026, 9, 25, 12), 'Europe/Berlin');
    expect(autumn).toEqual({ from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) });
    expect(autumn.to - autumn.from).toBe(25 * H);
    // The hour just before local midnight after the change still belongs to the long day.
    expect(plantDay(Date.UTC(2026, 9, 25, 22, 59), 'Europe/Berlin')).toEqual(autumn);
    expect(plantDay(Date.UTC(2026, 9, 25, 23), 'Europe/Berlin').from).toBe(autumn.to);
  });
});

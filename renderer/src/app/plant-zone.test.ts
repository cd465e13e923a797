import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from '../alarms/time';
import { formatDateTime, formatTime } from './time-format';
import { displayTimeZone, plantTimeZone, setPlantTimeZone } from './plant-zone';

describe('plant time on the desk', () => {
  it('shows the plant zone the host reports, or UTC when the console is set to UTC', () => {
    setPlantTimeZone('Europe/Berlin');
    expect(plantTimeZone()).toBe('Europe/Berlin');
    // An unknown zone from an older or broken host keeps the one already known.
    setPlantTimeZone('Mars/Olympus_Mons');
    expect(displayTimeZone(false)).toBe('Europe/Berlin');
    expect(displayTimeZone(true)).toBe('UTC');

    const summer = Date.UTC(2026, 6, 1, 12, 0, 5);
    expect(formatDateTime(summer, false)).toBe('01/07/2026, 14:00:05');
    expect(formatDateTime(summer, true)).toBe('01/07/2026, 12:00:05 UTC');
    expect(formatTime(Date.UTC(2026, 0, 1, 12), false)).toBe('13:00:00');
  });

  it('reads and writes time inputs on the plant clock across a daylight saving change', () => {
    setPlantTimeZone('Europe/Berlin');
    const beforeChange = Date.UTC(2026, 2, 29, 0, 30);
    expect(toLocalInput(beforeChange, false)).toBe('2026-03-29T01:30');
    expect(toLocalInput(beforeChange + 2 * 3_600_000, false)).toBe('2026-03-29T04:30');
    expect(fromLocalInput('2026-03-29T04:30', false)).toBe(beforeChange + 2 * 3_600_000);
    expect(fromLocalInput('2026-03-29T04:30', true)).toBe(Date.UTC(2026, 2, 29, 4, 30));
    expect(fromLocalInput('yesterday', false)).toBeNull();
  });
});

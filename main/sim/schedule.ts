/**
 * The plant's working rhythm as a pure function of event time: three shifts, a dip at each
 * changeover, a quieter night and a quiet weekend. Being stateless, it gives the same load for a
 * timestamp however the simulator got there.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Shift starts in plant-local hours. */
export const SHIFT_CHANGES = [6, 14, 22] as const;

/** Relative output of each shift: the morning shift is fully staffed, the night shift runs lean. */
const SHIFT_LOAD = { morning: 1, afternoon: 0.9, night: 0.55 } as const;
const WEEKEND_FACTOR = 0.35;
/** Changeover: handover and first-piece checks take the line down to this fraction, for about 20 minutes. */
const CHANGEOVER_FLOOR = 0.3;
const CHANGEOVER_PEAK_MIN = 5;
const CHANGEOVER_HALF_WIDTH_MIN = 12;

/**
 * Plant load in [0, 1] at `ts` (epoch ms). `utcOffsetMinutes` places the shifts in the plant's local
 * day; a fixed offset is used because a simulator does not need daylight-saving jumps.
 */
export function plantLoad(ts: number, utcOffsetMinutes = 0): number {
  const local = ts + utcOffsetMinutes * MINUTE;
  const day = Math.floor(local / (24 * HOUR));
  // 1970-01-01 was a Thursday: day 0 is weekday 4 (Sunday = 0).
  const weekday = (((day + 4) % 7) + 7) % 7;
  const hour = (local - day * 24 * HOUR) / HOUR;

  const shift = hour >= 6 && hour < 14 ? SHIFT_LOAD.morning : hour >= 14 && hour < 22 ? SHIFT_LOAD.afternoon : SHIFT_LOAD.night;
  // A gentle swell inside each shift so the curve is not a staircase: peak mid-shift.
  const sinceShift = (hour + 2) % 8;
  const swell = 1 - 0.06 * Math.cos((2 * Math.PI * sinceShift) / 8);
  const weekend = weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1;
  return Math.min(1, shift * swell * weekend * changeoverFactor(hour));
}

function changeoverFactor(hour: number): number {
  let factor = 1;
  for (const change of SHIFT_CHANGES) {
    let minutes = (hour - change) * 60;
    if (minutes < -12 * 60) minutes += 24 * 60;
    const distance = Math.abs(minutes - CHANGEOVER_PEAK_MIN);
    if (distance < CHANGEOVER_HALF_WIDTH_MIN) factor = Math.min(factor, CHANGEOVER_FLOOR + (1 - CHANGEOVER_FLOOR) * (distance / CHANGEOVER_HALF_WIDTH_MIN));
  }
  return factor;
}

/**
 * "Today" on the dashboard is the plant's day: from its local midnight to the next (23, 24 or 25
 * hours when the clocks change), in the plant's zone whatever zone the console runs in, and it
 * rolls over at the plant's midnight without a reload.
 */
import { useEffect, useState } from 'react';
import { addLocalDays, startOfLocalDay } from '../../../common/plant-time';

export interface PlantDay {
  from: number;
  to: number;
}

/** The plant day holding `now` in `zone`. */
export function plantDay(now: number, zone: string): PlantDay {
  return { from: startOfLocalDay(zone, now), to: addLocalDays(zone, now, 1) };
}

/** The console's own zone, standing in until the host has said the plant's. */
export const consoleZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Late by this much after midnight, so a timer that fires a hair early still lands in the new day. */
const ROLLOVER_SLACK_MS = 1_000;

/** The current plant day, replaced at the plant's midnight (and when the zone changes). */
export function usePlantDay(zone: string, now: () => number = Date.now): PlantDay {
  const [day, setDay] = useState(() => plantDay(now(), zone));
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const current = plantDay(now(), zone);
    setDay((prev) => (prev.from === current.from && prev.to === current.to ? prev : current));
    const timer = setTimeout(() => setTick((t) => t + 1), Math.max(ROLLOVER_SLACK_MS, current.to - now() + ROLLOVER_SLACK_MS));
    return () => clearTimeout(timer);
  }, [zone, now, tick]);
  return day;
}

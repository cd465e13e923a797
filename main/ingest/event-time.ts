/**
 * Plausibility of device timestamps. Event time drives features and alarms, so a clock that is
 * decades off (unset RTC, seconds sent as milliseconds) must be refused rather than stored.
 */
import type { EventMs, WallMs } from '../../common/time';

/** 2000-01-01T00:00:00Z: anything earlier is an unset device clock or seconds sent as milliseconds. */
export const EARLIEST_EVENT_TIME = 946_684_800_000;
/** Devices may run ahead of our clock, but not by more than a day. */
export const MAX_FUTURE_SKEW_MS = 86_400_000;

/** null when plausible, otherwise why not. */
export function implausibleEventTime(ts: EventMs, wallNow: WallMs): string | null {
  if (!Number.isFinite(ts)) return 'timestamp is not a finite number';
  if (ts < EARLIEST_EVENT_TIME) return `timestamp ${ts} is before 2000`;
  if (ts > wallNow + MAX_FUTURE_SKEW_MS) return `timestamp ${ts} is more than a day ahead of the clock`;
  return null;
}

// A zone designator is required: an ISO string without one is local time in JS, which would
// shift every reading by the console's UTC offset.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of an ISO-8601 date-time with zone, or NaN. */
export function parseIsoTimestamp(text: string): EventMs {
  return text.length <= 40 && ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
}

import { displayTimeZone } from '../app/plant-zone';

/** Sensor values carry no unit on the wire, so one fixed format keeps columns comparable. */
export function formatValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10) / 10;
  // Avoids "-0.0", which reads as a sign that is not there.
  return (rounded === 0 ? 0 : rounded).toFixed(1);
}

/** Wall-clock time of an event, seconds included: staleness is judged in seconds. */
export function formatTime(ts: number, utc: boolean): string {
  if (!Number.isFinite(ts) || ts <= 0) return '—';
  const text = new Date(ts).toLocaleTimeString('en-GB', { hour12: false, timeZone: displayTimeZone(utc) });
  return utc ? `${text} UTC` : text;
}

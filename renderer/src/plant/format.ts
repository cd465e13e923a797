/** Sensor values carry no unit on the wire, so one fixed format keeps columns comparable. */
export function formatValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10) / 10;
  // Avoids "-0.0", which reads as a sign that is not there.
  return (rounded === 0 ? 0 : rounded).toFixed(1);
}


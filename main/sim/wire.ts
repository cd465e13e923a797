/** The JSON wire format of docs/architecture.md: what the simulator and the CSV replay put on the broker. */
import type { Limits, MachinePlan, MetricSpec } from './catalog';
import type { Sample } from './plant';

export interface WireMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface TelemetryPayload {
  ts: number;
  metrics: Record<string, number>;
}

export interface MetaPayload {
  type: string;
  name: string;
  units: Record<string, string>;
  /** Normal band and display span per metric, in the format ingest reads (main/ingest/eng-info.ts). */
  ranges: Record<string, { normal: [number, number]; display: [number, number] }>;
  counters: string[];
  limits?: Record<string, Limits>;
}

/**
 * A metric's normal band (idle to full load, with three noise widths) and a display span that also
 * holds its limits with a fifth of the span spare, so a bar shows both the band and the limits.
 */
export function rangesOf(spec: MetricSpec, limits: Limits | undefined): { normal: [number, number]; display: [number, number] } {
  const round = (v: number) => Number(v.toFixed(Math.max(0, spec.decimals)));
  const low = Math.min(spec.idle, spec.full) - 3 * spec.noise;
  const high = Math.max(spec.idle, spec.full) + 3 * spec.noise;
  const bounds = [low, high, ...Object.values(limits ?? {}).filter((v): v is number => v !== undefined)];
  const min = Math.min(...bounds);
  const max = Math.max(...bounds);
  const spare = (max - min) * 0.2 || 1;
  return { normal: [round(low), round(high)], display: [round(min >= 0 ? Math.max(0, min - spare) : min - spare), round(max + spare)] };
}

export const telemetryTopic = (site: string, area: string, machineId: string) => `factory/${site}/${area}/${machineId}/telemetry`;
export const metaTopic = (site: string, area: string, machineId: string) => `factory/${site}/${area}/${machineId}/meta`;

export function telemetryMessage(site: string, sample: Sample): WireMessage {
  const payload: TelemetryPayload = { ts: sample.ts, metrics: sample.metrics };
  return { topic: telemetryTopic(site, sample.machine.area, sample.machine.id), payload: JSON.stringify(payload), retain: false };
}

/** Retained, so a console that connects later still learns names, units and limits. */
export function metaMessage(site: string, machine: MachinePlan): WireMessage {
  const spec = machine.spec;
  const metrics: Record<string, MetricSpec> = { temperature: spec.temperature, vibration: spec.vibration, pressure: spec.pressure, power: spec.power, ...spec.extras };
  const units: Record<string, string> = {};
  const ranges: MetaPayload['ranges'] = {};
  for (const [name, metric] of Object.entries(metrics)) {
    units[name] = metric.unit;
    ranges[name] = rangesOf(metric, spec.limits[name]);
  }
  units[spec.counter.name] = spec.counter.unit;
  const counters = [spec.counter.name];
  if (spec.rejectRate !== undefined) {
    units.parts_rejected = 'parts';
    counters.push('parts_rejected');
  }
  const payload: MetaPayload = { type: spec.type, name: machine.name, units, ranges, counters, limits: spec.limits };
  return { topic: metaTopic(site, machine.area, machine.id), payload: JSON.stringify(payload), retain: true };
}

/** The JSON wire format of DESIGN.md: what the simulator and the CSV replay put on the broker. */
import type { Limits, MachinePlan } from './catalog';
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
  unit: Record<string, string>;
  limits?: Record<string, Limits>;
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
  const unit: Record<string, string> = {
    temperature: spec.temperature.unit,
    vibration: spec.vibration.unit,
    pressure: spec.pressure.unit,
    power: spec.power.unit,
  };
  for (const [name, extra] of Object.entries(spec.extras)) unit[name] = extra.unit;
  unit[spec.counter.name] = spec.counter.unit;
  if (spec.rejectRate !== undefined) unit.parts_rejected = 'parts';
  const payload: MetaPayload = { type: spec.type, name: machine.name, unit, limits: spec.limits };
  return { topic: metaTopic(site, machine.area, machine.id), payload: JSON.stringify(payload), retain: true };
}

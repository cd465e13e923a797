import { describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { CardinalityGate } from './cardinality-gate';
import { Quarantine } from './quarantine';
import { createCardinalityAdmission } from './cardinality-admission';

const reading = (machineId: string, metrics: Record<string, number>): Reading => ({ machineId, ts: 1000, receivedAt: 1000, metrics }) as Reading;

function setup() {
  const gate = new CardinalityGate({ maxMachines: 2, maxSensorsPerMachine: 2 });
  const quarantine = new Quarantine(100);
  return { gate, quarantine, admission: createCardinalityAdmission({ gate, quarantine, now: () => 5000 }) };
}

describe('cardinality admission on the shared path', () => {
  it('leaves MQTT readings and metas to the router’s gate, untouched', () => {
    const { admission, quarantine, gate } = setup();
    const batch = [reading('a', { x: 1 }), reading('b', { x: 1 }), reading('c', { x: 1, y: 2, z: 3 })];
    expect(admission.readings(batch, 'json')).toBe(batch);
    expect(admission.meta({ id: 'd', site: 's', area: 'a', name: 'd', protocol: 'sparkplug' })).toBe(true);
    expect(gate.size).toBe(0);
    expect(quarantine.total).toBe(0);
  });

  it('admits OPC UA and Modbus readings against the same limits, cutting sensors and refusing machines, once per batch', () => {
    const { admission, quarantine, gate } = setup();
    const kept = [reading('a', { x: 1 })];
    expect(admission.readings(kept, 'opcua')).toBe(kept);
    gate.seed(['b']);
    const out = admission.readings([reading('a', { x: 2, y: 2, z: 2 }), reading('c', { x: 1 }), reading('a', { x: 3 })], 'opcua');
    expect(out).toEqual([reading('a', { x: 2, y: 2 }), reading('a', { x: 3 })]);
    expect(quarantine.list({ limit: 10 })).toEqual([expect.objectContaining({ at: 5000, topic: 'opcua:a', reason: 'cardinality', detail: expect.stringMatching(/1 sensor\(s\) of a beyond the limit of 2 per machine \(z\)/), payloadBytes: 0 })]);
    expect(admission.readings([reading('c', { x: 1 })], 'modbus')).toEqual([]);
    expect(quarantine.list({ limit: 1 })[0]).toMatchObject({ topic: 'modbus:c', detail: 'machine c beyond the limit of 2 machines' });
    // the gate counts every refusal (for the alarm); the quarantine keeps one entry per batch
    expect(gate.refused.count).toBe(3);
    expect(quarantine.total).toBe(2);
  });

  it('refuses and quarantines the meta of a field machine beyond the limit', () => {
    const { admission, quarantine, gate } = setup();
    gate.seed(['a', 'b']);
    expect(admission.meta({ id: 'a', site: 's', area: 'x', name: 'a', protocol: 'modbus' })).toBe(true);
    expect(admission.meta({ id: 'c', site: 's', area: 'x', name: 'c', protocol: 'modbus' })).toBe(false);
    expect(quarantine.list({ limit: 1 })[0]).toMatchObject({ topic: 'modbus:c', reason: 'cardinality' });
  });
});

import mqtt from 'mqtt';
import { describe, expect, inject, it } from 'vitest';
import { Plant } from './plant';
import { runSimulator, startSimulator } from './simulate';
import { telemetryMessage } from './wire';

const START = Date.parse('2024-03-06T10:00:00Z');

describe('startSimulator', () => {
  it('publishes retained meta first, then exactly what the plant model gives for the same seed', async () => {
    const sent: { topic: string; payload: string; retain: boolean }[] = [];
    const sim = startSimulator({
      machines: 24,
      rateHz: 2,
      speed: Infinity,
      startTs: START,
      durationS: 30,
      faultsPerMachinePerDay: 50,
      seed: 4,
      site: 'plant1',
      publish: (topic, payload, { retain }) => void sent.push({ topic, payload, retain }),
    });
    await sim.done;

    expect(sent.slice(0, 24).every((m) => m.retain && m.topic.endsWith('/meta'))).toBe(true);
    const plant = new Plant({ machines: 24, seed: 4, faultsPerMachinePerDay: 50 });
    const expected: string[] = [];
    for (let k = 0; k < 60; k++) for (const s of plant.step(START + k * 500)) expected.push(telemetryMessage('plant1', s).payload);
    expect(sent.slice(24).map((m) => m.payload)).toEqual(expected);
    expect(sim.stats()).toMatchObject({ ticks: 60, messages: sent.length, eventTs: START + 29_500 });
  });

  it('stops on request and waits for a slow publisher', async () => {
    let inFlight = 0;
    const sim = startSimulator({
      machines: 24,
      rateHz: 1,
      speed: 1,
      startTs: START,
      faultsPerMachinePerDay: 0,
      seed: 1,
      site: 'plant1',
      publish: () => {
        inFlight++;
        return new Promise<void>((resolve) => setTimeout(() => (inFlight--, resolve()), 5));
      },
    });
    await new Promise((r) => setTimeout(r, 100));
    await sim.stop();
    expect(inFlight).toBe(0);
    expect(sim.stats().ticks).toBe(1);
  });
});

describe('runSimulator', () => {
  it('publishes meta and telemetry to a real broker, one reading per machine per event second', async () => {
    const url = inject('mosquittoUrl');
    const sim = await runSimulator({ brokerUrl: url, machines: 24, rateHz: 1, speed: 60, startTs: START, durationS: 600, faultsPerMachinePerDay: 0, seed: 2, site: 'simtest' });
    const sub = await mqtt.connectAsync(url);
    const meta = new Map<string, unknown>();
    const telemetry = new Map<string, number[]>();
    sub.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as { ts: number };
      const machine = topic.split('/')[3] ?? '';
      if (topic.endsWith('/meta')) meta.set(machine, body);
      else telemetry.set(machine, [...(telemetry.get(machine) ?? []), body.ts]);
    });
    // Subscribing after the start: meta must still arrive, because it is retained.
    await sub.subscribeAsync('factory/simtest/#');
    await new Promise((r) => setTimeout(r, 1500));
    await sim.stop();
    await sub.endAsync();

    expect(meta.size).toBe(24);
    expect(meta.get('M001')).toMatchObject({ type: 'cnc_mill', name: 'CNC-01' });
    const ts = telemetry.get('M001') ?? [];
    // 1.5 s of wall time at 60x is about 90 event seconds.
    expect(ts.length).toBeGreaterThan(40);
    expect(ts.length).toBeLessThan(150);
    for (let i = 1; i < ts.length; i++) expect((ts[i] ?? 0) - (ts[i - 1] ?? 0)).toBe(1000);
    expect(sim.stats().ticks).toBeGreaterThanOrEqual(ts.length);
  });
});

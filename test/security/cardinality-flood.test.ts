/**
 * Finding 2: the broker must not be able to make the console remember without bound. A flood of
 * new machines, sensors and Sparkplug nodes goes through Debian mosquitto into the real ingest
 * (MqttSource, router, decoders); an oversized packet is cut on its header.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { Health } from '../../common/contract';
import type { Reading } from '../../common/telemetry';
import { AlarmService } from '../../main/alarms/alarm-service';
import { CardinalityGate } from '../../main/ingest/cardinality-gate';
import { MachineRegistry } from '../../main/ingest/machine-registry';
import { MqttSource } from '../../main/ingest/mqtt-source';
import { Quarantine } from '../../main/ingest/quarantine';
import { alarmStore } from '../../main/alarms/alarm-store';
import { createAuditLog } from '../../main/store/audit-log';
import { openDatabase } from '../../main/store/open-database';
import { until, uniqueName } from '../integration/support';

const brokerUrl = inject('mosquittoUrl');
const sp = sparkplug.get('spBv1.0')!;
const spb = (payload: Parameters<typeof sp.encodePayload>[0]) => Buffer.from(sp.encodePayload(payload));
const dir = mkdtempSync(join(tmpdir(), 'fb-sec-card-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ingest(site: string, limits: { maxMachines: number; maxSensorsPerMachine: number }, maxPayloadBytes = 64 * 1024) {
  const quarantine = new Quarantine(1000);
  const gate = new CardinalityGate(limits);
  const registry = new MachineRegistry({ staleAfterMs: 10_000 });
  const source = new MqttSource({
    broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`, `spBv1.0/${site}/#`] },
    ingest: { maxPayloadBytes },
    quarantine,
    gate,
    sparkplug: { maxNodes: 20, maxRebirthsPerSecond: 5 },
    backoff: { initialMs: 50, maxMs: 200 },
  });
  const readings: Reading[] = [];
  source.onReadings((batch, protocol) => {
    for (const r of batch) registry.observe(r, protocol);
    readings.push(...batch);
  });
  source.onMeta((m) => registry.applyMeta(m, Date.now()));
  cleanups.push(() => source.stop());
  source.start();
  return { source, quarantine, gate, registry, readings };
}

async function publisher(): Promise<MqttClient> {
  const c = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
  cleanups.push(() => c.endAsync(true));
  return c;
}

describe('cardinality flood from the broker (finding 2)', () => {
  it('caps machines and sensors per machine, quarantines the rest, keeps known machines flowing and raises a system alarm', async () => {
    const site = uniqueName('s');
    const h = ingest(site, { maxMachines: 50, maxSensorsPerMachine: 8 });
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher();
    const metrics = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`m${k}`, k]));
    for (let i = 0; i < 500; i++) pub.publish(`factory/${site}/flood/machine${i}/telemetry`, JSON.stringify({ ts: Date.now(), metrics }), { qos: 0 });
    for (let i = 0; i < 100; i++) pub.publish(`factory/${site}/flood/extra${i}/meta`, JSON.stringify({ type: 'pump' }), { qos: 0 });
    await pub.publishAsync(`factory/${site}/flood/machine0/telemetry`, JSON.stringify({ ts: Date.now(), metrics: { m0: 42 } }), { qos: 1 });
    await until(() => h.readings.some((r) => r.machineId === `${site}/flood/machine0` && r.metrics.m0 === 42), 'a known machine after the flood');

    expect(h.registry.size).toBe(50);
    for (const m of h.registry.list()) expect(Object.keys(m.sensors).length).toBeLessThanOrEqual(8);
    expect(h.quarantine.counts().cardinality).toBe(450 + 50 + 100);
    expect(h.gate.refused.count).toBe(600);

    const db = openDatabase(join(dir, 'alarms.db'));
    cleanups.push(() => db.close());
    const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: Date.now, console: 'c', log: () => {} });
    const health = { broker: { url: 'x', state: 'connected', lastError: null }, store: { lastError: null }, models: { state: 'ok', detail: '' } } as unknown as Health;
    alarms.system({ health, ingestLatencyMs: null, commitWaitMs: 1000, diskFreeRatio: null, cardinality: h.gate.refused });
    expect(alarms.get('system:cardinality')).toMatchObject({ active: true, priority: 'high', source: 'system' });
  });

  it('bounds Sparkplug nodes, metrics per message and rebirth requests', async () => {
    const site = uniqueName('g');
    const h = ingest(site, { maxMachines: 10_000, maxSensorsPerMachine: 10_000 });
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher();
    const ncmds: string[] = [];
    pub.on('message', (t) => ncmds.push(t));
    await pub.subscribeAsync(`spBv1.0/${site}/NCMD/#`, { qos: 0 });
    // 300 unborn edge nodes sending data: each used to get state kept and an NCMD back
    for (let i = 0; i < 300; i++) pub.publish(`spBv1.0/${site}/NDATA/edge${i}`, spb({ timestamp: Date.now(), seq: 1, metrics: [{ name: 'x', type: 'Double', value: 1 }] }), { qos: 0 });
    // a birth with 1,000 metrics (the JSON path has a cap of 256)
    const huge = Array.from({ length: 1000 }, (_, k) => ({ name: `metric${k}`, alias: k, type: 'Double' as const, value: k }));
    await pub.publishAsync(`spBv1.0/${site}/NBIRTH/edge0`, spb({ timestamp: Date.now(), seq: 0, metrics: huge }), { qos: 1 });
    await until(() => h.quarantine.counts().unknown_shape >= 1, 'the oversized birth to be refused');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.quarantine.counts().cardinality).toBe(280);
    expect(ncmds.length).toBeLessThanOrEqual(10);
    expect(h.readings.length).toBe(0);
  });

  it('cuts a packet beyond the limit on its header, before buffering it, and reconnects', async () => {
    const site = uniqueName('o');
    const h = ingest(site, { maxMachines: 10, maxSensorsPerMachine: 10 }, 4096);
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher();
    await pub.publishAsync(`factory/${site}/a/m/telemetry`, Buffer.alloc(8 * 1024 * 1024, 0x20), { qos: 0 });
    await until(() => h.quarantine.list({ reason: 'oversized', limit: 1 })[0]?.topic === '(packet header)', 'the cut');
    await until(() => h.source.state === 'connected', 'the reconnect');
    await pub.publishAsync(`factory/${site}/a/m/telemetry`, JSON.stringify({ ts: Date.now(), metrics: { t: 1 } }), { qos: 0 });
    await until(() => h.readings.length === 1, 'telemetry after the reconnect');
  });
});

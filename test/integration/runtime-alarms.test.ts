/**
 * Alarms through the whole runtime on Debian mosquitto: limits from the machine type's retained
 * meta, a limit alarm raised in event time, pushed as an 'alarms' event, acknowledged through the
 * contract and kept in the journal and the audit log.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Alarm } from '../../common/contract-alarms';
import { ConfigSchema } from '../../main/config';
import { startRuntime } from '../../main/runtime';
import { call, setupAdmin, tempDirs, uniqueName, until } from './support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-it-alarms-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  dirs.cleanup();
});

describe('alarms in the runtime', () => {
  it('raises a limit alarm from meta defaults, pushes it, and takes an ack through the contract', async () => {
    const site = uniqueName('site');
    const config = ConfigSchema.parse({
      dataDir: dirs.make(),
      broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`] },
      store: { flushMs: 10, backupHourUtc: null },
      alarms: { site, console: 'it-console' },
    });
    const runtime = await startRuntime(config, { log: () => {} });
    cleanups.push(() => runtime.stop());
    await until(() => runtime.health().broker.state === 'connected', 'the runtime to connect');
    const pushed: Alarm[] = [];
    const spoken: { kind: string; alarmIds: string[]; text?: string }[] = [];
    cleanups.push(runtime.subscribe((name, payload) => name === 'alarms' && pushed.push(...(payload as { alarms: Alarm[] }).alarms)));
    cleanups.push(runtime.subscribe((name, payload) => name === 'voice' && spoken.push(payload as (typeof spoken)[number])));
    const admin = await setupAdmin(runtime);

    const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    cleanups.push(() => pub.endAsync());
    const machine = `${site}/machining/cnc1`;
    await pub.publishAsync(`factory/${machine}/meta`, JSON.stringify({ type: 'cnc_mill', name: 'CNC 1', limits: { temperature: { high: 62, highHigh: 72 } } }), { qos: 1 });
    await until(async () => (await call(runtime, admin, 'alarms.limits.get', { machineId: machine })).limits.length === 2, 'the meta limits');
    expect((await call(runtime, admin, 'alarms.limits.get', { machineId: machine })).limits[1]).toMatchObject({ level: 'H', setpoint: 62, origin: 'default' });

    // 65 degrees for 4 s of device time: past the default on-delay of 3 s
    const t0 = Date.now() - 60_000;
    for (let i = 0; i <= 4; i++) await pub.publishAsync(`factory/${machine}/telemetry`, JSON.stringify({ ts: t0 + i * 1000, metrics: { temperature: 65 } }), { qos: 1 });
    const id = `limit:${machine}:temperature:H`;
    await until(() => pushed.some((a) => a.id === id && a.state === 'active-unacknowledged'), 'the alarms event');
    const active = await call(runtime, admin, 'alarms.active', {});
    expect(active.alarms).toMatchObject([{ id, raisedAt: t0 + 3000, priority: 'medium', machineId: machine }]);

    // the announcer speaks it in the room, naming the machine as operators know it
    const phrase = await until(() => spoken.find((v) => v.kind === 'speak' && v.alarmIds.includes(id)), 'the voice announcement', 20_000);
    expect(phrase.text).toContain('CNC 1');

    const { alarm } = await call(runtime, admin, 'alarms.ack', { alarmId: id, note: 'coolant low' });
    await until(() => spoken.some((v) => v.kind === 'silence' && v.alarmIds.includes(id)), 'silence on ack');
    expect(alarm).toMatchObject({ state: 'active-acknowledged', ackedBy: 'admin', note: 'coolant low' });
    const refused = await runtime.dispatch(admin, 'alarms.ack', { alarmId: id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // system alarms (the readings are a minute old, so ingest latency) may be in the journal too
    const history = await call(runtime, admin, 'alarms.history', { from: 0, to: Date.now() + 1, alarmId: id });
    expect(history.entries.map((e) => [e.action, e.username, e.console])).toEqual([
      ['ack', 'admin', 'it-console'],
      ['activate', null, 'it-console'],
    ]);
    const kpis = await call(runtime, admin, 'alarms.kpis', { from: t0 - 1, to: Date.now() + 1 });
    expect(kpis.badActors.find((b) => b.alarmId === id)).toMatchObject({ count: 1 });
  });
});

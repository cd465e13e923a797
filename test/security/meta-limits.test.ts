/**
 * Finding 7: a retained meta message from anyone on the broker must not move or drop a machine's
 * alarm limits unseen, nor make the room's voice say what it likes. Through the whole runtime on
 * Debian mosquitto.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { startRuntime } from '../../main/runtime';
import { call, setupAdmin, tempDirs, uniqueName, until } from '../integration/support';

const brokerUrl = inject('mosquittoUrl');
const dirs = tempDirs('fb-sec-meta-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  dirs.cleanup();
});

describe('limits and names from meta (finding 7)', () => {
  it('holds changed meta limits for an engineer’s audited acceptance, and speaks only a safe name', async () => {
    const site = uniqueName('site');
    const config = ConfigSchema.parse({ dataDir: dirs.make(), broker: { url: brokerUrl, topics: [`factory/${site}/+/+/telemetry`, `factory/${site}/+/+/meta`] }, store: { flushMs: 10, backupHourUtc: null }, alarms: { site, sync: false }, agents: { enabled: false } });
    const runtime = await startRuntime(config, { log: () => {} });
    cleanups.push(() => runtime.stop());
    await until(() => runtime.health().broker.state === 'connected', 'the runtime to connect');
    const spoken: { kind: string; alarmIds: string[]; text?: string }[] = [];
    cleanups.push(runtime.subscribe((name, payload) => name === 'voice' && spoken.push(payload as (typeof spoken)[number])));
    const admin = await setupAdmin(runtime);
    const pub = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    cleanups.push(() => pub.endAsync());
    const machine = `${site}/machining/cnc1`;
    const limits = () => call(runtime, admin, 'alarms.limits.get', { machineId: machine });

    // the plant's own meta: adopted as the machine's defaults
    await pub.publishAsync(`factory/${machine}/meta`, JSON.stringify({ type: 'cnc_mill', name: 'CNC 1', limits: { temperature: { high: 62 } } }), { qos: 1, retain: true });
    await until(async () => (await limits()).limits.some((l) => l.setpoint === 62), 'the first meta limits');

    // the attacker's retained meta: the limit out of reach, and a name that is an instruction to the room
    const evil = '<speak>Evacuate the building now. All clear is false</speak>'.padEnd(250, '!');
    await pub.publishAsync(`factory/${machine}/meta`, JSON.stringify({ type: 'cnc_mill', name: evil, limits: { temperature: { high: 1000 } } }), { qos: 1, retain: true });
    await until(async () => (await limits()).proposedMeta !== undefined, 'the proposal');
    const held = await limits();
    expect(held.limits.find((l) => l.level === 'H')).toMatchObject({ setpoint: 62 });
    expect(held.proposedMeta).toMatchObject([{ sensor: 'temperature', level: 'H', setpoint: 1000 }]);
    const audit = await call(runtime, admin, 'audit.export', { limit: 1000 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['alarms.limits.meta-adopted', 'alarms.limits.meta-proposed']));

    // the limit still holds: 65 degrees raises the alarm, and the voice names the machine safely
    const t0 = Date.now() - 60_000;
    for (let i = 0; i <= 4; i++) await pub.publishAsync(`factory/${machine}/telemetry`, JSON.stringify({ ts: t0 + i * 1000, metrics: { temperature: 65 } }), { qos: 1 });
    const id = `limit:${machine}:temperature:H`;
    const phrase = await until(() => spoken.find((v) => v.kind === 'speak' && v.alarmIds.includes(id)), 'the voice announcement', 20_000);
    // no markup, none of the padding, and cut at 40 characters: the rest of the sentence is never said
    expect(phrase.text).not.toMatch(/<\/?speak|!|is false/);
    expect(phrase.text!.toLowerCase()).toContain('speak evacuate the building now');

    // an operator cannot accept; a supervisor (here the admin) can, and it is audited
    await call(runtime, admin, 'users.create', { username: 'operator1', password: 'long enough password', role: 'operator' });
    const op = { token: null, transport: 'ws' as const };
    await call(runtime, op, 'auth.login', { username: 'operator1', password: 'long enough password' });
    expect(await runtime.dispatch(op, 'alarms.limits.acceptMeta', { machineId: machine })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const accepted = await call(runtime, admin, 'alarms.limits.acceptMeta', { machineId: machine });
    expect(accepted.limits.find((l) => l.level === 'H')).toMatchObject({ setpoint: 1000 });
    expect(accepted.proposedMeta).toBeUndefined();
    const after = await call(runtime, admin, 'audit.export', { limit: 1000 });
    expect(after.find((e) => e.action === 'alarms.limits.meta-accepted')).toMatchObject({ username: 'admin', target: machine });

    await pub.publishAsync(`factory/${machine}/meta`, '', { qos: 1, retain: true });
  });
});

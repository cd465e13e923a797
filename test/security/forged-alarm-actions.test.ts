/**
 * Finding 1: whoever can publish on the broker must not act as an operator. Each attack is sent
 * through the real broker (Debian mosquitto, and the embedded aedes) to real consoles.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { AlarmService, type OperatorAction } from '../../main/alarms/alarm-service';
import { AlarmSync, alarmStateTopic, authorizeByLocalUsers, encodeAction } from '../../main/alarms/alarm-sync';
import { loadOrCreateSyncKey } from '../../main/alarms/sync-key';
import { startEmbeddedBroker } from '../../main/ingest/embedded-broker';
import { alarmStore } from '../../main/alarms/alarm-store';
import { createAuditLog } from '../../main/store/audit-log';
import { openDatabase } from '../../main/store/open-database';
import { until, uniqueName } from '../integration/support';

const mosquittoUrl = inject('mosquittoUrl');
const M = 'plant/machining/cnc1';
const TEMP_H = `limit:${M}:temperature:H`;
const dir = mkdtempSync(join(tmpdir(), 'fb-sec-alarms-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This site's accounts: olga operates, sam supervises, eve's account is disabled. */
const USERS: Record<string, { role: 'operator' | 'supervisor'; disabled: boolean }> = {
  olga: { role: 'operator', disabled: false },
  sam: { role: 'supervisor', disabled: false },
  eve: { role: 'supervisor', disabled: true },
};

async function console_(url: string, site: string, name: string, key: Buffer) {
  const db = openDatabase(join(dir, `${site}-${name}.db`));
  const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: Date.now, console: name, log: () => {}, maxShelveMs: 2 * 3_600_000 });
  alarms.applyMeta(M, { temperature: { high: 62 } });
  const sync = new AlarmSync({ broker: { url }, site, alarms, key, authorize: authorizeByLocalUsers((u) => USERS[u] ?? null), log: () => {} });
  cleanups.push(async () => {
    await sync.stop();
    db.close();
  });
  await until(() => sync.connected, `${name} to connect`);
  return { alarms, sync };
}

function excursion(alarms: AlarmService, t0: number) {
  for (let i = 0; i < 5; i++) alarms.reading({ machineId: M, ts: t0 + i * 1000, metrics: { temperature: 70 }, receivedAt: Date.now() });
}

const point = { id: TEMP_H, machineId: M, source: 'limit' as const, sensor: 'temperature', level: 'H' as const, priority: 'medium' as const, message: 'x', latching: false };
const action = (over: Partial<OperatorAction>): OperatorAction => ({ eventId: uniqueName('ev'), alarmId: TEMP_H, kind: 'ack', console: 'attacker', username: 'sam', at: Date.now(), occurrence: null, point, ...over });

describe('forged alarm actions over the broker (finding 1)', () => {
  it('refuses unsigned, wrongly signed, out-of-bounds and unauthorised actions on mosquitto; creates no alarm; a later real action still wins', async () => {
    const site = uniqueName('site');
    const key = loadOrCreateSyncKey(join(dir, `${site}.key`), () => {});
    expect(statSync(join(dir, `${site}.key`)).mode & 0o777).toBe(0o600);
    const a = await console_(mosquittoUrl, site, 'console-a', key);
    const b = await console_(mosquittoUrl, site, 'console-b', key);
    const t0 = Date.now() - 10_000;
    excursion(a.alarms, t0);
    excursion(b.alarms, t0);
    const raisedAt = a.alarms.get(TEMP_H)!.raisedAt;
    expect(a.alarms.get(TEMP_H)?.state).toBe('active-unacknowledged');

    const attacker = await mqtt.connectAsync(mosquittoUrl, { reconnectPeriod: 0 });
    cleanups.push(() => attacker.endAsync());
    const send = (topic: string, payload: string) => attacker.publishAsync(topic, payload, { qos: 1, retain: true });
    const topic = alarmStateTopic(site, TEMP_H);
    // 1. the old unsigned wire format: ack as anyone
    await send(topic, JSON.stringify({ v: 1, action: action({ occurrence: raisedAt }) }));
    // 2. signed with a key that is not the site's
    await send(topic, encodeAction(Buffer.alloc(32, 1), site, action({ occurrence: raisedAt })).payload);
    // 3. a genuine signature moved to another alarm's topic
    const moved = encodeAction(key, site, action({ occurrence: raisedAt, alarmId: 'system:store', point: { ...point, id: 'system:store' } }));
    await send(topic, moved.payload);
    // 4. signed (a console with a broken clock, or a stolen key) but dated a year ahead: would beat every later action
    await send(topic, encodeAction(key, site, action({ kind: 'shelve', at: Date.now() + 365 * 86_400_000, reason: 'x', until: Date.now() + 366 * 86_400_000 })).payload);
    // 5. a shelf far beyond the console's limit
    await send(topic, encodeAction(key, site, action({ kind: 'shelve', reason: 'x', until: Date.now() + 30 * 86_400_000 })).payload);
    // 6. an operator shelving, a disabled account, and a name no console knows
    await send(topic, encodeAction(key, site, action({ kind: 'shelve', username: 'olga', reason: 'x', until: Date.now() + 60_000 })).payload);
    await send(topic, encodeAction(key, site, action({ kind: 'remove-from-service', username: 'eve', reason: 'x' })).payload);
    await send(topic, encodeAction(key, site, action({ kind: 'remove-from-service', username: 'mallory', reason: 'x' })).payload);
    // 7. an alarm that was never raised, on its own topic: it must not be created
    const store = encodeAction(key, site, action({ kind: 'remove-from-service', alarmId: 'system:store', reason: 'x', point: { ...point, id: 'system:store', source: 'system' as const } }));
    await send(store.topic, store.payload);

    for (const c of [a, b]) {
      await until(() => c.sync.rejected === 8, 'every forged action to be refused', 5000);
      expect(c.sync.rejectedBy).toEqual({ format: 1, signature: 2, bounds: 2, user: 3 });
      expect(c.alarms.get(TEMP_H)).toMatchObject({ state: 'active-unacknowledged', ackedBy: null, shelvedUntil: null });
      expect(c.alarms.get('system:store')).toBeUndefined();
    }
    // the signed out-of-service of system:store is held, bounded, never an alarm of its own
    await until(() => a.alarms.pendingRemote === 1, 'the action on an unraised alarm to be held', 5000);

    // the real operator's later ack still lands everywhere
    a.alarms.ack({ id: 1, username: 'olga' }, TEMP_H, 'real');
    await until(() => b.alarms.get(TEMP_H)?.state === 'active-acknowledged', 'the real ack on console b', 5000);
    expect(b.alarms.get(TEMP_H)).toMatchObject({ ackedBy: 'olga', note: 'real' });
  });

  it('keeps pending state bounded however many unknown alarms are named', async () => {
    const db = openDatabase(join(dir, 'pending.db'));
    cleanups.push(() => db.close());
    const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: Date.now, console: 'c', log: () => {}, maxPendingRemote: 100 });
    for (let i = 0; i < 5000; i++) alarms.applyRemote(action({ alarmId: `limit:x/y/m${i}:t:H`, kind: 'remove-from-service', reason: 'x' }));
    expect(alarms.pendingRemote).toBe(100);
    expect(alarms.active({ filter: {}, sort: 'priority', limit: 10 }).total).toBe(0);
  });

  it('the embedded aedes broker keeps other local processes off the consoles’ topics and cuts oversized packets', async () => {
    const broker = await startEmbeddedBroker({ port: 0, maxPacketBytes: 64 * 1024 });
    cleanups.push(() => broker.close());
    const appUrl = broker.url.replace('mqtt://', `mqtt://${broker.credentials.username}:${broker.credentials.password}@`);
    const app = await mqtt.connectAsync(appUrl, { reconnectPeriod: 0 });
    cleanups.push(() => app.endAsync(true));
    const seen: string[] = [];
    app.on('message', (t) => seen.push(t));
    await app.subscribeAsync(['factorybrain/#', 'factory/+/+/+/telemetry', 'factory/+/+/+/command'], { qos: 1 });

    // a wrong password is refused at connect
    await expect(mqtt.connectAsync(broker.url, { reconnectPeriod: 0, username: broker.credentials.username, password: 'guess' })).rejects.toThrow();
    expect(broker.refused.connect).toBe(1);

    // an anonymous local process: device data passes, subscribing to the consoles' topics does not
    const local = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => local.endAsync(true));
    await expect(local.subscribeAsync('factorybrain/#')).rejects.toThrow(/Subscribe error/);
    await expect(local.subscribeAsync('#')).rejects.toThrow(/Subscribe error/);
    expect((await local.subscribeAsync('factory/s/a/m/command'))[0]?.qos).toBe(0);
    await local.publishAsync('factory/s/a/m/telemetry', '{"ts":1,"metrics":{"t":1}}', { qos: 1 });
    await until(() => seen.includes('factory/s/a/m/telemetry'), 'device telemetry to pass');

    // its forged alarm action and machine command are refused and it is disconnected
    const closed = new Promise<void>((resolve) => local.once('close', () => resolve()));
    local.publish('factorybrain/plant1/alarms/system%3Astore/state', JSON.stringify({ v: 1 }), { qos: 0, retain: true });
    local.publish('factory/s/a/m/command', '{"cmd":"stop"}', { qos: 0 });
    await closed;
    expect(broker.refused.publish).toBeGreaterThanOrEqual(1);
    expect(broker.refused.subscribe).toBe(2);

    // the app itself still uses its topics
    await app.publishAsync('factorybrain/plant1/alarms/x/state', 'ok', { qos: 1 });
    await until(() => seen.includes('factorybrain/plant1/alarms/x/state'), 'the app’s own publish');
    expect(seen.filter((t) => t.endsWith('/command') || t.includes('system%3Astore'))).toEqual([]);

    // a raw client announcing a 100 MB PUBLISH is cut after its header, before the body is buffered
    const socket = connect(broker.port, '127.0.0.1');
    const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // CONNECT (MQTT 3.1.1, clean session, client id "x"), then a PUBLISH header claiming 100,000,000 bytes
    socket.write(Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, 1, 0x78]));
    socket.write(Buffer.from([0x30, 0x80, 0xc2, 0xd7, 0x2f]));
    await cut;
    expect(broker.refused.oversize).toBe(1);
  });
});

/**
 * Two (then three) consoles, each with its own store, sharing operator actions over the real
 * mosquitto. The broker is shared with other test files, so each test has its own site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { until, uniqueName } from '../../test/integration/support';
import { alarmStore } from './alarm-store';
import { createAuditLog } from '../store/audit-log';
import { openDatabase } from '../store/open-database';
import { AlarmService } from './alarm-service';
import { AlarmSync, alarmStateTopic, authorizeByLocalUsers } from './alarm-sync';

/** Every console of a test site holds the same key, and knows olga and sam as supervisors. */
const KEY = Buffer.alloc(32, 7);
const supervisors = authorizeByLocalUsers(() => ({ role: 'supervisor', disabled: false }));

const brokerUrl = inject('mosquittoUrl');
const M = 'plant/machining/cnc1';
const TEMP_H = `limit:${M}:temperature:H`;

const dir = mkdtempSync(join(tmpdir(), 'fb-alarm-sync-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function console_(site: string, name: string) {
  const db = openDatabase(join(dir, `${site}-${name}.db`));
  const alarms = new AlarmService({ store: alarmStore(db, createAuditLog(db)), now: Date.now, console: name, log: () => {} });
  alarms.applyMeta(M, { temperature: { high: 62 } });
  const sync = new AlarmSync({ broker: { url: brokerUrl }, site, alarms, key: KEY, authorize: supervisors, log: () => {} });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await sync.stop();
    db.close();
  };
  cleanups.push(stop);
  await until(() => sync.connected, `${name} to connect`);
  return { alarms, sync, stop };
}

/** The same excursion as every console sees it: 4 readings 1 s apart, past the default on-delay. */
function excursion(alarms: AlarmService, t0: number) {
  for (let i = 0; i < 5; i++) alarms.reading({ machineId: M, ts: t0 + i * 1000, metrics: { temperature: 70 }, receivedAt: Date.now() });
}

describe('alarm sync over mosquitto', () => {
  it('shares acks, notes and shelves within a second, and survives a restart', async () => {
    const site = uniqueName('site');
    const a = await console_(site, 'console-a');
    let b = await console_(site, 'console-b');
    const t0 = Date.now() - 10_000;
    excursion(a.alarms, t0);
    excursion(b.alarms, t0);
    expect(b.alarms.get(TEMP_H)?.state).toBe('active-unacknowledged');

    const started = performance.now();
    a.alarms.ack({ id: 1, username: 'olga' }, TEMP_H, 'coolant valve stuck');
    await until(() => b.alarms.get(TEMP_H)?.state === 'active-acknowledged', 'the ack on console b', 1000, 5);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(b.alarms.get(TEMP_H)).toMatchObject({ ackedBy: 'olga', note: 'coolant valve stuck' });
    expect(b.alarms.history({ from: 0, to: Date.now() + 1, limit: 10 }).entries[0]).toMatchObject({ action: 'ack', console: 'console-a', username: 'olga' });

    b.alarms.shelve({ id: 7, username: 'sam' }, TEMP_H, 'valve being replaced', 30);
    await until(() => a.alarms.get(TEMP_H)?.state === 'shelved', 'the shelf on console a', 1000, 5);
    expect(a.alarms.get(TEMP_H)).toMatchObject({ modeBy: 'sam', modeReason: 'valve being replaced' });

    // console b restarts: its own store has everything, and the retained copy lands once
    await b.stop();
    b = await console_(site, 'console-b');
    expect(b.alarms.get(TEMP_H)).toMatchObject({ state: 'shelved', ackedBy: 'olga' });
    const journalled = () => b.alarms.history({ from: 0, to: Date.now() + 1, limit: 100 }).entries.length;
    const before = journalled();
    a.alarms.unshelve({ id: 1, username: 'olga' }, TEMP_H);
    await until(() => b.alarms.get(TEMP_H)?.state === 'active-unacknowledged', 'the unshelve on restarted console b', 1000, 5);
    expect(journalled()).toBe(before + 1);
  });

  it('gives a console that starts later the retained state, and ignores garbage on the topics', async () => {
    const site = uniqueName('site');
    const a = await console_(site, 'console-a');
    excursion(a.alarms, Date.now() - 10_000);
    a.alarms.outOfService({ id: 1, username: 'sam' }, TEMP_H, 'sensor recalibration');

    const garbage = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    cleanups.push(() => garbage.endAsync());
    await garbage.publishAsync(`factorybrain/${site}/alarms/x/state`, 'not json', { qos: 1, retain: true });
    await garbage.publishAsync(alarmStateTopic(site, 'other'), JSON.stringify({ v: 1, action: { alarmId: 'other' } }), { qos: 1, retain: true });

    // console c has not seen the excursion yet: it holds the retained action until it does
    const c = await console_(site, 'console-c');
    await until(() => c.alarms.pendingRemote === 1, 'the retained out-of-service to be held on console c', 5000, 10);
    expect(c.alarms.get(TEMP_H)).toBeUndefined();
    excursion(c.alarms, Date.now() - 10_000);
    await until(() => c.alarms.get(TEMP_H)?.state === 'out-of-service', 'the retained out-of-service on console c', 5000, 10);
    expect(c.alarms.get(TEMP_H)).toMatchObject({ modeBy: 'sam', modeReason: 'sensor recalibration', source: 'limit', machineId: M });
    await until(() => c.sync.rejected === 2, 'both garbage messages to be counted');
  });
});

/**
 * Finding 5: an approved machine command goes out once, to the documented topic. Two approvals race
 * each other through the real agent host, publishing on Debian mosquitto through the app's MqttSource.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { Machine } from '../../common/telemetry';
import { commandTopic, createAgentHost } from '../../main/agents-host/host';
import { ConfigSchema } from '../../main/config';
import { MqttSource } from '../../main/ingest/mqtt-source';
import { Quarantine } from '../../main/ingest/quarantine';
import { createAuditLog } from '../../main/store/audit-log';
import { openDatabase } from '../../main/store/open-database';
import { until, uniqueName } from '../integration/support';

const brokerUrl = inject('mosquittoUrl');
const dir = mkdtempSync(join(tmpdir(), 'fb-sec-cmd-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('machine command approval (finding 5)', () => {
  it('publishes a command approved twice at once exactly once, to factory/<site>/<area>/<machine>/command, and audits what it did', async () => {
    const site = uniqueName('s');
    const machine: Machine = { id: `${site}/utilities/comp1`, name: 'comp1', site, area: 'utilities', type: 'compressor', protocol: 'json', firstSeen: 0, lastSeen: 0, state: 'online', sensors: {} };
    const config = ConfigSchema.parse({});
    const db = openDatabase(join(dir, `${site}.db`));
    cleanups.push(() => db.close());
    const audit = createAuditLog(db);
    const source = new MqttSource({ broker: { url: brokerUrl, topics: [`factory/${site}/none/none/telemetry`] }, ingest: { maxPayloadBytes: 4096 }, quarantine: new Quarantine(10) });
    cleanups.push(() => source.stop());
    source.start();
    await until(() => source.state === 'connected', 'connect');
    const host = createAgentHost({ db, audit, config: config.agents, plant: config.plant, machines: () => [machine], publish: (t, p, qos) => source.publish(t, p, { qos }), emit: () => {}, log: () => {}, now: Date.now, monotonic: () => performance.now() });
    expect(host.decisions.record({ id: 'energy:1:0', agent: 'energy', ts: 1, action: 'standby', target: machine.id, explanation: 'idle for an hour', inputs: {}, params: { command: 'standby' } }, 'awaiting_approval', Date.now())).toBe(true);

    const device = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
    cleanups.push(() => device.endAsync(true));
    const received: string[] = [];
    device.on('message', (topic) => received.push(topic));
    await device.subscribeAsync(`factory/${site}/#`, { qos: 1 });

    // both in the same turn of the event loop, as two consoles' calls arriving together are
    const approve = async (username: string) => host.approveCommand('energy:1:0', { username });
    const results = await Promise.allSettled([approve('olga'), approve('sam')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'conflict' });
    await until(() => received.length >= 1, 'the command on the device');
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([`factory/${site}/utilities/comp1/command`]);
    // and once settled, a late approval is refused too
    expect(() => host.approveCommand('energy:1:0', { username: 'sam' })).toThrow(/approved, not awaiting approval/);
    const published = audit.list({ limit: 10 }).filter((e) => e.action === 'agents.command.published');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ outcome: 'ok', detail: { topic: `factory/${site}/utilities/comp1/command` } });
  });

  it('fills the template with the machine’s own topic segment', () => {
    const m = { id: 'plant1/machining/CNC-01', site: 'plant1', area: 'machining' };
    expect(commandTopic('factory/<site>/<area>/<machine>/command', m)).toBe('factory/plant1/machining/CNC-01/command');
    expect(commandTopic('spBv1.0/<site>/DCMD/<area>/<machine>', { id: 'g1/edge1/dev1', site: 'g1', area: 'edge1' })).toBe('spBv1.0/g1/DCMD/edge1/dev1');
  });
});

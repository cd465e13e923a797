import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { BrokerState } from '../../common/contract';
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import type { MachineMeta } from './decoded';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import { MqttSource } from './mqtt-source';
import { Quarantine } from './quarantine';

const sp = sparkplug.get('spBv1.0');
if (!sp) throw new Error('no spBv1.0 codec');

/** mqtt.js publishes Buffers, not plain Uint8Arrays. */
const spb = (payload: Parameters<typeof sp.encodePayload>[0]) => Buffer.from(sp.encodePayload(payload));

const TOPICS = ['factory/+/+/+/telemetry', 'factory/+/+/+/meta', 'spBv1.0/#'];

/** The embedded broker lets only the app's own clients use every topic; these tests play the app. */
const asApp = (b: EmbeddedBroker) => b.url.replace('mqtt://', `mqtt://${b.credentials.username}:${b.credentials.password}@`);

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Harness {
  source: MqttSource;
  quarantine: Quarantine;
  readings: Reading[];
  metas: MachineMeta[];
  offline: string[];
  rejected: QuarantineEntry[];
  states: BrokerState[];
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Reads are coalesced as the app's default config does, so every scenario runs with it. */
function harness(url: string, readCoalesceMs = 40): Harness {
  const quarantine = new Quarantine(100);
  const source = new MqttSource({ broker: { url, topics: TOPICS }, ingest: { maxPayloadBytes: 4096, readCoalesceMs }, quarantine, backoff: { initialMs: 50, maxMs: 200 }, connectTimeoutMs: 2_000 });
  const h: Harness = { source, quarantine, readings: [], metas: [], offline: [], rejected: [], states: [] };
  source.onReadings((batch) => h.readings.push(...batch));
  source.onMeta((m) => h.metas.push(m));
  source.onOffline((id) => h.offline.push(id));
  source.onRejected((e) => h.rejected.push(e));
  source.onState((s) => h.states.push(s));
  cleanups.push(() => source.stop());
  return h;
}

async function publisher(url: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

const telemetry = (temp: number) => JSON.stringify({ ts: Date.now(), metrics: { temp } });

const brokers: [string, () => Promise<string>][] = [
  ['Debian mosquitto', async () => inject('mosquittoUrl')],
  [
    'embedded aedes',
    async () => {
      const broker = await startEmbeddedBroker({ port: 0 });
      cleanups.push(() => broker.close());
      return asApp(broker);
    },
  ],
];

describe.each(brokers)('MqttSource against %s', (_name, brokerUrl) => {
  it('delivers JSON and Sparkplug readings, quarantines bad input and carries on', async () => {
    const url = await brokerUrl();
    const h = harness(url);
    h.source.start();
    expect(h.source.state).toBe('connecting');
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher(url);

    const site = `s${Math.random().toString(36).slice(2, 8)}`;
    await pub.publishAsync(`factory/${site}/press/p1/meta`, JSON.stringify({ type: 'press', name: 'Press 1' }), { qos: 1 });
    await pub.publishAsync(`factory/${site}/press/p1/telemetry`, telemetry(20), { qos: 1 });
    await pub.publishAsync(`factory/${site}/press/p1/telemetry`, '{not json', { qos: 1 });
    await pub.publishAsync(`factory/${site}/press/p1/telemetry`, Buffer.alloc(5000, 0x7b), { qos: 1 });
    const rebirth = new Promise<Buffer>((resolve) => {
      pub.on('message', (topic, payload) => topic === `spBv1.0/${site}/NCMD/edge1` && resolve(payload));
    });
    await pub.subscribeAsync(`spBv1.0/${site}/NCMD/edge1`);
    await pub.publishAsync(`spBv1.0/${site}/DDATA/edge1/dev1`, spb({ timestamp: Date.now(), seq: 1, metrics: [{ alias: 1, type: 'Double', value: 1 }] }), { qos: 1 });
    await pub.publishAsync(`spBv1.0/${site}/NBIRTH/edge1`, spb({ timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }), { qos: 1 });
    await pub.publishAsync(
      `spBv1.0/${site}/DBIRTH/edge1/dev1`,
      spb({ timestamp: Date.now(), seq: 1, metrics: [{ name: 'Temp', alias: 1, type: 'Double', value: 30 }] }),
      { qos: 1 },
    );
    await pub.publishAsync(`spBv1.0/${site}/DDATA/edge1/dev1`, spb({ timestamp: Date.now(), seq: 2, metrics: [{ alias: 1, type: 'Double', value: 31 }] }), { qos: 1 });
    await pub.publishAsync(`spBv1.0/${site}/NDEATH/edge1`, spb({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }), { qos: 1 });
    await pub.publishAsync(`factory/${site}/press/p1/telemetry`, telemetry(21), { qos: 1 });

    const mine = () => h.readings.filter((r) => r.machineId.startsWith(site));
    await until(() => mine().length === 4 && h.offline.length === 2, 'readings and deaths');
    expect(mine().map((r) => [r.machineId, r.metrics])).toEqual([
      [`${site}/press/p1`, { temp: 20 }],
      [`${site}/edge1/dev1`, { Temp: 30 }],
      [`${site}/edge1/dev1`, { Temp: 31 }],
      [`${site}/press/p1`, { temp: 21 }],
    ]);
    // the broker is shared with other test files, whose retained meta this subscription also sees
    expect(h.metas.filter((m) => m.id.startsWith(site)).map((m) => [m.id, m.type])).toEqual([
      [`${site}/press/p1`, 'press'],
      [`${site}/edge1`, undefined],
      [`${site}/edge1/dev1`, undefined],
    ]);
    expect(h.offline.filter((id) => id.startsWith(site))).toEqual([`${site}/edge1`, `${site}/edge1/dev1`]);
    expect(h.rejected.filter((e) => e.topic.includes(site)).map((e) => e.reason)).toEqual(['invalid_json', 'oversized', 'sparkplug_unborn']);
    expect(h.quarantine.counts()).toMatchObject({ invalid_json: 1, oversized: 1, sparkplug_unborn: 1 });
    const ncmd = sp.decodePayload(await rebirth);
    expect(ncmd.metrics?.[0]).toMatchObject({ name: 'Node Control/Rebirth', value: true });
    expect(h.source.lastError).toBeNull();
  });

  it('reads a light stream in bursts, one wake-up for several messages, and loses none', async () => {
    const url = await brokerUrl();
    const wakeUps = async (readCoalesceMs: number) => {
      const h = harness(url, readCoalesceMs);
      const arrivals: number[] = [];
      h.source.onReadings(() => arrivals.push(performance.now()));
      h.source.start();
      await until(() => h.source.state === 'connected', 'connected');
      const pub = await publisher(url);
      (pub.stream as { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
      for (let i = 0; i < 40; i++) {
        pub.publish('factory/s/a/m/telemetry', JSON.stringify({ ts: Date.now(), metrics: { seq: i } }));
        await new Promise((r) => setTimeout(r, 5));
      }
      await until(() => h.readings.length === 40, 'all 40 readings');
      expect(h.readings.map((r) => r.metrics['seq'])).toEqual(Array.from({ length: 40 }, (_, i) => i));
      await h.source.stop();
      // readings handed on in one wake-up come within a fraction of a millisecond of each other
      return arrivals.filter((t, i) => i === 0 || t - arrivals[i - 1]! > 2).length;
    };
    const coalesced = await wakeUps(40);
    const each = await wakeUps(0);
    expect(coalesced).toBeLessThanOrEqual(15);
    expect(each).toBeGreaterThan(coalesced * 1.5);
  });

  it('keeps going when a listener throws', async () => {
    const url = await brokerUrl();
    const h = harness(url);
    h.source.onReadings(() => {
      throw new Error('boom');
    });
    h.source.start();
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher(url);
    const site = `s${Math.random().toString(36).slice(2, 8)}`;
    for (let i = 0; i < 3; i++) await pub.publishAsync(`factory/${site}/a/m/telemetry`, telemetry(i), { qos: 1 });
    await until(() => h.readings.length === 3, 'three readings');
    expect(h.source.listenerErrors).toBe(3);
    expect(h.source.lastError).toContain('boom');
    expect(h.quarantine.total).toBe(0);
  });
});

describe.each(brokers)('MqttSource acknowledgement against %s', (_name, brokerUrl) => {
  it('acknowledges a QoS 1 message only once the gate says it is stored; the broker redelivers the rest after a crash', async () => {
    const url = await brokerUrl();
    const clientId = `fb-ack-${Math.random().toString(36).slice(2, 8)}`;
    const site = clientId.replace(/-/g, '');
    const held: (() => void)[] = [];
    let handed = 0;
    const seen: number[] = [];
    const open = (gated: boolean) => {
      const source = new MqttSource({
        broker: { url, clientId, topics: [`factory/${site}/+/+/telemetry`] },
        ingest: { maxPayloadBytes: 4096 },
        quarantine: new Quarantine(10),
        ...(gated && { ackGate: { mark: () => handed, whenStored: (_mark: number, ack: () => void) => void held.push(ack) } }),
      });
      source.onReadings((batch) => {
        handed += batch.length;
        seen.push(...batch.map((r) => r.metrics.n!));
      });
      cleanups.push(() => source.stop());
      source.start();
      return source;
    };
    const first = open(true);
    await until(() => first.state === 'connected', 'first connect');
    const pub = await publisher(url);
    for (const n of [1, 2, 3]) await pub.publishAsync(`factory/${site}/a/m/telemetry`, JSON.stringify({ ts: Date.UTC(2026, 0, 1) + 1_000 * n, metrics: { n } }), { qos: 1 });
    await until(() => held.length === 3, 'three held acknowledgements');
    expect(seen).toEqual([1, 2, 3]);
    held[0]!();
    // The PUBACK for 1 must reach the broker before the crash.
    await new Promise((r) => setTimeout(r, 200));
    await first.stop();
    seen.length = 0;
    const second = open(false);
    await until(() => seen.length >= 2, 'the unacknowledged messages again');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([2, 3]);
    await second.stop();
  });
});

describe('MqttSource reconnect', () => {
  it('reconnects with back-off after the broker restarts and resumes delivery', async () => {
    let broker: EmbeddedBroker | null = await startEmbeddedBroker({ port: 0 });
    const port = broker.port;
    cleanups.push(() => broker?.close());
    const password = broker.credentials.password;
    const h = harness(asApp(broker));
    h.source.start();
    await until(() => h.source.state === 'connected', 'first connect');

    await broker.close();
    broker = null;
    await until(() => h.source.state === 'reconnecting', 'reconnecting');
    // a few refused attempts while the broker is down
    await new Promise((r) => setTimeout(r, 400));
    expect(h.source.state).toBe('reconnecting');

    broker = await startEmbeddedBroker({ port, password });
    await until(() => h.source.state === 'connected', 'reconnect');
    const pub = await publisher(asApp(broker));
    await pub.publishAsync('factory/s/a/m/telemetry', telemetry(5), { qos: 1 });
    await until(() => h.readings.length === 1, 'reading after reconnect');
    expect(h.states).toEqual(expect.arrayContaining(['connecting', 'connected', 'reconnecting']));
    expect(h.states.at(-1)).toBe('connected');

    await h.source.stop();
    expect(h.source.state).toBe('offline');
  });

  it('publishes for the app and refuses to while disconnected', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    cleanups.push(() => broker.close());
    const h = harness(asApp(broker));
    await expect(h.source.publish('x/y', 'z')).rejects.toThrow(/not connected/);
    h.source.start();
    await until(() => h.source.state === 'connected', 'connect');
    const pub = await publisher(asApp(broker));
    await pub.subscribeAsync('x/y');
    const got = new Promise<string>((resolve) => pub.on('message', (_t, p) => resolve(p.toString())));
    await h.source.publish('x/y', 'hello', { qos: 1 });
    expect(await got).toBe('hello');
  });
});

describe('MqttSource configuration errors', () => {
  it('keeps retrying, with the reason in lastError, when a TLS file cannot be read', async () => {
    const quarantine = new Quarantine(10);
    const source = new MqttSource({
      broker: { url: 'mqtts://127.0.0.1:1', topics: TOPICS, tls: { caFile: '/nonexistent/ca.pem', rejectUnauthorized: true } },
      ingest: { maxPayloadBytes: 1024 },
      quarantine,
      backoff: { initialMs: 20, maxMs: 20 },
    });
    cleanups.push(() => source.stop());
    source.start();
    await until(() => source.lastError !== null, 'an error');
    expect(source.lastError).toMatch(/nonexistent\/ca\.pem/);
    expect(source.state).toBe('connecting');
  });
});

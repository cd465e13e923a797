/**
 * Roles of bench:opcua, each in its own process:
 *  server:  node-opcua's server with ITEMS Double variables (ns=1;s=Bulk.v<i>), every one changed
 *           once a second with the source time of the change; prints its endpoint on IPC.
 *  bare:    a bare node-opcua client subscribing to the same items (same intervals), only counting.
 *  console: the console's path: OpcuaSource (status and type checks, one reading per machine and
 *           source time) into the telemetry writer; publish (source time) -> stored latency from
 *           the writer's commit notifications.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, ClientMonitoredItemGroup, MessageSecurityMode, OPCUAClient, SecurityPolicy, setWarningLogger, TimestampsToReturn, type ClientSubscription } from 'node-opcua';
import { OpcuaConfigSchema } from '../../main/ingest-opcua/opcua-config';
import { OpcuaSource } from '../../main/ingest-opcua/opcua-source';
import { startOpcuaTestServer } from '../../main/ingest-opcua/opcua-test-server';
import { Quarantine } from '../../main/ingest/quarantine';
import { metricNames } from '../../main/store/metric-names';
import { decodeMetrics, type StoredMetrics } from '../../main/store/metrics-codec';
import { openDatabase } from '../../main/store/open-database';
import { TelemetryWriter } from '../../main/store/telemetry-writer';
import { serveMeasurements } from './child';

setWarningLogger(() => undefined);
const role = process.argv[2];
export const PUBLISHING_MS = 250;
export const SAMPLING_MS = 0;
export const PER_MACHINE = 100;

if (role === 'server') {
  const items = Number(process.argv[3]);
  const dir = mkdtempSync(join(tmpdir(), 'fb-bench-opcua-server-'));
  const server = await startOpcuaTestServer({ pkiDir: dir, bulk: items, tickMs: 1000 });
  process.send!({ endpointUrl: server.endpointUrl });
  process.on('SIGTERM', () => {
    void server.stop().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
} else if (role === 'bare') {
  const [endpointUrl, items] = [process.argv[3]!, Number(process.argv[4])];
  const client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({ requestedPublishingInterval: PUBLISHING_MS, requestedLifetimeCount: 100, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 1 });
  const group = ClientMonitoredItemGroup.create(
    subscription as ClientSubscription,
    Array.from({ length: items }, (_, i) => ({ nodeId: `ns=1;s=Bulk.v${i}`, attributeId: AttributeIds.Value })),
    { samplingInterval: SAMPLING_MS, queueSize: 10, discardOldest: true },
    TimestampsToReturn.Both,
  );
  let changes = 0;
  group.on('changed', () => changes++);
  await new Promise<void>((resolve) => group.once('initialized', () => resolve()));
  serveMeasurements(() => ({ changes }));
} else if (role === 'console') {
  const [endpointUrl, items] = [process.argv[3]!, Number(process.argv[4])];
  const dir = mkdtempSync(join(tmpdir(), 'fb-bench-opcua-'));
  const dbPath = join(dir, 'store.db');
  openDatabase(dbPath).close();
  // commits at least every 250 ms: the store's flushMs, set as a plant that wants sub-second latency would
  const writer = await TelemetryWriter.start({ dbPath, flushMs: 250, retention: { rawDays: 7, minuteDays: 90, hourDays: 1825 } });
  const config = OpcuaConfigSchema.parse({
    pkiDir: join(dir, 'pki'),
    servers: [
      {
        name: 'bench',
        endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        subscriptions: [{ publishingIntervalMs: PUBLISHING_MS, samplingIntervalMs: SAMPLING_MS, items: Array.from({ length: items }, (_, i) => ({ nodeId: `ns=1;s=Bulk.v${i}`, machine: `ua${Math.floor(i / PER_MACHINE)}`, metric: `v${i % PER_MACHINE}` })) }],
      },
    ],
  });
  const source = new OpcuaSource({ config, pkiDir: join(dir, 'pki'), quarantine: new Quarantine(1000) });
  let values = 0;
  let readings = 0;
  let storedValues = 0;
  let measuring = false;
  const latencies: number[] = [];
  let notified = 0;
  source.onReadings((batch) => {
    readings += batch.length;
    // the changes the source was handed since the last batch: each one must be a stored value
    const seen = source.status()[0]!.notifications;
    const n = seen - notified;
    notified = seen;
    let oldest = Infinity;
    let newest = -Infinity;
    for (const r of batch) {
      if (r.ts < oldest) oldest = r.ts;
      if (r.ts > newest) newest = r.ts;
    }
    values += n;
    writer.append(batch);
    writer.whenStored(writer.appendedRows, () => {
      storedValues += n;
      if (!measuring) return;
      const now = Date.now();
      // each batch's oldest and newest source time bound every reading's latency in it
      latencies.push(now - oldest, now - newest);
    });
  });
  await source.start();
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (source.status()[0]!.state === 'ok') {
        clearInterval(t);
        resolve();
      }
    }, 100);
  });
  serveMeasurements(
    () => {
      measuring = true;
      return { values, readings, storedValues, notifications: source.status()[0]!.notifications };
    },
    async () => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      await source.stop();
      const emitted = values;
      await writer.close();
      const db = openDatabase(dbPath, { readonly: true });
      const rows = db.prepare('SELECT metrics FROM readings').pluck().all() as StoredMetrics[];
      const inStore = rows.reduce((n, m) => n + Object.keys(decodeMetrics(m, metricNames(db))).length, 0);
      db.close();
      rmSync(dir, { recursive: true, force: true });
      return { latencyP50Ms: p(0.5), latencyP99Ms: p(0.99), totalValues: emitted, totalValuesStored: inStore };
    },
  );
}

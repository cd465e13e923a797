/**
 * npm run bench:security-fuzz — the console under hostile input (issue 18's fuzz target), in one
 * runtime on its embedded broker:
 *
 *   1. every contract call with generated input (fast-check) as every role and as a peer that has
 *      not logged in: no dispatch may throw, and no call may succeed for a role that lacks its
 *      permission (an unauthorised write);
 *   2. the MQTT decoders (JSON telemetry and meta, Sparkplug) with generated topics and payloads,
 *      through the real router: nothing may throw out of it;
 *   3. a cardinality flood over the broker, as an anonymous local device: 20,000 machines x 256
 *      metrics. The console must stay up (health answered), refuse the machines beyond its limit,
 *      and keep its RSS under the stated bound.
 *
 * Every refused input is counted (router errors by code, quarantine by reason). `--quick` runs a
 * smaller flood. The last line is one JSON object with every figure and `pass`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { CALL_NAMES, calls, type CallResult } from '../common/contract';
import { roleAllows, type Role } from '../common/roles';
import { ConfigSchema } from '../main/config';
import { CardinalityGate } from '../main/ingest/cardinality-gate';
import { MessageRouter } from '../main/ingest/message-router';
import { Quarantine } from '../main/ingest/quarantine';
import { SparkplugDecoder } from '../main/ingest/sparkplug';
import type { Connection } from '../main/ipc/router';
import { startRuntime } from '../main/runtime';

const quick = process.argv.includes('--quick');
const INPUTS_PER_CALL = quick ? 5 : 20;
const DECODER_INPUTS = quick ? 5_000 : 50_000;
const FLOOD_MACHINES = quick ? 2_000 : 20_000;
const FLOOD_METRICS = 256;
const RSS_LIMIT_MB = 1536;
const PASSWORD = 'fuzz-password-long-enough';
/** Calls that end the caller's own session; fuzzing them would only stop the rest of the run for that role. */
const SESSION_ENDERS = new Set(['auth.logout', 'auth.lock']);

const dir = mkdtempSync(join(tmpdir(), 'fb-sec-fuzz-'));
const logs: string[] = [];
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const config = ConfigSchema.parse({ dataDir: dir, broker: { embeddedPort: 0 }, simulator: { enabled: false }, store: { backupHourUtc: null }, alarms: { sync: false } });
const { maxMachines } = config.ingest;
const runtime = await startRuntime(config, { log: (m) => logs.push(m) });
try {
  // --- 1. the contract as every role
  const dispatch = async (c: Connection, name: string, request: unknown): Promise<CallResult<unknown>> => runtime.dispatch(c, name, request);
  const connections: [Role | null, Connection][] = [[null, { token: null, transport: 'ws' }]];
  const admin: Connection = { token: null, transport: 'ws' };
  await dispatch(admin, 'auth.setup', { username: 'admin', password: PASSWORD });
  connections.push(['admin', admin]);
  for (const role of ['supervisor', 'operator', 'viewer'] as const) {
    await dispatch(admin, 'users.create', { username: `fuzz-${role}`, password: PASSWORD, role });
    const c: Connection = { token: null, transport: 'ws' };
    await dispatch(c, 'auth.login', { username: `fuzz-${role}`, password: PASSWORD });
    connections.push([role, c]);
  }
  let inputs = 0;
  let crashes = 0;
  let unauthorised = 0;
  const refusedByCode: Record<string, number> = {};
  const arbitrary = fc.oneof(fc.anything(), fc.object(), fc.dictionary(fc.constantFrom('machineId', 'alarmId', 'id', 'from', 'to', 'limit', 'text', 'priority', 'note', 'reason', 'username', 'password', 'role'), fc.anything()));
  for (const [role, connection] of connections) {
    for (const name of CALL_NAMES) {
      if (SESSION_ENDERS.has(name) && role !== null) continue;
      for (const request of [{}, ...fc.sample(arbitrary, INPUTS_PER_CALL)]) {
        inputs++;
        try {
          const result = await dispatch(connection, name, request);
          if (result.ok && !roleAllows(role, calls[name].permission)) unauthorised++;
          if (!result.ok) refusedByCode[result.error.code] = (refusedByCode[result.error.code] ?? 0) + 1;
        } catch {
          crashes++;
        }
      }
    }
  }
  const contractInputs = inputs;

  // --- 2. the decoders, through the real router
  const quarantine = new Quarantine(1000);
  const router = new MessageRouter({
    maxPayloadBytes: 256 * 1024,
    quarantine,
    gate: new CardinalityGate({ maxMachines: 5000, maxSensorsPerMachine: 256 }),
    sparkplug: new SparkplugDecoder({ maxPayloadBytes: 256 * 1024 }),
    sinks: { readings: () => {}, meta: () => {}, offline: () => {}, rejected: () => {}, publish: () => {} },
  });
  const topic = fc.oneof(
    fc.tuple(fc.string(), fc.string(), fc.string()).map(([a, b, c]) => `factory/${a}/${b}/${c}/telemetry`),
    fc.tuple(fc.string(), fc.string(), fc.string()).map(([a, b, c]) => `factory/${a}/${b}/${c}/meta`),
    fc.tuple(fc.string(), fc.constantFrom('NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH', 'STATE', 'X'), fc.string(), fc.string()).map(([g, t, e, d]) => `spBv1.0/${g}/${t}/${e}/${d}`),
    fc.string(),
  );
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.json().map((j) => new TextEncoder().encode(j)),
    fc.record({ ts: fc.oneof(fc.integer(), fc.string(), fc.double()), metrics: fc.dictionary(fc.string(), fc.oneof(fc.double(), fc.string(), fc.constant(null))) }).map((o) => new TextEncoder().encode(JSON.stringify(o))),
  );
  let decoderCrashes = 0;
  for (const [t, p] of fc.sample(fc.tuple(topic, payload), DECODER_INPUTS)) {
    inputs++;
    try {
      router.route(t, p, Date.now());
    } catch {
      decoderCrashes++;
    }
  }
  crashes += decoderCrashes;

  // --- 3. the cardinality flood over the broker, as an anonymous local device
  const device = await mqtt.connectAsync(runtime.brokerUrl, { reconnectPeriod: 0 });
  const metrics = JSON.stringify(Object.fromEntries(Array.from({ length: FLOOD_METRICS }, (_, k) => [`metric_${k}`, k / 7])));
  const floodStart = performance.now();
  for (let i = 0; i < FLOOD_MACHINES; i++) {
    device.publish(`factory/flood/area${i % 50}/m${i}/telemetry`, `{"ts":${Date.now()},"metrics":${metrics}}`, { qos: 0 });
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    inputs++;
  }
  await device.publishAsync('factory/flood/area0/last/telemetry', `{"ts":${Date.now()},"metrics":{"x":1}}`, { qos: 1 });
  await device.endAsync();
  const expected = FLOOD_MACHINES + 1;
  const deadline = Date.now() + 120_000;
  const seen = () => runtime.health().machinesKnown + (runtime.health().quarantine.byReason['cardinality'] ?? 0);
  while (seen() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const floodS = (performance.now() - floodStart) / 1000;
  const health = runtime.health();
  const stayedUp = health.status !== undefined && (await runtime.dispatch(admin, 'health.get', {})).ok;
  const refusedMachines = health.quarantine.byReason['cardinality'] ?? 0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const peakMb = Math.round(peakRss / 1e6);

  console.log(`contract: ${contractInputs} calls (${CALL_NAMES.length} calls x ${connections.length} roles), refused by code ${JSON.stringify(refusedByCode)}`);
  console.log(`decoders: ${DECODER_INPUTS} generated messages, crashes ${decoderCrashes}, quarantined by reason ${JSON.stringify(quarantine.counts())}`);
  console.log(`flood: ${FLOOD_MACHINES} machines x ${FLOOD_METRICS} metrics in ${floodS.toFixed(1)} s; machines known ${health.machinesKnown} (limit ${maxMachines}), messages quarantined as cardinality (machine refused or sensors cut) ${refusedMachines}, console up: ${stayedUp}`);
  console.log(`peak RSS ${peakMb} MB (limit ${RSS_LIMIT_MB} MB)`);
  console.log(`security fuzz: inputs tried ${inputs}, crashes ${crashes}, unauthorised writes ${unauthorised}, peak RSS ${peakMb} MB`);
  const pass = crashes === 0 && unauthorised === 0 && stayedUp && peakMb < RSS_LIMIT_MB && health.machinesKnown <= maxMachines && seen() >= expected;
  console.log(JSON.stringify({ inputs, crashes, unauthorisedWrites: unauthorised, peakRssMb: peakMb, rssLimitMb: RSS_LIMIT_MB, machinesKnown: health.machinesKnown, refusedCardinality: refusedMachines, floodSeconds: Number(floodS.toFixed(1)), pass }));
  process.exitCode = pass ? 0 : 1;
} finally {
  clearInterval(sampler);
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
}

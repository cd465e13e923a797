/**
 * The condition monitor on the live path: machines replayed over MQTT into the runtime (ingest ->
 * models -> alarms) raise the same condition alarms, at the same event times, as the monitor and the
 * alarm rules give offline on the same readings (scripts/models/plant-eval.ts drives them offline).
 * Learning is shortened through config.conditionMonitor so that a few hours of event time suffice.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { conditionAlarms } from '../../main/alarms/from-condition';
import { ConfigSchema } from '../../main/config';
import { ConditionMonitor } from '../../main/inference/condition/condition-monitor';
import { machineReadings, T0, TEST_PARAMS } from '../../main/inference/condition/test-machine';
import { MODELS_DIR } from '../../main/inference/manifest';
import { loadModels } from '../../main/inference/model-set';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, setupAdmin, tempDirs, until } from './support';

const H = 3_600_000;
const HOURS = 9;
const dirs = tempDirs('fb-it-condition-');
let runtime: Runtime;
let admin: Connection;

/** Three machines of one line: one healthy, one overheating from hour 6, one silent for 10 minutes at hour 7. */
function plant(): Reading[] {
  const ids = ['it/line/healthy', 'it/line/hot', 'it/line/quiet'];
  const streams = [
    machineReadings(ids[0]!, T0, HOURS, {}, 1),
    machineReadings(ids[1]!, T0, HOURS, { heat: (ts) => (ts > T0 + 6 * H ? Math.min(30, (ts - T0 - 6 * H) / 20_000) : 0) }, 2),
    machineReadings(ids[2]!, T0, HOURS, {}, 3),
  ];
  const out: Reading[] = [];
  for (;;) {
    const next = streams.map((s) => s.next());
    if (next.some((n) => n.done)) return out;
    for (const n of next) {
      const r = n.value as Reading;
      if (r.machineId.endsWith('quiet') && r.ts >= T0 + 7 * H && r.ts < T0 + 7 * H + 10 * 60_000) continue;
      out.push(r);
    }
  }
}

beforeAll(async () => {
  const config = ConfigSchema.parse({
    dataDir: dirs.make(),
    broker: { embeddedPort: 0 },
    simulator: { enabled: false },
    store: { flushMs: 20, backupHourUtc: null },
    alarms: { sync: false },
    agents: { enabled: false },
    conditionMonitor: TEST_PARAMS,
  });
  runtime = await startRuntime(config, { log: () => {} });
  admin = await setupAdmin(runtime);
  await until(() => runtime.health().broker.state === 'connected', 'the runtime to connect to its broker');
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});

describe('condition monitoring through the live runtime', () => {
  it('raises the same alarms as the offline evaluation of the same readings', async () => {
    const readings = plant();

    const offline = new ConditionMonitor((await loadModels(MODELS_DIR, ['condition'])).get('condition'), TEST_PARAMS);
    const active = new Set<string>();
    const expected: string[] = [];
    for (const r of readings) offline.observe(r);
    for (const o of await offline.flush())
      for (const c of conditionAlarms(o, (id) => active.has(id))) {
        if (c.active) active.add(c.alarmId);
        else active.delete(c.alarmId);
        expected.push(`${c.active ? 'activate' : 'clear'} ${c.alarmId} ${c.at}`);
      }
    expect(expected.some((e) => e.startsWith('activate anomaly:it/line/hot'))).toBe(true);
    expect(expected.some((e) => e.startsWith('activate comm:it/line/quiet'))).toBe(true);
    expect(expected.filter((e) => e.includes('healthy'))).toEqual([]);

    const client = await mqtt.connectAsync(runtime.brokerUrl, { clientId: 'it-condition-replay' });
    for (const r of readings) {
      const [site, area, machine] = r.machineId.split('/');
      client.publish(`factory/${site}/${area}/${machine}/telemetry`, JSON.stringify({ ts: r.ts, metrics: r.metrics }), { qos: 0 });
    }
    await client.endAsync();
    // A steady machine reports every 30 s of event time: wait for the last minute, then for the journal to hold every transition.
    const lastTs = readings.at(-1)!.ts;
    await until(async () => ((await call(runtime, admin, 'models.machine', { machineId: 'it/line/hot' })).condition?.ts ?? 0) >= lastTs - 60_000 || undefined, 'the last minute judged', 60_000, 100);
    const liveAlarms = async () => {
      const journal = await call(runtime, admin, 'alarms.history', { from: T0 - H, to: T0 + (HOURS + 1) * H, limit: 50_000 });
      return journal.entries
        .filter((e) => ['anomaly', 'communication', 'sensor', 'health', 'predictive'].includes(e.source) && (e.action === 'activate' || e.action === 'clear'))
        .sort((a, b) => a.seq - b.seq)
        .map((e) => `${e.action} ${e.alarmId} ${e.at}`);
    };
    await until(async () => (await liveAlarms()).length >= expected.length || undefined, 'every condition alarm transition in the journal', 30_000, 100).catch(() => undefined);
    expect(await liveAlarms()).toEqual(expected);

    const view = await call(runtime, admin, 'models.machine', { machineId: 'it/line/healthy' });
    expect(view.condition).toMatchObject({ phase: 'monitoring', stateSignal: 'power' });
    expect(view.condition!.health).toBeGreaterThan(90);
    const states = await call(runtime, admin, 'models.stateHistory', { machineId: 'it/line/healthy', from: T0, to: T0 + HOURS * H });
    expect(states.totals.hours.running).toBeGreaterThan(4);
    expect(states.totals.hours.off).toBeGreaterThan(1);
    const summary = await call(runtime, admin, 'models.conditions', {});
    expect(summary.map((s) => s.machineId).sort()).toEqual(['it/line/healthy', 'it/line/hot', 'it/line/quiet']);
  }, 120_000);
});

/**
 * The out-of-the-box runtime: no broker configured, so it runs the embedded aedes broker and the
 * plant simulator, and a control room has a plant to look at within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, setupAdmin, spawnCli, tempDirs, until } from './support';

const dirs = tempDirs('fb-it-embedded-');
let runtime: Runtime;
let connection: Connection;
let dataDir: string;

beforeAll(async () => {
  dataDir = dirs.make();
  // only what a test must change: a free port, no scheduled backup, a quick flush
  const config = ConfigSchema.parse({ dataDir, broker: { embeddedPort: 0 }, store: { flushMs: 20, backupHourUtc: null } });
  expect(config.broker.url).toBeNull();
  expect(config.simulator.machines).toBe(24);
  runtime = await startRuntime(config, { log: () => {} });
  connection = await setupAdmin(runtime);
});

afterAll(async () => {
  await runtime?.stop();
  dirs.cleanup();
});

describe('runtime with the embedded broker and the simulator', () => {
  it('shows a simulated plant of 24 machines of several types, stored as it arrives', async () => {
    const machines = await until(
      async () => {
        const list = await call(runtime, connection, 'machines.list', {});
        return list.length >= 24 && new Set(list.map((m) => m.type)).size >= 4 && list;
      },
      '24 machines of at least 4 types',
      10_000,
    );
    expect(machines.every((m) => m.type !== 'unknown' && m.protocol === 'json')).toBe(true);

    const withTemperature = machines.find((m) => m.sensors['temperature'] !== undefined) ?? machines[0]!;
    const points = await until(
      async () => {
        const now = Date.now();
        const history = await call(runtime, connection, 'readings.history', { machineId: withTemperature.id, sensors: ['temperature'], from: now - 3_600_000, to: now + 60_000 });
        const series = history.series.find((s) => s.sensor === 'temperature');
        return series && series.v.filter((v) => v !== null).length >= 2 && series;
      },
      `stored temperature readings of ${withTemperature.id}`,
      10_000,
    );
    expect(points.v.every((v) => v === null || Number.isFinite(v))).toBe(true);
    expect(runtime.stats.storedTotal).toBeGreaterThan(0);

    const health = await call(runtime, connection, 'health.get', {});
    expect(health).toMatchObject({ status: 'ok', simulator: { running: true, machines: 24 }, broker: { embedded: true, state: 'connected' } });
    expect(health.broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(health.broker.url).toBe(runtime.brokerUrl);
    expect(health.machinesKnown).toBeGreaterThanOrEqual(24);
    expect(health.quarantine.total).toBe(0);
  });

  // The second process starts Node and tsx: on a loaded CI machine that alone has taken over 20 s.
  it('refuses a second instance on the same data dir while the first runs', { timeout: 120_000 }, async () => {
    // A second process, as an operator starting the app twice would make; --port 0 so that if the
    // lock failed, it would not collide with anything before the test noticed.
    const second = spawnCli(['serve', '--data-dir', dataDir, '--port', '0']);
    try {
      const code = await Promise.race([second.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 90_000))]);
      expect(code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`already running on ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(second.stderr).toContain(`pid ${process.pid}`);
      expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await second.stop();
    }
    // the first is unaffected
    const health = await call(runtime, connection, 'health.get', {});
    expect(health.broker.state).toBe('connected');
  });
});

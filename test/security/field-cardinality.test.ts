/**
 * Finding 2 beyond MQTT: the machine and sensor caps hold on the shared ingest path, so a Modbus TCP
 * device (and likewise an OPC UA server) cannot add machines or sensors past them either. Through
 * the real runtime polling a real Modbus TCP test device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config';
import { startTestDevice, type TestDevice } from '../support/modbus-device';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { call, setupAdmin, tempDirs, until } from '../integration/support';

const dirs = tempDirs('fb-sec-fieldcard-');
let runtime: Runtime;
let device: TestDevice;
let admin: Connection;

const plc = (name: string, machine: string, metrics: string[]) => ({
  name,
  host: '127.0.0.1',
  port: device.port,
  timeoutMs: 1000,
  machine: { id: machine, area: 'pressing', type: 'press' },
  blocks: [{ pollMs: 100, points: metrics.map((metric, address) => ({ metric, address })) }],
});

beforeAll(async () => {
  device = await startTestDevice();
  device.holding[0] = 615;
  device.holding[1] = 1200;
  const config = ConfigSchema.parse({
    dataDir: dirs.make(),
    broker: { embeddedPort: 0 },
    simulator: { enabled: false },
    store: { flushMs: 20, backupHourUtc: null },
    alarms: { sync: false },
    agents: { enabled: false },
    ingest: { maxMachines: 1, maxSensorsPerMachine: 1 },
    modbus: { devices: [plc('press-a', 'mb-a', ['temperature', 'speed']), plc('press-b', 'mb-b', ['temperature'])] },
  });
  runtime = await startRuntime(config, { log: () => undefined, processEvents: null });
  admin = await setupAdmin(runtime);
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  await device?.close();
  dirs.cleanup();
});

describe('cardinality on the shared ingest path (finding 2)', () => {
  it('quarantines a Modbus machine and sensor beyond the caps, keeps the admitted one flowing, and raises the system alarm', async () => {
    const refused = await until(async () => {
      const q = await call(runtime, admin, 'ingest.quarantine', { reason: 'cardinality', limit: 100 });
      const topics = new Set(q.entries.map((e) => e.topic));
      return topics.has('modbus:mb-b') && topics.has('modbus:mb-a') && q;
    }, 'both refusals in the quarantine', 20_000);
    expect(refused.entries.find((e) => e.topic === 'modbus:mb-b')?.detail).toMatch(/machine mb-b beyond the limit of 1 machines/);
    expect(refused.entries.find((e) => e.topic === 'modbus:mb-a')?.detail).toMatch(/sensor\(s\) of mb-a beyond the limit of 1 per machine \(speed\)/);

    const machines = await until(async () => {
      const list = await call(runtime, admin, 'machines.list', {});
      return list.find((m) => m.id === 'mb-a' && Object.keys(m.sensors).length > 0) && list;
    }, 'the admitted machine to report');
    expect(machines.map((m) => m.id)).toEqual(['mb-a']);
    expect(Object.keys(machines[0]!.sensors)).toEqual(['temperature']);

    await until(() => runtime.alarms.get('system:cardinality')?.active, 'the system alarm', 10_000);
    expect(runtime.alarms.get('system:cardinality')).toMatchObject({ priority: 'high', source: 'system' });
  });
});

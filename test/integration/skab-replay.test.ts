/**
 * The SKAB evaluation must be the live path: a SKAB file replayed through the broker into the runtime
 * gives the same anomaly episodes as the offline evaluation of that file. Reads ../shared/data/skab:
 * skipped, with one line, where it is missing (a fresh clone); CI fails instead (FB_REQUIRE_DATA).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR } from '../../main/inference/manifest';
import { loadModels } from '../../main/inference/model-set';
import { ConfigSchema } from '../../main/config';
import type { Connection } from '../../main/ipc/router';
import { startRuntime, type Runtime } from '../../main/runtime';
import { replayCsv } from '../../main/sim/replay-csv';
import { detectFile, readSkab, SKAB_DIR, SKAB_MAPPING } from '../../scripts/models/skab-eval';
import { hasSharedData } from './shared-data';
import { call, setupAdmin, tempDirs, until } from './support';

const FILE = { name: 'valve1/1.csv', path: join(SKAB_DIR, 'valve1/1.csv') };
const HAVE_SKAB = hasSharedData(FILE.path);
/** The runtime names a JSON machine by site/area/machine of its topic. */
const MACHINE = 'plant1/replay/skab-valve1-1';
const dirs = tempDirs('fb-it-skab-');
let runtime: Runtime;
let connection: Connection;

/** Episodes as the store records them: opened by the first anomalous verdict, closed by the first normal one. */
function episodes(outputs: { ts: number; state: string }[]) {
  const out: { startedAt: number; endedAt: number | null }[] = [];
  for (const o of outputs) {
    const open = out.at(-1);
    if (o.state === 'anomaly' && (!open || open.endedAt !== null)) out.push({ startedAt: o.ts, endedAt: null });
    else if (o.state === 'normal' && open && open.endedAt === null) open.endedAt = o.ts;
  }
  return out;
}

describe.skipIf(!HAVE_SKAB)('SKAB replay through the live runtime', () => {
  beforeAll(async () => {
    const config = ConfigSchema.parse({ dataDir: dirs.make(), broker: { embeddedPort: 0 }, simulator: { enabled: false }, store: { flushMs: 20, backupHourUtc: null } });
    runtime = await startRuntime(config, { log: () => {} });
    connection = await setupAdmin(runtime);
    await until(() => runtime.health().broker.state === 'connected', 'the runtime to connect to its broker');
  });

  afterAll(async () => {
    await runtime?.stop();
    dirs.cleanup();
  });

  it('raises the same anomaly episodes as the offline evaluation', async () => {
    const rows = readSkab(FILE, MACHINE);
    const offline = episodes(await detectFile(await loadModels(MODELS_DIR), rows));
    expect(offline.length).toBeGreaterThan(0);

    const lastTs = rows.readings.at(-1)!.ts;
    const result = await replayCsv({ brokerUrl: runtime.brokerUrl, file: FILE.path, machine: 'skab-valve1-1', mapping: SKAB_MAPPING, speed: 0 });
    expect(result.published).toBe(rows.readings.length);
    await until(async () => (await call(runtime, connection, 'models.machine', { machineId: MACHINE })).anomaly?.ts === lastTs, 'the last replayed reading scored', 20_000);

    const live = await call(runtime, connection, 'models.anomalyEvents', { machineId: MACHINE, limit: 1000 });
    expect(live.map((e) => ({ startedAt: e.startedAt, endedAt: e.endedAt })).reverse()).toEqual(offline);
    const view = await call(runtime, connection, 'models.machine', { machineId: MACHINE });
    expect(view.calibration).toMatchObject({ state: 'calibrated', sensors: Object.values(SKAB_MAPPING) });
    expect((await call(runtime, connection, 'health.get', {})).models.state).toBe('ok');
  });
});

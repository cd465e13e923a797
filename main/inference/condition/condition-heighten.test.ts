import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionOutput } from '../../../common/contract-models';
import type { Reading } from '../../../common/telemetry';
import { MODELS_DIR } from '../manifest';
import { loadModels, type LoadedModel } from '../model-set';
import { ConditionMonitor } from './condition-monitor';
import { machineReadings, T0, TEST_PARAMS } from './test-machine';

const H = 3_600_000;
let model: LoadedModel;

beforeAll(async () => {
  model = (await loadModels(MODELS_DIR, ['condition'])).get('condition');
  expect(model.usable).toBe(true);
});

async function run(monitor: ConditionMonitor, readings: Iterable<Reading>): Promise<ConditionOutput[]> {
  for (const r of readings) monitor.observe(r);
  return monitor.flush();
}

describe('heightened monitoring', () => {
  it('judges against thresholds times the factor until the stated event time, says so in its outputs, and not after', async () => {
    const plain = new ConditionMonitor(model, TEST_PARAMS);
    const watched = new ConditionMonitor(model, TEST_PARAMS);
    // Learning, validation, then an hour monitored, on the same readings.
    for (const m of [plain, watched]) await run(m, machineReadings('m', T0, 6));
    expect(watched.latest('m')!.phase).toBe('monitoring');
    const until = T0 + 7 * H;
    const h = { until, factor: 0.5, reason: 'high failure risk (probability 80 %)' };
    watched.heighten('m', h);
    expect(watched.latest('m')!.heightened).toEqual(h);
    expect(plain.latest('m')!.heightened ?? null).toBeNull();

    const a = await run(plain, machineReadings('m', T0 + 6 * H, 1.5));
    const b = await run(watched, machineReadings('m', T0 + 6 * H, 1.5));
    const scoreAt = new Map(a.filter((o) => o.anomaly.score !== null).map((o) => [o.ts, o.anomaly.score!]));
    const pairs = b.filter((o) => o.anomaly.score !== null && scoreAt.has(o.ts) && scoreAt.get(o.ts)! > 0.05).map((o) => ({ ts: o.ts, ratio: o.anomaly.score! / scoreAt.get(o.ts)!, heightened: o.heightened }));
    const during = pairs.filter((p) => p.ts < until);
    const after = pairs.filter((p) => p.ts >= until + 10 * 60_000);
    expect(during.length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(10);
    // Thresholds at half: every deviation counts twice, for exactly as long as was asked.
    for (const p of during) {
      expect(p.ratio).toBeCloseTo(2, 6);
      expect(p.heightened).toEqual(h);
    }
    for (const p of after) {
      expect(p.ratio).toBeLessThan(1.2);
      expect(p.heightened).toBeNull();
    }
    expect(b.filter((o) => o.ts >= until).every((o) => o.heightened === null)).toBe(true);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionOutput } from '../../../common/contract-models';
import type { Reading } from '../../../common/telemetry';
import { MODELS_DIR } from '../manifest';
import { loadModels, type LoadedModel } from '../model-set';
import { ConditionMonitor } from './condition-monitor';
import { machineReadings, T0, TEST_PARAMS, type Effects } from './test-machine';

const H = 3_600_000;
const MIN = 60_000;
let model: LoadedModel;

beforeAll(async () => {
  model = (await loadModels(MODELS_DIR, ['condition'])).get('condition');
});

/** Machines of one kind reporting side by side: the readings of each, merged in event time. */
function* together(machines: Generator<Reading>[]): Generator<Reading> {
  for (;;) {
    let any = false;
    for (const m of machines) {
      const r = m.next();
      if (r.done) continue;
      any = true;
      yield r.value;
    }
    if (!any) return;
  }
}

/** W's outputs: W alone, or W beside two machines of its kind that run normally. */
async function outputsOfW(effects: Effects, withKind: boolean, hours: number): Promise<ConditionOutput[]> {
  const monitor = new ConditionMonitor(model, TEST_PARAMS);
  const machines = [machineReadings('W', T0, hours, effects, 1)];
  if (withKind) machines.push(machineReadings('A', T0, hours, {}, 2), machineReadings('B', T0, hours, {}, 3));
  const out: ConditionOutput[] = [];
  let n = 0;
  for (const r of together(machines)) {
    monitor.observe(r);
    if (++n % 1500 === 0) out.push(...(await monitor.flush()));
  }
  out.push(...(await monitor.flush()));
  return out.filter((o) => o.machineId === 'W');
}

describe('the fleet’s health envelope', () => {
  const start = T0 + 8 * H;
  const during = (outs: ConditionOutput[], from: number, to: number) => outs.filter((o) => o.ts >= from && o.ts < to && o.health !== null);

  it('lets a machine whose validation met a disturbance lose health at a fault its kind’s envelope shows, its anomaly alarm its own', async () => {
    // W’s vibration runs at 2.5 times its level for half an hour while it validates (a loose guard, refitted):
    // its own envelope takes that in for good. Later its bearing runs at 2.5 times its level.
    const vibration = (ts: number) => (ts >= T0 + 3 * H + 50 * MIN && ts < T0 + 4 * H + 20 * MIN ? 2.5 : ts >= start && ts < start + 2 * H ? 2.5 : 1);
    const alone = await outputsOfW({ vibration }, false, 10.5);
    const withKind = await outputsOfW({ vibration }, true, 10.5);
    const lowest = (outs: ConditionOutput[]) => Math.min(...during(outs, start, start + 2 * H).map((o) => o.health!));
    expect(during(alone, start, start + 2 * H).length).toBeGreaterThan(20);
    expect(lowest(alone)).toBeGreaterThan(70);
    expect(lowest(withKind)).toBeLessThan(70);
    const episodes = (outs: ConditionOutput[]) => outs.map((o) => o.anomaly.active);
    expect(episodes(withKind)).toEqual(episodes(alone));
  });

  it('leaves a machine whose envelope is no wider than its kind’s as it was', async () => {
    const vibration = (ts: number) => (ts >= start && ts < start + H ? 1.3 : 1);
    const alone = await outputsOfW({ vibration }, false, 9.5);
    const withKind = await outputsOfW({ vibration }, true, 9.5);
    expect(during(alone, start, start + H).length).toBeGreaterThan(10);
    expect(withKind.map((o) => o.health)).toEqual(alone.map((o) => o.health));
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionOutput } from '../../../common/contract-models';
import { MODELS_DIR } from '../manifest';
import { loadModels, type LoadedModel } from '../model-set';
import { ConditionMonitor } from './condition-monitor';
import { FittedModelSchema, type FittedModel } from './condition-types';
import { LoadSpikes, SPIKE_BAND_ROWS, SPIKE_GAP_MS, spikeThresholds, widenSpikeThresholds } from './load-spikes';
import { BANDS } from './normal-model';
import { machineReadings, noise, STEP_MS, T0, TEST_PARAMS } from './test-machine';

const H = 3_600_000;
const TOP = 40;

/** Each reading's rise as the detector returns it. */
function rises(values: readonly number[], step = STEP_MS): number[] {
  const d = new LoadSpikes();
  return values.map((v, i) => d.push(v, T0 + i * step, TOP));
}

/** A steady level with a little noise, `n` readings. */
function level(at: number, n: number, seed = 1): number[] {
  const g = noise(seed);
  return Array.from({ length: n }, () => at + 0.3 * g());
}

const largest = (xs: readonly number[]) => Math.max(0, ...xs.filter(Number.isFinite));

describe('LoadSpikes', () => {
  it('finds each isolated spike of a train, as a share of the top', () => {
    const values = level(20, 60);
    for (const i of [10, 13, 20, 21, 30, 44]) values[i]! *= 2.5;
    const r = rises(values);
    // Each spike is judged two readings later, once the readings after it are in.
    for (const i of [10, 13, 20, 21, 30, 44]) expect(r[i + 2]!).toBeGreaterThan(0.6);
    expect(r.filter((x) => x > 0.2)).toHaveLength(6);
  });

  it('gives no rise for a load step, a start, a stop or a ramp', () => {
    const step = [...level(10, 20), ...level(30, 20, 2)];
    const start = [...level(0.1, 20), ...level(25, 20, 3)];
    const stop = [...level(25, 20, 4), ...level(0.1, 20)];
    const ramp = Array.from({ length: 40 }, (_, i) => 5 + i * 0.8);
    for (const values of [step, start, stop, ramp]) expect(largest(rises(values))).toBeLessThan(0.05);
  });

  it('skips NaN and missing readings, and starts its window again after a gap', () => {
    const d = new LoadSpikes();
    const out: number[] = [];
    let ts = T0;
    for (const v of [10, 10, Number.NaN, 10, Number.POSITIVE_INFINITY, 10, 10]) out.push(d.push(v, (ts += STEP_MS), TOP));
    expect(out.slice(0, 6).every(Number.isNaN)).toBe(true);
    expect(out[6]).toBe(0);
    // After a long gap the window refills before it judges: the reading across the gap is no neighbour.
    expect(d.push(30, ts + SPIKE_GAP_MS + 1, TOP)).toBeNaN();
    expect(d.push(10, ts + SPIKE_GAP_MS + 1 + STEP_MS, TOP)).toBeNaN();
  });

  it('counts the spikes within a window', () => {
    const d = new LoadSpikes();
    expect(d.count(T0, true, 60_000)).toBe(1);
    expect(d.count(T0 + 10_000, true, 60_000)).toBe(2);
    expect(d.count(T0 + 65_000, false, 60_000)).toBe(1);
    expect(d.count(T0 + 200_000, false, 60_000)).toBe(0);
  });

  it('sets per-band thresholds from what was learned; a machine that never left one state lends its band to the others', () => {
    const d = new LoadSpikes();
    for (let i = 0; i < SPIKE_BAND_ROWS; i++) d.learn(2, i === 7 ? 0.04 : 0.01);
    d.learn(3, 0.5);
    d.learn(-1, 0.9);
    d.learn(1, Number.NaN);
    const t = spikeThresholds(d.learned, d.learnedRows, 2, 0.1);
    expect(t).toHaveLength(BANDS);
    // Band 3 was seen on one row only: it borrows band 2's spread, not its own odd reading.
    expect(t).toEqual([0.1, 0.1, 0.1, 0.1]);
    for (let i = 0; i < SPIKE_BAND_ROWS; i++) d.learn(2, 0.08);
    expect(spikeThresholds(d.learned, d.learnedRows, 2, 0.1)).toEqual([0.16, 0.16, 0.16, 0.16]);
    d.resetLearned();
    expect(spikeThresholds(d.learned, d.learnedRows, 2, 0.1)).toEqual([null, null, null, null]);
  });

  it('widens the thresholds to what an operator taught as normal, and leaves unjudged bands and NaN rises alone', () => {
    const rows = [
      { band: 3, jump: 0.9 },
      { band: 3, jump: 0.2 },
      { band: 1, jump: 0.7 },
      { band: 2, jump: Number.NaN },
      { band: 2, jump: 0.01 },
    ];
    expect(widenSpikeThresholds([null, null, 0.1, 0.3], rows, 2)).toEqual([null, null, 0.1, 1.8]);
    expect(widenSpikeThresholds(undefined, rows, 2)).toBeUndefined();
  });

  it('forgets the spikes it counted', () => {
    const d = new LoadSpikes();
    d.count(T0, true, 60_000);
    d.count(T0 + 1000, true, 60_000);
    d.forgetRecent();
    expect(d.count(T0 + 2000, false, 60_000)).toBe(0);
  });
});

describe('ConditionMonitor on a machine whose power is its load', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = (await loadModels(MODELS_DIR, ['condition'])).get('condition');
  });

  async function outputs(power?: (ts: number) => number, monitor = new ConditionMonitor(model, TEST_PARAMS), from = T0, hours = 9): Promise<ConditionOutput[]> {
    const out: ConditionOutput[] = [];
    let n = 0;
    for (const r of machineReadings('m', from, hours, { power })) {
      monitor.observe(r);
      if (++n % 500 === 0) out.push(...(await monitor.flush()));
    }
    out.push(...(await monitor.flush()));
    return out;
  }

  // Minutes 0-40 of each 100-minute cycle run full: a surge from 7 h 5 min to 7 h 15 min is all at full load.
  const surgeFrom = T0 + 7 * H + 5 * 60_000;
  const surgeTo = surgeFrom + 10 * 60_000;
  const spiky = noise(7);
  const surge = (ts: number) => (ts >= surgeFrom && ts < surgeTo && Math.abs(spiky()) > 1.05 ? 2 : 1);

  it('raises an electrical anomaly on a train of power spikes', async () => {
    const out = await outputs(surge);
    const raised = out.find((o) => o.anomaly.active);
    expect(raised).toBeDefined();
    expect(raised!.ts).toBeGreaterThanOrEqual(surgeFrom);
    expect(raised!.ts).toBeLessThan(surgeTo);
    expect(raised!.anomaly.type).toBe('electrical');
    expect(raised!.anomaly.contributors[0]!.sensor).toBe('power');
  });

  it('raises nothing over its load steps, starts and stops', async () => {
    const out = await outputs();
    expect(out.some((o) => o.phase === 'monitoring')).toBe(true);
    expect(out.some((o) => o.anomaly.active)).toBe(false);
  });

  it('learns a spike train an operator marks as normal: the same train then raises nothing', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    // 100 minutes later the cycle is again at full load: the same train, on the same machine.
    const again = (ts: number) => surge(ts - 100 * 60_000);
    const first = await outputs(surge, monitor, T0, 7 + 14 / 60);
    expect(first.at(-1)!.anomaly.active).toBe(true);
    const before = [...monitor.get('m')!.model!.spikeT!];
    const top = monitor.get('m')!.model!.loadMax;
    monitor.markNormal('m', first.at(-1)!.ts);
    expect(monitor.latest('m')!.anomaly.active).toBe(false);
    expect(monitor.get('m')!.model!.spikeT![3]).toBeGreaterThan(before[3]!);
    const after = await outputs(again, monitor, T0 + (7 + 14 / 60) * H, 2);
    expect(after.some((o) => o.anomaly.active)).toBe(false);
    // The refits after it confirm the train's rows as normal; the spikes do not grow the load's top.
    expect(monitor.get('m')!.model!.version).toBeGreaterThan(2);
    expect(monitor.get('m')!.model!.loadMax).toBeLessThan(1.05 * top);
  });

  it('keeps its spike thresholds with the saved model; a model saved before them loads and judges no spikes', async () => {
    const first = new ConditionMonitor(model, TEST_PARAMS);
    await outputs(undefined, first, T0, 7);
    const saved = FittedModelSchema.parse(JSON.parse(JSON.stringify(first.get('m')!.model)));
    expect(saved.spikeT).toHaveLength(BANDS);
    expect(saved.spikeT![3]).toBeGreaterThan(0);
    const { spikeT: _, ...older } = saved;
    const old: FittedModel = FittedModelSchema.parse(older);
    const raisedIn = async (fitted: FittedModel) => {
      const out = await outputs(surge, new ConditionMonitor(model, TEST_PARAMS, undefined, new Map([['m', fitted]])), T0 + 7 * H, 0.5);
      return out.some((o) => o.anomaly.active && o.ts < surgeTo);
    };
    expect(await raisedIn(saved)).toBe(true);
    expect(await raisedIn(old)).toBe(false);
  });
});

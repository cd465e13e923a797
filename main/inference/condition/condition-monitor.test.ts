import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionOutput } from '../../../common/contract-models';
import type { Reading } from '../../../common/telemetry';
import { MODELS_DIR } from '../manifest';
import { loadModels, type LoadedModel } from '../model-set';
import { ConditionMonitor } from './condition-monitor';
import type { FittedModel } from './condition-types';
import { loadAt, machineReadings, STEP_MS, T0, TEST_PARAMS } from './test-machine';
import { LAGS } from './normal-model';
import { scaleRatio, SCALE_CHANGE } from './threshold-transfer';

const H = 3_600_000;
let model: LoadedModel;

beforeAll(async () => {
  model = (await loadModels(MODELS_DIR, ['condition'])).get('condition');
  expect(model.usable).toBe(true);
});

/** Feeds readings and flushes every `batch` of them; returns every output in order. */
async function run(monitor: ConditionMonitor, readings: Iterable<Reading>, batch = 500): Promise<ConditionOutput[]> {
  const out: ConditionOutput[] = [];
  let n = 0;
  for (const r of readings) {
    monitor.observe(r);
    if (++n % batch === 0) out.push(...(await monitor.flush()));
  }
  out.push(...(await monitor.flush()));
  return out;
}

const episodes = (outs: readonly ConditionOutput[]) => {
  const raised: number[] = [];
  let active = false;
  for (const o of outs) {
    if (o.anomaly.active && !active) raised.push(o.ts);
    active = o.anomaly.active;
  }
  return raised;
};

/** The test machine's model after 7 hours (learned and validated), with its temperature's and vibration's places. */
async function learnedModel(): Promise<{ saved: FittedModel; temperature: number; vibration: number }> {
  const first = new ConditionMonitor(model, TEST_PARAMS);
  await run(first, machineReadings('m', T0, 7));
  const saved = first.get('m')!.model!;
  return { saved, temperature: saved.sensors.indexOf('temperature'), vibration: saved.sensors.indexOf('vibration') };
}

describe('ConditionMonitor', () => {
  it('says learning, never normal, until its model is fitted and validated, and knows the operating states', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const outs = await run(monitor, machineReadings('m', T0, 4));
    const early = outs.filter((o) => o.ts < T0 + 3 * H);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((o) => o.phase === 'learning' && o.health === null && !o.anomaly.active)).toBe(true);
    const states = new Set(outs.map((o) => o.operatingState));
    expect(states).toEqual(new Set(['unknown', 'off', 'idle', 'running']));
    const last = outs.at(-1)!;
    expect(last.stateSignal).toBe('power');
    expect(last.learning.bands.filter((b) => b.hours > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('takes a machine first seen standing still as unknown, or as off when meta states its signal\u2019s normal range', async () => {
    // The test cycle is off from minute 80 to 100: start there, so the first readings are a standby draw.
    const from = T0 + 80 * 60_000;
    const unstated = new ConditionMonitor(model, TEST_PARAMS);
    const first = (await run(unstated, machineReadings('m', from, 0.25))).filter((o) => o.ts < from + 15 * 60_000);
    expect(first.length).toBeGreaterThan(0);
    // The standby draw wobbles by more than a fifth of itself, but it is no step: not "running at its top".
    expect(first.every((o) => o.operatingState === 'unknown')).toBe(true);
    const stated = new ConditionMonitor(model, TEST_PARAMS);
    stated.setNormalRanges('m', { power: { normal: { low: 1.5, high: 20.5 } }, temperature: { normal: { low: 20, high: 60 } } });
    const outs = await run(stated, machineReadings('m', from, 0.5));
    const known = outs.filter((o) => o.operatingState !== 'unknown');
    expect(known.length).toBeGreaterThan(0);
    expect(known.filter((o) => o.ts < from + 20 * 60_000).every((o) => o.operatingState === 'off')).toBe(true);
    expect(known.some((o) => o.ts >= from + 21 * 60_000 && o.operatingState === 'running')).toBe(true);
  });

  it('tells limit alarms a machine is stopping from its raw signals, before the state’s smoothing and hold confirm it', () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    // The cycle drops from half load to idle at minute 70: power falls from 11 kW to 2 kW at once.
    const stop = T0 + 70 * 60_000;
    const seen: { ts: number; now: string; state: string }[] = [];
    for (const r of machineReadings('m', T0, 75 / 60)) {
      monitor.observe(r);
      if (r.ts >= stop - 60_000) seen.push({ ts: r.ts, now: monitor.stateNow('m'), state: monitor.get('m')!.state.state });
    }
    expect(seen.filter((s) => s.ts < stop).every((s) => s.now === 'running')).toBe(true);
    const firstIdle = seen.find((s) => s.now === 'idle')!;
    const confirmed = seen.find((s) => s.state === 'idle')!;
    expect(firstIdle.ts - stop).toBeLessThanOrEqual(TEST_PARAMS.rowEveryMs);
    expect(confirmed.ts - firstIdle.ts).toBeGreaterThanOrEqual(20_000);
    expect(monitor.stateNow('unseen')).toBe('unknown');
  });

  it('judges no stop in progress: validation takes no threshold from it and monitoring no deviation', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    // Monitoring from hour 5; the fourth cycle drops from half load to idle at minute 370.
    const stop = T0 + 370 * 60_000;
    const fast: number[] = [];
    for (const r of machineReadings('m', T0, 6.5)) {
      monitor.observe(r);
      if (r.ts === stop - STEP_MS || r.ts === stop + 25_000) {
        await monitor.flush();
        fast.push(monitor.get('m')!.sensors.find((s) => s.name === 'vibration')!.fast);
      }
    }
    await monitor.flush();
    const m = monitor.get('m')!;
    expect(m.phase).toBe('monitoring');
    // Vibration falls fivefold at each stop; its fast average does not follow it into the stop.
    expect(Math.abs(fast[1]! - fast[0]!)).toBeLessThan(0.5);
    const vibration = m.sensors.findIndex((s) => s.name === 'vibration');
    expect(m.model!.fastT[vibration]).toBeLessThan(5);
  });

  it('raises no anomaly on a normal machine cycling through off, idle and two loads', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const outs = await run(monitor, machineReadings('m', T0, 12));
    const monitoring = outs.filter((o) => o.phase === 'monitoring');
    expect(monitoring.length).toBeGreaterThan(100);
    expect(episodes(outs)).toEqual([]);
    expect(monitoring.filter((o) => o.health !== null).every((o) => o.health! > 90)).toBe(true);
    expect(outs.at(-1)!.detail).toBe('no degradation trend');
  });

  it('detects a vibration that grows to 4x, explains it by vibration, and gives a remaining life that brackets the truth', async () => {
    const start = T0 + 6 * H;
    const failure = start + 8 * H;
    const wear = (ts: number) => (ts < start ? 1 : 1 + (3 * Math.min(ts - start, failure - start)) / (failure - start));
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const outs = await run(monitor, machineReadings('m', T0, 13.9, { vibration: wear }));
    const raised = episodes(outs);
    expect(raised.length).toBeGreaterThanOrEqual(1);
    expect(raised[0]!).toBeGreaterThan(start);
    expect(raised[0]! - start).toBeLessThan(2 * H);
    const at = outs.find((o) => o.ts >= raised[0]! && o.anomaly.active)!;
    expect(at.anomaly.type).toBe('vibration_bearing');
    expect(at.anomaly.contributors[0]!.sensor).toBe('vibration');
    const withRul = outs.filter((o) => o.rul !== null && o.ts > start + 2 * H && o.ts < failure - H);
    expect(withRul.length).toBeGreaterThan(10);
    const o = withRul[Math.floor(withRul.length / 2)]!;
    const truth = (failure - o.ts) / H;
    expect(Math.abs(o.rul!.hours - truth) / truth).toBeLessThan(0.3);
    expect(o.rul!.low).toBeLessThanOrEqual(o.rul!.hours);
    expect(o.rul!.high).toBeGreaterThanOrEqual(o.rul!.hours);
    const last = outs.filter((x) => x.health !== null).at(-1)!;
    expect(last.health!).toBeLessThan(70);
    expect(last.failureProbability!).toBeGreaterThan(0.7);
  });

  it('fits its first remaining life to the whole rise, from a wear begun while the machine validates or before a stop', async () => {
    // Validation runs from about 3.4 h to 5.4 h here; a wear begun at 6 h goes on through a 30-minute
    // stop at 6.2 h. The bearing fails 8 hours after its wear begins.
    for (const begins of [3.5, 4, 6]) {
      const start = T0 + begins * H;
      const failure = start + 8 * H;
      const wear = (ts: number) => (ts < start ? 1 : 1 + (3 * Math.min(ts - start, failure - start)) / (failure - start));
      const outs = await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, begins + 4, { vibration: wear }));
      const first = outs.find((o) => o.rul !== null)!;
      expect(first.phase).toBe('monitoring');
      const truth = (failure - first.ts) / H;
      expect(Math.abs(first.rul!.hours - truth) / truth).toBeLessThan(0.15);
    }
  });

  it('lets health follow a short overheating sooner with a temperature\u2019s own smoothing', async () => {
    const start = T0 + 6 * H;
    // 30 K more for 40 minutes, reached through the machine's 10-minute thermal lag: a fan that stopped.
    const heat = (ts: number) => (ts >= start && ts < start + 40 * 60_000 ? 30 : 0);
    const lowest = async (params: typeof TEST_PARAMS) => {
      const outs = await run(new ConditionMonitor(model, params), machineReadings('m', T0, 7, { heat }));
      const during = outs.filter((o) => o.ts >= start && o.ts <= start + 50 * 60_000 && o.health !== null);
      expect(during.length).toBeGreaterThan(5);
      return Math.min(...during.map((o) => o.health!));
    };
    const long = await lowest({ ...TEST_PARAMS, thermalHealthTauS: TEST_PARAMS.healthTauS });
    const own = await lowest(TEST_PARAMS);
    expect(own).toBeLessThan(long - 10);
    expect(own).toBeLessThan(70);
  });

  it('judges a temperature that runs hot while its machine warms up from a stop, and a healthy warm-up stays healthy', async () => {
    // Minute 400 is the start of a cycle: 20 minutes off, then full load from cold.
    const start = T0 + 400 * 60_000;
    const heat = (ts: number) => (ts >= start && ts < start + 15 * 60_000 ? 30 : 0);
    const warmUp = (outs: readonly ConditionOutput[]) => outs.filter((o) => o.ts >= start && o.ts < start + 15 * 60_000 && o.health !== null);
    const hot = warmUp(await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, 7, { heat })));
    const cool = warmUp(await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, 7)));
    expect(hot.length).toBeGreaterThan(5);
    expect(cool.length).toBeGreaterThan(5);
    expect(Math.min(...hot.map((o) => o.health!))).toBeLessThan(70);
    expect(hot.some((o) => o.anomaly.active && o.anomaly.type === 'thermal')).toBe(true);
    expect(Math.min(...cool.map((o) => o.health!))).toBeGreaterThanOrEqual(90);
    expect(cool.some((o) => o.anomaly.active)).toBe(false);
  });

  it('gives the same outputs however the readings are batched', async () => {
    const heat = (ts: number) => (ts > T0 + 6 * H ? 30 : 0);
    const a = await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, 8, { heat }), 1);
    const b = await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, 8, { heat }), 3_000);
    expect(b).toEqual(a);
    expect(episodes(a).length).toBeGreaterThan(0);
  });

  it('writes the models of machines that learn in the same flush in one write, and the newest of each', async () => {
    const writes: Map<string, FittedModel>[] = [];
    const store = { saveModels: (models: ReadonlyMap<string, FittedModel>) => void writes.push(new Map(models)), saveEvents: () => {} };
    const monitor = new ConditionMonitor(model, TEST_PARAMS, store);
    const a = [...machineReadings('a', T0, 6)];
    const b = [...machineReadings('b', T0, 6)];
    await run(monitor, a.flatMap((r, i) => (b[i] ? [r, b[i]] : [r])), 2_000);
    expect(writes.some((w) => w.size === 2)).toBe(true);
    for (const id of ['a', 'b']) {
      const last = writes.filter((w) => w.has(id)).at(-1)!.get(id)!;
      expect(monitor.latest(id)?.phase).toBe('monitoring');
      expect(last.version).toBe(monitor.latest(id)?.learning.version);
    }
  });

  it('raises communication loss in event time when a machine falls silent while others report', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const silentFrom = T0 + 2 * H;
    const silentTo = silentFrom + 10 * 60_000;
    function* plant(): Generator<Reading> {
      const a = machineReadings('a', T0, 3);
      const b = machineReadings('b', T0, 3, {}, 2);
      for (;;) {
        const ra = a.next();
        const rb = b.next();
        if (ra.done || rb.done) return;
        yield ra.value;
        if (rb.value.ts < silentFrom || rb.value.ts >= silentTo) yield rb.value;
      }
    }
    const outs = (await run(monitor, plant())).filter((o) => o.machineId === 'b');
    const lost = outs.filter((o) => o.communicationLost);
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0]!.ts).toBeGreaterThan(silentFrom);
    expect(lost[0]!.ts - silentFrom).toBeLessThanOrEqual(60_000);
    expect(outs.filter((o) => o.ts >= silentTo).every((o) => !o.communicationLost)).toBe(true);
  });

  it('recognises a sensor frozen while its machine runs', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    // Ten hours in, the machine starts 40 minutes at full load.
    const freezeAt = T0 + 10 * H + 60_000;
    let frozen: number | null = null;
    function* readings(): Generator<Reading> {
      for (const r of machineReadings('m', T0, 10.6)) {
        if (r.ts >= freezeAt) frozen ??= r.metrics.pressure!;
        yield frozen === null ? r : { ...r, metrics: { ...r.metrics, pressure: frozen } };
      }
    }
    const outs = await run(monitor, readings());
    const stuck = outs.filter((o) => o.stuckSensors.includes('pressure'));
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck[0]!.ts - freezeAt).toBeGreaterThanOrEqual(TEST_PARAMS.stuckMinS * 1000);
    expect(outs.filter((o) => o.ts < freezeAt).every((o) => o.stuckSensors.length === 0)).toBe(true);
  });

  it('learns a condition an operator marks as normal, and the same condition stops alarming', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const shiftAt = T0 + 6 * H;
    // A new normal: the process now runs 8 % lower pressure (a changed product, not a leak).
    const lower = (ts: number) => (ts >= shiftAt ? 0.92 : 1);
    const first = await run(monitor, machineReadings('m', T0, 7, { pressure: lower }));
    expect(episodes(first).length).toBe(1);
    expect(first.at(-1)!.anomaly.active).toBe(true);
    const taught = monitor.markNormal('m', first.at(-1)!.ts);
    expect(taught.version).toBeGreaterThan(1);
    expect(monitor.latest('m')!.anomaly.active).toBe(false);
    const after = await run(monitor, machineReadings('m', T0 + 7 * H, 3, { pressure: lower }, 7));
    expect(episodes(after)).toEqual([]);
  });

  it('defines bad input: NaN and missing sensors, a new metric, out-of-order and duplicate readings, a clock jump', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const readings = [...machineReadings('m', T0, 7)];
    const messy: Reading[] = [];
    readings.forEach((r, i) => {
      const metrics: Record<string, number> = { ...r.metrics };
      if (i % 97 === 0) metrics.temperature = Number.NaN;
      if (i % 89 === 0) delete metrics.pressure;
      if (i > readings.length / 2) metrics.oil_level = 3 + (i % 7) * 0.01;
      messy.push({ ...r, metrics });
      if (i % 50 === 0) messy.push({ ...r, ts: r.ts - 10 * STEP_MS });
      if (i % 60 === 0) messy.push(r);
    });
    // A device whose clock jumps a day ahead, then comes back.
    const last = readings.at(-1)!;
    messy.push({ ...last, ts: last.ts + 24 * H });
    const outs = await run(monitor, messy);
    expect(outs.length).toBeGreaterThan(0);
    expect(outs.every((o) => o.health === null || Number.isFinite(o.health))).toBe(true);
    expect(monitor.skipped.get('m')).toBeGreaterThan(100);
    expect(episodes(outs)).toEqual([]);
  });

  it('carries a temperature\u2019s thresholds over in kelvin when a refit changes its model, and tightens them only on the rows after it', async () => {
    const { saved, temperature: k, vibration } = await learnedModel();
    // A model as validation might have judged it on a machine that had not shown its warm-ups: no lag, loose sigmas.
    const lagged = saved.models[k]!;
    const lagless = { ...lagged, coef: lagged.coef.map((_, i) => (i === 0 ? lagged.level : 0)), sigma: lagged.sigma.map((v) => (v === null ? null : 40)) };
    const old: FittedModel = { ...saved, models: saved.models.map((sm, i) => (i === k ? lagless : sm)), slowT: saved.slowT.map((t, i) => (i === k ? 2 : t)) };
    // The first refit after 4 hours: enough confirmed rows since the load to fit the temperature in its bands again.
    const params = { ...TEST_PARAMS, validateHours: 1, refitHours: 4 };
    const restored = new ConditionMonitor(model, params, undefined, new Map([['m', old]]));
    await run(restored, machineReadings('m', T0 + 7 * H, 4.5));
    const refitted = restored.get('m')!.model!;
    expect(refitted.version).toBe(old.version + 1);
    const ratio = scaleRatio(lagless, refitted.models[k]!);
    expect(ratio).toBeGreaterThan(SCALE_CHANGE);
    expect(refitted.slowT[k]).toBeCloseTo(2 * ratio, 6);
    expect(refitted.slowT[vibration]).toBe(old.slowT[vibration]);
    expect(restored.get('m')!.sensors[k]!.recheck).not.toBeNull();
    await run(restored, machineReadings('m', T0 + 11.5 * H, 1));
    const checkedT = restored.get('m')!.model!.slowT[k]!;
    expect(restored.get('m')!.sensors[k]!.recheck).toBeNull();
    expect(checkedT).toBeLessThan(2 * ratio);
    // Its inputs are not the lagless reference's, so the floor is its only lower bound.
    expect(checkedT).toBeGreaterThanOrEqual(TEST_PARAMS.slowFloor);
  });

  it('loads a model saved before the powered share was an input: its direct sensors judge at once, its lagged temperature after the next refit', async () => {
    const { saved, temperature, vibration } = await learnedModel();
    expect(saved.models[temperature]!.coef.slice(4).some((c) => c !== 0)).toBe(true);
    expect(saved.models[vibration]!.coef.slice(4).every((c) => c === 0)).toBe(true);
    const old: FittedModel = { ...saved, models: saved.models.map((sm) => sm && { coef: sm.coef, sigma: sm.sigma, level: sm.level, lagRange: sm.lagRange }) };
    const restored = new ConditionMonitor(model, TEST_PARAMS, undefined, new Map([['m', old]]));
    expect(restored.get('m')!.model!.models[temperature]).toBeNull();
    expect(restored.get('m')!.model!.models[vibration]).toEqual(old.models[vibration]);
    const outs = await run(restored, machineReadings('m', T0 + 7 * H, 5));
    expect(outs.every((o) => o.phase === 'monitoring')).toBe(true);
    expect(episodes(outs)).toEqual([]);
    expect(restored.get('m')!.model!.models[temperature]!.poweredRange).toHaveLength(2 * LAGS);
  });

  it('a machine first seen in standby learns its first warm-up as a warm-up from off, and learns on one scale as its top grows', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const standby: Reading[] = [];
    // Two hours at standby draw: read as running at its own level once it has held still for an hour.
    for (let ts = T0; ts < T0 + 2 * H; ts += STEP_MS) standby.push({ machineId: 'm', ts, receivedAt: ts, metrics: { power: 0.05 + 0.005 * Math.sin(ts / 4e4), temperature: 20 + 0.1 * Math.sin(ts / 5e4), vibration: 0.3, pressure: 0.2 } });
    await run(monitor, standby);
    // Then the working cycle from cold: half load first, so the top grows again when full load comes.
    await run(monitor, machineReadings('m', T0 + 2 * H, 4));
    const m = monitor.get('m')!;
    expect(m.model).not.toBeNull();
    const k = m.model!.sensors.indexOf('temperature');
    const sigma = m.model!.models[k]!.sigma.filter((v): v is number => v !== null);
    expect(sigma.length).toBeGreaterThan(1);
    // The sensor's noise and what the geometric lags miss of its 10-minute lag, no more.
    expect(Math.max(...sigma)).toBeLessThan(1);
  });

  it('neither fits nor judges at idle a cycle time that holds its last value while the machine stands', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    let cycle = 32;
    let i = 0;
    const withCycle = function* (from: number, hours: number) {
      for (const r of machineReadings('m', from, hours)) {
        const { mode, load } = loadAt(r.ts);
        if (mode === 'running') cycle = Math.round((34 - 4 * load + 0.1 * Math.sin(i++ / 3)) * 100) / 100;
        yield { ...r, metrics: { ...r.metrics, cycle_time: cycle } };
      }
    };
    const outs = await run(monitor, withCycle(T0, 10));
    const m = monitor.get('m')!;
    const k = m.model!.sensors.indexOf('cycle_time');
    expect(m.model!.models[k]!.sigma[0]).toBeNull();
    expect(m.model!.models[k]!.sigma[3]).not.toBeNull();
    expect(episodes(outs)).toEqual([]);
  });

  it('keeps a worn machine\u2019s health through a stop: the first minutes after a restart read no recovery', async () => {
    // Vibration doubled while running (the wear does not show at idle, as a bearing's does not).
    const wear = (ts: number) => (ts >= T0 + 7 * H ? 2 : 1);
    const outs = await run(new ConditionMonitor(model, TEST_PARAMS), machineReadings('m', T0, 11, { vibration: wear }));
    const running = outs.filter((o) => o.ts >= T0 + 7 * H && o.health !== null);
    let restarts = 0;
    for (let i = 1; i < running.length; i++) {
      const before = running[i - 1]!;
      const after = running[i]!;
      if (before.operatingState === 'running' || after.operatingState !== 'running') continue;
      // The health held through the stop against the first ten minutes after the restart.
      const next = running.slice(i).filter((o) => o.ts < after.ts + 10 * 60_000);
      expect(new Set(next.map((o) => o.health)).size).toBeGreaterThan(1);
      for (const o of next) expect(o.health!).toBeLessThanOrEqual(before.health! + 1);
      restarts++;
    }
    expect(restarts).toBeGreaterThanOrEqual(2);
  });

  it('does not judge the running deviation a stopped machine still remembers by its idle level', async () => {
    // Vibration 14 % above its model while running, below the least share worth an alarm (20 % here); normal while idle.
    const wear = (ts: number) => (ts >= T0 + 7 * H ? 1.14 : 1);
    const monitor = new ConditionMonitor(model, { ...TEST_PARAMS, vibrationMinShare: 0.2 });
    const outs = await run(monitor, machineReadings('m', T0, 12, { vibration: wear }));
    const later = outs.filter((o) => o.ts >= T0 + 7 * H);
    expect(later.some((o) => o.operatingState === 'idle')).toBe(true);
    expect(episodes(later)).toEqual([]);
  });

  it('takes a vibration\u2019s thresholds from its rises: a machine that learned worn and validated after its service still alarms on wear', async () => {
    // Learned at 1.3 times its vibration, validated at 1.0 (serviced), then worn to 1.5 times.
    const vibration = (ts: number) => (ts < T0 + 3 * H ? 1.3 : ts < T0 + 7 * H ? 1 : 1.5);
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const outs = await run(monitor, machineReadings('m', T0, 10, { vibration }));
    const m = monitor.get('m')!;
    const k = m.model!.sensors.indexOf('vibration');
    expect(m.model!.slowT[k]).toBeLessThan(5);
    const raised = outs.filter((o) => o.ts >= T0 + 7 * H && o.anomaly.active);
    expect(raised.some((o) => o.anomaly.type === 'vibration_bearing')).toBe(true);
  });

  it('a machine that never leaves one state is judged in that state, not left unknown', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const steady: Reading[] = [];
    for (let ts = T0; ts < T0 + 6 * H; ts += STEP_MS) steady.push({ machineId: 's', ts, receivedAt: ts, metrics: { power: 15 + 0.1 * Math.sin(ts / 7e4), temperature: 50 + 0.2 * Math.sin(ts / 9e4), vibration: 2 + 0.05 * Math.cos(ts / 3e4) } });
    const outs = await run(monitor, steady);
    expect(outs.at(-1)!.operatingState).toBe('running');
    expect(outs.at(-1)!.phase).toBe('monitoring');
    expect(episodes(outs)).toEqual([]);
  });

  it('a machine that stood still through its learning learns again when it starts working, instead of alarming', async () => {
    const monitor = new ConditionMonitor(model, TEST_PARAMS);
    const standby: Reading[] = [];
    // Six hours at standby draw (learning and validating on it), then the normal working cycle.
    for (let ts = T0; ts < T0 + 6 * H; ts += STEP_MS) standby.push({ machineId: 'm', ts, receivedAt: ts, metrics: { power: 0.3 + 0.01 * Math.sin(ts / 4e4), temperature: 20 + 0.1 * Math.sin(ts / 5e4), vibration: 0.02, pressure: 0.1 } });
    const first = await run(monitor, standby);
    expect(first.at(-1)!.phase).toBe('monitoring');
    const after = await run(monitor, machineReadings('m', T0 + 6 * H, 2));
    expect(episodes(after)).toEqual([]);
    expect(after.at(-1)!.phase).toBe('learning');
    expect(after.every((o) => o.health === null || o.health > 90)).toBe(true);
  });
});

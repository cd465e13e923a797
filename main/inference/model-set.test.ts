import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../common/telemetry';
import { BUILT_IN_MODEL_HASHES, MODELS_DIR, readManifest, readVerified, sha256 } from './manifest';
import { loadModels } from './model-set';
import { ModelStage, type ModelOutput } from './model-stage';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the committed models folder, with `tamper` applied to it. */
function copyModels(tamper: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-models-'));
  dirs.push(dir);
  copyFileSync(join(MODELS_DIR, 'manifest.json'), join(dir, 'manifest.json'));
  for (const e of Object.values(readManifest(MODELS_DIR).models)) copyFileSync(join(MODELS_DIR, e.file), join(dir, e.file));
  tamper(dir);
  return dir;
}

function readings(n: number, machineId = 'm1'): Reading[] {
  return Array.from({ length: n }, (_, i) => ({ machineId, ts: 1_000 * (i + 1), receivedAt: 0, metrics: { temperature: 60 + Math.sin(i / 3), vibration: 2 + 0.1 * Math.cos(i / 5) } }));
}

async function run(stage: ModelStage, rs: Reading[]): Promise<ModelOutput[]> {
  rs.forEach((r) => stage.observe(r));
  return stage.flush();
}

describe('committed models', () => {
  it('every manifest entry loads with a verified hash and reproduces the training framework', async () => {
    const models = await loadModels(MODELS_DIR);
    expect(models.health()).toMatchObject({ state: 'ok' });
    const f = JSON.parse(readFileSync(join(MODELS_DIR, 'parity/failure.json'), 'utf8')) as { x: number[][]; p_failure: number[]; p_type: number[][] };
    const out = await models.get('failure').run({ x: { data: Float32Array.from(f.x.flat()), dims: [f.x.length, 6] } });
    f.p_failure.forEach((p, i) => expect(out.p_failure!.data[i]).toBeCloseTo(p, 4));
    f.p_type.flat().forEach((p, i) => expect(out.p_type!.data[i]).toBeCloseTo(p, 4));
    for (const name of ['rul-fd001', 'rul-fd002', 'rul-fd003', 'rul-fd004']) {
      const r = JSON.parse(readFileSync(join(MODELS_DIR, `parity/${name}.json`), 'utf8')) as { x: number[][]; rul: number[][] };
      const got = await models.get(name).run({ x: { data: Float32Array.from(r.x.flat()), dims: [r.x.length, r.x[0]!.length] } });
      r.rul.flat().forEach((v, i) => expect(got.rul!.data[i]).toBeCloseTo(v, 2));
    }
  });
});

describe('the uncertain state', () => {
  it('a model file whose hash does not match is uncertain, and so is every output it would have given', async () => {
    const dir = copyModels((d) => {
      const file = join(d, 'anomaly.onnx');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      writeFileSync(file, bytes);
    });
    const models = await loadModels(dir);
    expect(models.get('anomaly').status()).toMatchObject({ state: 'uncertain', detail: expect.stringContaining('does not match the manifest') });
    expect(models.get('failure').status().state).toBe('ok');
    const stage = new ModelStage({ models });
    expect(stage.health()).toMatchObject({ state: 'uncertain', detail: expect.stringContaining('anomaly.onnx') });
    const outputs = await run(stage, readings(500));
    const judged = outputs.flatMap((o) => (o.model === 'anomaly' && o.output.state !== 'calibrating' ? [o] : []));
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.every((o) => o.output.state === 'uncertain')).toBe(true);
  });

  it('in a packaged app, a model swapped together with its manifest hash does not match the hash built into the app', () => {
    const entry = readManifest(MODELS_DIR).models['anomaly']!;
    const builtIn = { [entry.file]: entry.sha256 };
    expect(readVerified(MODELS_DIR, entry, builtIn)).toMatchObject({ ok: true });
    // Someone replaced anomaly.onnx and wrote its new hash into the unpacked manifest.json.
    const dir = copyModels((d) => {
      const file = join(d, 'anomaly.onnx');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      writeFileSync(file, bytes);
    });
    const forged = { ...entry, sha256: sha256(readFileSync(join(dir, 'anomaly.onnx'))) };
    expect(readVerified(dir, forged, null)).toMatchObject({ ok: true });
    expect(readVerified(dir, forged, builtIn)).toMatchObject({ ok: false, reason: expect.stringContaining('not the one built into this app') });
    // Run from source (tests, the headless host), nothing is built in.
    expect(BUILT_IN_MODEL_HASHES).toBeNull();
  });

  it('a missing or unreadable manifest leaves every model uncertain', async () => {
    const models = await loadModels(copyModels((d) => writeFileSync(join(d, 'manifest.json'), '{"manifestVersion": 2}')), ['anomaly']);
    expect(models.health()).toMatchObject({ state: 'uncertain', detail: expect.stringContaining('manifest unreadable') });
    expect(new ModelStage({ models }).health().state).toBe('uncertain');
  });

  it('a model that fails to run yields uncertain outputs and an uncertain model state', async () => {
    const models = await loadModels(MODELS_DIR);
    const stage = new ModelStage({ models });
    const bad = readings(500).map((r) => ({ ...r, metrics: { ...r.metrics, productType: 0, airTemperature: 300, processTemperature: 310, rotationalSpeed: 1500, torque: 40, toolWear: 10 } }));
    const failure = models.get('failure');
    const original = failure.run.bind(failure);
    failure.run = () => original({ wrong_input: { data: new Float32Array(1), dims: [1, 1] } });
    const outputs = await run(stage, bad.slice(0, 3).map((r, i) => ({ ...r, machineId: `m${i}` })));
    expect(outputs.filter((o) => o.model === 'failure').map((o) => o.output.state)).toEqual(['uncertain', 'uncertain', 'uncertain']);
    expect(stage.health().state).toBe('uncertain');
  });
});

describe('scoring ticks', () => {
  it('merges flushes inside one tick and scores each machine\'s latest failure input once', async () => {
    const models = await loadModels(MODELS_DIR);
    const stage = new ModelStage({ models, tickMs: 30 });
    const snapshot = (i: number, machineId: string): Reading => ({
      machineId,
      ts: 1_000 * (i + 1),
      receivedAt: 0,
      metrics: { productType: 0, airTemperature: 300, processTemperature: 310, rotationalSpeed: 1500, torque: 40, toolWear: i },
    });
    await stage.flush();
    const flushes: Promise<ModelOutput[]>[] = [];
    for (let i = 0; i < 6; i++) {
      stage.observe(snapshot(i, 'a'));
      stage.observe(snapshot(i, 'b'));
      flushes.push(stage.flush());
    }
    const results = await Promise.all(flushes);
    expect(results.every((r) => r === results[0])).toBe(true);
    const failures = results[0]!.filter((o) => o.model === 'failure').map((o) => [o.output.machineId, o.output.ts]);
    expect(failures).toEqual([
      ['a', 6_000],
      ['b', 6_000],
    ]);
  });
});

describe('latest outputs in the store', () => {
  it('are written at most once per persistEveryMs, newest per machine and model, and all of them on persist()', async () => {
    const saved: { machineId: string; model: string; ts: number }[][] = [];
    const repository = { saveLatest: (rows: { machineId: string; model: string; ts: number }[]) => saved.push(rows.map(({ machineId, model, ts }) => ({ machineId, model, ts }))), calibrations: () => new Map(), saveCalibrations: () => {} };
    let clock = 0;
    const stage = new ModelStage({ models: await loadModels(MODELS_DIR), tickMs: 0, persistEveryMs: 10_000, monotonic: () => clock, repository: repository as never });
    const rs = readings(6);
    await run(stage, rs.slice(0, 2));
    clock = 5_000;
    await run(stage, rs.slice(2, 4));
    expect(saved).toEqual([]);
    clock = 10_000;
    await run(stage, rs.slice(4, 5));
    // The condition monitor's latest (still learning) is saved beside the commissioning detector's.
    const anomalyRows = () => saved.map((rows) => rows.filter((r) => r.model === 'anomaly'));
    expect(anomalyRows()).toEqual([[expect.objectContaining({ machineId: 'm1', model: 'anomaly', ts: 5_000 })]]);
    expect(saved[0]!.map((r) => r.model).sort()).toEqual(['anomaly', 'condition']);
    await run(stage, rs.slice(5));
    stage.persist();
    expect(anomalyRows()[1]).toEqual([{ machineId: 'm1', model: 'anomaly', ts: 6_000 }]);
    stage.persist();
    expect(saved).toHaveLength(2);
  });
});

describe('anomaly detection through the stage', () => {
  it('calibrates from the commissioning window, then flags a deviation with its sensor and type', async () => {
    const stage = new ModelStage({ models: await loadModels(MODELS_DIR) });
    const normal = readings(600);
    const hot = normal.slice(500).map((r) => ({ ...r, metrics: { ...r.metrics, temperature: r.metrics.temperature! + 15 } }));
    const outputs = (await run(stage, [...normal.slice(0, 500), ...hot])).filter((o) => o.model === 'anomaly').map((o) => o.output);
    // The 400 commissioning readings give one status each time another item breaks their run; every later reading is judged.
    const judged = outputs.filter((o) => o.state !== 'calibrating');
    expect(judged).toHaveLength(200);
    expect(outputs.slice(0, outputs.length - 200).map((o) => o.detail)).toEqual(['calibrating: 399 of 400 readings', 'calibrating: 400 of 400 readings']);
    expect(stage.anomaly!.calibration('m1')).toMatchObject({ sensors: ['temperature', 'vibration'] });
    expect(judged.slice(0, 100).every((o) => o.state === 'normal')).toBe(true);
    const flagged = judged.slice(100).filter((o) => o.state === 'anomaly');
    expect(flagged.length).toBeGreaterThan(50);
    expect(flagged[0]).toMatchObject({ type: 'thermal', contributors: [expect.objectContaining({ sensor: 'temperature' }), expect.anything()] });
  });

  it('saves the calibrations that finish in one flush together, and a stage built on them scores without commissioning', async () => {
    const saves: Map<string, unknown>[] = [];
    const store = new Map();
    const repository = { saveLatest: () => {}, openEvent: () => 1, updateEvent: () => {}, calibrations: () => store, saveCalibrations: (_model: string, c: Map<string, unknown>) => (saves.push(new Map(c)), c.forEach((v, k) => store.set(k, v))) };
    const stage = new ModelStage({ models: await loadModels(MODELS_DIR), tickMs: 0, repository: repository as never });
    const both = readings(450).flatMap((r) => [r, { ...r, machineId: 'm2' }]);
    await run(stage, both);
    expect(saves.map((s) => [...s.keys()])).toEqual([['m1', 'm2']]);
    expect(store.get('m1')).toEqual(stage.anomaly!.calibration('m1'));
    const restarted = new ModelStage({ models: await loadModels(MODELS_DIR), tickMs: 0, repository: repository as never });
    const outputs = (await run(restarted, readings(520).slice(450))).filter((o) => o.model === 'anomaly').map((o) => o.output);
    // No commissioning window: the windows refill (longWindow readings, without judgement, since
    // slopes over a few samples raised false anomalies), and scoring goes on with the saved limit.
    const longWindow = (stage.anomaly as unknown as { params: { longWindow: number } }).params.longWindow;
    expect(outputs[0]).toMatchObject({ state: 'calibrating', detail: `windows filling after a restart: ${longWindow - 1} of ${longWindow} readings` });
    expect(outputs.slice(1).map((o) => o.state)).toEqual(Array(70 - (longWindow - 1)).fill('normal'));
    expect(outputs.at(-1)!.threshold).toBe(store.get('m1').threshold);
  });

  it('a machine whose calibration cannot be saved commissions again instead of judging with a limit it would lose', async () => {
    const repository = { saveLatest: () => {}, calibrations: () => new Map(), saveCalibrations: () => { throw new Error('disk full'); } };
    const stage = new ModelStage({ models: await loadModels(MODELS_DIR), tickMs: 0, repository: repository as never });
    const rs = readings(500);
    await run(stage, rs.slice(0, 450));
    expect(stage.anomaly!.calibrating('m1')).toBe(true);
    const after = (await run(stage, rs.slice(450))).filter((o) => o.model === 'anomaly').map((o) => o.output);
    expect(after).toEqual([expect.objectContaining({ state: 'calibrating', detail: 'calibrating: 50 of 400 readings' })]);
  });

  it('with hysteresis (release < 1) keeps an episode open until the score falls well below the threshold', async () => {
    const verdicts = async (release: number) => {
      const models = await loadModels(MODELS_DIR);
      const entry = models.get('anomaly').entry!;
      entry.params = { ...(entry.params as object), release };
      const rs = readings(700).map((r, i) => (i > 550 ? { ...r, metrics: { ...r.metrics, temperature: r.metrics.temperature! + Math.max(0, 12 - (i - 550) / 8) } } : r));
      const flagged = (await run(new ModelStage({ models, tickMs: 0 }), rs)).filter((o) => o.model === 'anomaly' && o.output.state === 'anomaly');
      // readings(n) puts reading i at ts 1000 * (i + 1)
      return { first: flagged[0]!.output.ts / 1000 - 1, count: flagged.length };
    };
    const plain = await verdicts(1);
    const held = await verdicts(0.5);
    expect(plain.first).toBeGreaterThan(550);
    expect(held.first).toBe(plain.first);
    expect(held.count).toBeGreaterThan(plain.count);
  });

  it('gives the same verdicts however the readings are batched (status outputs: one per machine and flush)', async () => {
    const models = await loadModels(MODELS_DIR);
    const rs = readings(700).map((r, i) => (i > 550 ? { ...r, metrics: { ...r.metrics, vibration: 4 } } : r));
    const judged = (outputs: ModelOutput[]) => outputs.filter((o) => o.model !== 'anomaly' || o.output.state !== 'calibrating');
    const whole = await run(new ModelStage({ models, tickMs: 0 }), rs);
    const stage = new ModelStage({ models, tickMs: 0 });
    const pieces: ModelOutput[] = [];
    for (let i = 0; i < rs.length; i += 37) pieces.push(...(await run(stage, rs.slice(i, i + 37))));
    // Each model's outputs keep their order; how models interleave within a flush is the batching's.
    const byModel = (outputs: ModelOutput[]) => (['anomaly', 'condition', 'failure', 'rul'] as const).map((m) => judged(outputs).filter((o) => o.model === m));
    expect(byModel(pieces)).toEqual(byModel(whole));
    expect(judged(whole).filter((o) => o.model === 'anomaly')).toHaveLength(300);
    // each flush of the commissioning window reports where it stands, the last at reading 400
    const statuses = pieces.filter((o) => o.model === 'anomaly' && o.output.state === 'calibrating').map((o) => o.output.detail);
    expect(statuses).toHaveLength(Math.ceil(400 / 37) + 1);
    expect(statuses.at(-1)).toBe('calibrating: 400 of 400 readings');
  });
});

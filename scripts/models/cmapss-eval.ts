/**
 * C-MAPSS protocol: one prediction per test engine at its last cycle, scored per seed member against
 * RUL_FD00x.txt as given (uncapped). Also reported: RMSE against the truth capped at 125 (the
 * convention of much of the literature) and the floor that the model's own cap puts under the RMSE.
 */
import type { ModelSet } from '../../main/inference/model-set';
import { RulEstimator, type RulOutput } from '../../main/inference/rul-estimator';
import { RulParamsSchema } from '../../main/inference/rul-input';
import { LITERATURE_RUL_CAP, readEngines, readTrueRul, testFile, type Subset } from './cmapss-data';

const phm08 = (d: number) => (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1);
const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, sd: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)) };
};

export async function evaluateCmapss(models: ModelSet, subset: Subset) {
  const model = models.get(`rul-${subset.toLowerCase()}`);
  const params = RulParamsSchema.parse(model.entry?.params);
  const estimator = new RulEstimator(model, params);
  const engines = readEngines(testFile(subset), subset);
  const truth = readTrueRul(subset);
  const last: RulOutput[] = [];
  for (const e of engines) {
    for (const r of e.readings) estimator.observe(r);
    const outputs = await estimator.flush();
    last.push(outputs.at(-1)!);
  }
  if (last.some((o) => o.state !== 'ok')) throw new Error(`${subset}: ${last.find((o) => o.state !== 'ok')!.detail}`);
  const seeds = last[0]!.members.length;
  const rmse: number[] = [];
  const rmseCapped: number[] = [];
  const score: number[] = [];
  for (let k = 0; k < seeds; k++) {
    const d = last.map((o, i) => o.members[k]! - truth[i]!);
    rmse.push(Math.sqrt(d.reduce((a, x) => a + x * x, 0) / d.length));
    score.push(d.reduce((a, x) => a + phm08(x), 0));
    // Secondary figure: truth capped at 125, as many published results are computed (whatever this model's cap).
    const dc = last.map((o, i) => o.members[k]! - Math.min(truth[i]!, LITERATURE_RUL_CAP));
    rmseCapped.push(Math.sqrt(dc.reduce((a, x) => a + x * x, 0) / dc.length));
  }
  // The RMSE that a perfect model with outputs capped at params.cap would still have against the raw truth.
  const capFloor = Math.sqrt(truth.reduce((a, t) => a + Math.max(0, t - params.cap) ** 2, 0) / truth.length);
  const ens = last.map((o, i) => o.rul! - truth[i]!);
  const inBand = last.filter((o, i) => truth[i]! >= o.low! && truth[i]! <= o.high!).length;
  return {
    engines: engines.length,
    rmse: meanSd(rmse),
    rmseTruthCapped: meanSd(rmseCapped),
    capFloorRmse: capFloor,
    cap: params.cap,
    phm08: meanSd(score),
    ensembleRmse: Math.sqrt(ens.reduce((a, x) => a + x * x, 0) / ens.length),
    ensemblePhm08: ens.reduce((a, x) => a + phm08(x), 0),
    bandCoverage: inBand / last.length,
    nominalCoverage: params.band.coverage,
  };
}

/** Scores queued rows through condition.onnx: each sensor's prediction and its deviation in sigmas. */
import type { LoadedModel } from '../model-set';
import type { Row } from './condition-types';
import { FEATURES } from './normal-model';

export interface Scores {
  z: Float32Array;
  pred: Float32Array;
  sensors: number;
}

/** One batched run: rows of machines with fewer sensors are padded with masked slots. */
export async function scoreRows(model: LoadedModel, rows: readonly Row[]): Promise<Scores> {
  const S = rows.reduce((max, r) => Math.max(max, r.machine.model!.models.length), 0);
  const n = rows.length;
  if (n === 0) return { z: new Float32Array(), pred: new Float32Array(), sensors: S };
  const phi = new Float32Array(n * FEATURES);
  const coef = new Float32Array(n * FEATURES * S);
  const y = new Float32Array(n * S);
  const sigma = new Float32Array(n * S).fill(1);
  const mask = new Float32Array(n * S);
  rows.forEach((r, i) => {
    for (let f = 0; f < FEATURES; f++) phi[i * FEATURES + f] = r.phi[f]!;
    const models = r.machine.model!.models;
    for (let k = 0; k < models.length; k++) {
      const sm = models[k];
      const v = r.y[k];
      const sg = sm?.sigma[r.band];
      if (!sm || sg == null || v === undefined || !Number.isFinite(v)) continue;
      for (let f = 0; f < FEATURES; f++) coef[i * FEATURES * S + f * S + k] = sm.coef[f]!;
      y[i * S + k] = v;
      sigma[i * S + k] = sg;
      mask[i * S + k] = 1;
    }
  });
  const out = await model.run({
    phi: { data: phi, dims: [n, FEATURES] },
    coef: { data: coef, dims: [n, FEATURES, S] },
    y: { data: y, dims: [n, S] },
    sigma: { data: sigma, dims: [n, S] },
    mask: { data: mask, dims: [n, S] },
  });
  return { z: out.z!.data, pred: out.pred!.data, sensors: S };
}

/**
 * AI4I 2020, stratified 5-fold: each fold's model is trained by models/training/train_ai4i.py on the
 * other four folds (fixed seed), its decision threshold chosen by inner CV on those four folds, then
 * the held-out rows are scored through the app's FailureScorer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../main/inference/manifest';
import { loadModels, type ModelSet } from '../../main/inference/model-set';
import { FailureParamsSchema, FailureScorer } from '../../main/inference/failure-scorer';
import { DATA_ROOT } from './cmapss-data';

const ROOT = join(import.meta.dirname, '../..');
const CV_DIR = join(ROOT, '.cache/models/ai4i-cv');
const TYPE_CODE: Record<string, number> = { L: 0, M: 1, H: 2 };
const PRIORITY = ['HDF', 'PWF', 'OSF', 'TWF', 'RNF'];

function readRows() {
  const [header, ...lines] = readFileSync(join(DATA_ROOT, 'ai4i2020/ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split('\n').filter((l) => l.trim() !== '');
  const cols = header!.split(',');
  const at = (cells: string[], name: string) => cells[cols.indexOf(name)]!;
  return lines.map((line) => {
    const c = line.split(',');
    const flags = PRIORITY.filter((m) => at(c, m) === '1');
    return {
      x: [TYPE_CODE[at(c, 'Type')]!, ...['Air temperature [K]', 'Process temperature [K]', 'Rotational speed [rpm]', 'Torque [Nm]', 'Tool wear [min]'].map((n) => Number(at(c, n)))],
      failure: at(c, 'Machine failure') === '1',
      type: flags[0] ?? 'none',
    };
  });
}

function f1(tp: number, fp: number, fn: number) {
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** The fold models are trained in Python; a machine without its packages is told which to install. */
export class MissingTrainingPackages extends Error {}

/** Null when `python` imports what train_ai4i.py needs; otherwise the one line that says what to install. */
export function missingTrainingPackages(python: string): string | null {
  try {
    execFileSync(python, ['-c', 'import numpy, onnx, sklearn'], { stdio: 'ignore' });
    return null;
  } catch {
    return `AI4I folds are trained with ${python} and need numpy, onnx and scikit-learn: apt-get install python3-numpy python3-onnx python3-sklearn (or set FACTORYBRAIN_PYTHON)`;
  }
}

export async function evaluateAi4i(shipped: ModelSet) {
  // The fold models are a cache: rebuilt when missing or when the training code changed since.
  const trainer = sha256(Buffer.concat(['train_ai4i.py', 'onnx_trees.py'].map((f) => readFileSync(join(ROOT, 'models/training', f)))));
  const stamp = join(CV_DIR, 'trainer.sha256');
  if (!existsSync(join(CV_DIR, 'folds.json')) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== trainer) {
    const python = process.env.FACTORYBRAIN_PYTHON ?? '/usr/bin/python3';
    const missing = missingTrainingPackages(python);
    if (missing) throw new MissingTrainingPackages(missing);
    execFileSync('nice', ['-n', '19', python, join(ROOT, 'models/training/train_ai4i.py'), 'cv', CV_DIR], { stdio: 'inherit' });
    writeFileSync(stamp, trainer);
  }
  const folds = JSON.parse(readFileSync(join(CV_DIR, 'folds.json'), 'utf8')) as { seed: number; classes: string[]; testRows: number[][]; thresholds?: number[] };
  const entry = shipped.get('failure').entry!;
  const params = FailureParamsSchema.parse(entry.params);
  const models = Object.fromEntries(folds.testRows.map((_, i) => [`fold${i}`, { ...entry, file: `fold${i}.onnx`, sha256: sha256(readFileSync(join(CV_DIR, `fold${i}.onnx`))), evaluation: null }]));
  writeFileSync(join(CV_DIR, 'manifest.json'), JSON.stringify({ manifestVersion: 1, models }));
  const set = await loadModels(CV_DIR);
  const rows = readRows();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const confusion = new Map<string, number>();
  for (const [i, test] of folds.testRows.entries()) {
    // Each fold's threshold was chosen by inner CV on that fold's training rows (train_ai4i.py cv).
    const scorer = new FailureScorer(set.get(`fold${i}`), { ...params, threshold: folds.thresholds?.[i] ?? params.threshold });
    const readings = test.map((r) => ({ machineId: `ai4i-${r}`, ts: 0, receivedAt: 0, metrics: Object.fromEntries(params.metrics.map((m, k) => [m, rows[r]!.x[k]!])) }));
    const out = await scorer.score(readings);
    test.forEach((r, k) => {
      const o = out[k]!;
      if (o.state !== 'ok') throw new Error(o.detail ?? 'uncertain');
      const truth = rows[r]!;
      if (o.predictedFailure && truth.failure) tp++;
      else if (o.predictedFailure) fp++;
      else if (truth.failure) fn++;
      const probs = o.typeProbabilities;
      const predicted = params.classes.reduce((best, c) => (probs[c]! > probs[best]! ? c : best), params.classes[0]!);
      confusion.set(`${truth.type}>${predicted}`, (confusion.get(`${truth.type}>${predicted}`) ?? 0) + 1);
    });
  }
  const perClass = Object.fromEntries(
    params.classes.map((c) => {
      const ctp = confusion.get(`${c}>${c}`) ?? 0;
      const cfp = params.classes.filter((t) => t !== c).reduce((a, t) => a + (confusion.get(`${t}>${c}`) ?? 0), 0);
      const cfn = params.classes.filter((p) => p !== c).reduce((a, p) => a + (confusion.get(`${c}>${p}`) ?? 0), 0);
      return [c, f1(ctp, cfp, cfn)];
    }),
  );
  const macro = Object.values(perClass).reduce((a, b) => a + b, 0) / params.classes.length;
  return { seed: folds.seed, folds: folds.testRows.length, thresholds: folds.thresholds ?? null, binaryF1: f1(tp, fp, fn), precision: tp / (tp + fp), recall: tp / (tp + fn), macroF1: macro, perClassF1: perClass };
}

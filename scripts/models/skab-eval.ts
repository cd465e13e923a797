/**
 * SKAB leaderboard protocol through the app's own ModelStage: per file, the first 400 rows are the
 * commissioning window (calibration and threshold), the rest are streamed and judged. Files are read
 * with the same CSV reader the replay command publishes with, labels excluded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../common/telemetry';
import type { AnomalyOutput } from '../../main/inference/anomaly-detector';
import type { ModelSet } from '../../main/inference/model-set';
import { ModelStage } from '../../main/inference/model-stage';
import { CsvRowReader } from '../../main/sim/csv';
import { DATA_ROOT } from './cmapss-data';

export const SKAB_DIR = join(DATA_ROOT, 'skab/data');
export const SKAB_TRAIN_ROWS = 400;
export const SKAB_SENSORS = ['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Pressure', 'Temperature', 'Thermocouple', 'Voltage', 'Volume Flow RateRMS'];
/** Column -> metric, as `factorybrain replay --map` would publish it; the label columns are left out. */
export const SKAB_MAPPING = Object.fromEntries(SKAB_SENSORS.map((c) => [c, c.replace(/\s+/g, '_')]));

export interface SkabFile {
  name: string;
  path: string;
}

export function skabFiles(): SkabFile[] {
  return ['valve1', 'valve2', 'other'].flatMap((folder) =>
    readdirSync(join(SKAB_DIR, folder))
      .filter((f) => f.endsWith('.csv'))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => ({ name: `${folder}/${f}`, path: join(SKAB_DIR, folder, f) })),
  );
}

export interface LabelledRows {
  readings: Reading[];
  anomaly: number[];
  changepoint: number[];
}

export function readSkab(file: SkabFile, machineId: string): LabelledRows {
  const [header, ...lines] = readFileSync(file.path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const reader = new CsvRowReader(header!, { mapping: SKAB_MAPPING });
  const cols = header!.split(';');
  const ai = cols.indexOf('anomaly');
  const ci = cols.indexOf('changepoint');
  const out: LabelledRows = { readings: [], anomaly: [], changepoint: [] };
  for (const line of lines) {
    const row = reader.read(line);
    if ('error' in row) throw new Error(`${file.name}: ${row.error}`);
    const cells = line.split(';');
    out.readings.push({ machineId, ts: row.ts, metrics: row.metrics, receivedAt: 0 });
    out.anomaly.push(Number(cells[ai]));
    out.changepoint.push(Number(cells[ci]));
  }
  return out;
}

/** Per row, whether the detector flagged it: a row the engine skipped (same timestamp) keeps the previous verdict. */
export function verdicts(readings: readonly Reading[], outputs: readonly AnomalyOutput[]): boolean[] {
  const byTs = new Map(outputs.map((o) => [o.ts, o.state === 'anomaly']));
  let last = false;
  return readings.map((r) => (last = byTs.get(r.ts) ?? last));
}

/** Runs one file through a fresh ModelStage, as the live runtime would see that machine. */
export async function detectFile(models: ModelSet, rows: LabelledRows): Promise<AnomalyOutput[]> {
  const outputs: AnomalyOutput[] = [];
  const stage = new ModelStage({ models, tickMs: 0, onOutputs: (o) => o.forEach((x) => x.model === 'anomaly' && outputs.push(x.output)) });
  for (const r of rows.readings) stage.observe(r);
  await stage.flush();
  return outputs;
}

const NAB_PROFILES = { standard: { tp: 1, fp: -0.11, fn: -1 }, lowFP: { tp: 1, fp: -0.22, fn: -1 }, lowFN: { tp: 1, fp: -0.11, fn: -2 } };
const NAB_WINDOW_MS = 60_000;

/**
 * NAB-style changepoint score: a 60 s window to the right of each true changepoint; the first
 * predicted change inside scores by NAB's sigmoid (earlier is better), further ones are ignored,
 * a change outside every window costs A_fp, an empty window A_fn; scaled null = 0, perfect = 100.
 * Not bit-identical to tsad's implementation (see models/README.md).
 */
export function nab(files: { ts: number[]; truth: number[]; predicted: number[] }[]) {
  const result = { standard: 0, lowFP: 0, lowFN: 0 };
  let missed = 0;
  let fps = 0;
  for (const name of ['standard', 'lowFP', 'lowFN'] as const) {
    const a = NAB_PROFILES[name];
    let raw = 0;
    let windows = 0;
    missed = 0;
    fps = 0;
    for (const f of files) {
      const wins = f.truth.map((t) => ({ start: t, end: t + NAB_WINDOW_MS, hit: false }));
      windows += wins.length;
      for (const p of f.predicted) {
        const w = wins.find((x) => p >= x.start && p <= x.end);
        if (!w) {
          raw += a.fp;
          fps++;
        } else if (!w.hit) {
          w.hit = true;
          const y = (p - w.end) / NAB_WINDOW_MS;
          raw += a.tp * (2 / (1 + Math.exp(5 * y)) - 1);
        }
      }
      for (const w of wins) {
        if (w.hit) continue;
        raw += a.fn;
        missed++;
      }
    }
    const perfect = a.tp * windows;
    const nul = a.fn * windows;
    result[name] = (100 * (raw - nul)) / (perfect - nul);
  }
  return { ...result, missedChangepoints: missed, falsePositives: fps };
}

export async function evaluateSkab(models: ModelSet, filter: (f: SkabFile) => boolean = () => true) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const delays: number[] = [];
  let undetected = 0;
  const cps: { ts: number[]; truth: number[]; predicted: number[] }[] = [];
  const files = skabFiles().filter(filter);
  for (const file of files) {
    const rows = readSkab(file, `skab/${file.name}`);
    const flags = verdicts(rows.readings, await detectFile(models, rows));
    const ts = rows.readings.map((r) => r.ts);
    let firstTrue = -1;
    let firstHit = -1;
    const truth: number[] = [];
    const predicted: number[] = [];
    for (let i = SKAB_TRAIN_ROWS; i < flags.length; i++) {
      const t = rows.anomaly[i] === 1;
      const p = flags[i]!;
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
      else tn++;
      if (t && firstTrue < 0) firstTrue = i;
      if (firstTrue >= 0 && p && t && firstHit < 0) firstHit = i;
      if (rows.changepoint[i] === 1) truth.push(ts[i]!);
      if (i > SKAB_TRAIN_ROWS && p !== flags[i - 1]) predicted.push(ts[i]!);
    }
    if (firstTrue >= 0) {
      if (firstHit >= 0) delays.push((ts[firstHit]! - ts[firstTrue]!) / 1000);
      else undetected++;
    }
    cps.push({ ts, truth, predicted });
  }
  return {
    files: files.length,
    testRows: tp + fp + fn + tn,
    f1: tp / (tp + (fp + fn) / 2),
    farPct: (100 * fp) / (fp + tn),
    marPct: (100 * fn) / (fn + tp),
    accuracy: (tp + tn) / (tp + fp + fn + tn),
    meanDetectionDelayS: delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length),
    anomaliesNeverDetected: undetected,
    nab: nab(cps),
  };
}

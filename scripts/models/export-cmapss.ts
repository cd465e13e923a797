/**
 * Training inputs for the RUL models, written by the app's own RulInput so that the network is
 * trained on exactly the numbers it will see live. Output (not committed): <out>/<subset>.{x,y,unit,life}.bin
 * (float32, float32 capped target, int32, float32 uncapped RUL) and <out>/<subset>.params.json.
 *
 *   node --import tsx scripts/models/export-cmapss.ts <out-dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RulInput, rulInputWidth, type RulParams } from '../../main/inference/rul-input';
import { CMAPSS_SENSORS, readEngines, RUL_CAPS, SUBSETS, trainFile } from './cmapss-data';

export const RUL_WINDOW = 30;
/** Extra windows (cycles): the 90-cycle mean and slope see the slow wear trend, the 10-cycle mean the latest level. */
export const RUL_LONG_WINDOW = 90;
export const RUL_SHORT_WINDOW = 10;

/** Per-condition mean and std of each sensor over the training file; conditions are rounded setting1. */
function conditionStats(readings: { metrics: Record<string, number> }[]): RulParams['conditions'] {
  const groups = new Map<number, { metrics: Record<string, number> }[]>();
  for (const r of readings) {
    const key = Math.round(r.metrics.setting1!);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()]
    .filter(([, rows]) => rows.length >= readings.length * 0.01)
    .sort(([a], [b]) => a - b)
    .map(([key, rows]) => {
      const mean = CMAPSS_SENSORS.map((s) => rows.reduce((t, r) => t + r.metrics[s]!, 0) / rows.length);
      const std = CMAPSS_SENSORS.map((s, i) => Math.max(1e-6, Math.sqrt(rows.reduce((t, r) => t + (r.metrics[s]! - mean[i]!) ** 2, 0) / rows.length)));
      return { key, mean, std };
    });
}

function main(out: string) {
  mkdirSync(out, { recursive: true });
  for (const subset of SUBSETS) {
    const engines = readEngines(trainFile(subset), subset);
    const cap = RUL_CAPS[subset];
    const params: RulParams = {
      window: RUL_WINDOW,
      longWindow: RUL_LONG_WINDOW,
      shortWindow: RUL_SHORT_WINDOW,
      sensors: CMAPSS_SENSORS,
      conditionMetric: 'setting1',
      conditions: conditionStats(engines.flatMap((e) => e.readings)),
      cycleMetric: 'cycle',
      cap,
      band: { low: 0, high: 0, coverage: 0 },
    };
    const width = rulInputWidth(params);
    const input = new RulInput(params);
    const xs: Float32Array[] = [];
    const ys: number[] = [];
    const lives: number[] = [];
    const units: number[] = [];
    for (const e of engines) {
      const last = e.readings.at(-1)!.metrics.cycle!;
      for (const r of e.readings) {
        const x = input.update(r);
        if (!x) continue;
        xs.push(x);
        ys.push(Math.min(cap, last - r.metrics.cycle!));
        lives.push(last - r.metrics.cycle!);
        units.push(e.unit);
      }
    }
    const x = new Float32Array(xs.length * width);
    xs.forEach((row, i) => x.set(row, i * width));
    writeFileSync(join(out, `${subset}.x.bin`), x);
    writeFileSync(join(out, `${subset}.y.bin`), Float32Array.from(ys));
    writeFileSync(join(out, `${subset}.unit.bin`), Int32Array.from(units));
    writeFileSync(join(out, `${subset}.life.bin`), Float32Array.from(lives));
    writeFileSync(join(out, `${subset}.params.json`), JSON.stringify({ ...params, rows: xs.length, width }));
    console.log(`${subset}: ${xs.length} rows x ${width}`);
  }
}

main(process.argv[2] ?? join(import.meta.dirname, '../../.cache/models/cmapss'));

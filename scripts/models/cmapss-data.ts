/** C-MAPSS files as readings: one engine = one machine, one cycle = one second of event time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../common/telemetry';

export const DATA_ROOT = join(import.meta.dirname, '../../../shared/data');
export const CMAPSS_DIR = join(DATA_ROOT, 'cmapss/CMAPSSData');
export const SUBSETS = ['FD001', 'FD002', 'FD003', 'FD004'] as const;
export type Subset = (typeof SUBSETS)[number];

/**
 * The piecewise-linear target's cap (R_early) per subset: min(RUL, cap), and the model never predicts
 * more. 125 is the literature's value. FD002/FD004's cap was chosen by validation RMSE against the
 * uncapped RUL on truncated held-out training engines (models/training/select_rul_cap.py; grid 125,
 * 130, 140, 150, 165, 180, uncapped): FD002 24.00 at 125 -> 19.16 at 165, FD004 28.09 -> 23.75.
 * FD002's cap was re-selected after dropout was added to its network (train_rul.py CONFIG): 150 18.80,
 * 165 18.05, 180 18.31.
 * FD001/FD003 stay at 125 (see models/README.md). No test file took part.
 */
export const RUL_CAPS: Record<Subset, number> = { FD001: 125, FD002: 165, FD003: 125, FD004: 165 };
/** The cap of most published work, under which the secondary "truth capped" figure is computed. */
export const LITERATURE_RUL_CAP = 125;

/** The 14 sensors the literature uses; the other 7 are constant or nearly so in FD001/FD003. */
export const CMAPSS_SENSORS = ['s2', 's3', 's4', 's7', 's8', 's9', 's11', 's12', 's13', 's14', 's15', 's17', 's20', 's21'];
const COLUMNS = ['unit', 'cycle', 'setting1', 'setting2', 'setting3', ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)];

export interface Engine {
  unit: number;
  readings: Reading[];
}

export function readEngines(file: string, subset: string): Engine[] {
  const engines = new Map<number, Engine>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const cells = line.trim().split(/\s+/).map(Number);
    if (cells.length !== COLUMNS.length) continue;
    const metrics: Record<string, number> = {};
    COLUMNS.forEach((c, i) => (metrics[c] = cells[i]!));
    const unit = metrics.unit!;
    let engine = engines.get(unit);
    if (!engine) engines.set(unit, (engine = { unit, readings: [] }));
    engine.readings.push({ machineId: `${subset}-${unit}`, ts: metrics.cycle! * 1000, metrics, receivedAt: 0 });
  }
  return [...engines.values()];
}

export const trainFile = (s: Subset) => join(CMAPSS_DIR, `train_${s}.txt`);
export const testFile = (s: Subset) => join(CMAPSS_DIR, `test_${s}.txt`);
export const rulFile = (s: Subset) => join(CMAPSS_DIR, `RUL_${s}.txt`);

export const readTrueRul = (s: Subset) =>
  readFileSync(rulFile(s), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(Number);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open-database';
import { modelOutputRepository } from './model-outputs';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-model-outputs-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('modelOutputRepository calibrations', () => {
  const calibration = (threshold: number) => ({ sensors: ['t'], centre: [1, 0], scale: [2, 1], mask: [1, 1], threshold, from: 0, to: 9, rows: 10 });

  it('saves a flush of calibrations in one transaction, replaces a machine\'s earlier one, and reads them back per model', () => {
    const repo = modelOutputRepository(db, () => 42);
    repo.saveCalibrations('anomaly', new Map([['a', calibration(1)]]));
    const changesBefore = db.prepare('SELECT total_changes() AS n').get() as { n: number };
    repo.saveCalibrations('anomaly', new Map([['a', calibration(3)], ['b', calibration(2)]]));
    expect((db.prepare('SELECT total_changes() AS n').get() as { n: number }).n - changesBefore.n).toBe(2);
    expect(repo.calibrations('anomaly')).toEqual(new Map([['a', calibration(3)], ['b', calibration(2)]]));
    expect(repo.calibrations('other')).toEqual(new Map());
  });

  it('writes none of a flush when one row fails', () => {
    const repo = modelOutputRepository(db, () => 42);
    db.exec("CREATE TRIGGER refuse_b BEFORE INSERT ON model_calibrations WHEN NEW.machine_id = 'b' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    expect(() => repo.saveCalibrations('anomaly', new Map([['a', calibration(1)], ['b', calibration(2)]]))).toThrow('disk says no');
    expect(repo.calibrations('anomaly')).toEqual(new Map());
  });
});

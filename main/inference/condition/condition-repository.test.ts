import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../store/open-database';
import { conditionRepository } from './condition-repository';
import type { FittedModel } from './condition-types';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-condition-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const model = (version: number): FittedModel => ({
  version,
  fittedAt: version * 1000,
  sensors: ['power', 'temperature'],
  models: [null, { coef: Array<number>(16).fill(0.5), sigma: [null, 1, 1, 1], level: 40 }],
  loadMax: 20,
  powerMax: 20,
  fastT: [3, 3],
  slowT: [1.5, 1.5],
  longestRun: [2, 3],
  lagSpread: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  signals: { load: 'power', power: 'power', from: 'name' },
});

describe('conditionRepository', () => {
  it('keeps model versions and loads the newest of each machine; a corrupt row leaves that machine learning', () => {
    const repo = conditionRepository(db, () => 1);
    repo.saveModel('a', model(1));
    repo.saveModel('a', model(2));
    repo.saveModel('b', model(1));
    db.prepare("INSERT INTO condition_models (machine_id, version, fitted_at, model, saved_at) VALUES ('c', 1, 0, '{not json', 0)").run();
    const latest = repo.latestModels();
    expect([...latest.keys()].sort()).toEqual(['a', 'b']);
    expect(latest.get('a')!.version).toBe(2);
    for (let v = 3; v <= 30; v++) repo.saveModel('a', model(v));
    expect(db.prepare("SELECT COUNT(*) AS n FROM condition_models WHERE machine_id = 'a'").get()).toEqual({ n: 20 });
    repo.saveModels(new Map([['a', model(31)], ['b', model(2)]]));
    const after = repo.latestModels();
    expect([after.get('a')!.version, after.get('b')!.version]).toEqual([31, 2]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM condition_models WHERE machine_id = 'a'").get()).toEqual({ n: 20 });
  });

  it('turns state changes into spans and hours, and keeps health points', () => {
    const repo = conditionRepository(db, () => 1);
    const H = 3_600_000;
    repo.saveEvents([
      { machineId: 'a', ts: 0, kind: 'state', state: 'off' },
      { machineId: 'a', ts: 2 * H, kind: 'state', state: 'idle' },
      { machineId: 'a', ts: 3 * H, kind: 'state', state: 'running' },
      { machineId: 'a', ts: 3 * H, kind: 'health', health: 97, rulHours: null },
      { machineId: 'a', ts: 4 * H, kind: 'health', health: 80, rulHours: 30 },
    ]);
    const { spans, hours } = repo.stateHistory('a', H, 5 * H);
    expect(spans).toEqual([
      { from: H, to: 2 * H, state: 'off' },
      { from: 2 * H, to: 3 * H, state: 'idle' },
      { from: 3 * H, to: 5 * H, state: 'running' },
    ]);
    expect(hours).toEqual({ off: 1, idle: 1, running: 2, unknown: 0 });
    expect(repo.healthHistory('a', 0, 5 * H)).toEqual([
      { ts: 3 * H, health: 97, rulHours: null },
      { ts: 4 * H, health: 80, rulHours: 30 },
    ]);
    expect(repo.stateHistory('b', 0, H)).toEqual({ spans: [], hours: { off: 0, idle: 0, running: 0, unknown: 0 } });
  });

  it('keeps the labels people give episodes', () => {
    const repo = conditionRepository(db, () => 42);
    repo.addLabel({ machineId: 'a', from: 1, to: 2, label: 'normal', source: 'operator', username: 'sam', note: 'new product' });
    repo.addLabel({ machineId: 'a', from: 3, to: 9, label: 'bearing_wear', source: 'ticket', username: 'tech', note: 'ticket #4' });
    expect(repo.labels('a').map((l) => [l.label, l.source, l.createdAt])).toEqual([
      ['bearing_wear', 'ticket', 42],
      ['normal', 'operator', 42],
    ]);
  });
});

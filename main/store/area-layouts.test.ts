import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AreaLayoutSchema } from '../../common/contract-area';
import { CallFailure } from '../../common/errors';
import { areaLayouts } from './area-layouts';
import { backupTo } from './backup';
import { openDatabase, type Db } from './open-database';
import { settingsRepository } from './settings';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-area-layouts-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const machines = [
  { id: 'M1', area: 'fluids' },
  { id: 'M2', area: 'fluids' },
  { id: 'M3', area: 'air' },
];
const layout = {
  nodes: [
    { machineId: 'M1', x: 0.2, y: 0.5 },
    { machineId: 'M2', x: 0.7, y: 0.5 },
  ],
  links: [{ from: 'M1', to: 'M2' }],
};

describe('areaLayouts', () => {
  it('starts automatic, keeps a saved layout with who and when across a reopen, and resets to automatic', () => {
    const repo = areaLayouts(db, { machines: () => machines, now: () => 1_000 });
    expect(repo.get('fluids')).toEqual({ area: 'fluids', layout: null, updatedBy: null, updatedAt: null, problem: null });
    expect(repo.set('fluids', layout, 'eng')).toEqual({ area: 'fluids', layout, updatedBy: 'eng', updatedAt: 1_000, problem: null });
    const dbPath = join(dir, 'store.db');
    db.close();
    db = openDatabase(dbPath);
    const again = areaLayouts(db, { machines: () => machines, now: () => 2_000 });
    expect(again.get('fluids').layout).toEqual(layout);
    expect(again.get('air').layout).toBeNull();
    expect(again.set('fluids', null, 'eng').layout).toBeNull();
    expect(again.get('fluids')).toMatchObject({ layout: null, problem: null });
  });

  it('travels with a backup: the copy opens with the layout in it', async () => {
    areaLayouts(db, { machines: () => machines, now: () => 5 }).set('fluids', layout, 'eng');
    const copy = join(dir, 'backup.db');
    await backupTo(db, copy);
    const restored = openDatabase(copy);
    try {
      expect(areaLayouts(restored, { machines: () => machines, now: () => 6 }).get('fluids')).toEqual({ area: 'fluids', layout, updatedBy: 'eng', updatedAt: 5, problem: null });
    } finally {
      restored.close();
    }
  });

  it('refuses a layout that places a machine of another area or an unknown one, and keeps the one saved', () => {
    const repo = areaLayouts(db, { machines: () => machines, now: () => 1 });
    repo.set('fluids', layout, 'eng');
    const bad = { nodes: [...layout.nodes, { machineId: 'M3', x: 0, y: 0 }, { machineId: 'M9', x: 1, y: 1 }], links: [] };
    expect(() => repo.set('fluids', bad, 'eng')).toThrow(CallFailure);
    expect(() => repo.set('fluids', bad, 'eng')).toThrow('not machines of area fluids: M3, M9');
    expect(repo.get('fluids').layout).toEqual(layout);
  });

  it('reports a corrupt stored layout with a clear message, draws automatic, and leaves the row until the next save', () => {
    const lines: string[] = [];
    const repo = areaLayouts(db, { machines: () => machines, now: () => 1, log: (l) => lines.push(l) });
    settingsRepository(db).set('area.layout:fluids', { layout: { nodes: [{ machineId: 'M1', x: 7, y: 0 }], links: [] }, by: null, at: 1 });
    const got = repo.get('fluids');
    expect(got.layout).toBeNull();
    expect(got.problem).toMatch(/^The saved layout of this area cannot be read \(.+\); the automatic arrangement is shown/);
    expect(lines).toHaveLength(1);
    db.prepare("UPDATE settings SET value = '{not json' WHERE key = 'area.layout:fluids'").run();
    expect(repo.get('fluids').problem).toMatch(/cannot be read/);
    expect(repo.set('fluids', layout, 'eng').problem).toBeNull();
    expect(repo.get('fluids').layout).toEqual(layout);
  });
});

describe('AreaLayoutSchema', () => {
  it('refuses positions off the drawing, a machine placed twice, and connections to itself, twice or to a machine not placed', () => {
    expect(AreaLayoutSchema.safeParse(layout).success).toBe(true);
    const issues = (l: unknown) => {
      const r = AreaLayoutSchema.safeParse(l);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(issues({ nodes: [{ machineId: 'M1', x: 1.5, y: 0 }], links: [] })).toHaveLength(1);
    expect(issues({ nodes: [layout.nodes[0], layout.nodes[0]], links: [] })).toEqual(['machine M1 is placed twice']);
    expect(issues({ nodes: layout.nodes, links: [{ from: 'M1', to: 'M1' }] })).toEqual(['machine M1 cannot feed itself']);
    expect(issues({ nodes: layout.nodes, links: [layout.links[0], layout.links[0]] })).toEqual(['connection M1 → M2 is given twice']);
    expect(issues({ nodes: layout.nodes, links: [{ from: 'M1', to: 'M7' }] })).toEqual(['connection M1 → M7 names a machine that is not placed']);
  });
});

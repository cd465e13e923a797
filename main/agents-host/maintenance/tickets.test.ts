import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../store/open-database';
import { ticketRepository } from './tickets';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

const base = { machineId: 'm1', title: 'Bearing noise', description: '', priority: 'high' as const, reporter: 'op', failureType: 'bearing_wear', assignee: null, repairSteps: ['a', 'b'], costEstimate: 200, decisionId: null };

describe('maintenance tickets', () => {
  it('assigns, works and closes with the actual cost, and then refuses changes', () => {
    const repo = ticketRepository(db);
    const t = repo.create(base, 100);
    expect(t).toMatchObject({ status: 'open', repairSteps: ['a', 'b'], costEstimate: 200 });
    expect(repo.update(t.id, { assignee: 'tech' }, 110)).toMatchObject({ status: 'assigned', assignee: 'tech' });
    expect(repo.update(t.id, { status: 'in_progress' }, 120).status).toBe('in_progress');
    expect(repo.close(t.id, 260.5, 'replaced bearing', 130)).toMatchObject({ status: 'closed', actualCost: 260.5, closedAt: 130 });
    expect(() => repo.update(t.id, { priority: 'low' }, 140)).toThrow(/closed/);
    expect(() => repo.close(t.id, 1, undefined, 140)).toThrow(/already closed/);
  });

  it('gives the agent open tickets and those closed recently', () => {
    const repo = ticketRepository(db);
    const old = repo.create(base, 0);
    repo.close(old.id, 1, undefined, 10);
    const recent = repo.create(base, 20);
    repo.close(recent.id, 1, undefined, 1000);
    const open = repo.create(base, 30);
    expect(repo.refs(500).map((r) => r.id).sort()).toEqual([recent.id, open.id].sort());
  });
});

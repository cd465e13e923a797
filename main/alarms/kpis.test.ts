import { describe, expect, it } from 'vitest';
import type { AlarmJournalEntry, AlarmPriority } from '../../common/contract-alarms';
import { badActors, chattering, computeKpis, consoleOf, detectFloods, priorityDistribution, staleAlarms } from './kpis';

const MIN = 60_000;
let seq = 0;
/** A raise (annunciation) of `alarmId` on `machineId` at `at`. */
function raise(at: number, alarmId: string, machineId = 'plant/hall/m1', priority: AlarmPriority = 'low'): AlarmJournalEntry {
  return { seq: ++seq, eventId: `e${seq}`, alarmId, machineId, source: 'limit', sensor: null, priority, at, action: 'activate', from: 'normal', to: 'active-unacknowledged', active: true, username: null, console: 'c', note: null, message: '' };
}
const ack = (at: number, alarmId: string): AlarmJournalEntry => ({ ...raise(at, alarmId), action: 'ack', from: 'active-unacknowledged', to: 'active-acknowledged', username: 'olga' });

describe('consoleOf', () => {
  it('is the site and area of the machine, or system', () => {
    expect(consoleOf('plant/hall/m1')).toBe('plant/hall');
    expect(consoleOf('grp/edge1')).toBe('grp/edge1');
    expect(consoleOf('')).toBe('system');
  });
});

describe('detectFloods', () => {
  it('sees no flood at 10 alarms in 10 minutes', () => {
    const storm = Array.from({ length: 10 }, (_, i) => raise(i * MIN, `a${i}`));
    expect(detectFloods('c', storm, 100 * MIN)).toEqual([]);
  });

  it('starts a flood at the 11th alarm within 10 minutes and ends it once the trailing rate is below 5', () => {
    // 30 alarms, one every 20 s from t=0, on three machines; then quiet
    const storm = Array.from({ length: 30 }, (_, i) => raise(i * 20_000, `a${i % 6}`, `plant/hall/m${i % 3}`));
    const [flood, ...more] = detectFloods('plant/hall', storm, 60 * MIN);
    expect(more).toEqual([]);
    expect(flood!.start).toBe(0);
    // the last alarm is at 580 s; 5 remain in the window until the 26th (at 500 s) ages out
    expect(flood!.end).toBe(500_000 + 10 * MIN);
    expect(flood!.count).toBe(30);
    expect(flood!.firstOut).toBe('a0');
    expect(flood!.groups.map((g) => [g.key, g.count, g.firstOut])).toEqual([
      ['plant/hall/m0', 10, 'a0'],
      ['plant/hall/m1', 10, 'a1'],
      ['plant/hall/m2', 10, 'a2'],
    ]);
    expect(flood!.groups[0]!.alarmIds).toEqual(['a0', 'a3']);
  });

  it('reports a flood still going on with no end', () => {
    const storm = Array.from({ length: 12 }, (_, i) => raise(i * 10_000, `a${i}`));
    expect(detectFloods('c', storm, 150_000)).toMatchObject([{ start: 0, end: null, count: 12 }]);
  });

  it('separates two storms with a quiet hour between them', () => {
    const storm = (t0: number) => Array.from({ length: 15 }, (_, i) => raise(t0 + i * 5_000, `a${i}`));
    const floods = detectFloods('c', [...storm(0), ...storm(120 * MIN)], 300 * MIN);
    expect(floods.map((f) => [f.start, f.count])).toEqual([
      [0, 15],
      [120 * MIN, 15],
    ]);
  });
});

describe('chattering, stale, bad actors and priorities', () => {
  it('flags an alarm annunciated 3 or more times within one minute', () => {
    const entries = [raise(0, 'chat'), raise(20_000, 'chat'), raise(50_000, 'chat'), raise(0, 'slow'), raise(61_000, 'slow'), raise(122_000, 'slow')];
    expect(chattering(entries)).toEqual([{ alarmId: 'chat', maxPerMinute: 3, total: 3 }]);
  });

  it('lists alarms active for a day or more', () => {
    const now = 10 * 86_400_000;
    const alarms = [
      { id: 'old', active: true, raisedAt: now - 30 * 3_600_000 },
      { id: 'young', active: true, raisedAt: now - 3_600_000 },
      { id: 'cleared', active: false, raisedAt: now - 50 * 3_600_000 },
    ];
    expect(staleAlarms(alarms, now)).toEqual([{ alarmId: 'old', activeSince: now - 30 * 3_600_000, hours: 30 }]);
  });

  it('ranks the ten worst actors with their share', () => {
    const entries = Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 - i }, (_, k) => raise(k, `a${i}`))).flat();
    const top = badActors(entries);
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ alarmId: 'a0', count: 12, sharePct: (12 / 78) * 100 });
    expect(top[9]!.alarmId).toBe('a9');
  });

  it('compares the priority distribution with 80/15/5, leaving diagnostic out', () => {
    const entries = [
      ...Array.from({ length: 8 }, () => raise(0, 'l', undefined, 'low')),
      raise(0, 'm', undefined, 'medium'),
      raise(0, 'c', undefined, 'critical'),
      raise(0, 'd', undefined, 'diagnostic'),
    ];
    expect(priorityDistribution(entries)).toEqual({
      counts: { critical: 1, high: 0, medium: 1, low: 8, diagnostic: 1 },
      share: { high: 0.1, medium: 0.1, low: 0.8 },
      target: { high: 0.05, medium: 0.15, low: 0.8 },
    });
  });
});

describe('computeKpis over a synthetic storm', () => {
  it('counts only annunciations, per console, with average and peak per 10 minutes and time in flood', () => {
    const hall = Array.from({ length: 20 }, (_, i) => raise(i * 15_000, `h${i % 4}`, 'plant/hall/m1', 'medium'));
    const yard = [raise(30 * MIN, 'y1', 'plant/yard/p1', 'high'), ack(31 * MIN, 'y1')];
    const kpis = computeKpis([...hall, ...yard], [], { from: 0, to: 60 * MIN, now: 60 * MIN });
    expect(kpis.annunciated).toBe(21);
    expect(kpis.perConsole).toEqual([
      { console: 'plant/hall', total: 20, avgPer10Min: 20 / 6, peakPer10Min: 20, floodTimePct: expect.any(Number) },
      { console: 'plant/yard', total: 1, avgPer10Min: 1 / 6, peakPer10Min: 1, floodTimePct: 0 },
    ]);
    const flood = kpis.floods[0]!;
    expect(kpis.perConsole[0]!.floodTimePct).toBeCloseTo(((flood.end! - flood.start) / (60 * MIN)) * 100);
    expect(kpis.badActors[0]).toMatchObject({ count: 5 });
    expect(kpis.chattering.map((c) => c.alarmId)).toEqual([]);
    expect(kpis.priorities.counts).toMatchObject({ medium: 20, high: 1 });
  });

  it('leaves out annunciations outside the range', () => {
    const kpis = computeKpis([raise(-1, 'a'), raise(0, 'b'), raise(10, 'c')], [], { from: 0, to: 10, now: 10 });
    expect(kpis.annunciated).toBe(1);
  });
});

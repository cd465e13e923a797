import { describe, expect, it } from 'vitest';
import { planMachines } from './catalog';
import { OperatingSchedule, type OperatingState } from './operating-modes';

const MON = Date.parse('2024-03-04T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const machines = planMachines(48);

/** Minute-by-minute states over [from, to). */
function timeline(schedule: OperatingSchedule, from: number, to: number): OperatingState[] {
  const out: OperatingState[] = [];
  for (let ts = from; ts < to; ts += MIN) {
    const { mode, level } = schedule.at(ts);
    out.push({ mode, level });
  }
  return out;
}

const share = (states: OperatingState[], mode: OperatingState['mode']) => states.filter((s) => s.mode === mode).length / states.length;

describe('OperatingSchedule', () => {
  it('runs a production machine off, idle and at several load steps over a week, stopped most of the weekend', () => {
    for (const plan of machines.filter((m) => m.spec.role === 'production')) {
      const week = timeline(new OperatingSchedule(7, plan), MON, MON + 7 * DAY);
      expect(share(week, 'off'), plan.id).toBeGreaterThan(0.1);
      expect(share(week, 'idle'), plan.id).toBeGreaterThan(0.03);
      expect(share(week, 'running'), plan.id).toBeGreaterThan(0.4);
      expect(new Set(week.filter((s) => s.mode === 'running').map((s) => s.level)), plan.id).toEqual(new Set([0.5, 0.75, 1]));
      // Sunday (day 6 of a week from Monday) is off but for a possible start of the night shift.
      const sunday = week.slice(6 * 24 * 60, 7 * 24 * 60);
      expect(share(sunday, 'off'), plan.id).toBeGreaterThan(0.85);
      const weekdays = week.slice(0, 5 * 24 * 60);
      expect(share(weekdays, 'running'), plan.id).toBeGreaterThan(0.6);
    }
  });

  it('changes load in steps held for at least 20 minutes, not continuously', () => {
    let steps = 0;
    for (const plan of machines.slice(0, 24)) {
      const week = timeline(new OperatingSchedule(3, plan), MON, MON + 7 * DAY);
      // Minutes since the last level change; undefined after a change of mode, which may cut a step short.
      let since: number | undefined;
      for (let i = 1; i < week.length; i++) {
        const a = week[i - 1]!;
        const b = week[i]!;
        if (a.mode !== b.mode) since = undefined;
        else if (a.mode === 'running' && a.level !== b.level) {
          if (since !== undefined) {
            expect(since, `${plan.id} at minute ${i}`).toBeGreaterThanOrEqual(20);
            steps++;
          }
          since = 0;
        }
        if (since !== undefined) since++;
      }
    }
    expect(steps).toBeGreaterThan(24);
  });

  it('keeps utilities running most of the time, with the odd stop', () => {
    const utilities = machines.filter((m) => m.spec.role === 'utility');
    let stopped = 0;
    for (const plan of utilities) {
      const month = timeline(new OperatingSchedule(11, plan), MON, MON + 28 * DAY);
      expect(share(month, 'running'), plan.id).toBeGreaterThan(0.85);
      expect(new Set(month.filter((s) => s.mode === 'running').map((s) => s.level)).size, plan.id).toBeGreaterThanOrEqual(3);
      if (share(month, 'off') > 0) stopped++;
    }
    expect(stopped).toBeGreaterThan(utilities.length / 2);
  });

  it('is a pure function of event time: any order of questions, any seed instance, the same answers', () => {
    const plan = machines[3]!;
    const forward = timeline(new OperatingSchedule(5, plan), MON, MON + 3 * DAY);
    const backwards = new OperatingSchedule(5, plan);
    for (let i = forward.length - 1; i >= 0; i -= 7) expect(backwards.at(MON + i * MIN)).toMatchObject(forward[i]!);
    const other = timeline(new OperatingSchedule(6, plan), MON, MON + 3 * DAY);
    expect(other).not.toEqual(forward);
  });

  it('places the shifts in the plant-local day', () => {
    const plan = machines[0]!;
    const utc = new OperatingSchedule(9, plan, 0);
    const plus2 = new OperatingSchedule(9, plan, 120);
    for (let ts = MON; ts < MON + 2 * DAY; ts += 13 * MIN) expect(plus2.at(ts - 2 * HOUR)).toMatchObject({ mode: utc.at(ts).mode, level: utc.at(ts).level });
  });
});

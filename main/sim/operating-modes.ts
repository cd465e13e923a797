/**
 * When each machine is off, idle or running, and at which load step. Every plant-local day of a
 * machine is planned from its own seed (seed, machine, day), so the mode at a timestamp is a pure
 * function of event time: the same whatever the step size or where a run started.
 *
 * Production machines stop for part of the night and most of the weekend, idle at shift changes,
 * breaks, warm-up and random waits (material, tool change), and run at discrete load levels that
 * change in steps. Utilities run nearly always on stepped demand, with the odd maintenance stop or
 * standby period.
 */
import type { MachinePlan } from './catalog';
import { Rng, deriveSeed } from './random';
import { plantLoad, SHIFT_CHANGES } from './schedule';

export type OperatingMode = 'off' | 'idle' | 'running';

export interface OperatingState {
  mode: OperatingMode;
  /** The load step while running (before wobble), 0 when idle or off. */
  level: number;
}

interface Interval {
  start: number;
  end: number;
}

interface Segment extends Interval, OperatingState {}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const PRODUCTION_LEVELS = [0.5, 0.75, 1] as const;
const UTILITY_LEVELS = [0.4, 0.6, 0.8, 1] as const;
/** Load steps hold for 20 min to 3 h. */
const STEP_MIN_MS = 20 * MIN;
const STEP_MAX_MS = 3 * HOUR;

/** Per-machine habits, fixed for its life: not every machine works the same nights and weekends. */
interface Habits {
  /** Chance that a weekday night has a stop in its early hours. */
  nightOff: number;
  saturdayShift: number;
  /** Chance that the machine starts its week on Sunday's night shift. */
  sundayNight: number;
  breakChance: number;
  /** Random waits per powered hour. */
  waitsPerHour: number;
}

export class OperatingSchedule {
  private readonly habits: Habits;
  private readonly production: boolean;
  private readonly days = new Map<number, Segment[]>();
  private last: Segment | undefined;

  constructor(
    private readonly seed: number,
    private readonly plan: MachinePlan,
    private readonly utcOffsetMinutes = 0,
  ) {
    const rng = new Rng(deriveSeed(seed, `${plan.id}/habits`));
    this.production = plan.spec.role === 'production';
    // Injection moulders take long to heat up, so they stop less often at night.
    const molder = plan.spec.type === 'injection_molder';
    this.habits = {
      nightOff: molder ? rng.range(0.1, 0.4) : rng.range(0.3, 0.9),
      saturdayShift: rng.range(0.1, 0.6),
      sundayNight: molder ? rng.range(0.3, 0.7) : rng.range(0, 0.3),
      breakChance: rng.range(0.4, 0.9),
      waitsPerHour: this.production ? rng.range(0.15, 0.4) : rng.range(0.05, 0.15),
    };
  }

  /** The planned mode and load step at `ts` (epoch ms). */
  at(ts: number): Readonly<OperatingState> {
    const last = this.last;
    if (last && ts >= last.start && ts < last.end) return last;
    const day = Math.floor((ts + this.utcOffsetMinutes * MIN) / DAY);
    const segments = this.day(day);
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((segments[mid]?.start ?? Infinity) <= ts) lo = mid;
      else hi = mid - 1;
    }
    const found = segments[lo];
    if (!found) throw new Error('empty day plan');
    this.last = found;
    return found;
  }

  private day(day: number): Segment[] {
    let segments = this.days.get(day);
    if (!segments) {
      segments = this.production ? this.planProduction(day) : this.planUtility(day);
      // Stepping moves forward; two days cover a run that crosses midnight and a look back.
      if (this.days.size >= 2) this.days.clear();
      this.days.set(day, segments);
    }
    return segments;
  }

  private dayRng(day: number, label: string): Rng {
    return new Rng(deriveSeed(this.seed, `${this.plan.id}/${label}/${day}`));
  }

  /** Start hour of Sunday night's shift for the Sunday `day`, or null when the machine waits for Monday. */
  private sundayNightStart(sunday: number): number | null {
    const rng = this.dayRng(sunday, 'sunday');
    return rng.next() < this.habits.sundayNight ? rng.range(21.5, 22) : null;
  }

  private planProduction(day: number): Segment[] {
    const rng = this.dayRng(day, 'day');
    const start = this.dayStart(day);
    const h = (hours: number) => start + Math.round(hours * HOUR);
    const off: Interval[] = [];
    const weekday = weekdayOf(day);
    if (weekday === 0) {
      const sunday = this.sundayNightStart(day);
      off.push({ start: h(0), end: h(sunday ?? 24) });
    } else if (weekday === 1) {
      if (this.sundayNightStart(day - 1) === null) off.push({ start: h(0), end: h(rng.range(5, 6)) });
    } else if (weekday === 6) {
      // The Friday night shift runs into Saturday's first hours.
      const stop = rng.range(0, 1.5);
      if (rng.next() < this.habits.saturdayShift) {
        off.push({ start: h(stop), end: h(rng.range(5, 6)) }, { start: h(rng.range(14, 14.5)), end: h(24) });
      } else off.push({ start: h(stop), end: h(24) });
    } else if (rng.next() < this.habits.nightOff) {
      off.push({ start: h(rng.range(0, 1.5)), end: h(rng.range(4, 5.75)) });
    }

    const idle: Interval[] = [];
    for (const o of off) {
      if (o.start > start) idle.push({ start: o.start - Math.round(rng.range(5, 20) * MIN), end: o.start });
      if (o.end < start + DAY) idle.push({ start: o.end, end: o.end + Math.round(rng.range(10, 30) * MIN) });
    }
    for (const change of SHIFT_CHANGES) {
      if (rng.next() < 0.85) idle.push({ start: h(change) - Math.round(rng.range(0, 10) * MIN), end: h(change) + Math.round(rng.range(5, 25) * MIN) });
    }
    // The night shift's break falls after midnight: its shift began at 22:00 the day before.
    for (const shiftStart of [-2, 6, 14]) {
      if (rng.next() < this.habits.breakChance) {
        const from = h(shiftStart + rng.range(3.5, 4.5));
        idle.push({ start: from, end: from + Math.round(rng.range(20, 35) * MIN) });
      }
    }
    idle.push(...this.waits(day - 1, 3, 25), ...this.waits(day, 3, 25));
    const demand = (t: number) => plantLoad(t, this.utcOffsetMinutes);
    return compose(start, off, idle, [...this.levelSteps(day - 1, PRODUCTION_LEVELS, demand, 0.2), ...this.levelSteps(day, PRODUCTION_LEVELS, demand, 0.2)]);
  }

  private planUtility(day: number): Segment[] {
    const rng = this.dayRng(day, 'day');
    const start = this.dayStart(day);
    const h = (hours: number) => start + Math.round(hours * HOUR);
    const weekday = weekdayOf(day);
    const off: Interval[] = [];
    if (weekday >= 1 && weekday <= 5 && rng.next() < 0.08) {
      const from = rng.range(7, 12);
      off.push({ start: h(from), end: h(from + rng.range(1, 4)) });
    }
    if (rng.next() < 0.2) {
      const from = rng.range(0, 22);
      off.push({ start: h(from), end: h(from + rng.range(1 / 3, 2)) });
    }
    // A redundant unit goes to standby while the weekend needs little.
    if ((weekday === 0 || weekday === 6) && rng.next() < 0.3) {
      const from = rng.range(0, 12);
      off.push({ start: h(from), end: h(Math.min(24, from + rng.range(4, 12))) });
    }
    const idle: Interval[] = [];
    for (const o of off) if (o.end < start + DAY) idle.push({ start: o.end, end: o.end + Math.round(rng.range(2, 5) * MIN) });
    idle.push(...this.waits(day - 1, 5, 30), ...this.waits(day, 5, 30));
    const coupling = this.plan.spec.coupling;
    const demand = (t: number) => 1 - coupling + coupling * plantLoad(t, this.utcOffsetMinutes);
    return compose(start, off, idle, [...this.levelSteps(day - 1, UTILITY_LEVELS, demand, 0.15), ...this.levelSteps(day, UTILITY_LEVELS, demand, 0.15)]);
  }

  /**
   * Poisson waits (material, tool change) that begin on `day`, `minMin`..`maxMin` minutes each. A day
   * plan asks for its own and the day before's, so a wait that runs past midnight stays whole.
   */
  private waits(day: number, minMin: number, maxMin: number): Interval[] {
    const rng = this.dayRng(day, 'waits');
    const start = this.dayStart(day);
    const rate = this.habits.waitsPerHour / HOUR;
    const out: Interval[] = [];
    for (let t = start + rng.exponential(rate); t < start + DAY; ) {
      const end = t + rng.range(minMin, maxMin) * MIN;
      out.push({ start: Math.round(t), end: Math.round(end) });
      t = end + rng.exponential(rate);
    }
    return out;
  }

  /**
   * Load steps at random times, each at the level nearest the shift's demand give or take `spread`.
   * The steps that begin on `day` run from a per-day offset after its midnight to the next day's
   * offset, so steps do not break at midnight and a day plan needs only its own and the day before's.
   */
  private levelSteps(day: number, levels: readonly number[], demand: (ts: number) => number, spread: number): Segment[] {
    const rng = this.dayRng(day, 'steps');
    const from = this.dayStart(day) + this.stepOffset(day);
    const to = this.dayStart(day + 1) + this.stepOffset(day + 1);
    const steps: Segment[] = [];
    for (let t = from; t < to; ) {
      const end = Math.min(to, t + Math.round(rng.range(STEP_MIN_MS, STEP_MAX_MS)));
      const last = steps.at(-1);
      // A remnant too short to be a step extends the one before.
      if (end - t < STEP_MIN_MS && last) last.end = end;
      else steps.push({ start: t, end, mode: 'running', level: nearest(levels, demand(t) + rng.range(-spread, spread)) });
      t = end;
    }
    return steps;
  }

  private stepOffset(day: number): number {
    return Math.round(this.dayRng(day, 'step-offset').range(0, STEP_MAX_MS));
  }

  private dayStart(day: number): number {
    return day * DAY - this.utcOffsetMinutes * MIN;
  }
}

/** 1970-01-01 was a Thursday: day 0 is weekday 4 (Sunday = 0). */
const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7;

function nearest(levels: readonly number[], x: number): number {
  let best = levels[0] ?? 1;
  for (const level of levels) if (Math.abs(level - x) < Math.abs(best - x)) best = level;
  return best;
}

/** Lays off over idle over the load steps and merges neighbours in the same state; covers the whole day. */
function compose(start: number, off: Interval[], idle: Interval[], steps: Segment[]): Segment[] {
  const end = start + DAY;
  const cuts = new Set<number>([start, end]);
  for (const i of [...off, ...idle, ...steps]) {
    if (i.start > start && i.start < end) cuts.add(i.start);
    if (i.end > start && i.end < end) cuts.add(i.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const inside = (list: Interval[], t: number) => list.some((i) => t >= i.start && t < i.end);
  const out: Segment[] = [];
  for (let k = 0; k + 1 < sorted.length; k++) {
    const a = sorted[k] ?? start;
    const b = sorted[k + 1] ?? end;
    const mid = (a + b) / 2;
    let state: OperatingState;
    if (inside(off, mid)) state = { mode: 'off', level: 0 };
    else if (inside(idle, mid)) state = { mode: 'idle', level: 0 };
    else state = { mode: 'running', level: steps.find((s) => mid >= s.start && mid < s.end)?.level ?? 1 };
    const prev = out.at(-1);
    if (prev && prev.mode === state.mode && prev.level === state.level) prev.end = b;
    else out.push({ start: a, end: b, ...state });
  }
  return out;
}

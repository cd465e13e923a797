/**
 * Limit alarms (HH / H / L / LL per sensor), evaluated in event time: delays are measured between
 * device timestamps, so replaying a day at 1000x raises the same alarms at the same instants.
 *
 * Defaults come from the machine type's limits in its retained meta message; an engineer's edit of
 * one sensor and level replaces that row and nothing else.
 */
import type { AlarmPriority, EffectiveLimit, LimitLevel, LimitSetting } from '../../common/contract-alarms';
import type { Reading } from '../../common/telemetry';

/** As published in meta: `{ "<sensor>": { "lowLow"?, "low"?, "high"?, "highHigh"? } }`. */
export type MetaLimits = Record<string, { lowLow?: number; low?: number; high?: number; highHigh?: number }>;

const LEVEL_OF_META = { highHigh: 'HH', high: 'H', low: 'L', lowLow: 'LL' } as const satisfies Record<keyof MetaLimits[string], LimitLevel>;
const DEFAULT_PRIORITY: Record<LimitLevel, AlarmPriority> = { HH: 'high', H: 'medium', L: 'medium', LL: 'high' };
/** EEMUA 191 starting points: a deadband of a few percent and short delays stop noise from chattering. */
const DEFAULT_DEADBAND_FRACTION = 0.02;
const DEFAULT_ON_DELAY_MS = 3_000;
const DEFAULT_OFF_DELAY_MS = 5_000;

export const isHighLevel = (level: LimitLevel) => level === 'HH' || level === 'H';
/** Past the setpoint in the alarm's direction; false for NaN. */
const past = (high: boolean, value: number, setpoint: number) => (high ? value > setpoint : value < setpoint);
export const limitAlarmId = (machineId: string, sensor: string, level: LimitLevel) => `limit:${machineId}:${sensor}:${level}`;

export function defaultLimits(meta: MetaLimits): LimitSetting[] {
  const out: LimitSetting[] = [];
  for (const [sensor, levels] of Object.entries(meta)) {
    for (const [key, level] of Object.entries(LEVEL_OF_META) as [keyof typeof LEVEL_OF_META, LimitLevel][]) {
      const setpoint = levels[key];
      if (setpoint === undefined) continue;
      out.push({
        sensor,
        level,
        setpoint,
        deadband: Math.abs(setpoint) * DEFAULT_DEADBAND_FRACTION,
        onDelayMs: DEFAULT_ON_DELAY_MS,
        offDelayMs: DEFAULT_OFF_DELAY_MS,
        reAlarmMs: 0,
        priority: DEFAULT_PRIORITY[level],
        latching: false,
        enabled: true,
      });
    }
  }
  return out;
}

export interface StoredLimit extends LimitSetting {
  updatedBy: string;
  updatedAt: number;
}

const keyOf = (l: { sensor: string; level: LimitLevel }) => `${l.sensor}\u0000${l.level}`;
const LEVEL_ORDER: Record<LimitLevel, number> = { HH: 0, H: 1, L: 2, LL: 3 };

/** Engineer rows win over the type's defaults, row by row; sorted by sensor, then HH..LL. */
export function effectiveLimits(defaults: readonly LimitSetting[], engineered: readonly StoredLimit[]): EffectiveLimit[] {
  const rows = new Map<string, EffectiveLimit>();
  for (const d of defaults) rows.set(keyOf(d), { ...d, origin: 'default', updatedBy: null, updatedAt: null });
  for (const e of engineered) rows.set(keyOf(e), { ...e, origin: 'engineer' });
  return [...rows.values()].sort((a, b) => a.sensor.localeCompare(b.sensor) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
}

/**
 * A setting as the evaluator applies it. `heldBy` says why a low limit is out of play by design
 * ("machine idle"...): limit-config.ts sets it together with enabled: false.
 */
export type AppliedLimit = LimitSetting & { readonly heldBy?: string };

export type LimitChange =
  | { alarmId: string; setting: LimitSetting; change: 'activate' | 'clear' | 'realarm'; at: number; value: number }
  /** The point is held out of play by design (or its reason changed while held): suppressed by design, with why. */
  | { alarmId: string; setting: LimitSetting; change: 'suppress'; at: number; reason: string }
  /** The hold ended: the point is in play again. */
  | { alarmId: string; setting: LimitSetting; change: 'unsuppress'; at: number; note: string };

interface PointState {
  active: boolean;
  /** Event time since which the value has been past the setpoint (before activation) or back inside the deadband (after). */
  since: number | null;
  /** Event time from which an acknowledged alarm counts towards its re-alarm. */
  reAlarmFrom: number | null;
  /** False for a low limit from a machine's start until its value first reaches the normal side (see startUp). */
  armed: boolean;
  /** Why the point is held out of play by design now (machine state or start-up arming), or null. */
  hold: string | null;
  /** Event time the current hold began. */
  holdSince: number;
  /** The hold reason the alarm shows (suppressed by design), or null: a hold is shown once it has lasted (see showHoldAfterMs). */
  shown: string | null;
}

/** A machine's settings as last evaluated, with each one's alarm id and point state in the same order. */
interface MachinePoints {
  limits: readonly AppliedLimit[];
  ids: string[];
  points: PointState[];
  lastTs: number;
  /**
   * What a reading needs to be judged on when it changes nothing, per setting, packed: with hundreds
   * of machines interleaved their settings and points were cache misses on every reading, several
   * microseconds of the main thread per reading for a machine with a handful of limits.
   */
  sensors: string[];
  setpoints: Float64Array;
  flags: Uint8Array;
  /** Set by startUp: the next rebuild disarms the machine's low limits. */
  starting: boolean;
  /** Event time of the first reading after the last start (NaN until it comes). */
  startTs: number;
}

/** The point is inactive and no delay is running: only a value past the setpoint can change it. */
const QUIET = 1;
const HIGH = 2;
const ENABLED = 4;
/** A low limit waiting for its value to come up after the machine started. */
const UNARMED = 8;
/** Held out of play, not yet shown as suppressed: shown once the hold has lasted showHoldAfterMs. */
const HOLD_PENDING = 16;

/**
 * A hold is shown (suppressed by design, journalled) once it has lasted this long in event time, so a
 * running machine whose raw signals dip to idle for a moment takes its low limits out of play without a
 * suppress and unsuppress per dip. The runtime passes the condition monitor's own state hold.
 */
export const DEFAULT_SHOW_HOLD_AFTER_MS = 20_000;

/** A threshold as the hold reason prints it, without binary noise (5 + 0.1 is 5.1). */
const printed = (x: number) => String(Number(x.toPrecision(6)));
const startupReason = (s: LimitSetting) => `start-up: waiting for value above ${printed(s.setpoint + s.deadband)}`;
const armedNote = (ts: number) => `start-up: armed at ${new Date(ts).toISOString()}`;

/** A low limit whose value has not come up after a start is armed anyway after this long (a heater that never heats). */
export const DEFAULT_STARTUP_ARMING_MS = 60 * 60_000;

const NO_CHANGES: readonly LimitChange[] = [];

/** Per-point delay state; one instance per console, fed every reading in arrival order. */
export class LimitEvaluator {
  private readonly points = new Map<string, PointState>();
  private readonly machines = new Map<string, MachinePoints>();

  /** Hold changes found while rebuilding a machine's settings, handed out with that reading's changes. */
  private holdChanges: LimitChange[] = [];

  /**
   * @param armAfterMs how long after a start a low limit waits for its value to come up (0: not at all).
   * @param showHoldAfterMs how long a hold lasts before it is shown (an active point's hold is shown at once).
   */
  constructor(
    private readonly armAfterMs = DEFAULT_STARTUP_ARMING_MS,
    private readonly showHoldAfterMs = DEFAULT_SHOW_HOLD_AFTER_MS,
  ) {}

  /**
   * The machine has started (from off or idle). Its pressures, flows and temperatures come up over
   * its warm-up, so each low limit not already active is armed only once its value first reaches the
   * normal side of the setpoint (past the deadband), or once armAfterMs of event time has passed
   * without that: ISA-18.2's start-up suppression, which keeps a real "never came up" alarm.
   */
  startUp(machineId: string): void {
    if (this.armAfterMs <= 0) return;
    const m = this.machine(machineId, NO_LIMITS);
    m.starting = true;
    m.startTs = Number.NaN;
    // Forces the rebuild (and the disarming) at the machine's next reading, whatever its limits are then.
    m.limits = NO_LIMITS;
  }

  /**
   * Seeds the condition of a point from the store, so a restart does not raise it a second time, and
   * the hold it shows, so the first reading suppresses or unsuppresses only what changed meanwhile.
   */
  seed(alarmId: string, active: boolean, shownHold: string | null = null): void {
    const p = this.point(alarmId);
    p.active = active;
    p.hold = p.shown = shownHold;
    p.since = null;
    p.reAlarmFrom = null;
    // Rare (loading the store): every machine's packed flags are rebuilt from the points at its next reading.
    for (const m of this.machines.values()) m.limits = NO_LIMITS;
  }

  /**
   * The alarm's suppression was lifted for another reason (its machine came back online): the hold
   * reason it shows again if the point is still held, now shown, or null.
   */
  reshow(alarmId: string): string | null {
    const p = this.points.get(alarmId);
    if (!p || p.hold === null) return null;
    p.shown = p.hold;
    return p.hold;
  }

  /** The alarm was acknowledged: its re-alarm time runs from the machine's current event time. */
  acknowledged(alarmId: string, machineId: string): void {
    const p = this.points.get(alarmId);
    const m = this.machines.get(machineId);
    if (p && m) p.reAlarmFrom = m.lastTs;
  }

  /**
   * Runs for every reading of a machine with limits: the alarm ids and point states of its settings
   * are looked up once per settings list, not once per setting per reading, and a setting with
   * nothing pending is judged on its packed setpoint alone.
   */
  evaluate(reading: Reading, limits: readonly AppliedLimit[]): readonly LimitChange[] {
    let m = this.machines.get(reading.machineId);
    // A late reading is older than what the delays have already seen; judging it would run time backwards.
    if (m && reading.ts < m.lastTs) return NO_CHANGES;
    m = this.machine(reading.machineId, limits, reading.ts);
    m.lastTs = reading.ts;
    if (Number.isNaN(m.startTs)) m.startTs = reading.ts;
    let out: LimitChange[] | null = null;
    if (this.holdChanges.length > 0) {
      out = this.holdChanges;
      this.holdChanges = [];
    }
    const { sensors, setpoints, flags } = m;
    const metrics = reading.metrics;
    for (let i = 0; i < sensors.length; i++) {
      let f = flags[i]!;
      if (f & HOLD_PENDING) {
        const p = m.points[i]!;
        if (reading.ts - p.holdSince >= this.showHoldAfterMs) {
          p.shown = p.hold;
          (out ??= []).push({ alarmId: m.ids[i]!, setting: m.limits[i]!, change: 'suppress', at: p.holdSince, reason: p.hold! });
          f = flags[i] = f & ~HOLD_PENDING;
        }
      }
      const value = metrics[sensors[i]!];
      if (value === undefined) continue;
      if (f & UNARMED) {
        const setting = m.limits[i]!;
        if (!(value > setting.setpoint + setting.deadband) && reading.ts - m.startTs < this.armAfterMs) continue;
        const p = m.points[i]!;
        p.armed = true;
        const change = this.holdTo(m.ids[i]!, setting, p, setting.heldBy ?? null, reading.ts);
        if (change) (out ??= []).push(change);
        f = flags[i] = p.hold !== null && p.shown === null ? f & ~UNARMED : f & ~UNARMED & ~HOLD_PENDING;
      }
      // The common reading: nothing pending and the value on the right side (NaN included) changes nothing.
      if (f & QUIET && !(f & ENABLED && past((f & HIGH) !== 0, value, setpoints[i]!))) continue;
      const changes = this.judge(m, i, value, reading.ts);
      if (changes) (out ??= []).push(changes);
      const p = m.points[i]!;
      flags[i] = !p.active && p.since === null ? f | QUIET : f & ~QUIET;
    }
    return out ?? NO_CHANGES;
  }

  /**
   * Moves a point's hold to `reason` at event time ts: a hold shown ends with an unsuppress, a new
   * reason of a shown hold is a suppress with that reason (no new entry in the journal), a new hold
   * waits to be shown, except on an active point, whose alarm is suppressed at once so that its
   * condition going out of play is never annunciated as a clear.
   */
  private holdTo(alarmId: string, setting: LimitSetting, p: PointState, reason: string | null, ts: number): LimitChange | null {
    if (reason === p.hold) return null;
    const was = p.hold;
    p.hold = reason;
    if (reason === null) {
      if (p.shown === null) return null;
      p.shown = null;
      return { alarmId, setting, change: 'unsuppress', at: ts, note: was?.startsWith('start-up:') ? armedNote(ts) : 'machine running' };
    }
    if (was === null) p.holdSince = ts;
    if (p.shown === null && !p.active && this.showHoldAfterMs > 0) return null;
    p.shown = reason;
    return { alarmId, setting, change: 'suppress', at: ts, reason };
  }

  /** The full rules for setting i of the machine; the change it makes, if any. */
  private judge(m: MachinePoints, i: number, value: number, ts: number): LimitChange | null {
    const setting = m.limits[i]!;
    const alarmId = m.ids[i]!;
    const p = m.points[i]!;
    const high = isHighLevel(setting.level);
    if (!p.active) {
      const beyond = setting.enabled && past(high, value, setting.setpoint);
      if (!beyond) {
        p.since = null;
        return null;
      }
      p.since ??= ts;
      if (ts - p.since >= setting.onDelayMs) {
        p.active = true;
        p.since = null;
        p.reAlarmFrom = null;
        return { alarmId, setting, change: 'activate', at: ts, value };
      }
    } else {
      const inside = !setting.enabled || (high ? value < setting.setpoint - setting.deadband : value > setting.setpoint + setting.deadband);
      if (!inside) {
        p.since = null;
        if (setting.reAlarmMs > 0 && p.reAlarmFrom !== null && ts - p.reAlarmFrom >= setting.reAlarmMs) {
          p.reAlarmFrom = null;
          return { alarmId, setting, change: 'realarm', at: ts, value };
        }
        return null;
      }
      p.since ??= ts;
      if (ts - p.since >= setting.offDelayMs) {
        p.active = false;
        p.since = null;
        p.reAlarmFrom = null;
        return { alarmId, setting, change: 'clear', at: ts, value };
      }
    }
    return null;
  }

  private point(alarmId: string): PointState {
    let p = this.points.get(alarmId);
    if (!p) this.points.set(alarmId, (p = { active: false, since: null, reAlarmFrom: null, armed: true, hold: null, holdSince: 0, shown: null }));
    return p;
  }

  private machine(machineId: string, limits: readonly AppliedLimit[], ts = Number.NaN): MachinePoints {
    let m = this.machines.get(machineId);
    if (!m) this.machines.set(machineId, (m = { limits: NO_LIMITS, ids: [], points: [], lastTs: Number.NEGATIVE_INFINITY, sensors: [], setpoints: new Float64Array(0), flags: new Uint8Array(0), starting: false, startTs: Number.NEGATIVE_INFINITY }));
    if (m.limits !== limits) {
      m.limits = limits;
      const ids = limits.map((s) => limitAlarmId(machineId, s.sensor, s.level));
      const points = ids.map((id) => this.point(id));
      if (m.starting && limits !== NO_LIMITS) {
        m.starting = false;
        limits.forEach((s, i) => {
          const p = points[i]!;
          if (!isHighLevel(s.level) && s.enabled && !p.active) {
            p.armed = false;
            p.since = null;
          }
        });
      }
      if (limits !== NO_LIMITS) {
        limits.forEach((s, i) => {
          const change = this.holdTo(ids[i]!, s, points[i]!, s.heldBy ?? (points[i]!.armed ? null : startupReason(s)), ts);
          if (change) this.holdChanges.push(change);
        });
      }
      m.ids = ids;
      m.points = points;
      m.sensors = limits.map((s) => s.sensor);
      m.setpoints = Float64Array.from(limits, (s) => s.setpoint);
      m.flags = Uint8Array.from(limits, (s, i) => (!points[i]!.active && points[i]!.since === null ? QUIET : 0) | (isHighLevel(s.level) ? HIGH : 0) | (s.enabled ? ENABLED : 0) | (points[i]!.armed ? 0 : UNARMED) | (points[i]!.hold !== null && points[i]!.shown === null ? HOLD_PENDING : 0));
    }
    return m;
  }
}

const NO_LIMITS: readonly AppliedLimit[] = [];

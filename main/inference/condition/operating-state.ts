/**
 * Operating state from the machine's own signals: off, idle, running, and the load band within
 * running. A stopped or idling machine is in a state of its own, never an anomaly, and the normal
 * model is learned and judged per load band.
 */
import type { OperatingState } from '../../../common/contract-models';

/** Where the state was read from: an engineer's meta, the metric's name, or the data. */
export type SignalSource = 'meta' | 'name' | 'data';

export interface StateSignals {
  /** Read for load (speed, stroke rate, flow, power...). */
  load: string;
  /** Read for on/off; null when the machine reports no power-like metric. */
  power: string | null;
  from: SignalSource;
}

const SPEED = /speed|rpm|stroke|frequency|belt/i;
const FLOW = /flow/i;
const POWER = /power|current|kw\b|amp/i;

/**
 * Picks the signals. Named first: a speed says whether the machine produces, power whether it is on.
 * Without a name, the metric whose level moves most relative to its size carries the load.
 */
export function chooseSignals(sensors: readonly string[], spread: (sensor: string) => number, named?: string | null): StateSignals | null {
  const power = sensors.find((s) => POWER.test(s)) ?? null;
  if (named && sensors.includes(named)) return { load: named, power, from: 'meta' };
  const byName = sensors.find((s) => SPEED.test(s)) ?? sensors.find((s) => FLOW.test(s)) ?? power;
  if (byName) return { load: byName, power, from: 'name' };
  let best: string | null = null;
  let bestSpread = 0;
  for (const s of sensors) {
    const v = spread(s);
    if (v > bestSpread) {
      best = s;
      bestSpread = v;
    }
  }
  return best ? { load: best, power: null, from: 'data' } : null;
}

/** Off below this share of the top power; standby draw of a stopped machine is a few percent. */
export const OFF_SHARE = 0.05;
/** With a separate load signal, idle below this share of its top value (speed zero). */
export const IDLE_SHARE = 0.05;
/** With power as the only signal, idle below this share of the top power (powered, not producing). */
export const IDLE_POWER_SHARE = 0.35;
/** Band edges in load share (low | mid | high), with a little hysteresis so a wobble at an edge does not flip it. */
const BAND_EDGES = [0.6, 0.85];
const BAND_HYSTERESIS = 0.03;

export const BAND_IDLE = 0;

/** The state a reading suggests, before hysteresis: band 0 = idle, 1..3 = running low/mid/high, -1 = off. */
export function rawBand(loadShare: number, powerShare: number | null, loadIsPower: boolean, previous: number): number {
  if (powerShare !== null ? powerShare < OFF_SHARE : loadShare < OFF_SHARE / 2 && loadIsPower) return -1;
  const idleBelow = loadIsPower ? IDLE_POWER_SHARE : IDLE_SHARE;
  if (loadShare < idleBelow) return powerShare === null && !loadIsPower ? -1 : BAND_IDLE;
  let band = 1;
  for (const edge of BAND_EDGES) {
    const e = previous > band ? edge - BAND_HYSTERESIS : previous >= 1 && previous <= band ? edge + BAND_HYSTERESIS : edge;
    if (loadShare >= e) band++;
  }
  return band;
}

export function stateOfBand(band: number): OperatingState {
  return band < 0 ? 'off' : band === BAND_IDLE ? 'idle' : 'running';
}

/**
 * Hysteresis in time: a new band is taken once it has held for holdMs, so a single odd reading does not
 * change the state. `changedAt` is when the state last changed (for the settling time).
 */
export class StateTracker {
  band = -2;
  changedAt = Number.NEGATIVE_INFINITY;
  private candidate = -2;
  private candidateSince = 0;

  constructor(private readonly holdMs: number) {}

  /** Returns true when the state (band) changed with this reading. */
  update(raw: number, ts: number): boolean {
    if (raw === this.band) {
      this.candidate = raw;
      return false;
    }
    if (raw !== this.candidate) {
      this.candidate = raw;
      this.candidateSince = ts;
    }
    if (this.band !== -2 && ts - this.candidateSince < this.holdMs) return false;
    this.band = raw;
    this.changedAt = ts;
    return true;
  }

  get state(): OperatingState {
    return this.band === -2 ? 'unknown' : stateOfBand(this.band);
  }
}

/**
 * The powered share (idle or running: 1, off: 0) through each of a machine's lags. It starts at the
 * machine's first known state, not at zero: a machine first seen warm did not just start, and a rise
 * from zero there would teach the fit a warm-up that never happened.
 */
export class PoweredLags {
  private known = false;

  constructor(readonly values: Float64Array) {}

  /** One reading's step with the lags' weights, in the state before this reading's update. */
  follow(band: number, alphas: Float64Array): void {
    if (!this.known) return;
    const powered = band >= BAND_IDLE ? 1 : 0;
    for (let i = 0; i < this.values.length; i++) this.values[i]! += alphas[i]! * (powered - this.values[i]!);
  }

  /** After the state's update: the first known state starts the lags. */
  start(band: number): void {
    if (this.known || band === -2) return;
    this.values.fill(band >= BAND_IDLE ? 1 : 0);
    this.known = true;
  }
}

/** A state signal's smoothing: `previous` moved a share `a` towards `value`; the value itself when nothing came before, unchanged when the value is missing. */
export function smoothed(previous: number, value: number | undefined, a: number): number {
  if (value === undefined || !Number.isFinite(value)) return previous;
  return Number.isNaN(previous) ? value : previous + a * (value - previous);
}

/**
 * The load share through each of a machine's lags. The first share seen starts them: a machine first
 * seen working did not just start. A top that grows makes every share so far `c` times what it reads
 * now, and the lags follow exactly.
 */
export class LoadLags {
  private started = false;

  constructor(readonly values: Float64Array) {}

  follow(share: number, alphas: Float64Array): void {
    if (!this.started) this.values.fill(share);
    this.started = true;
    for (let i = 0; i < this.values.length; i++) this.values[i]! += alphas[i]! * (share - this.values[i]!);
  }

  rescale(c: number): void {
    for (let i = 0; i < this.values.length; i++) this.values[i]! *= c;
  }
}

/** Restarts of learning this close together belong to one rise of the state signal. */
const RISE_MS = 10 * 60_000;

/**
 * A state signal's top while learning, as it rises. A machine first seen standing still reads its
 * standby draw as its top, and that as work; when it starts, the smoothed signal climbs through
 * several restarts of learning within minutes, and the top it rose from tells whether it was off.
 */
export class RisingTop {
  private restartedAt = Number.NEGATIVE_INFINITY;
  private from = Number.NaN;

  /** Learning restarts at `ts` on a signal above `top`, the top so far. */
  restart(ts: number, top: number): void {
    if (!(ts - this.restartedAt < RISE_MS)) this.from = top;
    this.restartedAt = ts;
  }

  /** Once per rise: true when the top it rose from is below the off level of `top`, the top it reached. */
  roseFromOff(ts: number, top: number): boolean {
    if (!(ts - this.restartedAt < RISE_MS) || !(this.from < OFF_SHARE * top)) return false;
    this.from = Number.NaN;
    return true;
  }
}

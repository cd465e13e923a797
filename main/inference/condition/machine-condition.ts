/**
 * One machine's condition-monitoring state: its sensors, operating state, normal model, residual
 * averages, episode and degradation trend. The monitor (condition-monitor.ts) drives it: observe()
 * in arrival order, then process() of the queued rows in the same order after the ONNX run.
 */
import type { ConditionOutput, Heightening } from '../../../common/contract-models';
import type { ConditionParams } from './condition-params';
import { HOUR, sensorKindOf, type FittedModel, type Row, type SensorState, type Snapshot } from './condition-types';
import { DegradationTrend, type Prognosis } from './degradation';
import { Episode } from './episode';
import { LoadSpikes, spikeThresholds, widenSpikeThresholds } from './load-spikes';
import { emptyLoadSeen } from './model-domain';
import { BANDS, FEATURES, fitSensor, LAGS, newOuter, outerOf, SensorSums, type SensorModel } from './normal-model';
import { carryThresholds, judgedOn } from './threshold-transfer';
import { learningView } from './condition-output';
import { FirstSeenOrder } from '../../primitives/first-seen-order';
import { BAND_IDLE, chooseSignals, LoadLags, PoweredLags, RisingTop, rawBand, smoothed, StateTracker, type StateSignals } from './operating-state';
import type { EventMs } from '../../../common/time';

/** A state holds this long before it is taken: one odd reading does not stop a machine. */
export const STATE_HOLD_MS = 20_000;
/** Signals are chosen once this many readings have shown which metrics the machine has. */
const SIGNAL_READINGS = 30;
/** Health history: one point per this much event time of running. */
export const HEALTH_STEP_MS = 60_000;
/** Rows with a score under this share of the threshold are confirmed normal and keep the model learning. */
const CONFIRMED_NORMAL = 0.5;
const CONFIRMED_EVERY = 6;
/** A fit that found too little to fit is tried again after this much event time, not on every row. */
export const FIT_RETRY_MS = 10 * 60_000;
/** At 5 s a row, the last 4 hours of an episode. */
const EPISODE_ROWS = 2_880;
/** Rows an operator marked normal count this many times: they are few next to weeks of learning. */
const TAUGHT_WEIGHT = 5;
const NONE: string[] = [];
/** Forgetting leaves a learned load band at least this many times the rows that make it ready. */
const KEEP_BANDS_OF = 2;
/** A state signal top this much above the learned one restarts learning. */
const RESCALE = 1.25;
/** After learning, only a change of scale this large (standby learned as work) starts learning again; a surge is not one. */
const NEW_RANGE = 3;

export class MachineCondition {
  readonly sensors: SensorState[] = [];
  private readonly order = new FirstSeenOrder();
  signals: StateSignals | null = null;
  stateSignalNamed: string | null = null;
  readonly state = new StateTracker(STATE_HOLD_MS);
  readonly lags = new LoadLags(new Float64Array(LAGS));
  private readonly rise = new RisingTop();
  /** The powered share through each lag (operating-state.ts). */
  readonly powered = new PoweredLags(new Float64Array(LAGS));
  readonly lagSpread = new Float64Array(LAGS);
  /** Per load band, the lowest and highest load share learned (low, high pairs). */
  readonly loadSeen = emptyLoadSeen();
  private readonly alphas = new Float64Array(LAGS + 1);
  private readonly outer = newOuter();
  private alphaDt = Number.NaN;
  /** The load share of the latest reading, unsmoothed: the regressors see each step as it happens. */
  rawShare = 0;
  /** Spikes on power (on the load where there is no power), and the latest sampled reading's rise (NaN: none). */
  readonly spikes = new LoadSpikes();
  jump = Number.NaN;
  /**
   * The last sampled row's raw (unsmoothed) signals say off or idle while the state still says running:
   * a stop in progress, seen seconds before the smoothed signals and the state's hold confirm it.
   * Low limits use it; the model does not.
   */
  looksStanding = false;
  private loadSmooth = Number.NaN;
  private powerSmooth = Number.NaN;
  /** The smoothed load and power without spikes (load-spikes.ts): what a confirmed row may grow the tops to. */
  loadSteady = Number.NaN;
  powerSteady = Number.NaN;
  loadMax = 0;
  powerMax = 0;
  /**
   * The top of each metric's normal range as meta or an engineer states it. The state signal's top
   * places off, idle and the load bands from the first reading; without it the top is learned from
   * the data, and a machine first seen standing still is "unknown" until its signal moves.
   */
  readonly statedTops = new Map<string, number>();
  readings = 0;
  firstTs = Number.NaN;
  lastTs = Number.NEGATIVE_INFINITY;
  /** Event time of the last reading the monitor worked on (see ConditionMonitor.observe). */
  lastSampleTs = Number.NEGATIVE_INFINITY;
  /** Median-like estimate of the reporting period (ms). */
  period = Number.NaN;
  communicationLost = false;
  /** Event-time hours per band while learning (0 idle .. 3 high) and hours running in total. */
  readonly bandHours = new Float64Array(BANDS);
  phase: 'learning' | 'validating' | 'monitoring' = 'learning';
  /** Event time learning (re)started: the first reading, or the last rescale. */
  learningSince = Number.NaN;
  validateUntil = Number.NaN;
  nextFitTry = Number.NEGATIVE_INFINITY;
  nextRefit = Number.NaN;
  model: FittedModel | null = null;
  readonly episode: Episode;
  readonly trend: DegradationTrend;
  lastHealthAt = Number.NEGATIVE_INFINITY;
  /** Event time of the last status queued by observe(), and of the last output made while processing. */
  lastStatusAt = Number.NEGATIVE_INFINITY;
  lastOutputAt = Number.NEGATIVE_INFINITY;
  /** The learning view for the screen: once learning is over it changes only with the model, so it is shared. */
  learningCache: ConditionOutput['learning'] | null = null;
  /** Model versions decided so far in observation order (a refit is applied later, when its marker is processed). */
  scheduledVersion = 0;
  /** Set when learning started again on a new range; the monitor resets its phase clock. */
  relearned = false;
  health: number | null = null;
  /** Per sensor, its kind's health envelope (residual sigmas, NaN: none), as of the fleet's `fleetVersion`. */
  fleetT = new Float64Array(0);
  fleetVersion = -1;
  /** The trend's prognosis, refreshed with each health point. */
  prognosis: Prognosis | null = null;
  latest: ConditionOutput | null = null;
  /** Set by ConditionMonitor.heighten: judged against lowered thresholds until its event time. */
  heightened: Heightening | null = null;
  /** Largest load seen on rows confirmed normal since the last refit. */
  private confirmedLoadMax = 0;
  private confirmed = 0;
  private confirmedPowerMax = 0;
  lastScore: number | null = null;
  lastScoredTs = Number.NEGATIVE_INFINITY;
  lastHealthSavedAt = Number.NEGATIVE_INFINITY;
  /** Rows of the open episode (bounded): what an operator's "normal operation" mark teaches the model. */
  episodeRows: Row[] = [];
  contributors: { sensor: string; contribution: number }[] = [];

  constructor(
    readonly id: string,
    readonly params: ConditionParams,
  ) {
    this.episode = new Episode(params.raiseS * 1000, params.clearS * 1000, params.release);
    this.trend = new DegradationTrend(Math.ceil((params.trendHours * HOUR) / HEALTH_STEP_MS));
  }

  /** The sensor's position, trying `guess` first (a device lists its metrics in the same order each time). */
  sensorIndex(name: string, guess = -1): number {
    let k = this.order.find(name, guess);
    if (k < 0) {
      k = this.order.add(name);
      this.sensors.push({ name, sums: new SensorSums(), last: Number.NaN, runSince: 0, runCount: 0, runWhileRunning: false, stuck: false, fast: 0, slow: 0, unit: Number.NaN, resid: 0, expected: 0, trendResid: 0, trendExpected: 0, trendRows: 0, expectedFast: Number.NaN, expectedSlow: Number.NaN, maxFast: 0, maxSlow: 0, ref: null, recheck: null, min: Infinity, max: -Infinity, ambient: 0, baseline: 0, ...sensorKindOf(name) });
    }
    return k;
  }

  /** The operating state of this reading; updates signals, smoothing, lags and the state tracker. */
  track(metrics: Record<string, number>, ts: number, dt: number): boolean {
    if (!this.signals && this.readings >= SIGNAL_READINGS) {
      this.signals = chooseSignals(
        this.sensors.map((s) => s.name),
        (name) => {
          const s = this.sensors[this.order.find(name, -1)]!;
          return s.max > s.min ? (s.max - s.min) / Math.max(Math.abs(s.max), Math.abs(s.min), 1e-9) : 0;
        },
        this.stateSignalNamed,
      );
      if (this.model) this.signals = this.model.signals;
    }
    const sig = this.signals;
    if (!sig) return false;
    const load = metrics[sig.load];
    const power = sig.power !== null ? metrics[sig.power] : undefined;
    const alphas = this.alphasFor(dt);
    const a = alphas[LAGS]!;
    this.loadSmooth = smoothed(this.loadSmooth, load, a);
    this.powerSmooth = smoothed(this.powerSmooth, power, a);
    if (this.phase === 'learning') {
      // A top well above the one the rows so far were placed by (a machine first seen stopped) makes
      // those rows' states and load shares wrong: learning starts again on the new scale.
      if (this.loadSmooth > this.loadMax * RESCALE || this.powerSmooth > this.powerMax * RESCALE) {
        this.rise.restart(ts, sig.power !== null ? this.powerMax : this.loadMax);
        this.restartLearning(ts);
      }
    } else if (this.loadSmooth > this.loadMax * NEW_RANGE || this.powerSmooth > this.powerMax * NEW_RANGE) {
      // Several times the top the model was learned on: what it learned was standby, not the machine
      // working (a machine that stood still through its learning). It learns again, from here.
      this.model = null;
      this.phase = 'learning';
      if (this.loadSmooth > 0 && this.loadMax > 0) this.rescaleShares(this.loadMax / this.loadSmooth);
      this.loadMax = this.loadSmooth;
      this.powerMax = Number.isNaN(this.powerSmooth) ? 0 : this.powerSmooth;
      this.restartLearning(ts);
      this.relearned = true;
    }
    if (this.phase === 'learning') {
      const loadTop = this.statedTops.get(sig.load) ?? 0;
      const powerTop = sig.power !== null ? (this.statedTops.get(sig.power) ?? 0) : 0;
      const before = this.loadMax;
      this.loadMax = Math.max(this.loadMax, loadTop, Number.isNaN(this.loadSmooth) ? 0 : this.loadSmooth);
      if (before > 0 && this.loadMax > before) this.rescaleShares(before / this.loadMax);
      this.powerMax = Math.max(this.powerMax, powerTop, Number.isNaN(this.powerSmooth) ? 0 : this.powerSmooth);
      // It rose from its standby draw, read as work while nothing showed more: it was off, and its lags say so.
      if (this.rise.roseFromOff(ts, sig.power !== null ? this.powerMax : this.loadMax)) this.powered.values.fill(0);
    }
    const u = this.loadShare();
    if (load !== undefined && Number.isFinite(load) && this.loadMax > 0) this.rawShare = Math.min(1.5, Math.max(0, load / this.loadMax));
    // Spikes are watched on power, where a surge shows, or on the load where there is no power.
    const onLoad = sig.power === null || sig.power === sig.load;
    const watched = onLoad ? load : power;
    const top = onLoad ? this.loadMax : this.powerMax;
    const pushed = watched !== undefined && top > 0;
    this.jump = pushed ? this.spikes.push(watched, ts, top) : Number.NaN;
    // The tops a refit may grow to come from levels the machine held: the watched signal through the spike window's median.
    const held = pushed ? this.spikes.median : Number.NaN;
    const loadHeld = onLoad ? held : load;
    const powerHeld = sig.power === null ? undefined : onLoad ? loadHeld : held;
    this.loadSteady = smoothed(this.loadSteady, loadHeld, a);
    this.powerSteady = smoothed(this.powerSteady, powerHeld, a);
    if (this.loadMax > 0) this.lags.follow(this.rawShare, alphas);
    this.powered.follow(this.state.band, alphas);
    if (!this.stateKnown(ts)) return false;
    const powerShare = sig.power !== null && this.powerMax > 0 && !Number.isNaN(this.powerSmooth) ? this.powerSmooth / this.powerMax : null;
    const raw = rawBand(u, powerShare, sig.load === sig.power, this.state.band);
    const changed = this.state.update(raw, ts);
    this.powered.start(this.state.band);
    const powerNow = power !== undefined && Number.isFinite(power) && this.powerMax > 0 ? power / this.powerMax : powerShare;
    this.looksStanding = this.state.band > BAND_IDLE && rawBand(this.rawShare, powerNow, sig.load === sig.power, this.state.band) <= BAND_IDLE;
    return changed;
  }

  /** The load's top grew: each share so far is `c` times what it reads now, and all that holds one follows (rows before and after fit one model). */
  private rescaleShares(c: number): void {
    this.lags.rescale(c);
    for (let i = 0; i < LAGS; i++) this.lagSpread[i]! *= c;
    for (let i = 0; i < this.loadSeen.length; i++) this.loadSeen[i]! *= c;
    for (const s of this.sensors) s.sums.rescaleShares(c);
    this.spikes.rescale(c);
  }

  private restartLearning(ts: number): void {
    for (const s of this.sensors) s.sums = new SensorSums();
    this.bandHours.fill(0);
    this.lagSpread.fill(0);
    this.spikes.resetLearned();
    this.loadSeen.set(emptyLoadSeen());
    this.learningSince = ts;
  }

  /**
   * The averages' weights for a step of dt: the lags', then the state signals' smoothing. A machine
   * reports at a steady period, so they are computed once per period rather than per reading.
   */
  private alphasFor(dt: number): Float64Array {
    if (dt === this.alphaDt) return this.alphas;
    const p = this.params;
    for (let i = 0; i < LAGS; i++) this.alphas[i] = dt > 0 ? 1 - Math.exp(-dt / (p.lagMinutes[i]! * 60_000)) : 1;
    this.alphas[LAGS] = dt > 0 ? 1 - Math.exp(-dt / (p.loadSmoothingS * 1000)) : 1;
    this.alphaDt = dt;
    return this.alphas;
  }

  loadShare(): number {
    if (!(this.loadMax > 0) || Number.isNaN(this.loadSmooth)) return 0;
    return Math.min(1.5, Math.max(0, this.loadSmooth / this.loadMax));
  }

  /** States mean something once the load signal has shown its range, or has held still for an hour. */
  private stateKnown(ts: number): boolean {
    if (this.model) return true;
    const s = this.sensors[this.order.find(this.signals!.load, -1)];
    if (!s || !(this.loadMax > 0)) return false;
    if (this.statedTops.has(this.signals!.load)) return true;
    // Moved: across a real step, not the noise of a standby draw near zero.
    const moved = s.max - s.min > 0.2 * Math.abs(s.max) && s.max > 2 * Math.max(0, s.min);
    return moved || ts - this.firstTs >= this.params.steadyAfterMinutes * 60_000;
  }

  /** A first fit at the end of learning; when it cannot fit yet, the next try waits FIT_RETRY_MS. */
  tryFit(ts: number): boolean {
    if (this.fit(ts)) return true;
    this.nextFitTry = ts + FIT_RETRY_MS;
    return false;
  }

  /** Fits the normal model on everything learned; false when too little of it can be fitted. */
  fit(ts: number): boolean {
    const minRows = this.minRowsPerBand();
    // Counters are production, not condition; the load signal is the regressor itself.
    const previous = this.model;
    // A refit keeps a sensor's model where too few new rows were confirmed normal to fit it again.
    const models: (SensorModel | null)[] = this.sensors.map((s, k) => (s.sums.isCounter || s.name === this.signals?.load ? null : (fitSensor(s.sums, minRows) ?? previous?.models[k] ?? null)));
    if (!models.some((m) => m !== null) || !this.signals) return false;
    this.model = {
      version: (previous?.version ?? 0) + 1,
      fittedAt: ts,
      sensors: this.sensors.map((s) => s.name),
      models,
      loadMax: previous ? Math.max(previous.loadMax, this.confirmedLoadMax) : this.loadMax,
      powerMax: this.signals.power === null ? null : previous ? Math.max(previous.powerMax ?? 0, this.confirmedPowerMax) : this.powerMax,
      fastT: previous?.fastT ?? [],
      slowT: previous?.slowT ?? [],
      longestRun: this.sensors.map((s) => s.sums.longestRun),
      lagSpread: [...this.lagSpread],
      loadSeen: [...this.loadSeen].map((v) => (Number.isFinite(v) ? v : null)),
      signals: this.signals,
      spikeT: previous?.spikeT,
    };
    this.loadMax = this.model.loadMax;
    this.powerMax = this.model.powerMax ?? 0;
    return true;
  }

  /** Thresholds from the largest averages the validation period saw, widened by the margin. */
  setThresholds(): void {
    const p = this.params;
    if (!this.model) return;
    this.model.fastT = this.sensors.map((s) => Math.max(p.fastFloor, p.thresholdMargin * s.maxFast));
    this.model.slowT = this.sensors.map((s) => Math.max(p.slowFloor, p.thresholdMargin * s.maxSlow));
    this.model.spikeT = spikeThresholds(this.spikes.learned, this.spikes.learnedRows, p.thresholdMargin, p.spikeFloor);
    judgedOn(this.sensors, this.model);
  }

  /** Rows a load band needs before it is judged: bandReadyHours of the machine's sampled rows. */
  private minRowsPerBand(): number {
    const p = this.params;
    return Math.max(FEATURES * 4, (p.bandReadyHours * HOUR) / Math.max(p.rowEveryMs, this.period || 1000));
  }

  /** Monitoring refit on rows confirmed normal; older rows fade by the forgetting factor. True when thresholds moved with it. */
  refit(ts: number): boolean {
    const m = this.model;
    if (!m) return false;
    const keep = KEEP_BANDS_OF * this.minRowsPerBand();
    for (const s of this.sensors) s.sums.scale(this.params.forgetPerRefit, keep);
    // Confirmed rows above the top the model was learned on raise the top this refit fits with.
    const top = Math.max(m.loadMax, this.confirmedLoadMax);
    if (m.loadMax > 0 && top > m.loadMax) this.rescaleShares(m.loadMax / top);
    this.fit(ts);
    this.confirmedLoadMax = 0;
    this.confirmedPowerMax = 0;
    return this.model !== m && this.model !== null && carryThresholds(this.sensors, m, this.model, this.params, ts);
  }

  /** A row judged normal feeds the model. */
  confirmNormal(row: Row, score: number): void {
    if (score >= CONFIRMED_NORMAL || this.episode.active) return;
    // One confirmed row in CONFIRMED_EVERY is plenty for a refit every two hours, at a sixth of the cost.
    if (++this.confirmed % CONFIRMED_EVERY !== 0) return;
    this.learn(row);
    if (!Number.isNaN(row.loadSteady)) this.confirmedLoadMax = Math.max(this.confirmedLoadMax, row.loadSteady);
    if (!Number.isNaN(row.powerSteady)) this.confirmedPowerMax = Math.max(this.confirmedPowerMax, row.powerSteady);
  }

  learn(row: Row, weight = 1): void {
    if (row.band < 0) return;
    if (this.model === null) for (let i = 0; i < LAGS; i++) this.lagSpread[i] = Math.max(this.lagSpread[i]!, Math.abs(row.phi[2]! - row.phi[4 + 2 * i]!));
    const u = row.phi[2]!;
    if (u < this.loadSeen[2 * row.band]!) this.loadSeen[2 * row.band] = u;
    if (u > this.loadSeen[2 * row.band + 1]!) this.loadSeen[2 * row.band + 1] = u;
    const outer = outerOf(row.phi, this.outer);
    for (let k = 0; k < row.y.length; k++) {
      const v = row.y[k]!;
      if (Number.isFinite(v) && !row.stuck[k]) for (let w = 0; w < weight; w++) this.sensors[k]!.sums.addOuter(row.band, outer, row.phi, v);
    }
  }

  /** When the open or last episode began, or null when the machine has had none. */
  episodeStart(): EventMs | null {
    return this.episode.since ?? this.episodeRows[0]?.ts ?? null;
  }

  /** Keeps the rows of an open episode, the newest EPISODE_ROWS of them. */
  keepEpisodeRow(row: Row, raised: boolean): void {
    if (raised) this.episodeRows = [];
    if (!this.episode.active) return;
    this.episodeRows.push(row);
    if (this.episodeRows.length > EPISODE_ROWS) this.episodeRows.splice(0, this.episodeRows.length - EPISODE_ROWS);
  }

  /**
   * An operator says the open (or last) episode was normal operation: its rows join the training data
   * with extra weight, the model is refitted and the episode ends.
   */
  teachNormal(ts: number): { from: number; to: number } {
    const rows = this.episodeRows;
    const from = rows[0]?.ts ?? this.episode.since ?? ts;
    for (const row of rows) this.learn(row, TAUGHT_WEIGHT);
    this.episodeRows = [];
    this.refit(ts);
    // The refit keeps the spike thresholds; the taught rises must not count as spikes again.
    if (this.model) this.model.spikeT = widenSpikeThresholds(this.model.spikeT, rows, this.params.thresholdMargin);
    this.spikes.forgetRecent();
    for (const s of this.sensors) {
      s.fast = 0;
      s.slow = 0;
    }
    this.episode.end();
    return { from, to: ts };
  }

  snapshot(): Snapshot {
    const stuck = this.sensors.some((s) => s.stuck) ? this.sensors.filter((s) => s.stuck).map((s) => s.name) : NONE;
    return { band: this.state.band, phase: this.phase, communicationLost: this.communicationLost, stuck, signals: this.signals, learning: learningView(this) };
  }
}

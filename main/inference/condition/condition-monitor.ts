/**
 * The condition monitor: every machine's operating state, normal model, anomaly episodes, health,
 * remaining life, communication loss and stuck sensors. observe() is synchronous and decides per
 * reading, in arrival order, what is learned and what is judged; flush() scores the queued rows in
 * one onnxruntime run per model version and processes them in the same order, so outputs do not
 * depend on how readings were batched. Time is event time throughout.
 */
import type { ConditionOutput, OperatingState } from '../../../common/contract-models';
import type { Reading } from '../../../common/telemetry';
import { classifyAnomaly } from '../anomaly-type';
import type { LoadedModel } from '../model-set';
import type { ConditionParams } from './condition-params';
import { healthOf, severity } from './degradation';
import { HEALTH_STEP_MS, HOUR, MachineCondition, type FittedModel, type Marker, type Row, type Snapshot } from './machine-condition';
import { FEATURES, regressors } from './normal-model';
import { stateOfBand } from './operating-state';

export interface ConditionEvent {
  machineId: string;
  ts: number;
  kind: 'state' | 'health';
  state?: OperatingState;
  health?: number;
  rulHours?: number | null;
}

export interface ConditionStore {
  /** A machine's fitted model, a new version on each fit. */
  saveModel(machineId: string, model: FittedModel): void;
  /** Operating-state changes and health points, in event time. */
  saveEvents(events: readonly ConditionEvent[]): void;
}

type Item = { kind: 'row'; row: Row } | Marker | { kind: 'status'; machine: MachineCondition; ts: number; snap: Snapshot };

const TOP_CONTRIBUTORS = 3;
/** The plant's event clock is checked for silent machines once per this much event time. */
const SILENCE_SCAN_MS = 1_000;
/** A gap longer than this is not a reporting period: it is downtime, a restart or a clock jump. */
const PERIOD_CAP_MS = 10 * 60_000;
/** Learning progress reaches the screen at most this often per machine. */
const STATUS_EVERY_MS = 60_000;
/** A judged machine whose verdict did not change reports this often (its health steps once a minute anyway). */
const OUTPUT_EVERY_MS = 30_000;
/** A reading this share of rowEveryMs after the last one used is used, so a jittery 5 s period is not halved. */
const SAMPLE_TOLERANCE = 0.9;
/** Ambient shift: each machine's thermal residual averaged over this long, the median taken this often from votes this fresh, with at least this many machines. */
const AMBIENT_TAU_MS = 30 * 60_000;
const AMBIENT_EVERY_MS = 60_000;
const AMBIENT_STALE_MS = 30 * 60_000;
const AMBIENT_MIN_VOTERS = 5;
/** A machine's own thermal offset follows over this long: slower than any overheating, faster than the seasons. */
const BASELINE_TAU_MS = 6 * 3_600_000;

export class ConditionMonitor {
  private readonly machines = new Map<string, MachineCondition>();
  private queue: Item[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private clock = Number.NEGATIVE_INFINITY;
  private lastScan = Number.NEGATIVE_INFINITY;
  /** Readings skipped as out of order or duplicates, per machine: counted, never judged. */
  readonly skipped = new Map<string, number>();
  private events: ConditionEvent[] = [];
  /**
   * The plant's common temperature shift (K): the median over machines of their thermal residuals.
   * Ambient temperature moves every machine's temperature together; no single machine's fault moves
   * the median, so subtracting it keeps ambient drift out of each machine's judgement.
   */
  private ambientShift = 0;
  private ambientAt = Number.NEGATIVE_INFINITY;
  private readonly ambientVotes = new Map<string, { ts: number; value: number }>();

  constructor(
    private readonly model: LoadedModel,
    readonly params: ConditionParams,
    private readonly store?: ConditionStore,
    saved: ReadonlyMap<string, FittedModel> = new Map(),
  ) {
    for (const [id, fitted] of saved) {
      const m = this.machine(id);
      for (const s of fitted.sensors) m.sensorIndex(s);
      m.model = fitted;
      m.signals = fitted.signals;
      m.lagSpread.set(fitted.lagSpread.slice(0, m.lagSpread.length));
      fitted.loadSeen?.forEach((v, i) => (m.loadSeen[i] = v ?? (i % 2 ? -Infinity : Infinity)));
      m.loadMax = fitted.loadMax;
      m.powerMax = fitted.powerMax ?? 0;
      const validated = fitted.fastT.length > 0;
      m.phase = validated ? 'monitoring' : 'learning';
      m.scheduledVersion = fitted.version;
    }
  }

  /** An engineer names the state signal in the machine's meta. */
  setStateSignal(machineId: string, metric: string | null): void {
    const m = this.machine(machineId);
    m.stateSignalNamed = metric;
    if (!m.model) m.signals = null;
  }

  get(machineId: string): MachineCondition | undefined {
    return this.machines.get(machineId);
  }

  latest(machineId: string): ConditionOutput | null {
    return this.machines.get(machineId)?.latest ?? null;
  }

  all(): MachineCondition[] {
    return [...this.machines.values()];
  }

  private machine(id: string): MachineCondition {
    let m = this.machines.get(id);
    if (!m) this.machines.set(id, (m = new MachineCondition(id, this.params)));
    return m;
  }

  observe(reading: Reading): void {
    const m = this.machine(reading.machineId);
    const ts = reading.ts;
    if (!(ts > m.lastTs)) {
      this.skipped.set(m.id, (this.skipped.get(m.id) ?? 0) + 1);
      return;
    }
    const dt = Number.isFinite(m.lastTs) ? ts - m.lastTs : 0;
    if (dt > 0 && dt < PERIOD_CAP_MS) m.period = Number.isNaN(m.period) ? dt : m.period + 0.05 * (Math.min(dt, 4 * m.period) - m.period);
    if (Number.isNaN(m.firstTs)) m.firstTs = m.learningSince = ts;
    m.lastTs = ts;
    m.readings++;
    if (m.communicationLost) {
      m.communicationLost = false;
      this.status(m, ts);
    }
    if (ts > this.clock) this.clock = ts;
    if (this.clock - this.lastScan >= SILENCE_SCAN_MS) this.scanSilence();

    // The rest works on one reading per rowEveryMs of the machine's event time (all of them at a 5 s
    // period, one in five at 1 Hz): states, lags and stuck runs need no finer steps, and the monitor's
    // cost then stays flat however often a machine reports.
    // Machines start their sampling at phases spread over the period, so that a plant whose devices
    // all report on the second does not bring every machine's row into the same scoring run.
    if (!Number.isFinite(m.lastSampleTs)) m.lastSampleTs = ts - this.params.rowEveryMs * SAMPLE_TOLERANCE + phaseOf(m.id, this.params.rowEveryMs);
    if (ts - m.lastSampleTs < this.params.rowEveryMs * SAMPLE_TOLERANCE) return;
    const sdt = Number.isFinite(m.lastSampleTs) ? ts - m.lastSampleTs : 0;
    m.lastSampleTs = ts;
    const running = m.state.band > 0;
    let next = 0;
    for (const name in reading.metrics) {
      const v = reading.metrics[name]!;
      if (!Number.isFinite(v)) continue;
      const k = m.sensorIndex(name, next);
      next = k + 1;
      const s = m.sensors[k]!;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      if (v === s.last) {
        s.runCount++;
        s.runWhileRunning &&= running;
      } else {
        if (m.phase === 'learning' && s.runWhileRunning && s.runCount > s.sums.longestRun) s.sums.longestRun = s.runCount;
        if (!Number.isNaN(s.last)) {
          if (v < s.last) s.sums.decreases++;
          else s.sums.increases++;
        }
        s.last = v;
        s.runSince = ts;
        s.runCount = 1;
        s.runWhileRunning = running;
        if (s.stuck) {
          s.stuck = false;
          this.status(m, ts);
        }
      }
    }
    const changed = m.track(reading.metrics, ts, sdt);
    if (m.relearned) {
      m.relearned = false;
      m.scheduledVersion = 0;
      m.episode.end();
      this.status(m, ts);
    }
    if (changed) {
      this.events.push({ machineId: m.id, ts, kind: 'state', state: m.state.state });
      this.status(m, ts);
    }
    const band = m.state.band;
    if (band >= 0 && sdt > 0 && sdt < PERIOD_CAP_MS && m.phase === 'learning') m.bandHours[band]! += sdt / HOUR;
    if (band < 0) {
      if (ts - m.lastStatusAt >= STATUS_EVERY_MS) this.status(m, ts);
      return;
    }
    this.checkStuck(m, ts);
    const row = this.row(m, reading, ts, band);
    if (m.phase === 'learning') {
      m.learn(row);
      const running = m.bandHours[1]! + m.bandHours[2]! + m.bandHours[3]!;
      if ((ts - m.learningSince) / HOUR >= this.params.learnHours && running >= this.params.minRunningHours && ts >= m.nextFitTry && m.tryFit(ts)) {
        m.phase = 'validating';
        m.scheduledVersion = m.model!.version;
        m.validateUntil = ts + this.params.validateHours * HOUR;
        this.store?.saveModel(m.id, m.model!);
      }
      if (ts - m.lastStatusAt >= STATUS_EVERY_MS) this.status(m, ts);
      return;
    }
    this.push({ kind: 'row', row });
    // A model loaded at start refits on what it sees from then on.
    if (Number.isNaN(m.nextRefit)) m.nextRefit = ts + this.params.refitHours * HOUR;
    if (m.phase === 'validating' && ts >= m.validateUntil) {
      m.phase = 'monitoring';
      m.nextRefit = ts + this.params.refitHours * HOUR;
      this.push({ kind: 'thresholds', machine: m, ts, snap: m.snapshot() });
    } else if (m.phase === 'monitoring' && ts >= m.nextRefit) {
      m.nextRefit = ts + this.params.refitHours * HOUR;
      m.scheduledVersion++;
      this.push({ kind: 'refit', machine: m, ts, snap: m.snapshot() });
    }
  }

  private row(m: MachineCondition, reading: Reading, ts: number, band: number): Row {
    const phi = new Float64Array(FEATURES);
    regressors(phi, band > 0, m.loadShare(), m.lags);
    const y = new Float64Array(m.sensors.length).fill(Number.NaN);
    const stuck: boolean[] = new Array<boolean>(m.sensors.length).fill(false);
    for (let k = 0; k < m.sensors.length; k++) {
      const s = m.sensors[k]!;
      const v = reading.metrics[s.name];
      if (v !== undefined && Number.isFinite(v)) y[k] = v;
      stuck[k] = s.stuck;
    }
    const settling = ts - m.state.changedAt < this.params.settleS * 1000;
    return { machine: m, ts, phase: m.phase, snap: m.snapshot(), band, settling, phi, y, stuck };
  }

  /** A sensor frozen while its machine runs, far longer than any run of equal values it showed while learning. */
  private checkStuck(m: MachineCondition, ts: number): void {
    if (!m.model || m.state.state !== 'running') return;
    const p = this.params;
    for (let k = 0; k < m.sensors.length; k++) {
      const s = m.sensors[k]!;
      if (s.stuck || !s.runWhileRunning || s.sums.isCounter) continue;
      const learned = m.model.longestRun[k] ?? 0;
      if (ts - s.runSince >= p.stuckMinS * 1000 && s.runCount >= Math.max(10, p.stuckRunFactor * learned)) {
        s.stuck = true;
        this.status(m, ts);
      }
    }
  }

  /** Machines silent longer than their own period allows, by the plant's event clock. */
  private scanSilence(): void {
    this.lastScan = this.clock;
    const p = this.params;
    for (const m of this.machines.values()) {
      if (m.communicationLost || Number.isNaN(m.period) || !Number.isFinite(m.lastTs)) continue;
      const limit = Math.max(p.silenceMinS * 1000, p.silencePeriods * m.period);
      if (this.clock - m.lastTs > limit) {
        m.communicationLost = true;
        this.status(m, m.lastTs + limit);
      }
    }
  }

  private status(m: MachineCondition, ts: number): void {
    this.push({ kind: 'status', machine: m, ts, snap: m.snapshot() });
  }

  private push(item: Item): void {
    if (item.kind === 'status') item.machine.lastStatusAt = item.ts;
    this.queue.push(item);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Scores everything observed so far; flushes run one after another, in observation order. */
  flush(): Promise<ConditionOutput[]> {
    const items = this.queue;
    this.queue = [];
    const events = this.events;
    this.events = [];
    const run = this.chain.then(() => this.process(items, events));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async process(items: Item[], events: ConditionEvent[]): Promise<ConditionOutput[]> {
    const out: ConditionOutput[] = [];
    let i = 0;
    while (i < items.length) {
      // A segment ends at a marker that changes a model: rows after it are scored with the new one.
      let end = i;
      while (end < items.length && items[end]!.kind !== 'thresholds' && items[end]!.kind !== 'refit') end++;
      const rows = items.slice(i, end).filter((it): it is { kind: 'row'; row: Row } => it.kind === 'row' && it.row.machine.model !== null);
      let scores: Scores | string;
      try {
        scores = await this.run(rows.map((r) => r.row));
      } catch (err) {
        scores = (err as Error).message;
      }
      let k = 0;
      for (let j = i; j < end; j++) {
        const item = items[j]!;
        if (item.kind === 'status') {
          out.push(this.output(item.machine, item.ts, null, item.snap));
          continue;
        }
        if (item.kind !== 'row' || item.row.machine.model === null) continue;
        const o = this.judge(item.row, scores, k++, events);
        if (o) out.push(o);
      }
      if (end < items.length) {
        const marker = items[end] as Marker;
        if (marker.kind === 'thresholds') marker.machine.setThresholds();
        else marker.machine.refit(marker.ts);
        if (marker.machine.model) this.store?.saveModel(marker.machine.id, marker.machine.model);
        out.push(this.output(marker.machine, marker.ts, null, { ...marker.snap, phase: marker.kind === 'thresholds' ? 'monitoring' : marker.snap.phase }));
      }
      i = end + 1;
    }
    if (events.length > 0) this.store?.saveEvents(events);
    return out;
  }

  /** Updates the row's machine from its residuals: averages, episode, health, trend. */
  private judge(row: Row, scores: Scores | string, index: number, events: ConditionEvent[]): ConditionOutput | null {
    const m = row.machine;
    const model = m.model!;
    const p = this.params;
    const snap = row.snap;
    if (typeof scores === 'string') return this.output(m, row.ts, `condition model failed: ${scores}`, snap);
    const dt = Number.isFinite(m.lastScoredTs) ? Math.max(0, row.ts - m.lastScoredTs) : 0;
    m.lastScoredTs = row.ts;
    const aFast = 1 - Math.exp(-dt / (p.fastTauS * 1000));
    const aSlow = 1 - Math.exp(-dt / (p.slowTauS * 1000));
    const aHealth = 1 - Math.exp(-dt / (p.healthTauS * 1000));
    const validating = row.phase === 'validating';
    const loadLearned = m.loadLearned(row.band, row.phi[2]!);
    const judged = !row.settling && loadLearned && model.models.some((sm, k) => sm?.sigma[row.band] != null && Number.isFinite(row.y[k]!));
    let score = 0;
    const ranked: { sensor: string; contribution: number }[] = [];
    let worst = 0;
    const s0 = index * scores.sensors;
    const aAmbient = 1 - Math.exp(-dt / AMBIENT_TAU_MS);
    const aBaseline = 1 - Math.exp(-dt / BASELINE_TAU_MS);
    this.updateAmbient(row.ts);
    let vote = 0;
    let voters = 0;
    for (let k = 0; k < m.sensors.length && k < model.models.length; k++) {
      const sm = model.models[k];
      const s = m.sensors[k]!;
      const sigma = sm?.sigma[row.band];
      if (!sm || sigma == null || !Number.isFinite(row.y[k]!) || row.stuck[k] || !m.inDomain(k, row.phi)) continue;
      let z = scores.z[s0 + k]!;
      let pred = scores.pred[s0 + k]!;
      if (row.settling) continue;
      if (s.thermal) {
        const r = row.y[k]! - pred;
        s.ambient += aAmbient * (r - s.ambient);
        vote += s.ambient;
        voters++;
        if (!m.episode.active && (m.lastScore ?? 0) < 0.5) s.baseline += aBaseline * (r - this.ambientShift - s.baseline);
        pred += this.ambientShift + s.baseline;
        z -= (this.ambientShift + s.baseline) / sigma;
      }
      s.fast += aFast * (z - s.fast);
      s.slow += aSlow * (z - s.slow);
      s.resid += aHealth * (row.y[k]! - pred - s.resid);
      s.expected += aHealth * (pred - s.expected);
      if (validating) {
        s.maxFast = Math.max(s.maxFast, Math.abs(s.fast));
        s.maxSlow = Math.max(s.maxSlow, Math.abs(s.slow));
        continue;
      }
      const least = s.thermal ? p.thermalMinDeviation / sigma : s.group === 'vibration_bearing' ? (p.vibrationMinShare * Math.abs(s.expected)) / sigma : 0;
      const tf = Math.max(model.fastT[k] ?? p.fastFloor, least);
      const tslow = Math.max(model.slowT[k] ?? p.slowFloor, least);
      const c = s.risesOnly ? Math.max(0, s.fast / tf, s.slow / tslow) : Math.max(Math.abs(s.fast) / tf, Math.abs(s.slow) / tslow);
      ranked.push({ sensor: s.name, contribution: c });
      if (c > score) score = c;
      // Health's envelope is the statistical one: the operator's least deviation worth an alarm is no
      // normal variation. For a physical sensor it is the largest deviation validation saw (the alarm
      // threshold without its margin), since its failure level is physical; any other sensor's failure
      // level is counted in its alarm thresholds, so its envelope is the threshold itself.
      if (row.band > 0) {
        const slowT = model.slowT[k] ?? p.slowFloor;
        const envelope = s.group === 'unclassified' ? slowT : Math.max(p.slowFloor, slowT / p.thresholdMargin);
        worst = Math.max(worst, severity(s.name, s.resid, s.expected, envelope, sigma, s.group));
      }
    }
    if (voters > 0 && !m.episode.active) this.ambientVotes.set(m.id, { ts: row.ts, value: vote / voters });
    if (validating || !judged) {
      // A load band the model has not learned yet keeps learning while the machine runs in it, so the
      // next refit can judge it: a state never seen says "learning", and is then learned.
      const bandLearned = loadLearned && model.models.some((sm) => sm?.sigma[row.band] != null);
      if (!validating && !bandLearned && !row.settling && !m.episode.active) m.learn(row);
      m.episode.pause();
      if (row.ts - m.lastOutputAt < STATUS_EVERY_MS) return null;
      return this.output(m, row.ts, null, snap);
    }
    ranked.sort((a, b) => b.contribution - a.contribution);
    m.contributors = ranked.slice(0, TOP_CONTRIBUTORS);
    m.lastScore = score;
    const change = m.episode.update(score, row.ts);
    m.keepEpisodeRow(row, change === 'raised');
    m.confirmNormal(row, score);
    // Health and prognosis move once a minute at most: numbers the room reads, and alarms that cannot chatter.
    let stepped = false;
    if (row.band > 0 && row.ts - m.lastHealthAt >= HEALTH_STEP_MS) {
      stepped = true;
      m.health = healthOf(worst);
      m.lastHealthAt = row.ts;
      m.trend.push(row.ts, worst);
      m.prognosis = m.trend.prognosis(p.horizonHours, p.trendMinT, p.trendMinMinutes);
      if (row.ts - m.lastHealthSavedAt >= 5 * HEALTH_STEP_MS) {
        m.lastHealthSavedAt = row.ts;
        events.push({ machineId: m.id, ts: row.ts, kind: 'health', health: m.health, rulHours: m.prognosis.rul?.hours ?? null });
      }
    }
    // A steady machine's verdict goes out every OUTPUT_EVERY_MS; a change goes out at once.
    if (change === null && !stepped && row.ts - m.lastOutputAt < OUTPUT_EVERY_MS) return null;
    return this.output(m, row.ts, null, snap);
  }

  /** The median of recent votes, refreshed once per AMBIENT_EVERY_MS of event time. */
  private updateAmbient(ts: number): void {
    if (ts - this.ambientAt < AMBIENT_EVERY_MS) return;
    this.ambientAt = ts;
    const values: number[] = [];
    for (const [id, v] of this.ambientVotes) {
      if (ts - v.ts > AMBIENT_STALE_MS) this.ambientVotes.delete(id);
      else values.push(v.value);
    }
    if (values.length < AMBIENT_MIN_VOTERS) {
      this.ambientShift = 0;
      return;
    }
    values.sort((a, b) => a - b);
    const mid = values.length >> 1;
    this.ambientShift = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  }

  private output(m: MachineCondition, ts: number, failure: string | null, snap: Snapshot): ConditionOutput {
    const p = this.params;
    const monitoring = snap.phase === 'monitoring' && m.model !== null;
    const prognosis = monitoring && m.health !== null ? m.prognosis : null;
    const stuck = snap.stuck;
    const flat = new Set(stuck);
    const state = snap.band === -2 ? 'unknown' : stateOfBand(snap.band);
    const a = m.episode;
    const detail =
      failure ??
      (snap.communicationLost
        ? 'no data: communication lost'
        : state === 'unknown'
          ? 'learning the operating states from the state signal'
          : !monitoring
            ? snap.phase === 'validating'
              ? 'learning: the fitted model is being checked against new data to set its thresholds'
              : 'learning this machine\u2019s normal behaviour'
            : (prognosis?.detail ?? null));
    const o: ConditionOutput = {
      machineId: m.id,
      ts,
      operatingState: state,
      band: snap.band >= 0 ? snap.band : null,
      stateSignal: snap.signals?.load ?? null,
      stateSignalFrom: snap.signals?.from ?? null,
      phase: monitoring ? 'monitoring' : 'learning',
      learning: snap.learning,
      anomaly: {
        active: monitoring && a.active,
        score: monitoring ? m.lastScore : null,
        type: monitoring && a.active ? classifyAnomaly(m.contributors, flat) : null,
        contributors: monitoring ? m.contributors.filter((c) => c.contribution > 0) : [],
        since: a.since,
      },
      health: monitoring ? m.health : null,
      healthTrendPerHour: prognosis?.trendPerHour ?? null,
      rul: prognosis?.rul ?? null,
      failureProbability: prognosis ? prognosis.failureProbability : null,
      horizonHours: p.horizonHours,
      stuckSensors: stuck,
      communicationLost: snap.communicationLost,
      detail,
    };
    m.latest = o;
    m.lastOutputAt = ts;
    return o;
  }

  /** One batched run: rows of machines with fewer sensors are padded with masked slots. */
  private async run(rows: readonly Row[]): Promise<Scores> {
    const S = rows.reduce((max, r) => Math.max(max, r.machine.model!.models.length), 0);
    const n = rows.length;
    if (n === 0) return { z: new Float32Array(), pred: new Float32Array(), sensors: S };
    const phi = new Float32Array(n * FEATURES);
    const coef = new Float32Array(n * FEATURES * S);
    const y = new Float32Array(n * S);
    const sigma = new Float32Array(n * S).fill(1);
    const mask = new Float32Array(n * S);
    rows.forEach((r, i) => {
      for (let f = 0; f < FEATURES; f++) phi[i * FEATURES + f] = r.phi[f]!;
      const models = r.machine.model!.models;
      for (let k = 0; k < models.length; k++) {
        const sm = models[k];
        const v = r.y[k];
        const sg = sm?.sigma[r.band];
        if (!sm || sg == null || v === undefined || !Number.isFinite(v)) continue;
        for (let f = 0; f < FEATURES; f++) coef[i * FEATURES * S + f * S + k] = sm.coef[f]!;
        y[i * S + k] = v;
        sigma[i * S + k] = sg;
        mask[i * S + k] = 1;
      }
    });
    const out = await this.model.run({
      phi: { data: phi, dims: [n, FEATURES] },
      coef: { data: coef, dims: [n, FEATURES, S] },
      y: { data: y, dims: [n, S] },
      sigma: { data: sigma, dims: [n, S] },
      mask: { data: mask, dims: [n, S] },
    });
    return { z: out.z!.data, pred: out.pred!.data, sensors: S };
  }

  /** "This was normal operation": the machine's open or last episode is taught as normal. */
  markNormal(machineId: string, ts: number): { version: number; from: number; to: number } {
    const m = this.machines.get(machineId);
    if (!m?.model || m.phase !== 'monitoring') throw new Error(`${machineId} is still learning: there is no anomaly to mark`);
    const span = m.teachNormal(ts);
    m.scheduledVersion = m.model.version;
    this.store?.saveModel(m.id, m.model);
    m.latest = this.output(m, m.latest?.ts ?? ts, null, m.snapshot());
    return { version: m.model.version, ...span };
  }
}

interface Scores {
  z: Float32Array;
  pred: Float32Array;
  sensors: number;
}

/** A machine's sampling phase in [0, periodMs): a hash of its id, so the same machine always gets the same. */
function phaseOf(id: string, periodMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) * (periodMs / 1000);
}

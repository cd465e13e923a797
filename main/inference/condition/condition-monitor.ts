/**
 * The condition monitor: every machine's operating state, normal model, anomaly episodes, health,
 * remaining life, communication loss and stuck sensors. observe() is synchronous and decides per
 * reading, in arrival order, what is learned and what is judged; flush() scores the queued rows in
 * one onnxruntime run per model version and processes them in the same order, so outputs do not
 * depend on how readings were batched. Time is event time throughout.
 */
import type { ConditionOutput, Heightening, OperatingState } from '../../../common/contract-models';
import type { Reading } from '../../../common/telemetry';
import type { LoadedModel } from '../model-set';
import type { ConditionParams } from './condition-params';
import { ConditionJudge, STATUS_EVERY_MS } from './condition-judge';
import { conditionOutput } from './condition-output';
import { scoreRows, type Scores } from './condition-scoring';
import { HOUR, type FittedModel, type Marker, type Row, type Snapshot } from './condition-types';
import { MachineCondition } from './machine-condition';
import { FEATURES, fromSaved, regressors } from './normal-model';
import { BAND_IDLE } from './operating-state';

export interface ConditionEvent {
  machineId: string;
  ts: number;
  kind: 'state' | 'health';
  state?: OperatingState;
  health?: number;
  rulHours?: number | null;
}

export interface ConditionStore {
  /** Machines' fitted models, a new version on each fit, in one write. */
  saveModels(models: ReadonlyMap<string, FittedModel>): void;
  /** Operating-state changes and health points, in event time. */
  saveEvents(events: readonly ConditionEvent[]): void;
}

type Item = { kind: 'row'; row: Row } | Marker | { kind: 'status'; machine: MachineCondition; ts: number; snap: Snapshot };

/** The plant's event clock is checked for silent machines once per this much event time. */
const SILENCE_SCAN_MS = 1_000;
/** A gap longer than this is not a reporting period: it is downtime, a restart or a clock jump. */
const PERIOD_CAP_MS = 10 * 60_000;
/** A reading this share of rowEveryMs after the last one used is used, so a jittery 5 s period is not halved. */
const SAMPLE_TOLERANCE = 0.9;

export class ConditionMonitor {
  private readonly machines = new Map<string, MachineCondition>();
  private queue: Item[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private clock = Number.NEGATIVE_INFINITY;
  private lastScan = Number.NEGATIVE_INFINITY;
  /** Readings skipped as out of order or duplicates, per machine: counted, never judged. */
  readonly skipped = new Map<string, number>();
  private events: ConditionEvent[] = [];
  /** Machines whose model changed while observing; written with the next flush's events. */
  private fitted = new Set<MachineCondition>();
  private readonly judge: ConditionJudge;

  constructor(
    private readonly model: LoadedModel,
    readonly params: ConditionParams,
    private readonly store?: ConditionStore,
    saved: ReadonlyMap<string, FittedModel> = new Map(),
  ) {
    this.judge = new ConditionJudge(params);
    for (const [id, fitted] of saved) {
      const m = this.machine(id);
      for (const s of fitted.sensors) m.sensorIndex(s);
      m.model = { ...fitted, models: fitted.models.map(fromSaved) };
      m.signals = fitted.signals;
      m.lagSpread.set(fitted.lagSpread.slice(0, m.lagSpread.length));
      fitted.loadSeen?.forEach((v, i) => (m.loadSeen[i] = v ?? (i % 2 ? -Infinity : Infinity)));
      m.loadMax = fitted.loadMax;
      m.powerMax = fitted.powerMax ?? 0;
      const validated = fitted.fastT.length > 0;
      m.phase = validated ? 'monitoring' : 'learning';
      m.scheduledVersion = fitted.version;
      if (validated) this.judge.envelopesSet(m);
    }
  }

  /** An engineer names the state signal in the machine's meta. */
  setStateSignal(machineId: string, metric: string | null): void {
    const m = this.machine(machineId);
    m.stateSignalNamed = metric;
    if (!m.model) m.signals = null;
  }

  /** Meta or an engineer states each metric's normal range; the state signal's top places the states at once. */
  setNormalRanges(machineId: string, eng: Readonly<Record<string, { normal?: { low: number; high: number } }>>): void {
    const tops = this.machine(machineId).statedTops;
    tops.clear();
    for (const [metric, e] of Object.entries(eng)) if (e.normal && Number.isFinite(e.normal.high) && e.normal.high > 0) tops.set(metric, e.normal.high);
  }

  /**
   * The plant optimizer asks to watch a machine closer: its anomaly thresholds are multiplied by
   * h.factor for rows before h.until (event time); null ends it. The latest output says so at once.
   */
  heighten(machineId: string, h: Heightening | null): void {
    const m = this.machine(machineId);
    m.heightened = h;
    if (m.latest) m.latest = { ...m.latest, heightened: h !== null && m.latest.ts < h.until ? h : null };
  }

  get(machineId: string): MachineCondition | undefined {
    return this.machines.get(machineId);
  }

  /**
   * The machine's operating state as of the last reading observed, for limit alarms: a running
   * machine whose raw signals already say stopped counts as idle (its low limits are out of play).
   */
  stateNow(machineId: string): OperatingState {
    const m = this.machines.get(machineId);
    if (!m) return 'unknown';
    const state = m.state.state;
    return state === 'running' && m.looksStanding ? 'idle' : state;
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
    const idle = m.state.band === BAND_IDLE;
    let next = 0;
    for (const name in reading.metrics) {
      const v = reading.metrics[name]!;
      if (!Number.isFinite(v)) continue;
      const k = m.sensorIndex(name, next);
      next = k + 1;
      const s = m.sensors[k]!;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      if (idle) s.sums.noteIdle(v === s.last);
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
      this.judge.fleet.forget(m.id);
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
      m.spikes.learn(band, row.jump);
      const running = m.bandHours[1]! + m.bandHours[2]! + m.bandHours[3]!;
      if ((ts - m.learningSince) / HOUR >= this.params.learnHours && running >= this.params.minRunningHours && ts >= m.nextFitTry && m.tryFit(ts)) {
        m.phase = 'validating';
        m.scheduledVersion = m.model!.version;
        m.validateUntil = ts + this.params.validateHours * HOUR;
        this.fitted.add(m);
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
    regressors(phi, band > 0, m.loadShare(), m.lags.values, m.powered.values);
    const y = new Float64Array(m.sensors.length).fill(Number.NaN);
    const stuck: boolean[] = new Array<boolean>(m.sensors.length).fill(false);
    for (let k = 0; k < m.sensors.length; k++) {
      const s = m.sensors[k]!;
      const v = reading.metrics[s.name];
      if (v !== undefined && Number.isFinite(v)) y[k] = v;
      stuck[k] = s.stuck;
    }
    // A stop in progress (the raw signals already say idle or off, the state's hold not yet over) is a
    // transient like a start: neither validation nor monitoring judges it.
    const settling = ts - m.state.changedAt < this.params.settleS * 1000 || m.looksStanding;
    return { machine: m, ts, phase: m.phase, snap: m.snapshot(), band, settling, phi, y, stuck, jump: m.jump, loadSteady: m.loadSteady, powerSteady: m.powerSteady };
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
    const fitted = this.fitted;
    this.fitted = new Set();
    const run = this.chain.then(() => this.process(items, events, fitted));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async process(items: Item[], events: ConditionEvent[], changed: Set<MachineCondition>): Promise<ConditionOutput[]> {
    const out: ConditionOutput[] = [];
    let i = 0;
    while (i < items.length) {
      // A segment ends at a marker that changes a model: rows after it are scored with the new one.
      let end = i;
      while (end < items.length && items[end]!.kind !== 'thresholds' && items[end]!.kind !== 'refit') end++;
      const rows = items.slice(i, end).filter((it): it is { kind: 'row'; row: Row } => it.kind === 'row' && it.row.machine.model !== null);
      let scores: Scores | string;
      try {
        scores = await scoreRows(this.model, rows.map((r) => r.row));
      } catch (err) {
        scores = (err as Error).message;
      }
      let k = 0;
      for (let j = i; j < end; j++) {
        const item = items[j]!;
        if (item.kind === 'status') {
          out.push(conditionOutput(this.params, item.machine, item.ts, null, item.snap));
          continue;
        }
        if (item.kind !== 'row' || item.row.machine.model === null) continue;
        const o = this.judge.judge(item.row, scores, k++, events);
        if (o) out.push(o);
      }
      if (end < items.length) {
        const marker = items[end] as Marker;
        if (marker.kind === 'thresholds') {
          marker.machine.setThresholds();
          this.judge.envelopesSet(marker.machine);
        } else if (marker.machine.refit(marker.ts)) this.judge.envelopesSet(marker.machine);
        changed.add(marker.machine);
        out.push(conditionOutput(this.params, marker.machine, marker.ts, null, { ...marker.snap, phase: marker.kind === 'thresholds' ? 'monitoring' : marker.snap.phase }));
      }
      i = end + 1;
    }
    this.save(changed);
    if (events.length > 0) this.store?.saveEvents(events);
    return out;
  }

  private save(changed: ReadonlySet<MachineCondition>): void {
    if (!this.store || changed.size === 0) return;
    const models = new Map<string, FittedModel>();
    for (const m of changed) if (m.model) models.set(m.id, m.model);
    this.store.saveModels(models);
  }

  /** "This was normal operation": the machine's open or last episode is taught as normal. */
  markNormal(machineId: string, ts: number): { version: number; from: number; to: number } {
    const m = this.machines.get(machineId);
    if (!m?.model || m.phase !== 'monitoring') throw new Error(`${machineId} is still learning: there is no anomaly to mark`);
    const span = m.teachNormal(ts);
    m.scheduledVersion = m.model.version;
    this.store?.saveModels(new Map([[m.id, m.model]]));
    m.latest = conditionOutput(this.params, m, m.latest?.ts ?? ts, null, m.snapshot());
    return { version: m.model.version, ...span };
  }
}

/** A machine's sampling phase in [0, periodMs): a hash of its id, so the same machine always gets the same. */
function phaseOf(id: string, periodMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) * (periodMs / 1000);
}

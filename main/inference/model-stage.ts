/**
 * The inference stage of the data path: readings in, model outputs out to the fan-out, the
 * store and the machine screen. Each reading is queued synchronously in arrival order and scored in
 * batches by flush(); flushes run one after another. The SKAB evaluation drives this same class.
 */
import type { Reading } from '../../common/telemetry';
import type { ConditionOutput } from '../../common/contract-models';
import type { ModelOutputRepository } from './model-outputs';
import { ConditionMonitor, type ConditionStore } from './condition/condition-monitor';
import { ConditionParamsSchema, type ConditionParams } from './condition/condition-params';
import type { FittedModel } from './condition/condition-types';
import { AnomalyDetector, type AnomalyOutput } from './anomaly-detector';
import { AnomalyParamsSchema } from './anomaly-params';
import { FailureParamsSchema, FailureScorer, type FailureOutput } from './failure-scorer';
import type { ModelSet, ModelStatus } from './model-set';
import { RulEstimator, type RulOutput } from './rul-estimator';
import { RulParamsSchema } from './rul-input';
import type { MonoMs } from '../../common/time';

export type ModelOutput =
  | { model: 'anomaly'; output: AnomalyOutput }
  | { model: 'condition'; output: ConditionOutput }
  | { model: 'failure'; output: FailureOutput }
  | { model: 'rul'; output: RulOutput };

export const ANOMALY_MODEL = 'anomaly';
export const CONDITION_MODEL = 'condition';
export const FAILURE_MODEL = 'failure';
/** FD004 is the subset with six operating conditions and two fault modes: the least narrow of the four. */
export const LIVE_RUL_MODEL = 'rul-fd004';
export const LIVE_MODELS = [ANOMALY_MODEL, CONDITION_MODEL, FAILURE_MODEL, LIVE_RUL_MODEL];

export interface ModelStageOptions {
  models: ModelSet;
  rulModel?: string;
  repository?: ModelOutputRepository;
  /** Overrides of the condition monitor's manifest params (config.conditionMonitor). */
  conditionParams?: Partial<ConditionParams>;
  /** Where the condition monitor keeps its fitted models, state changes and health points. */
  conditionStore?: ConditionStore & { latestModels(): Map<string, FittedModel> };
  onOutputs?(outputs: readonly ModelOutput[]): void;
  /**
   * Scoring tick: flush() calls closer together than this are merged into one batched run at the
   * next tick, so a runtime that calls flush() after every MQTT message still runs each model at
   * most once per tick (default 50 ms). 0 scores at once on every call (evaluation, benchmark).
   */
  tickMs?: number;
  /**
   * Latest outputs reach the store at most this often (default 15 s), and on persist(). They only
   * serve the machine screen after a restart, and writing every machine's outputs on every tick
   * was the main thread's largest cost at plant-normal load.
   */
  persistEveryMs?: number;
  /** Injected by tests. */
  monotonic?: () => MonoMs;
}

export const DEFAULT_TICK_MS = 50;
export const DEFAULT_PERSIST_EVERY_MS = 15_000;

interface OpenEvent {
  id: number;
  peak: number;
}

export class ModelStage {
  readonly anomaly: AnomalyDetector | null;
  /** The plant's own condition monitor: operating states, normal models, health and remaining life. */
  readonly condition: ConditionMonitor | null;
  readonly failure: FailureScorer | null;
  readonly rul: RulEstimator | null;
  /** Why a model has no scorer at all (its params did not parse); reported as uncertain. */
  private readonly problems = new Map<string, string>();
  private readonly latest = new Map<string, Map<ModelOutput['model'], ModelOutput['output']>>();
  private readonly open = new Map<string, OpenEvent>();
  /** The latest failure-model input of each machine since the last run: AI4I scores a snapshot. */
  private failureQueue = new Map<string, Reading>();
  private chain: Promise<unknown> = Promise.resolve();
  private scheduled: Promise<ModelOutput[]> | null = null;
  private lastRunAt: MonoMs = Number.NEGATIVE_INFINITY;
  /** Machines with outputs newer than the store's; persist() writes their latest of each model. */
  private readonly unsaved = new Set<string>();
  private lastPersistAt: MonoMs;
  private readonly monotonic: () => MonoMs;

  constructor(private readonly options: ModelStageOptions) {
    const { models, repository } = options;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.lastPersistAt = this.monotonic();
    const anomalyModel = models.get(ANOMALY_MODEL);
    const ap = AnomalyParamsSchema.safeParse(anomalyModel.entry?.params);
    this.anomaly = ap.success
      ? new AnomalyDetector(anomalyModel, ap.data, repository && { save: (calibrations) => repository.saveCalibrations(ANOMALY_MODEL, calibrations) }, repository?.calibrations(ANOMALY_MODEL))
      : this.problem(ANOMALY_MODEL, ap.error);
    const conditionModel = models.get(CONDITION_MODEL);
    const cp = ConditionParamsSchema.safeParse(conditionModel.entry ? { ...conditionModel.entry.params, ...options.conditionParams } : undefined);
    this.condition = cp.success ? new ConditionMonitor(conditionModel, cp.data, options.conditionStore, loadSaved(options.conditionStore)) : this.problem(CONDITION_MODEL, cp.error);
    const failureModel = models.get(FAILURE_MODEL);
    const fp = FailureParamsSchema.safeParse(failureModel.entry?.params);
    this.failure = fp.success ? new FailureScorer(failureModel, fp.data) : this.problem(FAILURE_MODEL, fp.error);
    const rulName = options.rulModel ?? LIVE_RUL_MODEL;
    const rulModel = models.get(rulName);
    const rp = RulParamsSchema.safeParse(rulModel.entry?.params);
    this.rul = rp.success ? new RulEstimator(rulModel, rp.data) : this.problem(rulName, rp.error);
  }

  private problem(name: string, error: { message: string }): null {
    this.problems.set(name, `${name}: manifest params unusable: ${error.message.slice(0, 200)}`);
    return null;
  }

  observe(reading: Reading): void {
    this.anomaly?.observe(reading);
    this.condition?.observe(reading);
    this.rul?.observe(reading);
    if (this.failure?.applies(reading)) {
      // Re-inserted so that the map keeps machines in order of their latest reading.
      this.failureQueue.delete(reading.machineId);
      this.failureQueue.set(reading.machineId, reading);
    }
  }

  /**
   * Scores everything observed so far, at the latest at the next tick (options.tickMs). Calls inside
   * one tick share one run and its outputs. The anomaly detector scores every reading; the failure
   * and RUL models score each machine's latest input once per run.
   */
  flush(): Promise<ModelOutput[]> {
    const tick = this.options.tickMs ?? DEFAULT_TICK_MS;
    if (tick <= 0) return this.runNow();
    if (this.scheduled) return this.scheduled;
    const wait = Math.max(0, this.lastRunAt + tick - this.monotonic());
    const scheduled = new Promise<ModelOutput[]>((resolve, reject) => {
      setTimeout(() => {
        this.scheduled = null;
        this.runNow().then(resolve, reject);
      }, wait);
    });
    this.scheduled = scheduled;
    return scheduled;
  }

  private runNow(): Promise<ModelOutput[]> {
    this.lastRunAt = this.monotonic();
    const failures = [...this.failureQueue.values()];
    this.failureQueue = new Map();
    const anomaly = this.anomaly?.flush() ?? Promise.resolve([]);
    const condition = this.condition?.flush() ?? Promise.resolve([]);
    const rul = this.rul?.flush() ?? Promise.resolve([]);
    const run = this.chain.then(async () => {
      const outputs: ModelOutput[] = [
        ...(await anomaly).map((output) => ({ model: 'anomaly' as const, output })),
        ...(await condition).map((output) => ({ model: 'condition' as const, output })),
        ...(await (this.failure?.score(failures) ?? [])).map((output) => ({ model: 'failure' as const, output })),
        ...(await rul).map((output) => ({ model: 'rul' as const, output })),
      ];
      this.record(outputs);
      return outputs;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  recalibrate(machineId: string): number {
    if (!this.anomaly) throw new Error(this.problems.get(ANOMALY_MODEL) ?? 'no anomaly model');
    this.anomaly.recalibrate(machineId);
    return this.calibrationRows();
  }

  /** An operator's "normal operation" mark: the machine's episode is taught and its new output goes out like any other. */
  markNormal(machineId: string): { version: number; from: number; to: number } {
    if (!this.condition) throw new Error(this.problems.get(CONDITION_MODEL) ?? 'no condition model');
    const at = this.condition.latest(machineId)?.ts ?? 0;
    const result = this.condition.markNormal(machineId, at);
    const latest = this.condition.latest(machineId);
    if (latest) this.record([{ model: 'condition', output: latest }]);
    return result;
  }

  calibrationRows(): number {
    const p = AnomalyParamsSchema.safeParse(this.options.models.get(ANOMALY_MODEL).entry?.params);
    return p.success ? p.data.calibrationRows : 0;
  }

  latestOf(machineId: string) {
    const mem = this.latest.get(machineId);
    const stored = mem ? null : this.options.repository?.latest(machineId);
    const pick = <K extends ModelOutput['model']>(k: K) => (mem?.get(k) ?? stored?.get(k) ?? null) as Extract<ModelOutput, { model: K }>['output'] | null;
    return { anomaly: pick('anomaly'), condition: this.condition?.latest(machineId) ?? pick('condition'), failure: pick('failure'), rul: pick('rul') };
  }

  statuses(): ModelStatus[] {
    const loaded = this.options.models.statuses();
    const extra = [...this.problems].map(([name, detail]) => ({ name, version: null, state: 'uncertain' as const, detail }));
    return [...loaded.filter((s) => !this.problems.has(s.name)), ...extra];
  }

  health(): { state: 'ok' | 'uncertain'; detail: string } {
    const statuses = this.statuses();
    const bad = statuses.filter((s) => s.state !== 'ok');
    if (statuses.length === 0) return { state: 'uncertain', detail: 'no model could be read from the manifest' };
    return bad.length === 0 ? { state: 'ok', detail: `${statuses.length} models loaded, hashes verified` } : { state: 'uncertain', detail: bad.map((s) => s.detail).join('; ') };
  }

  /** Writes the latest outputs not yet in the store; the runtime calls it once more when it stops. */
  persist(): void {
    this.lastPersistAt = this.monotonic();
    const repo = this.options.repository;
    if (!repo || this.unsaved.size === 0) return;
    const rows = [];
    for (const machineId of this.unsaved)
      for (const [model, output] of this.latest.get(machineId) ?? []) rows.push({ machineId, model, ts: output.ts, state: 'state' in output ? output.state : output.phase, output });
    repo.saveLatest(rows);
    this.unsaved.clear();
  }

  private record(outputs: readonly ModelOutput[]): void {
    for (const o of outputs) {
      const id = o.output.machineId;
      let m = this.latest.get(id);
      if (!m) this.latest.set(id, (m = new Map()));
      m.set(o.model, o.output);
      this.unsaved.add(id);
      if (o.model === 'anomaly') this.track(o.output);
    }
    if (this.monotonic() - this.lastPersistAt >= (this.options.persistEveryMs ?? DEFAULT_PERSIST_EVERY_MS)) this.persist();
    this.options.onOutputs?.(outputs);
  }

  /** Anomaly episodes for the store: opened on the first anomalous reading, closed by the first normal one. */
  private track(a: AnomalyOutput): void {
    const repo = this.options.repository;
    if (!repo) return;
    const open = this.open.get(a.machineId);
    if (a.state === 'anomaly') {
      if (!open) {
        const id = repo.openEvent({ machineId: a.machineId, startedAt: a.ts, peakScore: a.score!, threshold: a.threshold!, type: a.type, contributors: a.contributors.map((c) => c.sensor) });
        this.open.set(a.machineId, { id, peak: a.score! });
      } else if (a.score! > open.peak) {
        open.peak = a.score!;
        repo.updateEvent(open.id, open.peak, null);
      }
    } else if (open && a.state !== 'uncertain') {
      repo.updateEvent(open.id, open.peak, a.ts);
      this.open.delete(a.machineId);
    }
  }
}

/** Saved models that cannot be read leave their machines learning again; the store's error is the runtime's to report. */
function loadSaved(store: ModelStageOptions['conditionStore']): Map<string, FittedModel> {
  try {
    return store?.latestModels() ?? new Map();
  } catch {
    return new Map();
  }
}

/**
 * Where alarm sources attach to the data path. The pipeline calls these at each stage; limit,
 * model and system alarm sources register here instead of being wired into ingest or the store.
 * A hook that throws is reported and skipped: an alarm source bug must not stop the pipeline.
 */
import type { Health } from '../../common/contract';
import type { Machine, Reading } from '../../common/telemetry';
import type { ModelOutput } from '../inference/model-stage';

export interface AlarmHook {
  name: string;
  /** Every decoded reading, in event time, in arrival order. */
  onReading?(reading: Reading): void;
  /** A machine was discovered or its state or sensor quality changed. */
  onMachines?(machines: readonly Machine[]): void;
  /** Periodic view of the runtime's own health (broker, store, models) for system alarms. */
  onHealth?(health: Health): void;
  /**
   * Scored model outputs (anomaly with type and contributing sensors, failure probability, RUL),
   * in event-time order per machine. state 'uncertain' means the model could not judge: a model
   * alarm source must treat it as unknown, never as normal.
   */
  onModelOutput?(outputs: readonly ModelOutput[]): void;
}

export class AlarmHooks {
  private readonly hooks: AlarmHook[] = [];
  readonly failures = new Map<string, number>();

  constructor(private readonly report: (hook: string, error: unknown) => void) {}

  register(hook: AlarmHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Once per reading: no closure per hook, unlike the rarer calls. */
  reading(reading: Reading): void {
    for (const hook of this.hooks) {
      if (!hook.onReading) continue;
      try {
        hook.onReading(reading);
      } catch (err) {
        this.failed(hook, err);
      }
    }
  }
  machines(machines: readonly Machine[]): void {
    for (const hook of this.hooks) if (hook.onMachines) this.guard(hook, () => hook.onMachines!(machines));
  }
  health(health: Health): void {
    for (const hook of this.hooks) if (hook.onHealth) this.guard(hook, () => hook.onHealth!(health));
  }

  modelOutputs(outputs: readonly ModelOutput[]): void {
    for (const hook of this.hooks) if (hook.onModelOutput) this.guard(hook, () => hook.onModelOutput!(outputs));
  }

  private guard(hook: AlarmHook, run: () => void) {
    try {
      run();
    } catch (err) {
      this.failed(hook, err);
    }
  }

  private failed(hook: AlarmHook, err: unknown) {
    this.failures.set(hook.name, (this.failures.get(hook.name) ?? 0) + 1);
    this.report(hook.name, err);
  }
}

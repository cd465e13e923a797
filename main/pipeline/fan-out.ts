/**
 * The pipeline's fan-out: where consumers attach to the data path. The runtime calls it at each
 * stage; limit, model and system alarm sources and the agents' inputs register here instead of being
 * wired into ingest or the store. A listener that throws is reported and skipped: a consumer's bug
 * must not stop the pipeline.
 */
import type { Health } from '../../common/contract';
import type { Machine, Reading } from '../../common/telemetry';
import type { ModelOutput } from '../inference/model-stage';

export interface FanOutListener {
  name: string;
  /** Every decoded reading, in arrival order. */
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

export class FanOut {
  private readonly listeners: FanOutListener[] = [];
  readonly failures = new Map<string, number>();

  constructor(private readonly report: (listener: string, error: unknown) => void) {}

  register(listener: FanOutListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Once per reading: no closure per listener, unlike the rarer calls. */
  reading(reading: Reading): void {
    for (const listener of this.listeners) {
      if (!listener.onReading) continue;
      try {
        listener.onReading(reading);
      } catch (err) {
        this.failed(listener, err);
      }
    }
  }
  machines(machines: readonly Machine[]): void {
    for (const listener of this.listeners) if (listener.onMachines) this.guard(listener, () => listener.onMachines!(machines));
  }
  health(health: Health): void {
    for (const listener of this.listeners) if (listener.onHealth) this.guard(listener, () => listener.onHealth!(health));
  }

  modelOutputs(outputs: readonly ModelOutput[]): void {
    for (const listener of this.listeners) if (listener.onModelOutput) this.guard(listener, () => listener.onModelOutput!(outputs));
  }

  private guard(listener: FanOutListener, run: () => void) {
    try {
      run();
    } catch (err) {
      this.failed(listener, err);
    }
  }

  private failed(listener: FanOutListener, err: unknown) {
    this.failures.set(listener.name, (this.failures.get(listener.name) ?? 0) + 1);
    this.report(listener.name, err);
  }
}

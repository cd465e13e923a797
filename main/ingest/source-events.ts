/**
 * The listener surface every source of readings (MQTT, Modbus, OPC UA) offers the runtime, so the
 * runtime wires them all the same way. A listener that throws is isolated from the source's I/O,
 * counted, and its message kept for the source's status.
 */
import type { QuarantineEntry, Reading } from '../../common/telemetry';
import { Listeners } from '../primitives/listeners';
import type { MachineMeta, Protocol } from './decoded';

export class SourceEvents<State> {
  private failures = 0;
  private failure: string | null = null;
  readonly readingListeners = new Listeners<[Reading[], Protocol]>((e) => this.listenerFailed(e));
  readonly metaListeners = new Listeners<[MachineMeta]>((e) => this.listenerFailed(e));
  readonly offlineListeners = new Listeners<[string]>((e) => this.listenerFailed(e));
  readonly stateListeners = new Listeners<[State]>((e) => this.listenerFailed(e));
  readonly rejectedListeners = new Listeners<[QuarantineEntry]>((e) => this.listenerFailed(e));

  /** label names the source in the listener error: 'ingest', 'modbus', 'opcua'. */
  constructor(private readonly label: string) {}

  onReadings(listener: (batch: Reading[], protocol: Protocol) => void): () => void {
    return this.readingListeners.add(listener);
  }
  onMeta(listener: (meta: MachineMeta) => void): () => void {
    return this.metaListeners.add(listener);
  }
  /** A machine is offline until it is heard from again (a Sparkplug death, a device or server lost). */
  onOffline(listener: (machineId: string) => void): () => void {
    return this.offlineListeners.add(listener);
  }
  /** Every change of the source's own state (the broker connection, a device, a server). */
  onState(listener: (state: State) => void): () => void {
    return this.stateListeners.add(listener);
  }
  onRejected(listener: (entry: QuarantineEntry) => void): () => void {
    return this.rejectedListeners.add(listener);
  }

  /** Callbacks that threw; isolated from the source, counted here. */
  get listenerErrors(): number {
    return this.failures;
  }
  get lastListenerError(): string | null {
    return this.failure;
  }

  /** A source that reports one last error of its own extends this to show the listener's there too. */
  protected listenerFailed(err: unknown): void {
    this.failures++;
    this.failure = `${this.label} listener failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

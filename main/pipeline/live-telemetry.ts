import type { LiveReading } from '../../common/contract';
import type { Reading } from '../../common/telemetry';

/**
 * Coalesces readings for the screens: per flush, only the newest reading of each machine is sent.
 * A screen cannot show more than that, and it bounds the event to the number of machines whatever
 * the message rate.
 */
export class LiveTelemetry {
  private pending = new Map<string, Reading>();

  add(reading: Reading): void {
    const previous = this.pending.get(reading.machineId);
    if (!previous || previous.ts <= reading.ts) this.pending.set(reading.machineId, reading);
  }

  /** The batch to push, or null when nothing arrived since the last call. */
  take(): LiveReading[] | null {
    if (this.pending.size === 0) return null;
    const batch = [...this.pending.values()].map(({ machineId, ts, metrics }) => ({ machineId, ts, metrics }));
    this.pending = new Map();
    return batch;
  }
}

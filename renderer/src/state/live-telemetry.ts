import type { LiveReading } from '../../../common/contract';
import type { Machine, SensorStatus } from '../../../common/telemetry';

export type Quality = SensorStatus['quality'];

export interface LiveSensor {
  value: number | null;
  /** Device time of the value. */
  ts: number;
  /** Wall time this window received it; client-side staleness is measured from here. */
  receivedAt: number;
  quality: Quality;
}

export const STALE_AFTER_MS = 15_000;
/** Readings kept per sensor for the tiles' sparklines: about a minute at the plant's usual 1 Hz. */
export const RECENT_POINTS = 60;

/** A fixed ring of the latest values, allocated once per sensor so that a long shift does not grow the heap. */
class Ring {
  readonly values = new Float64Array(RECENT_POINTS);
  count = 0;
  push(value: number): void {
    this.values[this.count % RECENT_POINTS] = value;
    this.count++;
  }
  /** Oldest first. */
  toArray(): number[] {
    const n = Math.min(this.count, RECENT_POINTS);
    const out = new Array<number>(n);
    const start = this.count - n;
    for (let i = 0; i < n; i++) out[i] = this.values[(start + i) % RECENT_POINTS]!;
    return out;
  }
}

export interface LiveTelemetryOptions {
  now?: () => number;
  /** Coalesces notifications; one animation frame by default so a burst re-renders a tile once. */
  schedule?: (flush: () => void) => void;
  staleAfterMs?: number;
}

type Listener = () => void;
export type ReadingTap = (reading: LiveReading) => void;

/**
 * Latest value per machine and sensor, outside React: telemetry arrives far faster than a screen
 * should re-render, so tiles subscribe to their own machine and read on their version counter.
 */
export class LiveTelemetry {
  private readonly machines = new Map<string, Map<string, LiveSensor>>();
  private readonly recents = new Map<string, Map<string, Ring>>();
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly taps = new Map<string, Set<ReadingTap>>();
  private readonly dirty = new Set<string>();
  private flushPending = false;
  private readonly now: () => number;
  private readonly schedule: (flush: () => void) => void;
  private readonly staleAfterMs: number;

  constructor(options: LiveTelemetryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((flush) => requestAnimationFrame(() => flush()));
    this.staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  }

  ingest(readings: readonly LiveReading[]): void {
    const receivedAt = this.now();
    for (const reading of readings) {
      const taps = this.taps.get(reading.machineId);
      if (taps) for (const tap of taps) tap(reading);
      const sensors = this.sensorsFor(reading.machineId);
      for (const [name, value] of Object.entries(reading.metrics)) {
        const current = sensors.get(name);
        // Batches can overlap after a reconnect; an older reading must not replace a newer one.
        if (current && current.ts > reading.ts) continue;
        sensors.set(name, { value, ts: reading.ts, receivedAt, quality: 'good' });
        this.ringFor(reading.machineId, name).push(value);
        this.touch(reading.machineId);
      }
    }
  }

  /** Takes the host's view of each sensor (from machines.list or a machines event) unless ours is newer. */
  applyStatus(machines: readonly Machine[]): void {
    const receivedAt = this.now();
    for (const machine of machines) {
      const sensors = this.sensorsFor(machine.id);
      for (const [name, status] of Object.entries(machine.sensors)) {
        const current = sensors.get(name);
        if (current && (current.ts > status.ts || sameStatus(current, status))) continue;
        sensors.set(name, { value: status.value, ts: status.ts, receivedAt, quality: status.quality });
        this.touch(machine.id);
      }
    }
  }

  /** Marks values stale once nothing new arrived for staleAfterMs; run about once a second. */
  sweep(): void {
    const limit = this.now() - this.staleAfterMs;
    for (const [machineId, sensors] of this.machines) {
      for (const [name, sensor] of sensors) {
        if (sensor.quality !== 'good' || sensor.receivedAt >= limit) continue;
        sensors.set(name, { ...sensor, quality: 'stale' });
        this.touch(machineId);
      }
    }
  }

  /** The link to the host is gone: nothing shown can be called current any more. */
  invalidate(): void {
    for (const [machineId, sensors] of this.machines) {
      for (const [name, sensor] of sensors) {
        if (sensor.quality !== 'good') continue;
        sensors.set(name, { ...sensor, quality: 'stale' });
        this.touch(machineId);
      }
    }
  }

  clear(): void {
    for (const machineId of this.machines.keys()) this.touch(machineId);
    this.machines.clear();
    this.recents.clear();
  }

  /** The latest values of one sensor as they arrived, oldest first (at most RECENT_POINTS). */
  recent(machineId: string, sensor: string): number[] {
    return this.recents.get(machineId)?.get(sensor)?.toArray() ?? [];
  }

  sensorsOf(machineId: string): ReadonlyMap<string, LiveSensor> | undefined {
    return this.machines.get(machineId);
  }

  version(machineId: string): number {
    return this.versions.get(machineId) ?? 0;
  }

  /** Runs `run` in the frame this store notifies in (the next animation frame unless `schedule` says otherwise), for views that pace their own redraws. */
  nextFrame(run: () => void): void {
    this.schedule(run);
  }

  subscribe(machineId: string, listener: Listener): () => void {
    let set = this.listeners.get(machineId);
    if (!set) this.listeners.set(machineId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(machineId);
    };
  }

  /**
   * Every reading of one machine as it arrives, unbatched: trend charts keep the whole series, not
   * just the latest value, and batch their own redraws per frame.
   */
  tap(machineId: string, tap: ReadingTap): () => void {
    let set = this.taps.get(machineId);
    if (!set) this.taps.set(machineId, (set = new Set()));
    set.add(tap);
    return () => {
      set.delete(tap);
      if (set.size === 0) this.taps.delete(machineId);
    };
  }

  private sensorsFor(machineId: string): Map<string, LiveSensor> {
    let sensors = this.machines.get(machineId);
    if (!sensors) this.machines.set(machineId, (sensors = new Map()));
    return sensors;
  }

  private ringFor(machineId: string, sensor: string): Ring {
    let rings = this.recents.get(machineId);
    if (!rings) this.recents.set(machineId, (rings = new Map()));
    let ring = rings.get(sensor);
    if (!ring) rings.set(sensor, (ring = new Ring()));
    return ring;
  }

  private touch(machineId: string): void {
    this.dirty.add(machineId);
    if (this.flushPending) return;
    this.flushPending = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.flushPending = false;
    const changed = [...this.dirty];
    this.dirty.clear();
    for (const machineId of changed) {
      this.versions.set(machineId, this.version(machineId) + 1);
      for (const listener of this.listeners.get(machineId) ?? []) listener();
    }
  }
}

const sameStatus = (sensor: LiveSensor, status: SensorStatus) =>
  sensor.ts === status.ts && sensor.value === status.value && sensor.quality === status.quality;

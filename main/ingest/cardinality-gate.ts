/**
 * Bounds what the network can make this console remember: every new machine id or sensor name
 * becomes permanent state (registry, features, the machines table, reloaded at start), so beyond
 * the configured numbers new ones are refused (quarantined as 'cardinality') while everything
 * already known keeps flowing. Refusals are counted and timed, for the system alarm that tells an
 * engineer a limit is being hit.
 */
import type { Reading } from '../../common/telemetry';
import type { WallMs } from '../../common/time';

export interface CardinalityLimits {
  maxMachines: number;
  maxSensorsPerMachine: number;
}

export type Admission = { reading: Reading; refused: string | null } | { reading: null; refused: string };

export class CardinalityGate {
  private readonly machines = new Map<string, Set<string>>();
  private refusedCount = 0;
  private lastRefused: number | null = null;

  constructor(private readonly limits: CardinalityLimits) {}

  /** Machines known before start (the store); they count towards the limit and are always admitted. */
  seed(machineIds: Iterable<string>): void {
    for (const id of machineIds) if (!this.machines.has(id)) this.machines.set(id, new Set());
  }

  /** Hot path: allocates only for a new machine or sensor; a reading with some sensors beyond the limit keeps the rest. */
  admit(reading: Reading, now: WallMs): Admission {
    let sensors = this.machines.get(reading.machineId);
    if (!sensors) {
      if (this.machines.size >= this.limits.maxMachines) return { reading: null, refused: this.refuse(`machine ${reading.machineId.slice(0, 256)} beyond the limit of ${this.limits.maxMachines} machines`, now) };
      sensors = new Set();
      this.machines.set(reading.machineId, sensors);
    }
    let dropped: string[] | null = null;
    for (const name in reading.metrics) {
      if (sensors.has(name)) continue;
      if (sensors.size < this.limits.maxSensorsPerMachine) sensors.add(name);
      else (dropped ??= []).push(name);
    }
    if (!dropped) return { reading, refused: null };
    const metrics: Record<string, number> = {};
    for (const name in reading.metrics) if (sensors.has(name)) metrics[name] = reading.metrics[name]!;
    const why = this.refuse(`${dropped.length} sensor(s) of ${reading.machineId.slice(0, 256)} beyond the limit of ${this.limits.maxSensorsPerMachine} per machine (${dropped.slice(0, 3).join(', ').slice(0, 200)})`, now);
    return Object.keys(metrics).length === 0 ? { reading: null, refused: why } : { reading: { ...reading, metrics }, refused: why };
  }

  /** Whether a meta message or birth may describe this machine (a known one, or room for a new one). */
  admitMachine(machineId: string, now: WallMs): string | null {
    if (this.machines.has(machineId)) return null;
    if (this.machines.size >= this.limits.maxMachines) return this.refuse(`machine ${machineId.slice(0, 256)} beyond the limit of ${this.limits.maxMachines} machines`, now);
    this.machines.set(machineId, new Set());
    return null;
  }

  /** An engineer retired the machine: its place is free again. */
  forget(machineId: string): void {
    this.machines.delete(machineId);
  }

  get size(): number {
    return this.machines.size;
  }

  /** Refusals since start, and the wall time of the last one (null: none). */
  get refused(): { count: number; lastAt: WallMs | null } {
    return { count: this.refusedCount, lastAt: this.lastRefused };
  }

  private refuse(why: string, now: WallMs): string {
    this.refusedCount++;
    this.lastRefused = now;
    return why;
  }
}

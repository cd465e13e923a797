/**
 * The machines ingest has heard of, with the last value and quality of each sensor, and the
 * staleness watchdog. Staleness is judged on receive (wall) time: it is about whether data is
 * still arriving now, whatever the device's clock says.
 *
 * A sensor goes stale after max(staleAfterMs, 3 x its median receive interval) without an update,
 * so a sensor that reports once a minute is not flagged every ten seconds. Changes (discovery,
 * meta, quality or state) are collected and handed out by `tick`, so the runtime pushes them to
 * screens at the tick rate rather than once per message.
 */
import type { Machine, MachineState, QualityMark, Reading, SensorEng, SensorStatus } from '../../common/telemetry';
import { mergeEng } from './eng-info';
import { FirstSeenOrder } from '../primitives/first-seen-order';
import type { MachineMeta, Protocol } from './decoded';
import type { EventMs, WallMs } from '../../common/time';

/** Receive intervals remembered per sensor for its median period. */
const INTERVALS = 16;

interface SensorRecord {
  /** null: the source marked the value Bad or Uncertain and sent no number with it. */
  value: number | null;
  ts: EventMs;
  quality: SensorStatus['quality'];
  lastReceived: WallMs;
  intervals: Float64Array;
  intervalCount: number;
}

interface MachineRecord {
  id: string;
  name: string;
  site: string;
  area: string;
  type: string;
  protocol: Protocol;
  firstSeen: WallMs;
  lastSeen: WallMs;
  state: MachineState;
  /** The source said it is gone (Sparkplug death); cleared by the next reading. */
  offline: boolean;
  /** Sensor names; `sensors[k]` is the record of the name at position k. */
  order: FirstSeenOrder;
  sensors: SensorRecord[];
  /** Units and ranges as the source last published them (meta or birth). */
  sourceEng?: Record<string, SensorEng> | undefined;
}

/** Engineers' units and ranges: per machine type and per machine, over what the source says. */
export interface EngOverrides {
  types: Readonly<Record<string, Readonly<Record<string, SensorEng>>>>;
  machines: Readonly<Record<string, Readonly<Record<string, SensorEng>>>>;
}
const NO_OVERRIDES: EngOverrides = { types: {}, machines: {} };

const scratch = new Float64Array(INTERVALS);

function medianInterval(sensor: SensorRecord): number {
  const n = Math.min(sensor.intervalCount, INTERVALS);
  if (n === 0) return 0;
  scratch.set(sensor.intervals.subarray(0, n));
  const sorted = scratch.subarray(0, n).sort();
  return n % 2 === 1 ? (sorted[n >> 1] ?? 0) : ((sorted[n / 2 - 1] ?? 0) + (sorted[n / 2] ?? 0)) / 2;
}

function stateOf(machine: MachineRecord): MachineState {
  if (machine.offline) return 'offline';
  // a Bad or Uncertain value still proves the source is there and talking about the machine
  for (const sensor of machine.sensors) if (sensor.quality === 'good' || sensor.quality === 'bad' || sensor.quality === 'uncertain') return 'online';
  // includes a machine known only from its meta: nothing says it is alive
  return 'stale';
}

function snapshot(m: MachineRecord, overrides: EngOverrides): Machine {
  const sensors: Record<string, SensorStatus> = {};
  m.sensors.forEach((s, k) => (sensors[m.order.names[k]!] = { value: s.value, ts: s.ts, quality: s.quality }));
  const eng = mergeEng(m.sourceEng, overrides.types[m.type], overrides.machines[m.id]);
  return { id: m.id, name: m.name, site: m.site, area: m.area, type: m.type, protocol: m.protocol, firstSeen: m.firstSeen, lastSeen: m.lastSeen, state: m.state, sensors, ...(eng ? { eng } : {}) };
}

/** site/area/name from an id; Sparkplug node-level ids have only group/edge. */
function placeOf(id: string): { site: string; area: string; name: string } {
  const parts = id.split('/');
  const site = parts[0] ?? id;
  const area = parts[1] ?? '';
  return { site, area, name: parts.length > 2 ? parts.slice(2).join('/') : (parts[parts.length - 1] ?? id) };
}

export class MachineRegistry {
  private readonly machines = new Map<string, MachineRecord>();
  private readonly changed = new Set<MachineRecord>();
  private overrides: EngOverrides = NO_OVERRIDES;

  constructor(private readonly options: { staleAfterMs: number }) {}

  /** Hot path: one call per reading; allocates only when a machine or sensor is new. */
  observe(reading: Reading, protocol: Protocol): void {
    const now = reading.receivedAt;
    const machine = this.machines.get(reading.machineId) ?? this.discover(reading.machineId, protocol, now);
    machine.lastSeen = now;
    let qualityChanged = machine.offline;
    machine.offline = false;
    const metrics = reading.metrics;
    let next = 0;
    for (const name in metrics) {
      const value = metrics[name] as number;
      const k = machine.order.find(name, next);
      if (k < 0) {
        machine.order.add(name);
        machine.sensors.push({ value, ts: reading.ts, quality: 'good', lastReceived: now, intervals: new Float64Array(INTERVALS), intervalCount: 0 });
        next = machine.sensors.length;
        qualityChanged = true;
        continue;
      }
      next = k + 1;
      const sensor = machine.sensors[k]!;
      const interval = now - sensor.lastReceived;
      if (interval > 0) sensor.intervals[sensor.intervalCount++ % INTERVALS] = interval;
      sensor.lastReceived = now;
      // a late (reordered or replayed) reading proves the sensor is alive but is not its latest value
      if (reading.ts >= sensor.ts) {
        sensor.value = value;
        sensor.ts = reading.ts;
      }
      if (sensor.quality !== 'good') {
        sensor.quality = 'good';
        qualityChanged = true;
      }
    }
    if (qualityChanged) this.restate(machine);
  }

  /** The source marked a value Bad or Uncertain: the sensor shows it so until a good value arrives. */
  markQuality(mark: QualityMark, protocol: Protocol): void {
    const now = mark.receivedAt;
    const machine = this.machines.get(mark.machineId) ?? this.discover(mark.machineId, protocol, now);
    machine.lastSeen = now;
    machine.offline = false;
    const k = machine.order.find(mark.sensor, 0);
    if (k < 0) {
      machine.order.add(mark.sensor);
      machine.sensors.push({ value: mark.value, ts: mark.ts, quality: mark.quality, lastReceived: now, intervals: new Float64Array(INTERVALS), intervalCount: 0 });
    } else {
      const sensor = machine.sensors[k]!;
      sensor.lastReceived = now;
      if (mark.ts < sensor.ts) return;
      sensor.value = mark.value;
      sensor.ts = mark.ts;
      sensor.quality = mark.quality;
    }
    this.restate(machine);
  }

  /** Merges what a meta message or birth says; fields it does not give keep their value. */
  applyMeta(meta: MachineMeta, now: WallMs): void {
    const machine = this.machines.get(meta.id) ?? this.discover(meta.id, meta.protocol, now);
    machine.name = meta.name;
    machine.site = meta.site;
    machine.area = meta.area;
    machine.protocol = meta.protocol;
    if (meta.type !== undefined) machine.type = meta.type;
    if (meta.eng !== undefined) machine.sourceEng = meta.eng;
    this.changed.add(machine);
  }

  /** Replaces the engineers' units and ranges; every machine is sent again with its merged set. */
  setEngOverrides(overrides: EngOverrides): void {
    this.overrides = overrides;
    for (const machine of this.machines.values()) this.changed.add(machine);
  }

  /** The source said the machine is gone (Sparkplug NDEATH/DDEATH). */
  markOffline(machineId: string): void {
    const machine = this.machines.get(machineId);
    if (!machine || machine.offline) return;
    machine.offline = true;
    for (const sensor of machine.sensors) sensor.quality = 'offline';
    this.restate(machine);
  }

  /** Broker connection lost: nothing can be known to be current any more. */
  markAllStale(): void {
    for (const machine of this.machines.values()) {
      if (machine.offline || machine.state === 'stale') continue;
      for (const sensor of machine.sensors) if (sensor.quality === 'good') sensor.quality = 'stale';
      this.restate(machine);
    }
  }

  /** Runs the watchdog at wall time `now` and returns every machine changed since the last tick. */
  tick(now: WallMs): Machine[] {
    const staleAfterMs = this.options.staleAfterMs;
    for (const machine of this.machines.values()) {
      let qualityChanged = false;
      for (const sensor of machine.sensors) {
        const silent = now - sensor.lastReceived;
        if (sensor.quality !== 'good' || silent <= staleAfterMs) continue;
        if (silent > Math.max(staleAfterMs, 3 * medianInterval(sensor))) {
          sensor.quality = 'stale';
          qualityChanged = true;
        }
      }
      if (qualityChanged) this.restate(machine);
    }
    const out = [...this.changed].map((m) => snapshot(m, this.overrides));
    this.changed.clear();
    return out;
  }

  /** An engineer retired the machine (machine-retirement.ts); a reading of it later makes it new again. */
  remove(id: string): boolean {
    const machine = this.machines.get(id);
    if (!machine) return false;
    this.changed.delete(machine);
    return this.machines.delete(id);
  }

  get(id: string): Machine | undefined {
    const machine = this.machines.get(id);
    return machine && snapshot(machine, this.overrides);
  }

  list(): Machine[] {
    return [...this.machines.values()].map((m) => snapshot(m, this.overrides));
  }

  get size(): number {
    return this.machines.size;
  }

  private discover(id: string, protocol: Protocol, now: WallMs): MachineRecord {
    const machine: MachineRecord = { id, ...placeOf(id), type: 'unknown', protocol, firstSeen: now, lastSeen: now, state: 'stale', offline: false, order: new FirstSeenOrder(), sensors: [] };
    this.machines.set(id, machine);
    this.changed.add(machine);
    return machine;
  }

  private restate(machine: MachineRecord): void {
    const state = stateOf(machine);
    machine.state = state;
    // quality changes are reported even when the machine's state stays the same
    this.changed.add(machine);
  }
}

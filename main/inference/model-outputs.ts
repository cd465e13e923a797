/** Model outputs in the store: calibrations, each model's latest output per machine, anomaly episodes. */
import { CalibrationSchema, type Calibration } from './calibration';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';
import type { WallMs } from '../../common/time';

export interface AnomalyEventRow {
  id: number;
  machineId: string;
  startedAt: number;
  endedAt: number | null;
  peakScore: number;
  threshold: number;
  type: string | null;
  contributors: string[];
}

interface EventRecord {
  id: number;
  machine_id: string;
  started_at: number;
  ended_at: number | null;
  peak_score: number;
  threshold: number;
  type: string | null;
  contributors: string;
}

export function modelOutputRepository(db: Db, now: () => WallMs) {
  return {
    /** In one transaction: the main connection syncs every commit to disk. */
    saveCalibrations(model: string, calibrations: ReadonlyMap<string, Calibration>): void {
      const stmt = prepared(db, 'INSERT INTO model_calibrations (machine_id, model, calibration, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (machine_id, model) DO UPDATE SET calibration = excluded.calibration, updated_at = excluded.updated_at');
      const at = now();
      db.transaction(() => {
        for (const [machineId, calibration] of calibrations) stmt.run(machineId, model, JSON.stringify(calibration), at);
      })();
    },
    /** Calibrations that still parse; one that does not is dropped so its machine commissions again. */
    calibrations(model: string): Map<string, Calibration> {
      const rows = prepared<[string], { machine_id: string; calibration: string }>(db, 'SELECT machine_id, calibration FROM model_calibrations WHERE model = ?').all(model);
      const out = new Map<string, Calibration>();
      for (const row of rows) {
        const parsed = CalibrationSchema.safeParse(JSON.parse(row.calibration));
        if (parsed.success) out.set(row.machine_id, parsed.data);
      }
      return out;
    },
    saveLatest(outputs: readonly { machineId: string; model: string; ts: number; state: string; output: unknown }[]): void {
      const stmt = prepared(db, 'INSERT INTO model_outputs (machine_id, model, ts, state, output) VALUES (?, ?, ?, ?, ?) ON CONFLICT (machine_id, model) DO UPDATE SET ts = excluded.ts, state = excluded.state, output = excluded.output');
      db.transaction(() => {
        for (const o of outputs) stmt.run(o.machineId, o.model, o.ts, o.state, JSON.stringify(o.output));
      })();
    },
    latest(machineId: string): Map<string, unknown> {
      const rows = prepared<[string], { model: string; output: string }>(db, 'SELECT model, output FROM model_outputs WHERE machine_id = ?').all(machineId);
      return new Map(rows.map((r) => [r.model, JSON.parse(r.output) as unknown]));
    },
    openEvent(e: Omit<AnomalyEventRow, 'id' | 'endedAt'>): number {
      const info = prepared(db, 'INSERT INTO anomaly_events (machine_id, started_at, peak_score, threshold, type, contributors) VALUES (?, ?, ?, ?, ?, ?)').run(
        e.machineId,
        e.startedAt,
        e.peakScore,
        e.threshold,
        e.type,
        JSON.stringify(e.contributors),
      );
      return Number(info.lastInsertRowid);
    },
    updateEvent(id: number, peakScore: number, endedAt: number | null): void {
      prepared(db, 'UPDATE anomaly_events SET peak_score = max(peak_score, ?), ended_at = ? WHERE id = ?').run(peakScore, endedAt, id);
    },
    events(machineId: string, limit: number): AnomalyEventRow[] {
      return prepared<[string, number], EventRecord>(db, 'SELECT * FROM anomaly_events WHERE machine_id = ? ORDER BY started_at DESC LIMIT ?')
        .all(machineId, limit)
        .map((r) => ({ id: r.id, machineId: r.machine_id, startedAt: r.started_at, endedAt: r.ended_at, peakScore: r.peak_score, threshold: r.threshold, type: r.type, contributors: JSON.parse(r.contributors) as string[] }));
    },
  };
}
export type ModelOutputRepository = ReturnType<typeof modelOutputRepository>;

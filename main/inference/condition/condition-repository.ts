/**
 * The condition monitor's rows in the store: fitted models (a new version on each fit, the newest
 * loaded at start), operating-state changes and health points in event time, and the labels
 * operators and closed tickets give to episodes.
 */
import type { Db } from '../../store/open-database';
import { prepared } from '../../store/prepared';
import type { ConditionEvent, ConditionStore } from './condition-monitor';
import { FittedModelSchema, type FittedModel } from './condition-types';
import type { OperatingState } from '../../../common/contract-models';
import type { EventMs, WallMs } from '../../../common/time';

export interface ConditionLabel {
  id: number;
  machineId: string;
  from: EventMs;
  to: EventMs;
  /** 'normal' from an operator's mark; a failure type from a closed ticket. */
  label: string;
  source: 'operator' | 'ticket';
  username: string | null;
  note: string | null;
  createdAt: WallMs;
}

/** Versions kept per machine: enough to see how a model moved, bounded so a plant's store does not grow with refits. */
const VERSIONS_KEPT = 20;
/** Health history is written at most once per this much event time per machine. */
export const HEALTH_POINT_MS = 5 * 60_000;

export function conditionRepository(db: Db, now: () => WallMs) {
  const states: Record<OperatingState, number> = { off: 0, idle: 0, running: 0, unknown: 0 };
  return {
    saveModel(machineId: string, model: FittedModel): void {
      this.saveModels(new Map([[machineId, model]]));
    },

    /** One transaction for all: machines that finish learning together would otherwise each pay a commit on the main thread. */
    saveModels(models: ReadonlyMap<string, FittedModel>): void {
      if (models.size === 0) return;
      const at = now();
      const insert = prepared(db, 'INSERT OR REPLACE INTO condition_models (machine_id, version, fitted_at, model, saved_at) VALUES (?, ?, ?, ?, ?)');
      const prune = prepared(db, 'DELETE FROM condition_models WHERE machine_id = ? AND version <= ?');
      db.transaction(() => {
        for (const [machineId, model] of models) {
          insert.run(machineId, model.version, model.fittedAt, JSON.stringify(model), at);
          prune.run(machineId, model.version - VERSIONS_KEPT);
        }
      })();
    },

    /** The newest model of each machine that still parses; one that does not is skipped, and that machine learns again. */
    latestModels(): Map<string, FittedModel> {
      const rows = prepared<[], { machine_id: string; model: string }>(db, 'SELECT machine_id, model FROM condition_models c WHERE version = (SELECT MAX(version) FROM condition_models WHERE machine_id = c.machine_id)').all();
      const out = new Map<string, FittedModel>();
      for (const row of rows) {
        try {
          const parsed = FittedModelSchema.safeParse(JSON.parse(row.model));
          if (parsed.success) out.set(row.machine_id, parsed.data);
        } catch {
          // a corrupt row: the machine learns again rather than judging with half a model
        }
      }
      return out;
    },

    saveEvents(events: readonly ConditionEvent[]): void {
      const state = prepared(db, 'INSERT OR REPLACE INTO machine_states (machine_id, ts, state) VALUES (?, ?, ?)');
      const health = prepared(db, 'INSERT OR REPLACE INTO machine_health (machine_id, ts, health, rul_hours) VALUES (?, ?, ?, ?)');
      db.transaction(() => {
        for (const e of events) {
          if (e.kind === 'state' && e.state) state.run(e.machineId, Math.round(e.ts), e.state);
          else if (e.kind === 'health' && e.health !== undefined) health.run(e.machineId, Math.round(e.ts), e.health, e.rulHours ?? null);
        }
      })();
    },

    healthHistory(machineId: string, from: number, to: number, limit = 5_000): { ts: number; health: number; rulHours: number | null }[] {
      return prepared<[string, number, number, number], { ts: number; health: number; rul_hours: number | null }>(db, 'SELECT ts, health, rul_hours FROM machine_health WHERE machine_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?')
        .all(machineId, from, to, limit)
        .map((r) => ({ ts: r.ts, health: r.health, rulHours: r.rul_hours }));
    },

    /** State spans overlapping [from, to], clipped to it; the state before `from` opens the range. */
    stateHistory(machineId: string, from: number, to: number): { spans: { from: number; to: number; state: OperatingState }[]; hours: Record<OperatingState, number> } {
      const before = prepared<[string, number], { ts: number; state: OperatingState }>(db, 'SELECT ts, state FROM machine_states WHERE machine_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1').get(machineId, from);
      const rows = prepared<[string, number, number], { ts: number; state: OperatingState }>(db, 'SELECT ts, state FROM machine_states WHERE machine_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT 20000').all(machineId, from, to);
      const changes = before ? [{ ts: from, state: before.state }, ...rows] : rows;
      const spans: { from: number; to: number; state: OperatingState }[] = [];
      const hours = { ...states };
      changes.forEach((c, i) => {
        const end = changes[i + 1]?.ts ?? to;
        if (end <= c.ts) return;
        const last = spans.at(-1);
        if (last && last.state === c.state) last.to = end;
        else spans.push({ from: c.ts, to: end, state: c.state });
        hours[c.state] += (end - c.ts) / 3_600_000;
      });
      return { spans, hours };
    },

    addLabel(label: Omit<ConditionLabel, 'id' | 'createdAt'>): number {
      const info = prepared(db, 'INSERT INTO condition_labels (machine_id, from_ts, to_ts, label, source, username, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(label.machineId, label.from, label.to, label.label, label.source, label.username, label.note, now());
      return Number(info.lastInsertRowid);
    },

    labels(machineId?: string, limit = 1_000): ConditionLabel[] {
      const rows = machineId
        ? prepared<[string, number], LabelRow>(db, 'SELECT * FROM condition_labels WHERE machine_id = ? ORDER BY to_ts DESC LIMIT ?').all(machineId, limit)
        : prepared<[number], LabelRow>(db, 'SELECT * FROM condition_labels ORDER BY to_ts DESC LIMIT ?').all(limit);
      return rows.map((r) => ({ id: r.id, machineId: r.machine_id, from: r.from_ts, to: r.to_ts, label: r.label, source: r.source, username: r.username, note: r.note, createdAt: r.created_at }));
    },
  } satisfies ConditionStore & Record<string, unknown>;
}
export type ConditionRepository = ReturnType<typeof conditionRepository>;

interface LabelRow {
  id: number;
  machine_id: string;
  from_ts: number;
  to_ts: number;
  label: string;
  source: 'operator' | 'ticket';
  username: string | null;
  note: string | null;
  created_at: number;
}

/**
 * The shift log: what one shift hands over to the next. Each entry is stored with the shift it was
 * written in (plant time, main/config `plant`), so "the next shift acknowledges" is a rule on shifts,
 * not on clock hours, and holds across a daylight saving change. An entry is acknowledged once, by
 * someone working a later shift; the audit log has who wrote and who acknowledged what.
 */
import type { ShiftLogEntry, ShiftRef } from '../../common/contract-shiftlog';
import { previousShift, shiftAt } from '../../common/plant-time';
import { CallFailure } from '../../common/errors';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';
import type { WallMs } from '../../common/time';

interface Row {
  id: number;
  at: number;
  author: string;
  text: string;
  machine_id: string | null;
  alarm_id: string | null;
  shift_start: number;
  shift_end: number;
  shift_date: string;
  shift_index: number;
  shift_start_hour: number;
  acked_by: string | null;
  acked_at: number | null;
  ack_note: string | null;
}

const toEntry = (r: Row): ShiftLogEntry => ({
  id: r.id,
  at: r.at,
  author: r.author,
  text: r.text,
  machineId: r.machine_id,
  alarmId: r.alarm_id,
  shift: { index: r.shift_index, start: r.shift_start, end: r.shift_end, date: r.shift_date, startHour: r.shift_start_hour },
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
  ackNote: r.ack_note,
});

export interface ShiftLogQuery {
  query?: string;
  machineId?: string;
  from?: number;
  to?: number;
  unacknowledged?: boolean;
  limit: number;
}

export interface ShiftLogOptions {
  db: Db;
  plant: { timeZone: string; shiftStartHours: readonly number[] };
  now(): WallMs;
  /** Links must name something that exists: a machine the registry knows, an alarm the alarm service has. */
  machineExists(id: string): boolean;
  alarmExists(id: string): boolean;
}

/** LIKE pattern for a plain-text search: %, _ and the escape character itself match only themselves. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createShiftLog(options: ShiftLogOptions) {
  const { db, plant } = options;
  const shiftOf = (ts: number): ShiftRef => shiftAt(plant.timeZone, ts, plant.shiftStartHours);
  const get = (id: number): ShiftLogEntry => {
    const row = prepared<[number], Row>(db, 'SELECT * FROM shift_log WHERE id = ?').get(id);
    if (!row) throw new CallFailure('not_found', `no shift log entry #${id}`);
    return toEntry(row);
  };

  return {
    get,
    shifts() {
      const now = options.now();
      return { timeZone: plant.timeZone, current: shiftOf(now), previous: previousShift(plant.timeZone, now, plant.shiftStartHours) };
    },

    add(author: string, entry: { text: string; machineId?: string; alarmId?: string }): ShiftLogEntry {
      if (entry.machineId !== undefined && !options.machineExists(entry.machineId)) throw new CallFailure('bad_request', `no machine "${entry.machineId}" is known; link an existing machine or none`);
      if (entry.alarmId !== undefined && !options.alarmExists(entry.alarmId)) throw new CallFailure('bad_request', `no alarm "${entry.alarmId}" is known; link an existing alarm or none`);
      const at = options.now();
      const s = shiftOf(at);
      const { lastInsertRowid } = prepared(
        db,
        `INSERT INTO shift_log (at, author, text, machine_id, alarm_id, shift_start, shift_end, shift_date, shift_index, shift_start_hour)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run([at, author, entry.text, entry.machineId ?? null, entry.alarmId ?? null, s.start, s.end, s.date, s.index, s.startHour]);
      return get(Number(lastInsertRowid));
    },

    /** All or nothing: one entry that cannot be acknowledged refuses the whole request. */
    ack(username: string, ids: readonly number[], note: string | undefined): ShiftLogEntry[] {
      const at = options.now();
      const current = shiftOf(at);
      const unique = [...new Set(ids)];
      const run = db.transaction(() => {
        for (const id of unique) {
          const e = get(id);
          if (e.ackedBy !== null) throw new CallFailure('conflict', `entry #${id} was already acknowledged by ${e.ackedBy}`);
          if (e.shift.start >= current.start) throw new CallFailure('conflict', `entry #${id} belongs to the current shift; the next shift acknowledges it`);
          prepared(db, 'UPDATE shift_log SET acked_by = ?, acked_at = ?, ack_note = ? WHERE id = ? AND acked_by IS NULL').run([username, at, note && note !== '' ? note : null, id]);
        }
      });
      run();
      return unique.map(get);
    },

    list(q: ShiftLogQuery): { entries: ShiftLogEntry[]; total: number } {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.query) {
        where.push("(text LIKE ? ESCAPE '\\' OR author LIKE ? ESCAPE '\\' OR machine_id LIKE ? ESCAPE '\\' OR alarm_id LIKE ? ESCAPE '\\')");
        const p = likePattern(q.query);
        params.push(p, p, p, p);
      }
      if (q.machineId !== undefined) {
        where.push('machine_id = ?');
        params.push(q.machineId);
      }
      if (q.from !== undefined) {
        where.push('at >= ?');
        params.push(q.from);
      }
      if (q.to !== undefined) {
        where.push('at < ?');
        params.push(q.to);
      }
      if (q.unacknowledged) where.push('acked_by IS NULL');
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = db.prepare(`SELECT count(*) FROM shift_log ${clause}`).pluck().get(params) as number;
      const rows = db.prepare(`SELECT * FROM shift_log ${clause} ORDER BY at DESC, id DESC LIMIT ?`).all([...params, q.limit]) as Row[];
      return { entries: rows.map(toEntry), total };
    },

    /** Entries written in [from, to), oldest first: a shift's handover. */
    between(from: WallMs, to: WallMs): ShiftLogEntry[] {
      return prepared<[number, number], Row>(db, 'SELECT * FROM shift_log WHERE at >= ? AND at < ? ORDER BY at, id').all(from, to).map(toEntry);
    },
  };
}
export type ShiftLog = ReturnType<typeof createShiftLog>;

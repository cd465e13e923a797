/** The voice log in SQLite: one row per phrase sent to the room. */
import type { VoiceLogEntry, VoicePriority } from '../../common/contract-voice';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';

interface Row {
  id: number;
  at: number;
  text: string;
  priority: VoicePriority;
  alarm_ids: string;
  engine: string | null;
  cached: number;
  latency_ms: number;
  duration_ms: number | null;
  error: string | null;
}

/** Enough for months of a busy room; the oldest rows go first. */
const KEEP_ROWS = 100_000;
const TRIM_EVERY = 1_000;

export function voiceLogRepository(db: Db) {
  let inserts = 0;
  return {
    append(entry: Omit<VoiceLogEntry, 'id'>): void {
      prepared<[unknown[]]>(db, 'INSERT INTO voice_log (at, text, priority, alarm_ids, engine, cached, latency_ms, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run([
        entry.at,
        entry.text,
        entry.priority,
        JSON.stringify(entry.alarmIds),
        entry.engine,
        entry.cached ? 1 : 0,
        entry.latencyMs,
        entry.durationMs,
        entry.error,
      ]);
      if (++inserts % TRIM_EVERY === 0) prepared<[number]>(db, 'DELETE FROM voice_log WHERE id <= (SELECT max(id) FROM voice_log) - ?').run(KEEP_ROWS);
    },

    /** Newest first; beforeId pages backwards. */
    list(query: { limit: number; beforeId?: number }): VoiceLogEntry[] {
      const rows = prepared<[Record<string, unknown>], Row>(db, 'SELECT * FROM voice_log WHERE (@beforeId IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @limit').all({
        beforeId: query.beforeId ?? null,
        limit: query.limit,
      });
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        text: r.text,
        priority: r.priority,
        alarmIds: JSON.parse(r.alarm_ids) as string[],
        engine: r.engine,
        cached: r.cached === 1,
        latencyMs: r.latency_ms,
        durationMs: r.duration_ms,
        error: r.error,
      }));
    },
  };
}
export type VoiceLogRepository = ReturnType<typeof voiceLogRepository>;

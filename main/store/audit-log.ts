import type { AuditEntry, AuditSink } from '../audit/audit-port';
import type { Db } from './open-database';
import { prepared } from './prepared';

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  limit: number;
  /** Pages backwards: entries older than this id. */
  beforeId?: number;
  action?: string;
  userId?: number;
}

interface Row {
  id: number;
  at: number;
  user_id: number | null;
  username: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: string | null;
}

/** The audit log on the main connection (synchronous=FULL): an entry is on disk before the call returns. */
export function createAuditLog(db: Db): AuditSink & { list(query: AuditQuery): StoredAuditEntry[] } {
  return {
    append(entry: AuditEntry): void {
      prepared<[unknown[]]>(db, 'INSERT INTO audit (at, user_id, username, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run([
        entry.at,
        entry.userId,
        entry.username,
        entry.action,
        entry.target,
        entry.outcome,
        JSON.stringify(entry.detail),
      ]);
    },

    /** Newest first. */
    list(query: AuditQuery): StoredAuditEntry[] {
      const rows = prepared<[Record<string, unknown>], Row>(
        db,
        `SELECT * FROM audit
         WHERE (@beforeId IS NULL OR id < @beforeId) AND (@action IS NULL OR action = @action) AND (@userId IS NULL OR user_id = @userId)
         ORDER BY id DESC LIMIT @limit`,
      ).all({ beforeId: query.beforeId ?? null, action: query.action ?? null, userId: query.userId ?? null, limit: query.limit });
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        userId: r.user_id,
        username: r.username,
        action: r.action,
        target: r.target,
        outcome: r.outcome,
        detail: r.detail === null ? {} : (JSON.parse(r.detail) as Record<string, unknown>),
      }));
    },
  };
}

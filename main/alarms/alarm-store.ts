/**
 * Alarm points, their journal and engineered limits, on the main connection (synchronous=FULL): a
 * transition is on disk, with its journal row and audit entry, before anyone is told about it.
 */
import type { Alarm, AlarmJournalEntry, AlarmPriority, AlarmSource, AlarmState, JournalAction, LimitLevel, LimitSetting } from '../../common/contract-alarms';
import type { AuditEntry, AuditSink } from '../audit/audit-port';
import type { StoredLimit } from './limits';
import type { Db } from '../store/open-database';
import { prepared } from '../store/prepared';

/** The contract's view plus what only the back end needs. */
const META_DEFAULTS = 'alarms.metaDefaults:';

export interface StoredAlarm extends Alarm {
  latching: boolean;
  suppressedByDesign: boolean;
  /** Time and event id of the last operator action, for ordering actions from several consoles. */
  opAt: number | null;
  opEventId: string | null;
}

interface AlarmRow {
  id: string;
  machine_id: string;
  source: AlarmSource;
  sensor: string | null;
  level: LimitLevel | null;
  priority: AlarmPriority;
  state: AlarmState;
  message: string;
  raised_at: number;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  note: string | null;
  active: number;
  latching: number;
  suppressed_by_design: number;
  suppressed_since: number | null;
  shelved_until: number | null;
  mode_by: string | null;
  mode_reason: string | null;
  value: number | null;
  limit_value: number | null;
  updated_at: number;
  op_at: number | null;
  op_event_id: string | null;
}

/** raised_at is NOT NULL since migration 1; a point never raised (taken out of service first) stores 0. */
const fromRow = (r: AlarmRow): StoredAlarm => ({
  id: r.id,
  machineId: r.machine_id,
  source: r.source,
  sensor: r.sensor,
  level: r.level,
  priority: r.priority,
  state: r.state,
  active: r.active === 1,
  message: r.message,
  raisedAt: r.raised_at === 0 ? null : r.raised_at,
  clearedAt: r.cleared_at,
  ackedAt: r.acked_at,
  ackedBy: r.acked_by,
  note: r.note,
  shelvedUntil: r.shelved_until,
  modeBy: r.mode_by,
  modeReason: r.mode_reason,
  suppressedSince: r.suppressed_since,
  value: r.value,
  limit: r.limit_value,
  updatedAt: r.updated_at,
  latching: r.latching === 1,
  suppressedByDesign: r.suppressed_by_design === 1,
  opAt: r.op_at,
  opEventId: r.op_event_id,
});

const UPSERT_ALARM = `
  INSERT INTO alarms (id, machine_id, source, sensor, level, priority, state, message, raised_at, cleared_at, acked_at, acked_by, note,
                      active, latching, suppressed_by_design, suppressed_since, shelved_until, mode_by, mode_reason, value, limit_value, updated_at, op_at, op_event_id)
  VALUES (@id, @machineId, @source, @sensor, @level, @priority, @state, @message, @raisedAt, @clearedAt, @ackedAt, @ackedBy, @note,
          @active, @latching, @suppressedByDesign, @suppressedSince, @shelvedUntil, @modeBy, @modeReason, @value, @limit, @updatedAt, @opAt, @opEventId)
  ON CONFLICT (id) DO UPDATE SET
    priority = excluded.priority, state = excluded.state, message = excluded.message, raised_at = excluded.raised_at,
    cleared_at = excluded.cleared_at, acked_at = excluded.acked_at, acked_by = excluded.acked_by, note = excluded.note,
    active = excluded.active, latching = excluded.latching, suppressed_by_design = excluded.suppressed_by_design, suppressed_since = excluded.suppressed_since,
    shelved_until = excluded.shelved_until, mode_by = excluded.mode_by, mode_reason = excluded.mode_reason, value = excluded.value,
    limit_value = excluded.limit_value, updated_at = excluded.updated_at, op_at = excluded.op_at, op_event_id = excluded.op_event_id`;

const toParams = (a: StoredAlarm) => ({
  ...a,
  raisedAt: a.raisedAt ?? 0,
  active: a.active ? 1 : 0,
  latching: a.latching ? 1 : 0,
  suppressedByDesign: a.suppressedByDesign ? 1 : 0,
});

interface JournalRow {
  seq: number;
  event_id: string;
  alarm_id: string;
  machine_id: string;
  source: AlarmSource;
  sensor: string | null;
  priority: AlarmPriority;
  at: number;
  action: JournalAction;
  from_state: AlarmState;
  to_state: AlarmState;
  active: number;
  username: string | null;
  console: string;
  note: string | null;
  message: string;
}

const journalFromRow = (r: JournalRow): AlarmJournalEntry => ({
  seq: r.seq,
  eventId: r.event_id,
  alarmId: r.alarm_id,
  machineId: r.machine_id,
  source: r.source,
  sensor: r.sensor,
  priority: r.priority,
  at: r.at,
  action: r.action,
  from: r.from_state,
  to: r.to_state,
  active: r.active === 1,
  username: r.username,
  console: r.console,
  note: r.note,
  message: r.message,
});

export type NewJournalEntry = Omit<AlarmJournalEntry, 'seq'>;

/**
 * The process value and limit that an activate or clear happened at, from the alarm as committed
 * with it; other events (operator actions, timers) would only repeat a stale value, so they get none.
 */
const journalValues = (alarm: StoredAlarm, entry: NewJournalEntry) =>
  entry.action === 'activate' || entry.action === 'clear' ? { value: alarm.value, limitValue: alarm.limit } : { value: null, limitValue: null };

export interface JournalQuery {
  from: number;
  to: number;
  alarmId?: string;
  machineId?: string;
  search?: string;
  limit: number;
  beforeSeq?: number;
}

interface LimitRow {
  machine_id: string;
  sensor: string;
  level: LimitLevel;
  setpoint: number;
  deadband: number;
  on_delay_ms: number;
  off_delay_ms: number;
  re_alarm_ms: number;
  priority: AlarmPriority;
  latching: number;
  enabled: number;
  updated_by: string;
  updated_at: number;
}

export function alarmStore(db: Db, audit: AuditSink) {
  const upsert = (alarm: StoredAlarm) => prepared<[Record<string, unknown>]>(db, UPSERT_ALARM).run(toParams(alarm));
  const commit = db.transaction((alarm: StoredAlarm, entry: NewJournalEntry | null, auditEntry: AuditEntry | null): boolean => {
    if (entry) {
      const inserted = prepared<[Record<string, unknown>]>(
        db,
        `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, sensor, priority, at, action, from_state, to_state, active, username, console, note, message, recorded_at, value, limit_value)
         VALUES (@eventId, @alarmId, @machineId, @source, @sensor, @priority, @at, @action, @from, @to, @active, @username, @console, @note, @message, @recordedAt, @value, @limitValue)
         ON CONFLICT (event_id) DO NOTHING`,
      ).run({ ...entry, active: entry.active ? 1 : 0, recordedAt: auditEntry?.at ?? entry.at, ...journalValues(alarm, entry) });
      if (inserted.changes === 0) return false;
    }
    upsert(alarm);
    if (auditEntry) audit.append(auditEntry);
    return true;
  });

  return {
    loadAll(): StoredAlarm[] {
      return prepared<[], AlarmRow>(db, 'SELECT * FROM alarms').all().map(fromRow);
    },

    /**
     * Saves the alarm with its journal entry and audit entry in one durable transaction. Returns
     * false, and saves nothing, when the journal already holds the entry's event id.
     */
    commit(alarm: StoredAlarm, entry: NewJournalEntry | null, auditEntry: AuditEntry | null): boolean {
      return commit.immediate(alarm, entry, auditEntry);
    },

    /** Activations per machine in (from, to]: the agents' alarm counts. */
    activationsByMachine(from: number, to: number): Record<string, number> {
      const rows = prepared<[number, number], { machine_id: string; n: number }>(db, "SELECT machine_id, COUNT(*) AS n FROM alarm_journal WHERE action = 'activate' AND at > ? AND at <= ? GROUP BY machine_id").all(from, to);
      return Object.fromEntries(rows.map((r) => [r.machine_id, r.n]));
    },

    hasEvent(eventId: string): boolean {
      return prepared<[string], number>(db, 'SELECT 1 FROM alarm_journal WHERE event_id = ?').pluck().get(eventId) !== undefined;
    },

    /** Newest first, so that a screen or an export pages backwards from now. */
    journal(q: JournalQuery): AlarmJournalEntry[] {
      const search = q.search ? `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      return prepared<[Record<string, unknown>], JournalRow>(
        db,
        `SELECT * FROM alarm_journal
         WHERE at >= @from AND at < @to
           AND (@alarmId IS NULL OR alarm_id = @alarmId)
           AND (@machineId IS NULL OR machine_id = @machineId)
           AND (@beforeSeq IS NULL OR seq < @beforeSeq)
           AND (@search IS NULL OR alarm_id LIKE @search ESCAPE '\\' OR message LIKE @search ESCAPE '\\' OR note LIKE @search ESCAPE '\\' OR username LIKE @search ESCAPE '\\')
         ORDER BY seq DESC LIMIT @limit`,
      )
        .all({ from: q.from, to: q.to, alarmId: q.alarmId ?? null, machineId: q.machineId ?? null, beforeSeq: q.beforeSeq ?? null, search, limit: q.limit })
        .map(journalFromRow);
    },

    limits(machineId: string): StoredLimit[] {
      return prepared<[string], LimitRow>(db, 'SELECT * FROM alarm_limits WHERE machine_id = ?')
        .all(machineId)
        .map((r) => ({
          sensor: r.sensor,
          level: r.level,
          setpoint: r.setpoint,
          deadband: r.deadband,
          onDelayMs: r.on_delay_ms,
          offDelayMs: r.off_delay_ms,
          reAlarmMs: r.re_alarm_ms,
          priority: r.priority,
          latching: r.latching === 1,
          enabled: r.enabled === 1,
          updatedBy: r.updated_by,
          updatedAt: r.updated_at,
        }));
    },

    /** The engineered machines, so their rows are in memory before the first reading. */
    limitMachines(): string[] {
      return prepared<[], string>(db, 'SELECT DISTINCT machine_id FROM alarm_limits').pluck().all();
    },

    /**
     * A machine's default limits from its meta, as last accepted (the first meta seen, or an
     * engineer's acceptance of a change), kept in settings so a restart does not accept anew.
     */
    metaDefaults(): Map<string, LimitSetting[]> {
      const rows = prepared<[string], { key: string; value: string }>(db, 'SELECT key, value FROM settings WHERE key LIKE ?').all(`${META_DEFAULTS}%`);
      return new Map(rows.map((r) => [r.key.slice(META_DEFAULTS.length), JSON.parse(r.value) as LimitSetting[]]));
    },

    /** Saves accepted meta defaults with the audit entry that says who accepted them, in one transaction. */
    saveMetaDefaults: db.transaction((machineId: string, limits: readonly LimitSetting[], entry: AuditEntry) => {
      prepared<[string, string]>(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(`${META_DEFAULTS}${machineId}`, JSON.stringify(limits));
      audit.append(entry);
    }),

    /** Records a proposal that waits for an engineer (a meta message that would change accepted limits). */
    auditOnly(entry: AuditEntry): void {
      audit.append(entry);
    },

    /** The router audits the call that edits limits, with the rows it was given. */
    saveLimits: db.transaction((machineId: string, rows: readonly StoredLimit[], reset: readonly { sensor: string; level: LimitLevel }[]) => {
      for (const r of reset) prepared<[string, string, string]>(db, 'DELETE FROM alarm_limits WHERE machine_id = ? AND sensor = ? AND level = ?').run(machineId, r.sensor, r.level);
      for (const r of rows) {
        prepared<[Record<string, unknown>]>(
          db,
          `INSERT OR REPLACE INTO alarm_limits (machine_id, sensor, level, setpoint, deadband, on_delay_ms, off_delay_ms, re_alarm_ms, priority, latching, enabled, updated_by, updated_at)
           VALUES (@machineId, @sensor, @level, @setpoint, @deadband, @onDelayMs, @offDelayMs, @reAlarmMs, @priority, @latching, @enabled, @updatedBy, @updatedAt)`,
        ).run({ ...r, machineId, latching: r.latching ? 1 : 0, enabled: r.enabled ? 1 : 0 });
      }
    }),
  };
}
export type AlarmStore = ReturnType<typeof alarmStore>;

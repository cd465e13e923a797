import type { AlarmJournalEntry } from '../../../common/contract-alarms';
import { toCsv } from '../../../common/csv';

const JOURNAL_HEADER = ['seq', 'time_utc', 'alarm_id', 'machine_id', 'source', 'sensor', 'priority', 'action', 'from', 'to', 'active', 'user', 'console', 'note', 'message'] as const;

/** The alarm journal, oldest first, with times in ISO-8601 UTC so that a spreadsheet sorts them. */
export function journalCsv(entries: readonly AlarmJournalEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => [e.seq, new Date(e.at).toISOString(), e.alarmId, e.machineId, e.source, e.sensor, e.priority, e.action, e.from, e.to, e.active, e.username, e.console, e.note, e.message]);
  return toCsv(JOURNAL_HEADER, rows);
}

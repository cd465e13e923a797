import type { AlarmJournalEntry } from '../../../common/contract-alarms';

type Cell = string | number | boolean | null;

/**
 * One CSV cell. A text starting with = + - @ (or a tab or carriage return, which some spreadsheets
 * skip before reading a formula) gets a leading apostrophe, so an alarm message or note written
 * by anyone on the network can never run as a formula when the file is opened (CSV injection).
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: comma-separated, CRLF between records. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const JOURNAL_HEADER = ['seq', 'time_utc', 'alarm_id', 'machine_id', 'source', 'sensor', 'priority', 'action', 'from', 'to', 'active', 'user', 'console', 'note', 'message'] as const;

/** The alarm journal, oldest first, with times in ISO-8601 UTC so that a spreadsheet sorts them. */
export function journalCsv(entries: readonly AlarmJournalEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => [e.seq, new Date(e.at).toISOString(), e.alarmId, e.machineId, e.source, e.sensor, e.priority, e.action, e.from, e.to, e.active, e.username, e.console, e.note, e.message]);
  return toCsv(JOURNAL_HEADER, rows);
}

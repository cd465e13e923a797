/** A shift's handover document: its shift log entries and who acknowledged them, as CSV or PDF, in plant time. */
import type { ExportFile } from '../../common/contract-agents';
import type { ShiftLogEntry, ShiftRef } from '../../common/contract-shiftlog';
import { formatLocal } from '../../common/plant-time';
import { toCsv } from '../../common/csv';
import { textPdf, type PdfLine } from '../documents/pdf';

export const shiftName = (shift: ShiftRef, timeZone: string) => `${shift.date} shift ${shift.index + 1} (${formatLocal(timeZone, shift.start).slice(11)} to ${formatLocal(timeZone, shift.end).slice(11)}, ${timeZone})`;

/** The lines a PDF report prints for a shift's entries; shared with the shift report. */
export function shiftLogLines(entries: readonly ShiftLogEntry[], timeZone: string): (string | PdfLine)[] {
  if (entries.length === 0) return ['No shift log entries.'];
  return entries.flatMap((e) => [
    { text: `${formatLocal(timeZone, e.at)}  ${e.author}${e.machineId ? `  machine ${e.machineId}` : ''}${e.alarmId ? `  alarm ${e.alarmId}` : ''}`, bold: true },
    ...e.text.split('\n').map((l) => `    ${l}`),
    e.ackedBy ? `    acknowledged by ${e.ackedBy} at ${formatLocal(timeZone, e.ackedAt!)}${e.ackNote ? `: ${e.ackNote}` : ''}` : '    not yet acknowledged',
  ]);
}

export async function shiftHandoverDocument(shift: ShiftRef, entries: readonly ShiftLogEntry[], timeZone: string, format: 'csv' | 'pdf'): Promise<ExportFile> {
  const name = `shift-log-${shift.date}-shift-${shift.index + 1}`;
  const local = (ts: number | null) => (ts === null ? '' : formatLocal(timeZone, ts, true));
  if (format === 'csv') {
    const content = toCsv(
      ['id', 'time', 'author', 'machine', 'alarm', 'text', 'acknowledged_by', 'acknowledged_at', 'ack_note'],
      entries.map((e) => [e.id, local(e.at), e.author, e.machineId, e.alarmId, e.text, e.ackedBy, local(e.ackedAt), e.ackNote]),
    );
    return { filename: `${name}.csv`, mime: 'text/csv', encoding: 'utf8', content };
  }
  const pdf = await textPdf(`Shift handover, ${shiftName(shift, timeZone)}`, [`${entries.length} entries, ${entries.filter((e) => e.ackedBy === null).length} not yet acknowledged.`, '', ...shiftLogLines(entries, timeZone)], { subject: 'FactoryBrain shift log' });
  return { filename: `${name}.pdf`, mime: 'application/pdf', encoding: 'base64', content: Buffer.from(pdf).toString('base64') };
}

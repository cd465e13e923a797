import { describe, expect, it } from 'vitest';
import type { AlarmJournalEntry } from '../../../common/contract-alarms';
import { journalCsv } from './csv';

const entry = (seq: number, patch: Partial<AlarmJournalEntry> = {}): AlarmJournalEntry => ({
  seq,
  eventId: `e${seq}`,
  alarmId: 'limit:p/a/m1:temperature:H',
  machineId: 'p/a/m1',
  source: 'limit',
  sensor: 'temperature',
  priority: 'medium',
  at: Date.UTC(2025, 0, 2, 3, 4, 5),
  action: 'ack',
  from: 'active-unacknowledged',
  to: 'active-acknowledged',
  active: true,
  username: 'chief',
  console: 'desk-1',
  note: null,
  message: 'temperature high',
  ...patch,
});

describe('alarm history CSV', () => {
  it('writes the journal oldest first with UTC times, notes and users included', () => {
    const csv = journalCsv([entry(2, { note: '=cmd|calc', username: null }), entry(1, { action: 'activate', note: 'checked, ok' })]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,time_utc,alarm_id,machine_id,source,sensor,priority,action,from,to,active,user,console,note,message');
    expect(lines[1]).toBe('1,2025-01-02T03:04:05.000Z,limit:p/a/m1:temperature:H,p/a/m1,limit,temperature,medium,activate,active-unacknowledged,active-acknowledged,true,chief,desk-1,"checked, ok",temperature high');
    expect(lines[2]).toContain(",,desk-1,'=cmd|calc,");
    expect(lines).toHaveLength(3);
  });
});

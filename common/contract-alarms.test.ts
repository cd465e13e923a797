import { describe, expect, it } from 'vitest';
import { alarmRow } from '../test/support/alarm-row';
import { AlarmJournalEntrySchema, AlarmSchema, alarmCalls, alarmEvents, type Alarm } from './contract-alarms';

const SINCE = Date.UTC(2026, 11, 6, 6, 1, 1);

/** A low limit held while its machine stands, as the host sends it: suppressed by design, with no person, a reason and since when. */
const held: Alarm = alarmRow('limit:plant/press/p1:pressure:L', {
  machineId: 'plant/press/p1',
  sensor: 'pressure',
  level: 'L',
  state: 'suppressed-by-design',
  active: false,
  message: 'pressure low: < 5',
  raisedAt: null,
  modeReason: 'start-up: waiting for value above 5.1',
  suppressedSince: SINCE,
  value: null,
  limit: 5,
  updatedAt: 1_700_000_000_000,
});

describe('the alarm contract for suppression by design', () => {
  it('asks for the suppressed list, plant-wide or for one machine', () => {
    const plant = alarmCalls['alarms.active'].request.parse({ filter: { states: ['suppressed-by-design'] }, sort: 'machine', limit: 5000 });
    expect(plant.filter.states).toEqual(['suppressed-by-design']);
    expect(alarmCalls['alarms.active'].request.parse({ filter: { states: ['suppressed-by-design'], machineId: 'plant/press/p1' } }).filter.machineId).toBe('plant/press/p1');
    expect(alarmCalls['alarms.active'].request.safeParse({ filter: { states: ['suppressed'] } }).success).toBe(false);
  });

  it('carries the state and its reason on the alarm rows, in answers and events, unchanged', () => {
    expect(alarmCalls['alarms.active'].response.parse({ alarms: [held], total: 1, floods: [] }).alarms[0]).toEqual(held);
    expect(alarmEvents.alarms.parse({ alarms: [held] }).alarms[0]).toMatchObject({ state: 'suppressed-by-design', modeBy: null, modeReason: 'start-up: waiting for value above 5.1' });
    expect(alarmCalls['alarms.active'].response.safeParse({ alarms: [{ ...held, modeReason: 42 }], total: 1, floods: [] }).success).toBe(false);
  });

  it('carries since when the alarm is suppressed: a time, or null for one not suppressed, and nothing else', () => {
    expect(alarmEvents.alarms.parse({ alarms: [held] }).alarms[0]?.suppressedSince).toBe(SINCE);
    expect(AlarmSchema.parse(alarmRow('limit:m1:temperature:H')).suppressedSince).toBeNull();
    expect(AlarmSchema.safeParse({ ...held, suppressedSince: '2026-12-06T06:01:01Z' }).success).toBe(false);
    const { suppressedSince: _, ...older } = held;
    expect(AlarmSchema.safeParse(older).success).toBe(false);
  });

  it('journals entry and exit as suppress and unsuppress, with the reason or the arming as the note', () => {
    const entry = { seq: 1, eventId: 'e1', alarmId: held.id, machineId: held.machineId, source: 'limit', sensor: 'pressure', priority: 'medium', active: false, username: null, console: 'c', message: held.message };
    expect(AlarmJournalEntrySchema.parse({ ...entry, at: 1000, action: 'suppress', from: 'normal', to: 'suppressed-by-design', note: 'machine idle' }).action).toBe('suppress');
    expect(AlarmJournalEntrySchema.parse({ ...entry, at: 2000, action: 'unsuppress', from: 'suppressed-by-design', to: 'normal', note: 'start-up: armed at 2026-12-06T06:05:31.000Z' }).note).toMatch(/^start-up: armed at/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/open-database';
import { parseCsv } from '../documents/csv';
import { dejaVuFonts } from '../documents/pdf';
import { readBack } from '../documents/pdf-text.test-helper';
import { createShiftLogHandlers } from './handlers';
import { createShiftLog } from './shift-log';

const H = 3_600_000;
let db: Db;
let clock = 0;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

const BERLIN = { timeZone: 'Europe/Berlin', shiftStartHours: [6, 14, 22] };
const make = (plant = BERLIN) => createShiftLog({ db, plant, now: () => clock, machineExists: (id) => id === 'P-01', alarmExists: (id) => id === 'limit:P-01:temperature:H' });

describe('shift log', () => {
  it('keeps each entry with the plant shift it was written in, and links only what exists', () => {
    const log = make();
    clock = Date.UTC(2026, 5, 1, 20, 30); // 22:30 in Berlin (CEST): the night shift of 1 June
    const e = log.add('olga', { text: 'P-01 runs hot, maintenance informed.', machineId: 'P-01', alarmId: 'limit:P-01:temperature:H' });
    expect(e).toMatchObject({ author: 'olga', machineId: 'P-01', alarmId: 'limit:P-01:temperature:H', ackedBy: null, shift: { date: '2026-06-01', index: 2, startHour: 22, start: Date.UTC(2026, 5, 1, 20), end: Date.UTC(2026, 5, 2, 4) } });
    expect(() => log.add('olga', { text: 'x', machineId: 'P-99' })).toThrow(/no machine "P-99" is known/);
    expect(() => log.add('olga', { text: 'x', alarmId: 'nope' })).toThrow(/no alarm "nope" is known/);
    expect(log.list({ limit: 10 }).total).toBe(1);
  });

  it('is acknowledged by the next shift, once, all or nothing', () => {
    const log = make();
    clock = Date.UTC(2026, 5, 1, 20, 30);
    const a = log.add('olga', { text: 'Compressor C-2 off for cleaning.' });
    const b = log.add('olga', { text: 'Order 17 arrives tomorrow.' });
    expect(() => log.ack('olga', [a.id], undefined)).toThrow(/belongs to the current shift; the next shift acknowledges it/);
    clock = Date.UTC(2026, 5, 2, 4, 5); // 06:05: the morning shift
    const acked = log.ack('max', [a.id, b.id, a.id], 'read at handover');
    expect(acked.map((e) => [e.id, e.ackedBy, e.ackedAt, e.ackNote])).toEqual([
      [a.id, 'max', clock, 'read at handover'],
      [b.id, 'max', clock, 'read at handover'],
    ]);
    expect(() => log.ack('max', [a.id], undefined)).toThrow(/already acknowledged by max/);
    const c = log.add('max', { text: 'new' });
    clock += 9 * H;
    // One acknowledged entry in the request refuses all of it: c stays open.
    expect(() => log.ack('lea', [c.id, a.id], undefined)).toThrow(/already acknowledged/);
    expect(log.get(c.id).ackedBy).toBeNull();
    expect(() => log.ack('lea', [999], undefined)).toThrow(/no shift log entry #999/);
  });

  it('counts shifts on the wall clock across a daylight saving change', () => {
    const log = make();
    clock = Date.UTC(2026, 9, 25, 0, 30); // 02:30 CEST, in the 9-hour night shift of 24 October
    const e = log.add('olga', { text: 'clocks go back tonight' });
    expect((e.shift.end - e.shift.start) / H).toBe(9);
    clock = Date.UTC(2026, 9, 25, 4, 30); // 05:30 CET: still the same night shift
    expect(() => log.ack('max', [e.id], undefined)).toThrow(/current shift/);
    clock = Date.UTC(2026, 9, 25, 5, 0); // 06:00 CET: the morning shift
    expect(log.ack('max', [e.id], undefined)[0]!.ackedBy).toBe('max');
  });

  it('searches text, author, machine and alarm as plain text, and filters', () => {
    const log = make();
    clock = Date.UTC(2026, 5, 1, 8);
    log.add('olga', { text: 'Filter 50% clogged on line_2', machineId: 'P-01' });
    clock += H;
    log.add('max', { text: 'All quiet.' });
    clock += H;
    log.add('Zoë', { text: 'Ölstand prüfen' });
    const texts = (q: Parameters<typeof log.list>[0]) => log.list(q).entries.map((e) => e.text);
    expect(texts({ query: '50%', limit: 10 })).toEqual(['Filter 50% clogged on line_2']);
    expect(texts({ query: 'e_2', limit: 10 })).toEqual(['Filter 50% clogged on line_2']);
    expect(texts({ query: '%', limit: 10 })).toEqual(['Filter 50% clogged on line_2']);
    expect(texts({ query: 'QUIET', limit: 10 })).toEqual(['All quiet.']);
    expect(texts({ query: 'p-01', limit: 10 })).toEqual(['Filter 50% clogged on line_2']);
    expect(texts({ query: 'Zoë', limit: 10 })).toEqual(['Ölstand prüfen']);
    expect(texts({ machineId: 'P-01', limit: 10 })).toHaveLength(1);
    expect(texts({ from: Date.UTC(2026, 5, 1, 9), limit: 10 })).toEqual(['Ölstand prüfen', 'All quiet.']);
    expect(log.list({ limit: 1 })).toMatchObject({ total: 3, entries: [{ text: 'Ölstand prüfen' }] });
    expect(texts({ unacknowledged: true, limit: 10 })).toHaveLength(3);
  });

  it('exports the previous shift as its handover, in CSV and in a PDF that prints every name', async () => {
    const log = make();
    clock = Date.UTC(2026, 5, 1, 5); // 07:00 CEST, morning shift
    log.add('Zoë Çelik', { text: 'Ölpumpe P-01: Dichtung tropft.\nErsatz bestellt.', machineId: 'P-01' });
    clock = Date.UTC(2026, 5, 1, 12, 30); // 14:30, the afternoon shift
    const handlers = createShiftLogHandlers(log);
    const ctx = { session: { user: { id: 1, username: 'max', role: 'operator' as const } } } as never;
    expect(await handlers['shiftlog.shifts']({}, ctx)).toMatchObject({ timeZone: 'Europe/Berlin', current: { date: '2026-06-01', index: 1 }, previous: { date: '2026-06-01', index: 0 } });
    const csv = await handlers['shiftlog.export']({ shift: 'previous', format: 'csv' }, ctx);
    expect(csv.filename).toBe('shift-log-2026-06-01-shift-1.csv');
    const rows = parseCsv(csv.content);
    expect(rows[1]!.slice(1, 6)).toEqual(['2026-06-01 07:00 +02:00', 'Zoë Çelik', 'P-01', '', 'Ölpumpe P-01: Dichtung tropft.\nErsatz bestellt.']);
    const pdf = await handlers['shiftlog.export']({ shift: 'previous', format: 'pdf' }, ctx);
    const back = await readBack(Buffer.from(pdf.content, 'base64'), { DejaVuSans: dejaVuFonts().regular, 'DejaVuSans-Bold': dejaVuFonts().bold });
    expect(back.pages[0]).toEqual(expect.arrayContaining(['Shift handover, 2026-06-01 shift 1 (06:00 to 14:00, Europe/Berlin)', '2026-06-01 07:00  Zoë Çelik  machine P-01', '    Ölpumpe P-01: Dichtung tropft.', '    not yet acknowledged']));
    expect(back.wrongGlyphs).toEqual([]);
    // The current shift has nothing yet.
    expect(parseCsv((await handlers['shiftlog.export']({ shift: 'current', format: 'csv' }, ctx)).content)).toHaveLength(1);
  });
});

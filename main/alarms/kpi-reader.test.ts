import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallFailure } from '../../common/errors';
import type { WallMs } from '../../common/time';
import { openDatabase } from '../store/open-database';
import { AlarmQueries } from './alarm-queries';
import { alarmStore, type StoredAlarm } from './alarm-store';
import { KpiReader } from './kpi-reader';
import { alarmRow } from '../../test/support/alarm-row';
import { timerGaps } from '../../test/support/timer-gaps';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
/** One more journal entry than a KPI read may hold, 39 s apart: a little over 90 days. */
const ENTRIES = 200_100;
const STEP = 39_000;
const NOW = (T0 + 91 * DAY) as WallMs;
/** The largest range allowed that holds at most 200,000 entries. */
const LARGEST = { from: T0, to: T0 + 199_990 * STEP };
const ALL = { from: T0, to: T0 + 92 * DAY };
let dir: string;
let dbPath: string;

const point = (id: string, active: boolean, raisedAt: number): StoredAlarm => ({
  ...alarmRow(id, { machineId: id.split(':')[0]!, sensor: 't', priority: 'high', state: active ? 'active-unacknowledged' : 'normal', active, message: 't high', raisedAt, value: null, limit: null, updatedAt: raisedAt }),
  latching: false,
  suppressedByDesign: false,
  opAt: null,
  opEventId: null,
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fb-kpi-reader-'));
  dbPath = join(dir, 'store.db');
  const db = openDatabase(dbPath);
  const insert = db.prepare(
    `INSERT INTO alarm_journal (event_id, alarm_id, machine_id, source, priority, at, action, from_state, to_state, active, console, message, recorded_at)
     VALUES (?, ?, ?, 'limit', ?, ?, ?, ?, ?, 1, 'c', 'm', ?)`,
  );
  const priorities = ['critical', 'high', 'medium', 'low', 'diagnostic'];
  db.transaction(() => {
    for (let i = 0; i < ENTRIES; i++) {
      // Forty alarms on four areas; every third entry an acknowledgement, and a burst each day floods its area.
      const alarm = i % 40;
      const machine = `site/area${alarm % 4}/m${alarm}`;
      const at = i % 2000 < 100 ? T0 + (i - (i % 2000)) * STEP + (i % 2000) * 5_000 : T0 + i * STEP;
      const ack = i % 3 === 2;
      insert.run(`e${i}`, `${machine}:t:H`, machine, priorities[alarm % 5], at, ack ? 'acknowledge' : 'activate', ack ? 'active-unacknowledged' : 'normal', ack ? 'active-acknowledged' : 'active-unacknowledged', at);
    }
  })();
  const store = alarmStore(db, { append: () => {} });
  store.commit(point('site/area1/m1:t:H', true, T0 + 10 * DAY), null, null);
  store.commit(point('site/area2/m2:t:H', true, NOW - 3_600_000), null, null);
  store.commit(point('site/area3/m3:t:H', false, T0), null, null);
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CallFailure a read is refused with (anything else fails the test). */
async function refusal(read: Promise<unknown>): Promise<CallFailure> {
  const err = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallFailure);
  return err as CallFailure;
}

describe('KPI reader', () => {
  it('answers what AlarmQueries.kpis answers on the same data, and keeps a main-thread timer ticking through the largest allowed read', async () => {
    const observed: number[] = [];
    // A minute: the read takes seconds on a loaded test machine, and this test is about the main thread, not the bound.
    const reader = await KpiReader.start({ dbPath, now: () => NOW, maxMs: 60_000, observe: (ms) => observed.push(ms) });
    const db = openDatabase(dbPath, { readonly: true });
    const store = alarmStore(db, { append: () => {} });
    const inlineQueries = new AlarmQueries({ store, now: () => NOW, alarms: () => store.loadAll() });
    try {
      const off = await timerGaps(() => reader.read(LARGEST));
      const inline = await timerGaps(async () => inlineQueries.kpis(LARGEST));
      expect(off.result).toEqual(inline.result);
      expect(off.result.annunciated).toBeGreaterThan(100_000);
      expect(off.result.perConsole.map((c) => c.console).sort()).toEqual(['site/area0', 'site/area1', 'site/area2', 'site/area3']);
      expect(off.result.floods.length).toBeGreaterThan(0);
      expect(off.result.stale).toEqual([{ alarmId: 'site/area1/m1:t:H', activeSince: T0 + 10 * DAY, hours: 81 * 24 }]);
      // The default range is the last day before now.
      expect(await reader.read({})).toEqual(inlineQueries.kpis({}));
      console.log(
        `largest KPI read: main thread blocked ${inline.longest.toFixed(0)} ms inline; through the worker the timer's longest gap was ${off.longest.toFixed(0)} ms, p95 ${off.p95.toFixed(1)} ms over ${off.gaps.length} ticks (read took ${observed[0]?.toFixed(0)} ms there)`,
      );
      expect(inline.gaps.length).toBeLessThan(3);
      // As in history-reader.test.ts: a shared machine may delay a single tick, so the bound is on the 95th percentile.
      expect(off.gaps.length).toBeGreaterThan(20);
      expect(off.p95).toBeLessThan(50);
      expect(off.longest).toBeLessThan(inline.longest);
      expect(observed).toHaveLength(2);
    } finally {
      db.close();
      await reader.close();
    }
  });

  it('refuses a bad range at once, and too many journal entries from the worker, each as a CallFailure', async () => {
    const reader = await KpiReader.start({ dbPath, now: () => NOW });
    try {
      await expect(refusal(reader.read({ from: T0 + DAY, to: T0 }))).resolves.toMatchObject({ code: 'bad_request', message: 'to must be after from' });
      await expect(refusal(reader.read({ from: T0, to: T0 + 100 * DAY }))).resolves.toMatchObject({ code: 'bad_request', message: 'KPIs cover at most 92 days; ask for a shorter range' });
      await expect(refusal(reader.read(ALL))).resolves.toMatchObject({ code: 'bad_request', message: 'more than 200000 journal entries in this range; ask for a shorter range' });
      // The worker is still there for the next read.
      expect((await reader.read({ from: T0, to: T0 + DAY })).annunciated).toBeGreaterThan(0);
    } finally {
      await reader.close();
    }
  });

  it('stops a read past its time bound, refuses reads beyond its queue, and refuses reads after close', async () => {
    const logs: string[] = [];
    const slow = await KpiReader.start({ dbPath, now: () => NOW, maxMs: 50, log: (m) => logs.push(m) });
    try {
      await expect(slow.read(LARGEST)).rejects.toMatchObject({
        code: 'bad_request',
        message: 'the alarm KPI read of 2026-01-01T00:00:00.000Z to 2026-04-01T06:33:30.000Z ran past 0.05 s and was stopped; ask for a shorter range',
      });
      expect(logs.join('\n')).toMatch(/its worker was ended/);
    } finally {
      await slow.close();
    }
    const reader = await KpiReader.start({ dbPath, now: () => NOW, maxQueued: 1 });
    const first = reader.read({});
    await expect(reader.read({})).rejects.toMatchObject({ code: 'rate_limited', message: '1 KPI reads are already running or waiting; try again in a moment' });
    await expect(first).resolves.toMatchObject({ to: NOW });
    await reader.close();
    await expect(reader.read({})).rejects.toMatchObject({ code: 'internal', message: 'the KPI reader is closed' });
  });

  it('fails its start when the database cannot be opened', async () => {
    await expect(KpiReader.start({ dbPath: join(dir, 'missing.db'), now: () => NOW })).rejects.toThrow();
  });
});

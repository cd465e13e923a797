import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../common/telemetry';
import { LiveTelemetry } from './live-telemetry';

function setup() {
  let now = 1_000;
  const frames: (() => void)[] = [];
  const live = new LiveTelemetry({ now: () => now, schedule: (flush) => frames.push(flush), staleAfterMs: 15_000 });
  const frame = () => frames.splice(0).forEach((flush) => flush());
  return { live, frame, frames, advance: (ms: number) => (now += ms) };
}

const machine = (id: string, sensors: Machine['sensors']): Machine => ({
  id,
  name: id,
  site: 's',
  area: 'a',
  type: 't',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state: 'online',
  sensors,
});

describe('LiveTelemetry', () => {
  it('keeps the latest value per machine and sensor from batches', () => {
    const { live } = setup();
    live.ingest([
      { machineId: 'm1', ts: 10, metrics: { temp: 20, rpm: 1500 } },
      { machineId: 'm1', ts: 11, metrics: { temp: 21 } },
      { machineId: 'm2', ts: 10, metrics: { temp: 30 } },
    ]);
    live.ingest([{ machineId: 'm1', ts: 9, metrics: { temp: 99 } }]);
    expect(live.sensorsOf('m1')?.get('temp')).toEqual({ value: 21, ts: 11, receivedAt: 1_000, quality: 'good' });
    expect(live.sensorsOf('m1')?.get('rpm')?.value).toBe(1500);
    expect(live.sensorsOf('m2')?.get('temp')?.value).toBe(30);
  });

  it('notifies only the affected machine, once per frame however many readings arrived', () => {
    const { live, frame, frames } = setup();
    let m1 = 0;
    let m2 = 0;
    live.subscribe('m1', () => m1++);
    live.subscribe('m2', () => m2++);

    for (let ts = 1; ts <= 50; ts++) live.ingest([{ machineId: 'm1', ts, metrics: { temp: ts } }]);
    expect(m1).toBe(0);
    expect(frames).toHaveLength(1);
    frame();
    expect([m1, m2]).toEqual([1, 0]);
    expect(live.version('m1')).toBe(1);
    expect(live.version('m2')).toBe(0);

    live.ingest([{ machineId: 'm2', ts: 1, metrics: { temp: 5 } }]);
    frame();
    expect([m1, m2]).toEqual([1, 1]);
  });

  it('stops notifying after unsubscribe', () => {
    const { live, frame } = setup();
    let calls = 0;
    const stop = live.subscribe('m1', () => calls++);
    stop();
    live.ingest([{ machineId: 'm1', ts: 1, metrics: { temp: 1 } }]);
    frame();
    expect(calls).toBe(0);
  });

  it('marks a value stale when nothing new arrived within the limit, and fresh again on a new reading', () => {
    const { live, frame, advance } = setup();
    let calls = 0;
    live.subscribe('m1', () => calls++);
    live.ingest([{ machineId: 'm1', ts: 1, metrics: { temp: 1 } }]);
    frame();

    advance(15_000);
    live.sweep();
    frame();
    expect(live.sensorsOf('m1')?.get('temp')?.quality).toBe('good');

    advance(1);
    live.sweep();
    frame();
    expect(live.sensorsOf('m1')?.get('temp')).toMatchObject({ value: 1, quality: 'stale' });
    expect(calls).toBe(2);

    live.ingest([{ machineId: 'm1', ts: 2, metrics: { temp: 2 } }]);
    expect(live.sensorsOf('m1')?.get('temp')?.quality).toBe('good');
  });

  it('takes the host status unless its own value is newer, and invalidates on a lost host', () => {
    const { live } = setup();
    live.ingest([{ machineId: 'm1', ts: 20, metrics: { temp: 7 } }]);
    live.applyStatus([
      machine('m1', { temp: { value: 5, ts: 10, quality: 'stale' }, rpm: { value: null, ts: 10, quality: 'offline' } }),
    ]);
    expect(live.sensorsOf('m1')?.get('temp')).toMatchObject({ value: 7, quality: 'good' });
    expect(live.sensorsOf('m1')?.get('rpm')).toMatchObject({ value: null, quality: 'offline' });

    live.applyStatus([machine('m1', { temp: { value: 7, ts: 20, quality: 'stale' } })]);
    expect(live.sensorsOf('m1')?.get('temp')?.quality).toBe('stale');

    live.ingest([{ machineId: 'm1', ts: 30, metrics: { temp: 8 } }]);
    live.invalidate();
    expect(live.sensorsOf('m1')?.get('temp')).toMatchObject({ value: 8, quality: 'stale' });
  });
});

describe('LiveTelemetry.tap', () => {
  it('hands every reading of the tapped machine to the tap, including ones older than the latest', () => {
    const { live } = setup();
    const seen: number[] = [];
    const stop = live.tap('m1', (reading) => seen.push(reading.ts));
    live.ingest([
      { machineId: 'm1', ts: 10, metrics: { temp: 1 } },
      { machineId: 'm2', ts: 11, metrics: { temp: 1 } },
      { machineId: 'm1', ts: 9, metrics: { temp: 1 } },
    ]);
    stop();
    live.ingest([{ machineId: 'm1', ts: 12, metrics: { temp: 1 } }]);
    expect(seen).toEqual([10, 9]);
  });
});

describe('LiveTelemetry.recent', () => {
  it('keeps the latest RECENT_POINTS values per sensor in arrival order, skips late readings, and forgets on clear', async () => {
    const { RECENT_POINTS } = await import('./live-telemetry');
    const { live } = setup();
    for (let i = 0; i < RECENT_POINTS + 5; i++) live.ingest([{ machineId: 'm1', ts: 100 + i, metrics: { temp: i } }]);
    live.ingest([{ machineId: 'm1', ts: 1, metrics: { temp: -1 } }]);
    const recent = live.recent('m1', 'temp');
    expect(recent).toHaveLength(RECENT_POINTS);
    expect(recent[0]).toBe(5);
    expect(recent.at(-1)).toBe(RECENT_POINTS + 4);
    expect(live.recent('m1', 'other')).toEqual([]);
    live.clear();
    expect(live.recent('m1', 'temp')).toEqual([]);
  });
});

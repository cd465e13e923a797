// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Machine } from '../../../common/telemetry';
import { LiveTelemetry } from '../state/live-telemetry';
import '../test-dom';
import { summaryFixture } from '../test-fixtures';
import { MachineTile } from './MachineTile';

let container: HTMLElement;
let root: Root;
let now: number;
let frames: (() => void)[];
let live: LiveTelemetry;

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  now = 100_000;
  frames = [];
  live = new LiveTelemetry({ now: () => now, schedule: (flush) => frames.push(flush) });
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const press = {
  id: 'site/a1/press-1',
  name: 'Press 1',
  site: 'site',
  area: 'Stamping',
  type: 'press',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state: 'online',
  sensors: {
    force: { value: 812.46, ts: 50, quality: 'good' },
    temp: { value: 61.04, ts: 40, quality: 'stale' },
  },
} satisfies Machine;

const sensor = (name: string) => container.querySelector<HTMLElement>(`[data-testid="sensor-value"][data-sensor="${name}"]`)!;
const flushFrames = () => act(() => frames.splice(0).forEach((flush) => flush()));

describe('MachineTile', () => {
  it('shows name, type, area and each value with one decimal; a stale sensor says STALE', () => {
    live.applyStatus([press]);
    act(() => root.render(<MachineTile machine={press} live={live} />));

    const tile = container.querySelector('[data-testid="machine-tile"]')!;
    expect(tile.getAttribute('data-machine-id')).toBe('site/a1/press-1');
    expect(tile.textContent).toContain('Press 1');
    expect(tile.textContent).toContain('press · Stamping');

    expect(sensor('force').dataset.quality).toBe('good');
    expect(sensor('force').textContent).toBe('force812.5');
    expect(sensor('temp').dataset.quality).toBe('stale');
    expect(sensor('temp').textContent).toContain('STALE');
  });

  it('follows live readings and goes STALE when they stop arriving', () => {
    live.applyStatus([press]);
    act(() => root.render(<MachineTile machine={press} live={live} />));

    live.ingest([{ machineId: press.id, ts: 60, metrics: { force: 799.95, temp: -0.01 } }]);
    flushFrames();
    expect(sensor('force').textContent).toBe('force800.0');
    expect(sensor('temp').textContent).toBe('temp0.0');
    expect(sensor('temp').dataset.quality).toBe('good');

    now += 15_001;
    live.sweep();
    flushFrames();
    expect(sensor('force').dataset.quality).toBe('stale');
    expect(sensor('force').textContent).toContain('STALE');
  });

  it('keeps each metric in its row when limits arrive and only re-rank the same metrics', () => {
    live.applyStatus([press]);
    const rows = () => [...container.querySelectorAll('[data-testid="sensor-value"]')].map((e) => e.getAttribute('data-sensor'));
    act(() => root.render(<MachineTile machine={press} live={live} metrics={2} />));
    expect(rows()).toEqual(['force', 'temp']);
    const forceRow = sensor('force');
    // temp has limits now and would rank first; the rows stay where they are
    act(() => root.render(<MachineTile machine={press} live={live} limits={{ temp: { H: 80 } }} metrics={2} />));
    expect(rows()).toEqual(['force', 'temp']);
    expect(sensor('force')).toBe(forceRow);
    // a fresh tile with the same limits ranks temp first
    act(() => root.render(<MachineTile key="fresh" machine={press} live={live} limits={{ temp: { H: 80 } }} metrics={2} />));
    expect(rows()).toEqual(['temp', 'force']);
  });

  it('shows units from the machine, counters as whole numbers with grouping, and bars with limits and the normal band', () => {
    const eng = {
      force: { unit: 'kN', normal: { low: 700, high: 850 }, display: { low: 0, high: 1000 } },
      parts: { unit: 'parts', counter: true },
    };
    const withUnits = { ...press, sensors: { ...press.sensors, parts: { value: 274988.4, ts: 50, quality: 'good' } }, eng } satisfies Machine;
    live.applyStatus([withUnits]);
    live.ingest([{ machineId: press.id, ts: 60, metrics: { force: 810, parts: 274990 } }]);
    live.ingest([{ machineId: press.id, ts: 61, metrics: { force: 870 } }]);
    flushFrames();
    act(() => root.render(<MachineTile machine={withUnits} live={live} limits={{ force: { H: 900, HH: 950 } }} metrics={2} />));
    // force has limits, temp has neither range nor limits; the counter gets no bar
    expect([...container.querySelectorAll('[data-testid="sensor-value"]')].map((e) => e.getAttribute('data-sensor'))).toEqual(['force', 'temp']);
    expect(sensor('force').textContent).toBe('force870kN');
    expect(sensor('force').dataset.zone).toBe('abnormal');
    // bar and sparkline are drawn into a canvas (metric-graph.test.ts checks where the marks land); two readings make a sparkline
    const graph = sensor('force').querySelector('[data-testid="analog-bar"]')!;
    expect(graph.tagName).toBe('CANVAS');
    expect(graph.getAttribute('aria-hidden')).toBe('true');
    expect(graph.getAttribute('data-sparkline')).toBe('drawn');
    expect(sensor('temp').querySelector('[data-testid="analog-bar"]')?.getAttribute('data-sparkline')).toBe('none');

    // a counter only climbs: it gets no bar on a tile (the area table and machine screen print it, grouped)
    act(() => root.render(<MachineTile machine={withUnits} live={live} />));
    expect(sensor('parts')).toBeNull();
  });

  it('draws less as the density drops: no bars in a mini tile, only the name in a micro tile', () => {
    live.applyStatus([press]);
    act(() => root.render(<MachineTile machine={press} live={live} density="mini" />));
    expect(container.querySelectorAll('[data-testid="sensor-value"]')).toHaveLength(0);
    expect(container.querySelector('[data-testid="machine-state"]')?.textContent).toBe('ONLINE');
    act(() => root.render(<MachineTile machine={press} live={live} density="micro" />));
    expect(container.querySelector('[data-testid="machine-state"]')).toBeNull();
    // the full name, type, area and state on hover and for screen readers
    expect(container.querySelector('[data-testid="machine-tile"]')?.getAttribute('title')).toBe('Press 1 (press · Stamping) online');
  });

  it('keeps one line under the name (the same element) as it goes from type and area to the condition, and to when data stopped', () => {
    live.applyStatus([press]);
    act(() => root.render(<MachineTile machine={press} live={live} />));
    const line = container.querySelector('.tile-line')!;
    expect(line.textContent).toBe('press · Stamping');
    expect(line.getAttribute('data-testid')).toBeNull();
    act(() => root.render(<MachineTile machine={press} live={live} condition={summaryFixture({ machineId: press.id, health: 91 })} />));
    expect(container.querySelector('.tile-line')).toBe(line);
    expect(line.getAttribute('data-testid')).toBe('tile-condition');
    expect(line.querySelector('[data-testid="tile-health"]')?.textContent).toBe('health 91');
    const offline = { ...press, state: 'offline' } satisfies Machine;
    act(() => root.render(<MachineTile machine={offline} live={live} condition={summaryFixture({ machineId: press.id, health: 91 })} />));
    expect(container.querySelector('.tile-line')).toBe(line);
    expect(line.querySelector('[data-testid="stale-since"]')?.textContent).toMatch(/^last data /);
    expect(line.getAttribute('data-testid')).toBeNull();
  });

  it('shows every sensor of an offline machine as OFFLINE', () => {
    const offline = { ...press, state: 'offline' } satisfies Machine;
    live.applyStatus([offline]);
    act(() => root.render(<MachineTile machine={offline} live={live} />));
    expect(sensor('force').dataset.quality).toBe('offline');
    expect(sensor('force').textContent).toContain('OFFLINE');
  });

  it('shows a value its source marked Bad as BAD, not as a normal number, until a good value comes', () => {
    const marked = { ...press, sensors: { ...press.sensors, force: { value: 790, ts: 60, quality: 'bad' }, temp: { value: null, ts: 60, quality: 'uncertain' } } } satisfies Machine;
    live.applyStatus([press]);
    live.applyStatus([marked]);
    act(() => root.render(<MachineTile machine={marked} live={live} />));
    flushFrames();
    expect(sensor('force').dataset.quality).toBe('bad');
    expect(sensor('force').className).toContain('quality-bad');
    expect(sensor('force').textContent).toBe('force790.0BAD');
    expect(sensor('temp').dataset.quality).toBe('uncertain');
    expect(sensor('temp').textContent).toContain('UNCERTAIN');
    act(() => live.ingest([{ machineId: press.id, ts: 70, metrics: { force: 800 } }]));
    flushFrames();
    expect(sensor('force').dataset.quality).toBe('good');
  });
});

// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Machine } from '../../../common/telemetry';
import { LiveTelemetry } from '../state/live-telemetry';
import '../test-dom';
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

  it('shows every sensor of an offline machine as OFFLINE', () => {
    const offline = { ...press, state: 'offline' } satisfies Machine;
    live.applyStatus([offline]);
    act(() => root.render(<MachineTile machine={offline} live={live} />));
    expect(sensor('force').dataset.quality).toBe('offline');
    expect(sensor('force').textContent).toContain('OFFLINE');
  });
});

// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, EventName } from '../../../common/contract';
import type { Alarm } from '../../../common/contract-alarms';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { alarmRow } from '../../../test/support/alarm-row';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { WallboardView } from './WallboardView';

const machine = (id: string, area: string): Machine => ({
  id,
  name: id,
  site: 's',
  area,
  type: 'press',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state: 'online',
  sensors: {},
});
const alarm = (priority: Alarm['priority']) => alarmRow(`a-${priority}`, { priority, level: 'HH', message: 'temperature high high', value: 80, limit: 72 });

let container: HTMLElement;
let root: Root;
let services: Services;
let emit: (name: EventName, payload: unknown) => void;

beforeEach(() => {
  vi.useFakeTimers();
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  const bridge: Bridge = {
    invoke: (async () => ({ ok: false, error: { code: 'internal', message: 'not in this test' } })) as Bridge['invoke'],
    // Like the real bridges, any number of subscribers (services, screens) each get every event.
    onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  emit = (name, payload) => listeners.forEach((l) => l(name, payload));
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
  services.receiveMachines([machine('m1', 'air'), machine('m2', 'forming')], true);
  services.alarms.getState().replace([]);
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
  vi.useRealTimers();
});

const board = () => container.querySelector<HTMLElement>('[data-testid="wallboard"]')!;

describe('WallboardView', () => {
  it('rotates through overview and areas, and a new high-priority alarm pauses it where it is', () => {
    act(() =>
      root.render(
        <ServicesContext value={services}>
          <WallboardView name="plant" query="rotate=5" />
        </ServicesContext>,
      ),
    );
    expect(board().dataset['page']).toBe('0');
    act(() => vi.advanceTimersByTime(5_000));
    expect(board().dataset['page']).toBe('1');
    expect(container.querySelector('[data-testid="wallboard-page"]')?.textContent).toContain('Area air');

    act(() => emit('alarms', { alarms: [alarm('low')] }));
    act(() => vi.advanceTimersByTime(5_000));
    expect(board().dataset['page']).toBe('2');

    act(() => emit('alarms', { alarms: [alarm('critical')] }));
    expect(board().dataset['paused']).toBe('alarm');
    expect(container.querySelector('[data-testid="rotation-state"]')?.textContent).toContain('new high-priority alarm');
    expect(container.querySelector('[data-testid="alarm-banner"] [data-priority="critical"]')?.textContent).toBe('1');
    act(() => vi.advanceTimersByTime(20_000));
    expect(board().dataset['page']).toBe('2');

    act(() => container.querySelector<HTMLButtonElement>('[data-testid="rotation-toggle"]')!.click());
    act(() => vi.advanceTimersByTime(5_000));
    expect(board().dataset['page']).toBe('0');
  });

  it('names the known boards when the address names none', () => {
    act(() =>
      root.render(
        <ServicesContext value={services}>
          <WallboardView name="nowhere" query="" />
        </ServicesContext>,
      ),
    );
    expect(container.querySelector('[data-testid="wallboard-unknown"]')?.textContent).toMatch(/overview, plant, areas/);
  });
});

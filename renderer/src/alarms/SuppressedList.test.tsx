// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName, EventName } from '../../../common/contract';
import type { Alarm } from '../../../common/contract-alarms';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import { alarmFixture } from '../test-fixtures';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { HeldLimits } from './HeldLimits';
import { ShelvedList, SuppressedList } from './ShelvedList';

const held = (machineId: string, sensor: string, reason: string): Alarm =>
  alarmFixture(`limit:${machineId}:${sensor}:L`, { machineId, sensor, level: 'L', state: 'suppressed-by-design', active: false, message: `${sensor} low: < 5`, raisedAt: null, modeReason: reason, value: null, limit: 5 });

let container: HTMLElement;
let root: Root;
let services: Services;
let suppressed: Alarm[];
let asked: { states?: string[]; machineId?: string }[];
let emit: (name: EventName, payload: unknown) => void;

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  suppressed = [held('m1', 'pressure', 'machine idle'), held('m2', 'flow', 'start-up: waiting for value above 5.1')];
  asked = [];
  const listeners: ((name: EventName, payload: unknown) => void)[] = [];
  emit = (name, payload) => listeners.forEach((l) => l(name, payload));
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: { filter: { states?: string[]; machineId?: string } }) => {
      if (name !== 'alarms.active') return { ok: false, error: { code: 'internal', message: 'not in this test' } };
      asked.push(request.filter);
      const states = new Set(request.filter.states);
      const alarms = suppressed.filter((a) => states.has(a.state) && (!request.filter.machineId || a.machineId === request.filter.machineId));
      return { ok: true, data: { alarms, total: alarms.length, floods: [] } };
    }) as Bridge['invoke'],
    onEvent: (listener) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
});

async function show(node: React.ReactNode) {
  await act(async () => root.render(<ServicesContext value={services}>{node}</ServicesContext>));
  await vi.waitFor(() => expect(asked.length).toBeGreaterThan(0));
}
const text = (testId: string) => [...container.querySelectorAll(`[data-testid="${testId}"]`)].map((e) => e.textContent);

describe('the suppressed-by-design list', () => {
  it('lists each suppressed alarm with its reason and counts them in the tab header', async () => {
    await show(<SuppressedList />);
    await vi.waitFor(() => expect(container.querySelectorAll('[data-testid="alarm-suppressed-table"] [data-testid="alarm-row"]')).toHaveLength(2));
    expect(text('suppressed-count')).toEqual([' (2)']);
    expect(text('suppressed-reason').sort()).toEqual([' (machine idle)', ' (start-up: waiting for value above 5.1)']);
    // A suppressed alarm can be taken out of service, not shelved.
    expect(container.querySelector('[data-testid="alarm-suppressed-table"] [data-testid="alarm-shelve"]')).toBeNull();
    expect(asked.every((f) => f.states?.join() === 'suppressed-by-design')).toBe(true);
  });

  it('asks again when an alarm leaves the list, and not for an alarm that has nothing to do with it', async () => {
    await show(<SuppressedList />);
    await vi.waitFor(() => expect(text('suppressed-count')).toEqual([' (2)']));
    const before = asked.length;
    await act(async () => emit('alarms', { alarms: [alarmFixture('limit:m3:temperature:H')] }));
    expect(asked.length).toBe(before);
    const armed = { ...suppressed[1]!, state: 'normal' as const, modeReason: null };
    suppressed = [suppressed[0]!];
    await act(async () => emit('alarms', { alarms: [armed] }));
    await vi.waitFor(() => expect(text('suppressed-count')).toEqual([' (1)']));
  });

  it('counts them in the tab header of the other alarm screens too', async () => {
    await show(<ShelvedList />);
    await vi.waitFor(() => expect(text('suppressed-count')).toEqual([' (2)']));
    expect(container.querySelector('[data-testid="alarm-shelved-empty"]')?.textContent).toContain('No alarm is shelved or out of service');
  });

  it('shows a machine its held limits with why', async () => {
    await show(<HeldLimits machineId="m1" />);
    await vi.waitFor(() => expect(text('held-limit')).toEqual(['pressure low: < 5 — machine idle']));
    expect(asked.at(-1)).toMatchObject({ machineId: 'm1' });
  });
});

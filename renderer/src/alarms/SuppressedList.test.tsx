// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge, CallName, EventName } from '../../../common/contract';
import type { Alarm } from '../../../common/contract-alarms';
import { createServices, type Services } from '../app/services';
import { setPlantTimeZone } from '../app/plant-zone';
import { ServicesContext } from '../app/services-context';
import { alarmRow } from '../../../test/support/alarm-row';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { HeldLimits } from './HeldLimits';
import { ShelvedList, SuppressedList } from './ShelvedList';

const held = (machineId: string, sensor: string, reason: string): Alarm =>
  alarmRow(`limit:${machineId}:${sensor}:L`, { machineId, sensor, level: 'L', state: 'suppressed-by-design', active: false, message: `${sensor} low: < 5`, raisedAt: null, modeReason: reason, value: null, limit: 5 });

/** 07:01:01 on the plant's clock in Berlin. */
const SINCE = Date.UTC(2026, 11, 6, 6, 1, 1);

let container: HTMLElement;
let root: Root;
let services: Services;
let suppressed: Alarm[];
let asked: { states?: string[]; machineId?: string }[];
let emit: (name: EventName, payload: unknown) => void;

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  suppressed = [held('m1', 'pressure', 'machine idle'), { ...held('m2', 'flow', 'start-up: waiting for value above 5.1'), suppressedSince: SINCE }];
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

  it('says since when each is suppressed, on the plant clock, where the other screens say when an alarm was raised', async () => {
    setPlantTimeZone('Europe/Berlin');
    await show(<SuppressedList />);
    await vi.waitFor(() => expect(container.querySelectorAll('[data-testid="alarm-suppressed-table"] [data-testid="alarm-row"]')).toHaveLength(2));
    const headers = [...container.querySelectorAll('[data-testid="alarm-suppressed-table"] th')].map((th) => th.textContent);
    expect(headers).toContain('Suppressed since');
    expect(headers).not.toContain('Raised');
    const since = (id: string) => container.querySelector(`[data-alarm-id="${id}"] [data-testid="suppressed-since"]`)?.textContent;
    expect(since('limit:m2:flow:L')).toBe('06/12/2026, 07:01:01');
    // Held before the store kept the time (an alarm out of service when it was suppressed): unknown.
    expect(since('limit:m1:pressure:L')).toBe('—');
  });

  it('asks again when an alarm leaves the list, and not for an alarm that has nothing to do with it', async () => {
    await show(<SuppressedList />);
    await vi.waitFor(() => expect(text('suppressed-count')).toEqual([' (2)']));
    const before = asked.length;
    await act(async () => emit('alarms', { alarms: [alarmRow('limit:m3:temperature:H')] }));
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

  it('shows a machine since when each of its limits is held, on the plant clock', async () => {
    setPlantTimeZone('Europe/Berlin');
    await show(<HeldLimits machineId="m2" />);
    await vi.waitFor(() => expect(text('held-limit')).toEqual(['flow low: < 5 — start-up: waiting for value above 5.1 · Suppressed since 06/12/2026, 07:01:01']));
    expect(text('held-limit-since')).toEqual([' · Suppressed since 06/12/2026, 07:01:01']);
  });
});

// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge, CallName } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createServices, type Services } from '../app/services';
import { ServicesContext } from '../app/services-context';
import '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { SettingsView } from './SettingsView';

const DAY = 86_400_000;
const machine = (id: string, lastSeen: number): Machine => ({ id, name: id.split('/').pop()!, site: 'p1', area: 'hall', type: 'press', protocol: 'modbus', firstSeen: 0, lastSeen, state: 'stale', sensors: {} });

let container: HTMLElement;
let root: Root;
let services: Services;
let known: Machine[];
let received: { name: CallName; request: Record<string, unknown> }[];

beforeEach(() => {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  received = [];
  known = [machine('p1/hall/gone', 1 * DAY), machine('p1/hall/live', Date.now())];
  const answers: Partial<Record<CallName, (r: Record<string, unknown>) => unknown>> = {
    'machines.silent': (r) => known.filter((m) => Date.now() - m.lastSeen > (r['days'] as number) * DAY),
    'machines.retire': (r) => {
      const ids = r['machineIds'] as string[];
      known = known.filter((m) => !ids.includes(m.id));
      return { retired: ids };
    },
    'machines.list': () => known,
  };
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: Record<string, unknown>) => {
      received.push({ name, request });
      const answer = answers[name];
      return answer ? { ok: true, data: answer(request) } : { ok: false, error: { code: 'unknown_call', message: `no ${name} here` } };
    }) as Bridge['invoke'],
    onEvent: () => () => undefined,
  };
  services = createServices(bridge, sessionTokenStore(sessionStorage), { schedule: (flush) => flush() });
  services.machines.getState().replace(known);
});
afterEach(() => {
  act(() => root.unmount());
  services.dispose();
  container.remove();
});

async function show(role: 'supervisor' | 'operator') {
  services.session.setState({ status: 'loggedIn', user: { id: 1, username: 'u', role }, token: 't' });
  await act(async () => {
    root.render(
      <ServicesContext value={services}>
        <SettingsView />
      </ServicesContext>,
    );
  });
  await act(async () => undefined);
}

describe('machines not heard from (settings)', () => {
  it('lists machines silent for the chosen days and retires one, updating this screen’s machines', async () => {
    await show('supervisor');
    const rows = () => [...container.querySelectorAll('[data-testid="silent-row"]')].map((r) => r.getAttribute('data-id'));
    expect(rows()).toEqual(['p1/hall/gone']);
    await act(async () => (container.querySelector('[data-testid="silent-retire"]') as HTMLButtonElement).click());
    await act(async () => undefined);
    expect(received.find((c) => c.name === 'machines.retire')?.request).toEqual({ machineIds: ['p1/hall/gone'], days: 30 });
    expect(rows()).toEqual([]);
    expect(container.querySelector('[data-testid="silent-none"]')).not.toBeNull();
    expect(Object.keys(services.machines.getState().byId)).toEqual(['p1/hall/live']);
  });

  it('is not offered to an operator', async () => {
    await show('operator');
    expect(container.querySelector('[data-testid="settings-silent-machines"]')).toBeNull();
    expect(received.some((c) => c.name === 'machines.silent')).toBe(false);
  });
});

// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bridge, CallName, EventName, Health } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { alarmRow } from '../../../test/support/alarm-row';
import { fillIn, submit } from '../test-dom';
import { sessionTokenStore } from '../transport/session-token';
import { App } from './App';
import { createServices, type Services } from './services';
import { ServicesContext } from './services-context';

const admin = { id: 1, username: 'admin', role: 'admin' } as const;
const machine = (id: string, area: string): Machine => ({
  id,
  name: id,
  site: 'plant',
  area,
  type: 'press',
  protocol: 'json',
  firstSeen: 0,
  lastSeen: 0,
  state: 'online',
  sensors: { force: { value: 1, ts: 1, quality: 'good' } },
});
const health = {
  status: 'ok',
  uptimeS: 1,
  broker: { url: 'mqtt://x', embedded: true, state: 'connected', lastError: null },
  simulator: { running: true, machines: 2 },
  machinesKnown: 2,
  readingsPerSecond: 41.25,
  quarantine: { total: 0, byReason: {} },
  store: { path: 'x', bytes: 0, pendingRows: 0, lastError: null },
  models: { state: 'not_loaded', detail: '' },
  versions: {},
} satisfies Health;

/** A host in memory: answers by call name and pushes events on demand. */
function fakeHost(answers: Partial<Record<CallName, (request: unknown) => unknown>>) {
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const received: CallName[] = [];
  const bridge: Bridge = {
    invoke: (async (name: CallName, request: unknown) => {
      received.push(name);
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'unauthenticated', message: 'log in first' } };
      // An answer that throws an error object stands for the host refusing the call.
      try {
        return { ok: true, data: answer(request) };
      } catch (error) {
        return { ok: false, error };
      }
    }) as Bridge['invoke'],
    onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
  return { bridge, received, emit: (name: EventName, payload: unknown) => listeners.forEach((l) => l(name, payload)) };
}

let container: HTMLElement;
let root: Root;
let services: Services | undefined;
let frames: (() => void)[];

beforeEach(() => {
  sessionStorage.clear();
  frames = [];
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  services?.dispose();
  container.remove();
});

async function boot(host: ReturnType<typeof fakeHost>) {
  const tokens = sessionTokenStore(sessionStorage);
  services = createServices(host.bridge, tokens, { schedule: (flush) => frames.push(flush) });
  const ready = services;
  await act(async () => {
    root.render(
      <ServicesContext value={ready}>
        <App />
      </ServicesContext>,
    );
    await ready.session.getState().start();
  });
}

const $ = (selector: string) => container.querySelector<HTMLElement>(selector);
const settle = () => act(async () => undefined);

describe('App', () => {
  it('walks from first-run setup to the plant screen and back out', async () => {
    const host = fakeHost({
      'auth.state': () => ({ needsSetup: true, user: null, locked: false }),
      'auth.setup': () => ({ user: admin, token: 'tok-9' }),
      'machines.list': () => [machine('press-2', 'Stamping'), machine('oven-1', 'Baking'), machine('press-1', 'Stamping')],
      'health.get': () => health,
      'auth.logout': () => ({ ok: true }),
    });
    await boot(host);
    expect($('[data-testid="login-username"]')).toBeNull();

    fillIn(container, 'setup-username', 'admin');
    fillIn(container, 'setup-password', 'a long enough secret');
    fillIn(container, 'setup-confirm', 'a long enough secret');
    await submit(container, 'setup-submit');
    await settle();

    expect(sessionStorage.getItem('factorybrain.session')).toBe('tok-9');
    expect($('[data-testid="broker-state"]')?.textContent).toBe('connected');
    expect($('[data-testid="readings-rate"]')?.textContent).toBe('41.3');
    expect($('[data-testid="current-user"]')?.textContent).toBe('admin');
    const order = [...container.querySelectorAll('[data-testid="machine-tile"]')].map((tile) => tile.getAttribute('data-machine-id'));
    expect(order).toEqual(['oven-1', 'press-1', 'press-2']);

    host.emit('telemetry', { readings: [{ machineId: 'press-1', ts: 5, metrics: { force: 12.34 } }] });
    // the tile pacer draws within a time budget per frame: on a loaded machine the tile may come a frame later
    act(() => {
      for (let i = 0; i < 20 && frames.length > 0; i++) frames.splice(0).forEach((flush) => flush());
    });
    expect($('[data-machine-id="press-1"] [data-sensor="force"] .sensor-value')?.textContent).toBe('12.3');

    await act(async () => $('[data-testid="logout"]')?.click());
    expect(host.received).toContain('auth.logout');
    expect($('[data-testid="login-username"]')).not.toBeNull();
    expect(sessionStorage.getItem('factorybrain.session')).toBeNull();
    expect(services?.machines.getState().byId).toEqual({});
  });

  it('resumes the session kept in sessionStorage after a reload', async () => {
    sessionStorage.setItem('factorybrain.session', 'tok-1');
    const host = fakeHost({
      'auth.state': () => ({ needsSetup: false, user: null, locked: false }),
      'auth.resume': (request) => ({ user: admin, token: (request as { token: string }).token }),
      'machines.list': () => [],
      'health.get': () => health,
    });
    await boot(host);
    await settle();
    expect(host.received.slice(0, 2)).toEqual(['auth.state', 'auth.resume']);
    expect($('[data-testid="logout"]')).not.toBeNull();
    expect($('.plant-empty')?.textContent).toBe('No machines have reported yet.');
  });

  it('drops to the login form when the host no longer knows the session', async () => {
    const host = fakeHost({
      'auth.state': () => ({ needsSetup: false, user: admin, locked: false }),
      'machines.list': () => [],
    });
    await boot(host);
    await settle();
    expect($('[data-testid="login-notice"]')?.textContent).toMatch(/session has ended/);
  });

  it('shows the lock screen when the host locked the session, keeps the alarm banner live, and unlocks', async () => {
    let locked = true;
    const refuseWhileLocked = (data: unknown) => () => {
      if (locked) throw { code: 'locked', message: 'the screen is locked' };
      return data;
    };
    const host = fakeHost({
      'auth.state': () => ({ needsSetup: false, user: admin, locked }),
      'machines.list': refuseWhileLocked([machine('press-1', 'Stamping')]),
      'health.get': refuseWhileLocked(health),
      'alarms.active': refuseWhileLocked({ alarms: [], total: 0, floods: [] }),
      'auth.unlock': (request) => {
        if ((request as { password: string }).password !== 'a long enough secret') throw { code: 'unauthenticated', message: 'wrong username or password' };
        locked = false;
        return { locked: false };
      },
    });
    // Logged in and unlocked at first; the host locks it on its idle timer, and the next call finds out.
    locked = false;
    await boot(host);
    await settle();
    expect($('[data-testid="logout"]')).not.toBeNull();
    locked = true;
    await act(async () => services!.session.getState().lockedByHost());
    expect($('[data-testid="lock-screen"]')).not.toBeNull();
    expect($('[data-testid="lock-user"]')?.textContent).toBe('admin');

    const raised = alarmRow('a1', { machineId: 'press-1', sensor: 'force', level: 'HH', priority: 'critical', message: 'force high high', raisedAt: 5, value: 9, limit: 8, updatedAt: 5 });
    act(() => host.emit('alarms', { alarms: [raised] }));
    expect($('[data-testid="alarm-banner"]')?.getAttribute('data-state')).toBe('active');
    expect($('[data-testid="alarm-banner-top"]')?.textContent).toContain('force high high');

    fillIn(container, 'unlock-password', 'wrong password!');
    await submit(container, 'unlock-submit');
    await settle();
    expect($('[data-testid="unlock-error"]')?.textContent).toBe('Wrong username or password.');
    expect($('[data-testid="lock-screen"]')).not.toBeNull();

    fillIn(container, 'unlock-password', 'a long enough secret');
    await submit(container, 'unlock-submit');
    await settle();
    expect($('[data-testid="lock-screen"]')).toBeNull();
    expect($('[data-testid="lock"]')).not.toBeNull();
    // Back on the plant screen, the host's list is the truth again.
    expect(host.received.filter((n) => n === 'alarms.active').length).toBeGreaterThanOrEqual(2);
    expect($('[data-testid="host-problem"]')).toBeNull();
  });
});

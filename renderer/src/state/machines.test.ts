import { describe, expect, it } from 'vitest';
import type { Bridge, EventName } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createServices } from '../app/services';
import type { TokenStore } from '../transport/session-token';
import { createMachinesStore } from './machines';

const machine = (id: string, lastSeen = 0): Machine => ({
  id,
  name: id,
  site: 'plant',
  area: 'line',
  type: 'press',
  protocol: 'json',
  firstSeen: 0,
  lastSeen,
  state: 'online',
  sensors: {},
});

describe('machines store', () => {
  it('upserts the machines an event carries and keeps the others', () => {
    const store = createMachinesStore();
    store.getState().replace([machine('a'), machine('b')]);
    store.getState().upsert([machine('b', 5), machine('c')]);
    expect(Object.keys(store.getState().byId).sort()).toEqual(['a', 'b', 'c']);
    expect(store.getState().byId.b?.lastSeen).toBe(5);
  });

  it('drops retired machines, and leaves the state as it was when none of them is known', () => {
    const store = createMachinesStore();
    store.getState().replace([machine('a'), machine('b'), machine('c')]);
    store.getState().remove(['a', 'c', 'never-heard-of']);
    expect(Object.keys(store.getState().byId)).toEqual(['b']);
    expect(store.getState().loaded).toBe(true);
    const before = store.getState();
    store.getState().remove(['ghost']);
    expect(store.getState()).toBe(before);
  });

  it('drops a machine as soon as a machines event says it was retired', () => {
    const listeners = new Set<(name: EventName, payload: unknown) => void>();
    const bridge: Bridge = {
      invoke: (async () => ({ ok: false, error: { code: 'unauthenticated', message: 'log in first' } })) as Bridge['invoke'],
      onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    };
    const emit = (name: EventName, payload: unknown) => listeners.forEach((l) => l(name, payload));
    const tokens: TokenStore = { get: () => null, set: () => undefined, clear: () => undefined };
    const services = createServices(bridge, tokens, { schedule: () => undefined });
    try {
      services.machines.getState().replace([machine('plant/line/old'), machine('plant/line/new')]);
      emit('machines', { machines: [], removed: ['plant/line/old'] });
      expect(Object.keys(services.machines.getState().byId)).toEqual(['plant/line/new']);
      // an event without `removed` (a console on an older host) still only upserts
      emit('machines', { machines: [machine('plant/line/other')] });
      expect(Object.keys(services.machines.getState().byId).sort()).toEqual(['plant/line/new', 'plant/line/other']);
    } finally {
      services.dispose();
    }
  });
});

import type { Bridge } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createAlarmsStore } from '../state/alarms';
import { createConditionsStore } from '../state/conditions';
import { createHealthStore } from '../state/health';
import { createLimitsStore } from '../state/limits';
import { createPreferencesStore } from './preferences';
import { LiveTelemetry, type LiveTelemetryOptions } from '../state/live-telemetry';
import { createMachinesStore } from '../state/machines';
import { createSessionStore } from '../state/session';
import { CallError, createCaller, subscribeEvents, type Caller } from '../transport/client';
import type { TokenStore } from '../transport/session-token';

const SWEEP_MS = 1_000;

export type Services = ReturnType<typeof createServices>;

/** Wires one bridge to the stores; everything the screens use hangs off the returned object. */
export function createServices(bridge: Bridge, tokens: TokenStore, liveOptions?: LiveTelemetryOptions, storage: Pick<Storage, 'getItem' | 'setItem'> | null = null) {
  const hostCall = createCaller(bridge);
  const preferences = createPreferencesStore(storage);
  const session = createSessionStore(hostCall, tokens);
  // The host locks an idle session on its own; the first refused call is how this screen learns it.
  const call: Caller = async (name, request) => {
    try {
      return await hostCall(name, request);
    } catch (error) {
      if (error instanceof CallError && error.code === 'locked') session.getState().lockedByHost();
      throw error;
    }
  };
  const machines = createMachinesStore();
  const health = createHealthStore();
  const alarms = createAlarmsStore();
  const conditions = createConditionsStore();
  const limits = createLimitsStore();
  const live = new LiveTelemetry(liveOptions);

  const receiveMachines = (list: readonly Machine[], whole: boolean) => {
    if (whole) machines.getState().replace(list);
    else machines.getState().upsert(list);
    live.applyStatus(list);
  };

  const unsubscribeEvents = subscribeEvents(bridge, {
    telemetry: ({ readings }) => live.ingest(readings),
    machines: ({ machines: list, removed }) => {
      receiveMachines(list, false);
      if (removed && removed.length > 0) machines.getState().remove(removed);
    },
    health: (payload) => health.getState().received(payload),
    alarms: ({ alarms: list }) => alarms.getState().received(list),
  });

  // Another user's plant must not linger on screen after a logout or an expired session. A locked
  // session keeps it: the lock screen still shows the alarm banner, fed by the same events.
  const signedIn = (status: string) => status === 'loggedIn' || status === 'locked';
  const unsubscribeSession = session.subscribe((state, previous) => {
    if (!signedIn(previous.status) || signedIn(state.status)) return;
    machines.getState().clear();
    health.getState().clear();
    alarms.getState().clear();
    conditions.getState().clear();
    limits.getState().clear();
    live.clear();
  });

  const sweeper = setInterval(() => live.sweep(), SWEEP_MS);

  return {
    bridge,
    call,

    session,
    machines,
    health,
    alarms,
    conditions,
    limits,
    live,
    preferences,
    receiveMachines,
    dispose: () => {
      clearInterval(sweeper);
      unsubscribeEvents();
      unsubscribeSession();
    },
  };
}

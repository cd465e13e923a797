import type { Bridge } from '../../../common/contract';
import type { Machine } from '../../../common/telemetry';
import { createHealthStore } from '../state/health';
import { LiveTelemetry, type LiveTelemetryOptions } from '../state/live-telemetry';
import { createMachinesStore } from '../state/machines';
import { createSessionStore } from '../state/session';
import { createCaller, subscribeEvents } from '../transport/client';
import type { TokenStore } from '../transport/session-token';

const SWEEP_MS = 1_000;

export type Services = ReturnType<typeof createServices>;

/** Wires one bridge to the stores; everything the screens use hangs off the returned object. */
export function createServices(bridge: Bridge, tokens: TokenStore, liveOptions?: LiveTelemetryOptions) {
  const call = createCaller(bridge);
  const session = createSessionStore(call, tokens);
  const machines = createMachinesStore();
  const health = createHealthStore();
  const live = new LiveTelemetry(liveOptions);

  const receiveMachines = (list: readonly Machine[], whole: boolean) => {
    if (whole) machines.getState().replace(list);
    else machines.getState().upsert(list);
    live.applyStatus(list);
  };

  const unsubscribeEvents = subscribeEvents(bridge, {
    telemetry: ({ readings }) => live.ingest(readings),
    machines: ({ machines: list }) => receiveMachines(list, false),
    health: (payload) => health.getState().received(payload),
  });

  // Another user's plant must not linger on screen after a logout or an expired session.
  const unsubscribeSession = session.subscribe((state, previous) => {
    if (previous.status !== 'loggedIn' || state.status === 'loggedIn') return;
    machines.getState().clear();
    health.getState().clear();
    live.clear();
  });

  const sweeper = setInterval(() => live.sweep(), SWEEP_MS);

  return {
    call,
    session,
    machines,
    health,
    live,
    receiveMachines,
    dispose: () => {
      clearInterval(sweeper);
      unsubscribeEvents();
      unsubscribeSession();
    },
  };
}

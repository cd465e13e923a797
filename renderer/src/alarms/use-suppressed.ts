import { useEffect, useRef, useState } from 'react';
import type { Alarm } from '../../../common/contract-alarms';
import { useServices } from '../app/services-context';
import { describeFailure, subscribeEvents } from '../transport/client';

export interface Suppressed {
  /** null until the host answered. */
  list: Alarm[] | null;
  failure: string | null;
}

/**
 * The alarms suppressed by design now (ISA-18.2: protection that is not active, and why), for the
 * whole plant or one machine. The host is asked again only when an alarms event moves an alarm onto
 * or off the list, not on every alarm that changes.
 */
export function useSuppressed(machineId?: string): Suppressed {
  const { call, bridge } = useServices();
  const [state, setState] = useState<Suppressed>({ list: null, failure: null });
  const [tick, setTick] = useState(0);
  const shown = useRef(new Set<string>());

  useEffect(
    () =>
      subscribeEvents(bridge, {
        alarms: ({ alarms }) => {
          // Onto or off the list, or a listed alarm's reason changed (idle, then start-up).
          if (alarms.some((a) => a.state === 'suppressed-by-design' || shown.current.has(a.id))) setTick((t) => t + 1);
        },
      }),
    [bridge],
  );
  useEffect(() => {
    let live = true;
    call('alarms.active', { filter: { states: ['suppressed-by-design'], ...(machineId !== undefined && { machineId }) }, sort: 'machine', limit: 5000 }).then(
      (answer) => {
        if (!live) return;
        shown.current = new Set(answer.alarms.map((a) => a.id));
        setState({ list: answer.alarms, failure: null });
      },
      (error: unknown) => live && setState((s) => ({ list: s.list, failure: describeFailure(error) })),
    );
    return () => {
      live = false;
    };
  }, [call, machineId, tick]);
  return state;
}
